/*
 * report.h - the HTML audit report: one self-contained page (inline style
 * and script, no network resources, readable without scripts): spun
 * articles first, filters by verdict and evidence kind, a legend, a
 * sortable summary table, and per article its flags (linked to their
 * places) and its text beside its source in aligned sentence rows.  Every
 * piece of text, name and value is HTML-escaped (ds_html_escape, util.h).
 */
#ifndef DS_REPORT_H
#define DS_REPORT_H

#include "util.h"

struct ds_result;

/* An input that could not be scored (the strings are the caller's). */
struct ds_report_failure {
	const char *name;
	const char *reason;
};

/* Renders the page for results[0..n) and the inputs failed[0..nfailed)
 * (may be NULL when nfailed is 0) into b.  0 or DS_ENOMEM. */
int ds_report_render(struct ds_buf *b, const struct ds_result *const *results, size_t n,
		     const struct ds_report_failure *failed, size_t nfailed);

/* Bytes of a file's start that ds_report_is_page needs. */
#define DS_REPORT_HEAD_BYTES 512
/* Whether buf[0..n), the first bytes of a file (DS_REPORT_HEAD_BYTES of
 * them, or the whole file when shorter), begin a page ds_report_render
 * made: its doctype and head as written, and its title. */
int ds_report_is_page(const char *buf, size_t n);

#endif
