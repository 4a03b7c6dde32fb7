/*
 * report.h - the HTML audit report: one self-contained page (inline style
 * and script, no network resources) with a sortable table of results and,
 * per article, its text beside its source with substitutions highlighted.
 * Every piece of text, name and value is HTML-escaped.
 */
#ifndef DS_REPORT_H
#define DS_REPORT_H

#include "util.h"

struct ds_result;

/* Appends s[0..n) to b, HTML-escaped (& < > " ' and control bytes). */
int ds_html_escape(struct ds_buf *b, const char *s, size_t n);

/* Renders the page for results[0..n) into b. */
int ds_report_render(struct ds_buf *b, const struct ds_result *const *results, size_t n);

/* Renders and writes the page to path atomically. */
int ds_report_html(const char *path, const struct ds_result *const *results, size_t n,
		   struct ds_err *err);

#endif
