/* report.c - the self-contained HTML audit report (see report.h). */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "despin.h"

int ds_html_escape(struct ds_buf *b, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *e = NULL;
		unsigned char c = (unsigned char)s[i];
		char mark[24];
		if (c >= 0x80) {
			/* bytes that are not UTF-8 become U+FFFD; bidi controls,
			 * which would reorder what follows (a name "\u202etxt.exe"
			 * shown as "exe.txt"), are shown by their code */
			uint32_t cp;
			size_t l = ds_utf8_seq((const unsigned char *)s + i, n - i, &cp);
			if (l && !ds_is_bidi_control(cp)) {
				i += l - 1;
				continue;
			}
			if (l)
				snprintf(mark, sizeof mark, "[U+%04X]", (unsigned)cp);
			if (ds_buf_append(b, s + run, i - run) || ds_buf_puts(b, l ? mark : "&#xFFFD;"))
				return DS_ENOMEM;
			run = i + (l ? l : 1);
			i = run - 1;
			continue;
		}
		switch (c) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default:
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				e = "&#xFFFD;";
		}
		if (!e)
			continue;
		if (ds_buf_append(b, s + run, i - run) || ds_buf_puts(b, e))
			return DS_ENOMEM;
		run = i + 1;
	}
	return ds_buf_append(b, s + run, n - run);
}

static void esc(struct ds_buf *b, const char *s)
{
	ds_html_escape(b, s ? s : "", s ? strlen(s) : 0);
}

static const char STYLE[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:2em;color:#222;background:#fff}"
	"h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-top:1px solid #ccc;padding-top:1em}"
	"table.sum{border-collapse:collapse;margin:1em 0}"
	"table.sum th,table.sum td{border:1px solid #bbb;padding:.3em .6em;text-align:left}"
	"table.sum th{background:#eee;cursor:pointer;user-select:none}"
	"td.spun{color:#fff;background:#c0392b;font-weight:bold}td.clean{background:#dff0d8}"
	".cols{display:flex;gap:1.5em}.col{flex:1;min-width:0}"
	".text{white-space:pre-wrap;border:1px solid #ddd;padding:.8em;background:#fafafa;"
	"max-height:40em;overflow:auto;font-size:.92em}"
	"mark.sub{background:#f5b7b1;padding:0 .1em}mark.src{background:#abebc6}"
	/* a flag of the language model alone: dashed, paler, with its p */
	"mark.model{background:#fdebd0;border-bottom:2px dashed #ca6f1e;padding:0 .1em}"
	"ins.guess{color:#ca6f1e;text-decoration:none;font-style:italic;font-size:.85em}"
	"tr.model td{color:#7e5109}"
	"ins.orig{color:#1e8449;text-decoration:none;font-weight:bold;font-size:.85em}"
	/* a long list of substitutions scrolls in its own box, so that the
	 * highlighted texts below it stay in view */
	"table.subs{border-collapse:collapse;font-size:.9em;display:block;max-height:22em;"
	"overflow:auto;border:1px solid #ddd;margin-bottom:1em}"
	"table.subs th{position:sticky;top:0;background:#eee;text-align:left;padding:.15em .5em}"
	"table.subs td{padding:.15em .5em;"
	"border-bottom:1px solid #eee}.why{color:#666}";

static const char SCRIPT[] =
	"function sortBy(th){var t=th.closest('table'),b=t.tBodies[0],i=th.cellIndex,"
	"d=th.dataset.dir==='a'?'d':'a';th.dataset.dir=d;"
	"var r=Array.from(b.rows);r.sort(function(x,y){var p=x.cells[i].dataset.v||x.cells[i].textContent,"
	"q=y.cells[i].dataset.v||y.cells[i].textContent,m=parseFloat(p),n=parseFloat(q);"
	"var c=(!isNaN(m)&&!isNaN(n))?m-n:p.localeCompare(q);return d==='a'?c:-c;});"
	"r.forEach(function(e){b.appendChild(e);});}";

/* The article's text with its substitutions marked, originals beside. */
static void article_text(struct ds_buf *b, const struct ds_result *r)
{
	size_t len, pos = 0;
	const char *t = ds_result_text(r, &len);
	for (size_t i = 0; i < ds_result_nsubs(r); i++) {
		struct ds_sub s;
		ds_result_sub(r, i, &s);
		if (s.start < pos || s.end > len)
			continue;
		ds_html_escape(b, t + pos, s.start - pos);
		if (s.evidence == DS_EVIDENCE_SOURCE) {
			ds_buf_puts(b, "<mark class=\"sub\" title=\"");
			esc(b, s.why);
			ds_buf_puts(b, "\">");
			ds_html_escape(b, t + s.start, s.end - s.start);
			ds_buf_puts(b, "</mark><ins class=\"orig\"> [");
			esc(b, s.original);
			ds_buf_puts(b, "]</ins>");
		} else {
			ds_buf_printf(b, "<mark class=\"model\" title=\"p %.2f: ", s.p);
			esc(b, s.why);
			ds_buf_puts(b, "\">");
			ds_html_escape(b, t + s.start, s.end - s.start);
			ds_buf_puts(b, "</mark><ins class=\"guess\"> {");
			esc(b, s.original);
			ds_buf_printf(b, "? %.2f}</ins>", s.p);
		}
		pos = s.end;
	}
	ds_html_escape(b, t + pos, len - pos);
}

/* The source's text with the spans the article changed marked. */
static void source_text(struct ds_buf *b, const struct ds_result *r)
{
	size_t len, pos = 0;
	const char *t = ds_result_source_text(r, &len);
	size_t n = ds_result_nsubs(r);
	/* source spans come in article order; mark those in increasing order */
	for (;;) {
		size_t best = (size_t)-1, bs = 0, be = 0;
		for (size_t i = 0; i < n; i++) {
			struct ds_sub s;
			ds_result_sub(r, i, &s);
			if (s.evidence != DS_EVIDENCE_SOURCE || s.src_start < pos || s.src_end > len ||
			    s.src_end <= s.src_start)
				continue;
			if (best == (size_t)-1 || s.src_start < bs) {
				best = i;
				bs = s.src_start;
				be = s.src_end;
			}
		}
		if (best == (size_t)-1)
			break;
		ds_html_escape(b, t + pos, bs - pos);
		ds_buf_puts(b, "<mark class=\"src\">");
		ds_html_escape(b, t + bs, be - bs);
		ds_buf_puts(b, "</mark>");
		pos = be;
	}
	ds_html_escape(b, t + pos, len - pos);
}

int ds_report_render(struct ds_buf *b, const struct ds_result *const *res, size_t n)
{
	size_t nspun = 0;
	for (size_t i = 0; i < n; i++)
		nspun += (size_t)ds_result_spun(res[i]);
	ds_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		       "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
		       "<title>despin report</title><style>");
	ds_buf_puts(b, STYLE);
	ds_buf_puts(b, "</style><script>");
	ds_buf_puts(b, SCRIPT);
	ds_buf_printf(b, "</script></head><body>\n<h1>despin report</h1>\n<p>%zu article%s, "
			 "%zu flagged as spun. despin %s. Click a column heading to sort.</p>\n",
		      n, n == 1 ? "" : "s", nspun, ds_version());
	ds_buf_puts(b, "<table class=\"sum\" id=\"summary\"><thead><tr>"
		       "<th onclick=\"sortBy(this)\">#</th><th onclick=\"sortBy(this)\">file</th>"
		       "<th onclick=\"sortBy(this)\">verdict</th><th onclick=\"sortBy(this)\">score</th>"
		       "<th onclick=\"sortBy(this)\">flags</th><th onclick=\"sortBy(this)\">source</th>"
		       "<th onclick=\"sortBy(this)\">similarity</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct ds_result *r = res[i];
		const char *src = ds_result_source(r);
		ds_buf_printf(b, "<tr><td data-v=\"%zu\">%zu</td><td><a href=\"#a%zu\">", i + 1, i + 1, i + 1);
		esc(b, ds_result_name(r));
		ds_buf_printf(b, "</a></td><td class=\"%s\">%s</td><td>%.2f</td><td>%zu</td><td>",
			      ds_result_spun(r) ? "spun" : "clean", ds_result_spun(r) ? "spun" : "clean",
			      ds_result_score(r), ds_result_nsubs(r));
		esc(b, src ? src : "-");
		if (src)
			ds_buf_printf(b, "</td><td>%.2f</td></tr>\n", ds_result_source_similarity(r));
		else
			ds_buf_puts(b, "</td><td data-v=\"-1\">-</td></tr>\n");
	}
	ds_buf_puts(b, "</tbody></table>\n");
	for (size_t i = 0; i < n; i++) {
		const struct ds_result *r = res[i];
		const char *src = ds_result_source(r);
		ds_buf_printf(b, "<h2 id=\"a%zu\">%zu. ", i + 1, i + 1);
		esc(b, ds_result_name(r));
		ds_buf_printf(b, " &mdash; %s, score %.2f%s</h2>\n", ds_result_spun(r) ? "spun" : "clean",
			      ds_result_score(r), ds_result_judged(r, NULL) ? "" : " (not judged: too short)");
		if (ds_result_nsubs(r)) {
			ds_buf_puts(b, "<table class=\"subs\"><tr><th>article</th><th>original</th>"
				       "<th>evidence</th><th>p</th><th>gain</th><th>why</th></tr>\n");
			for (size_t k = 0; k < ds_result_nsubs(r); k++) {
				struct ds_sub s;
				ds_result_sub(r, k, &s);
				ds_buf_printf(b, "<tr class=\"%s\"><td>",
					      s.evidence == DS_EVIDENCE_SOURCE ? "source" : "model");
				esc(b, s.text);
				ds_buf_puts(b, "</td><td>");
				esc(b, s.original);
				ds_buf_printf(b, "</td><td>%s</td><td>%.2f</td><td>%.2f</td><td class=\"why\">",
					      s.evidence == DS_EVIDENCE_SOURCE ? "source" : "model", s.p,
					      s.gain);
				esc(b, s.why);
				ds_buf_puts(b, "</td></tr>\n");
			}
			ds_buf_puts(b, "</table>\n");
		}
		ds_buf_puts(b, "<div class=\"cols\"><div class=\"col\"><h3>article</h3><div class=\"text\">");
		article_text(b, r);
		ds_buf_puts(b, "</div></div>");
		if (src) {
			ds_buf_puts(b, "<div class=\"col\"><h3>source: ");
			esc(b, src);
			ds_buf_puts(b, "</h3><div class=\"text\">");
			source_text(b, r);
			ds_buf_puts(b, "</div></div>");
		}
		ds_buf_puts(b, "</div>\n");
	}
	if (ds_buf_puts(b, "</body></html>\n"))
		return DS_ENOMEM;
	return 0;
}

int ds_report_html(const char *path, const struct ds_result *const *res, size_t n,
		   struct ds_err *err)
{
	struct ds_buf b = DS_BUF_INIT;
	struct ds_afile f;
	int rc;
	if (ds_report_render(&b, res, n)) {
		ds_buf_free(&b);
		return ds_err_set(err, DS_ENOMEM, "out of memory rendering %s", path);
	}
	rc = ds_afile_open(&f, path, err);
	if (!rc) {
		ds_afile_write(&f, b.data, b.len);
		rc = ds_afile_commit(&f, err);
	}
	ds_buf_free(&b);
	return rc;
}
