/* report.c - the self-contained HTML audit report (see report.h). */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "despin.h"
#include "text.h"

/* How every page begins, and its title (within DS_REPORT_HEAD_BYTES of
 * the start: ds_report_is_page knows a page by them). */
#define PAGE_HEAD "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
#define PAGE_TITLE "<title>despin report</title>"

int ds_report_is_page(const char *buf, size_t n)
{
	static const char head[] = PAGE_HEAD, title[] = PAGE_TITLE;
	const size_t hl = sizeof head - 1, tl = sizeof title - 1;
	if (n > DS_REPORT_HEAD_BYTES)
		n = DS_REPORT_HEAD_BYTES;
	if (n < hl + tl || memcmp(buf, head, hl) != 0)
		return 0;
	for (size_t i = hl; i + tl <= n; i++)
		if (buf[i] == '<' && memcmp(buf + i, title, tl) == 0)
			return 1;
	return 0;
}

/* ---- the page being written: every append goes through these, and the
 * first failure is remembered (the page is then discarded) ---- */

struct page {
	struct ds_buf *b;
	int oom;
};

static void put(struct page *pg, const char *s)
{
	if (ds_buf_puts(pg->b, s))
		pg->oom = 1;
}

static void DS_PRINTF(2, 3) putf(struct page *pg, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp || ds_buf_append(pg->b, tmp, (size_t)n))
		pg->oom = 1;
}

static void escn(struct page *pg, const char *s, size_t n)
{
	if (n && ds_html_escape(pg->b, s, n, DS_HTML_SHOWN))
		pg->oom = 1;
}

static void esc(struct page *pg, const char *s)
{
	escn(pg, s ? s : "", s ? strlen(s) : 0);
}

/* ---- style and script (constant) ---- */

static const char STYLE[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:1.5em 2em;color:#222;background:#fff}"
	"h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.1em;display:inline;margin:0}"
	"h3{font-size:1em;margin:.8em 0 .3em}a{color:#1a5276}"
	/* the filter: radio buttons (hidden) before everything they filter,
	 * their labels drawn as buttons; works without the script */
	".flt{position:absolute;opacity:0;width:1px;height:1px;margin:0}"
	".bar{margin:.6em 0;display:flex;flex-wrap:wrap;gap:.3em;align-items:center}"
	".bar b{margin:0 .3em 0 .8em}.bar b:first-child{margin-left:0}"
	".bar label{border:1px solid #999;border-radius:3px;padding:.1em .6em;cursor:pointer;"
	"background:#f4f4f4}"
	"#fv-all:checked~.bar label[for=fv-all],#fv-spun:checked~.bar label[for=fv-spun],"
	"#fv-clean:checked~.bar label[for=fv-clean],#fv-nj:checked~.bar label[for=fv-nj],"
	"#fv-err:checked~.bar label[for=fv-err],"
	"#fe-all:checked~.bar label[for=fe-all],#fe-src:checked~.bar label[for=fe-src],"
	"#fe-model:checked~.bar label[for=fe-model],#fe-none:checked~.bar label[for=fe-none]"
	"{background:#34495e;color:#fff;border-color:#34495e}"
	".flt:focus-visible~.bar{outline:2px solid #5dade2}"
	"#fv-spun:checked~* .item:not(.spun),#fv-clean:checked~* .item:not(.clean),"
	"#fv-nj:checked~* .item:not(.nj),#fv-err:checked~* .item:not(.err),"
	"#fe-src:checked~* .item:not(.es),"
	"#fe-model:checked~* .item:not(.em),#fe-none:checked~* .item:not(.en){display:none}"
	/* an evidence filter also hides the other kind of flag in the lists and
	 * leaves it unmarked in the texts */
	"#fe-src:checked~* tr.flag.model,#fe-model:checked~* tr.flag.source,"
	"#fe-src:checked~* ins.guess,#fe-model:checked~* ins.orig{display:none}"
	"#fe-src:checked~* mark.model,#fe-model:checked~* mark.sub,#fe-model:checked~* mark.src"
	"{background:none;border:0;padding:0}"
	".legend{border:1px solid #ddd;background:#fbfbfb;padding:.4em .8em;margin:.6em 0;font-size:.9em}"
	".legend summary{cursor:pointer;font-weight:bold}.legend dl{margin:.3em 0}"
	".legend dt{float:left;clear:left;width:15em}.legend dd{margin:0 0 .25em 15.5em}"
	"table.sum{border-collapse:collapse;margin:.8em 0}"
	"table.sum th,table.sum td{border:1px solid #bbb;padding:.25em .55em;text-align:left}"
	"table.sum th{background:#eee;cursor:pointer;user-select:none}td.n{text-align:right}"
	".v{display:inline-block;padding:0 .45em;border-radius:3px;font-weight:bold;white-space:nowrap}"
	".v.spun{color:#fff;background:#c0392b}.v.clean{background:#d5f0d8;color:#1e5631}"
	".v.nj{background:#e5e7e9;color:#444}"
	"details.art{border-top:1px solid #ccc;padding:.5em 0;content-visibility:auto;"
	"contain-intrinsic-size:auto 3em}"
	"details.art>summary{cursor:pointer;padding:.2em 0}"
	"details.art[open]>summary{margin-bottom:.3em}"
	".facts{margin:.3em 0;color:#333}.facts span.f{margin-right:1.2em}"
	".text{white-space:pre-wrap;border:1px solid #ddd;padding:.8em;background:#fafafa;font-size:.92em}"
	/* source-backed flags: solid red, the source's word beside in green;
	 * flags of the language model alone: paler, dashed, with their p */
	"mark.sub{background:#f5b7b1;padding:0 .1em}mark.src{background:#abebc6}"
	"mark.model{background:#fdebd0;border-bottom:2px dashed #ca6f1e;padding:0 .1em}"
	"ins.orig{color:#1e8449;text-decoration:none;font-weight:bold;font-size:.85em}"
	"ins.guess{color:#ca6f1e;text-decoration:none;font-style:italic;font-size:.85em}"
	"mark:target{outline:3px solid #2e86c1}"
	".part{border-bottom:2px solid #5d6d7e}.part.p2{border-color:#af7ac5}"
	".part.p3{border-color:#f0b27a}.part.p4{border-color:#48c9b0}"
	"small.pl{color:#5d6d7e;vertical-align:super;font-size:.7em}"
	"details.flags>summary{cursor:pointer}"
	"table.subs{border-collapse:collapse;font-size:.9em;display:block;max-height:22em;"
	"overflow:auto;border:1px solid #ddd;margin:.3em 0 1em}"
	"table.subs th{position:sticky;top:0;background:#eee;text-align:left;padding:.15em .5em}"
	"table.subs td{padding:.15em .5em;border-bottom:1px solid #eee}"
	"tr.model td{color:#7e5109}.why{color:#666}"
	/* the article beside its source: one row per article sentence, with
	 * the source sentences it was matched with */
	"table.al{border-collapse:collapse;table-layout:fixed;width:100%;font-size:.92em}"
	"table.al th{text-align:left;background:#eee;padding:.25em .6em;position:sticky;top:0}"
	"table.al td{vertical-align:top;padding:.2em .6em;white-space:pre-wrap;"
	"border-bottom:1px solid #eee;overflow-wrap:anywhere}"
	"table.al td+td{border-left:3px solid #d6dbdf;background:#fafafa}"
	"tr.ao td+td{background:#fff}tr.so td:first-child{background:#fcfcfc}"
	"tr.so td+td{color:#777}tr.mv td+td{border-left-color:#f0b27a}"
	"table.al details summary{cursor:pointer;color:#777;font-style:italic}";

static const char SCRIPT[] =
	"function sortBy(th){var t=th.closest('table'),b=t.tBodies[0],i=th.cellIndex,"
	"d=th.dataset.dir==='a'?'d':'a';th.dataset.dir=d;"
	"var r=Array.from(b.rows);r.sort(function(x,y){var p=x.cells[i].dataset.v||x.cells[i].textContent,"
	"q=y.cells[i].dataset.v||y.cells[i].textContent,m=parseFloat(p),n=parseFloat(q);"
	"var c=(!isNaN(m)&&!isNaN(n))?m-n:p.localeCompare(q);return d==='a'?c:-c;});"
	"r.forEach(function(e){b.appendChild(e);});}"
	/* a link into a folded article opens it, and into an article the
	 * filter hides resets the filter */
	"function reveal(id){var e=document.getElementById(id);if(!e)return;"
	"for(var d=e.parentElement;d;d=d.parentElement)if(d.tagName==='DETAILS')d.open=true;"
	"if(!e.getClientRects().length){document.getElementById('fv-all').checked=true;"
	"document.getElementById('fe-all').checked=true;}}"
	"addEventListener('click',function(ev){"
	"var a=ev.target.closest&&ev.target.closest('a[href^=\"#\"]');"
	"if(a)reveal(a.getAttribute('href').slice(1));});"
	"addEventListener('hashchange',function(){reveal(location.hash.slice(1));});"
	"addEventListener('DOMContentLoaded',function(){"
	"if(location.hash)reveal(location.hash.slice(1));});";

static const char LEGEND[] =
	"<details class=\"legend\" open=\"open\"><summary>legend</summary><dl>"
	"<dt><span class=\"v spun\">spun</span> <span class=\"v clean\">clean</span> "
	"<span class=\"v nj\">not judged</span></dt><dd>the verdict: spun when the score reaches the "
	"article&#39;s threshold; not judged when the article is too short to judge or not "
	"English prose. Spun articles come first and are open; the others are folded (click a "
	"heading to open)</dd>"
	"<dt><mark class=\"sub\">assembly</mark><ins class=\"orig\"> [meeting]</ins></dt>"
	"<dd>a source-backed flag: the source has the word in green at this place</dd>"
	"<dt><mark class=\"model\">assembly</mark><ins class=\"guess\"> {meeting? 0.72}</ins></dt>"
	"<dd>a flag of the language model alone, with the likely original and the flag&#39;s "
	"confidence p (the probability that the words are a spinner&#39;s substitution)</dd>"
	"<dt><mark class=\"src\">meeting</mark></dt><dd>in the source: the words the article "
	"changed</dd>"
	"<dt><span class=\"part p1\"><small class=\"pl\">1</small>text</span> "
	"<span class=\"part p2\"><small class=\"pl\">2</small>text</span></dt>"
	"<dd>the parts of the article taken from source 1, 2, ... (several sources)</dd>"
	"<dt>rows</dt><dd>each article sentence beside the source sentences it was matched with "
	"(hover over it for the share of words they share); an orange rule marks a sentence "
	"the article moved, "
	"grey rows hold source sentences the article left out</dd>"
	"<dt>coverage</dt><dd>the share of the article&#39;s words its source covers</dd>"
	"</dl></details>\n";

/* ---- per article ---- */

enum { V_SPUN, V_CLEAN, V_NJ };
static const char *const VCLASS[] = {"spun", "clean", "nj"};
static const char *const VNAME[] = {"spun", "clean", "not judged"};

struct art {
	const struct ds_result *r;
	size_t num;          /* 1-based input position: the page's ids are aN */
	int v;               /* V_* */
	size_t nsrc, ntpl, nmodel; /* flags by evidence: source-backed, a
				    * spinner's template, the models' */
	size_t source_art;   /* number of the article that is its main source, 0 none */
};

/* Flags drawn as certain: source-backed or a spinner's template. */
static size_t certain(const struct art *a)
{
	return a->nsrc + a->ntpl;
}

/* The classes the evidence filter reads: "es" with certain flags, "em"
 * with model flags, both, or "en" with none. */
static const char *evidence_class(const struct art *a)
{
	if (!certain(a))
		return a->nmodel ? "em" : "en";
	return a->nmodel ? "es em" : "es";
}

static int cmp_art(const void *a, const void *b)
{
	const struct art *x = a, *y = b;
	double sx = ds_result_score(x->r), sy = ds_result_score(y->r);
	if (x->v != y->v)
		return x->v - y->v;
	if (sx != sy)
		return sx > sy ? -1 : 1;
	return x->num < y->num ? -1 : x->num > y->num;
}

static const char *base_name(const char *s)
{
	const char *p = strrchr(s, '/');
	return p ? p + 1 : s;
}

/* The number of the article named name (exactly, else by a unique base
 * name), 0 when none. */
/* Whether a is clean only because its batch pair's direction is uncertain. */
static int unsure(const struct art *a)
{
	return a->v == V_CLEAN && ds_result_unsure(a->r);
}

/* The verdict a reader sees: "unsure" for such a clean one. */
static const char *vname(const struct art *a)
{
	return unsure(a) ? "unsure" : VNAME[a->v];
}

static size_t find_article(const struct art *a, size_t n, const char *name)
{
	size_t hit = 0, nb = 0;
	if (!name)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(ds_result_name(a[i].r), name) == 0)
			return a[i].num;
	for (size_t i = 0; i < n; i++)
		if (strcmp(base_name(ds_result_name(a[i].r)), base_name(name)) == 0) {
			hit = a[i].num;
			nb++;
		}
	return nb == 1 ? hit : 0;
}

/* Digits enough to tell a score from its threshold (2 to 4). */
static int digits(double x, double y)
{
	char a[32], b[32];
	for (int d = 2; d <= 4; d++) {
		snprintf(a, sizeof a, "%.*f", d, x);
		snprintf(b, sizeof b, "%.*f", d, y);
		if (strcmp(a, b) != 0)
			return d;
	}
	return 4;
}

/* ---- the article's text, cut into cells ---- */

/* A boundary of a part of the article taken from one source. */
struct bound {
	size_t pos;
	int label; /* source number (1..) where a part starts, 0 where it ends */
};

static int cmp_bound(const void *a, const void *b)
{
	const struct bound *x = a, *y = b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->label - y->label; /* an end before a start at the same place */
}

/* A source span the article changed, in source order. */
struct sspan {
	size_t start, end, sub;
};

static int cmp_sspan(const void *a, const void *b)
{
	const struct sspan *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->sub < y->sub ? -1 : x->sub > y->sub;
}

/* What is known while one article's text is written cell by cell. */
struct body {
	const struct ds_result *r;
	size_t num;
	const char *t, *st; /* article, source text */
	size_t len, slen;
	struct ds_sub *subs;
	unsigned char *shown;   /* subs[k] is marked in the text */
	unsigned char *src_id;  /* source span of subs[k] already has its id */
	size_t nsubs, next_sub; /* the next flag to write */
	size_t pos;             /* the article written up to here */
	struct bound *bounds;
	size_t nbounds, next_bound;
	int label;              /* the part open at pos (0: none) */
	struct sspan *spans;
	size_t nspans;
};

static int body_init(struct body *bd, const struct ds_result *r, size_t num)
{
	struct ds_found_source fs;
	size_t cap = 0, k = 0, ns = 0;
	memset(bd, 0, sizeof *bd);
	bd->r = r;
	bd->num = num;
	bd->t = ds_result_text(r, &bd->len);
	bd->st = ds_result_source_text(r, &bd->slen);
	bd->nsubs = ds_result_nsubs(r);
	for (size_t i = 0; ds_result_source_at(r, i, &fs) == 0; i++)
		cap += 2 * fs.nranges;
	bd->subs = calloc(bd->nsubs + 1, sizeof *bd->subs);
	bd->shown = calloc(bd->nsubs + 1, 1);
	bd->src_id = calloc(bd->nsubs + 1, 1);
	bd->spans = calloc(bd->nsubs + 1, sizeof *bd->spans);
	bd->bounds = calloc(cap + 1, sizeof *bd->bounds);
	if (!bd->subs || !bd->shown || !bd->src_id || !bd->spans || !bd->bounds)
		return DS_ENOMEM;
	/* one source: the rows show what it covers; several: underline each
	 * one's parts */
	for (size_t i = 0; ds_result_nsources(r) > 1 && ds_result_source_at(r, i, &fs) == 0; i++)
		for (size_t j = 0; j < fs.nranges; j++) {
			bd->bounds[k++] = (struct bound){fs.ranges[j].start, (int)i + 1};
			bd->bounds[k++] = (struct bound){fs.ranges[j].end, 0};
		}
	qsort(bd->bounds, k, sizeof *bd->bounds, cmp_bound);
	bd->nbounds = k;
	/* the flags written in the text: in order, none overlapping */
	for (size_t i = 0, pos = 0; i < bd->nsubs; i++) {
		struct ds_sub *s = &bd->subs[i];
		ds_result_sub(r, i, s);
		if (s->start < pos || s->end > bd->len || s->end < s->start)
			continue;
		bd->shown[i] = 1;
		pos = s->end;
		if (bd->st && s->evidence == DS_EVIDENCE_SOURCE && s->src_end > s->src_start &&
		    s->src_end <= bd->slen)
			bd->spans[ns++] = (struct sspan){s->src_start, s->src_end, i};
	}
	qsort(bd->spans, ns, sizeof *bd->spans, cmp_sspan);
	bd->nspans = ns;
	return 0;
}

static void body_free(struct body *bd)
{
	free(bd->subs);
	free(bd->shown);
	free(bd->src_id);
	free(bd->spans);
	free(bd->bounds);
}

static void open_part(struct page *pg, int label, int first)
{
	if (first)
		putf(pg, "<span class=\"part p%d\"><small class=\"pl\">%d</small>", label, label);
	else
		putf(pg, "<span class=\"part p%d\">", label);
}

/* Writes the article from bd->pos to at, opening and closing a span per
 * part taken from a source. */
static void plain_to(struct page *pg, struct body *bd, size_t at)
{
	while (bd->next_bound < bd->nbounds && bd->bounds[bd->next_bound].pos <= at) {
		const struct bound *k = &bd->bounds[bd->next_bound++];
		size_t to = k->pos < bd->pos ? bd->pos : k->pos;
		escn(pg, bd->t + bd->pos, to - bd->pos);
		bd->pos = to;
		if (bd->label)
			put(pg, "</span>");
		bd->label = k->label;
		if (bd->label)
			open_part(pg, bd->label, 1);
	}
	if (at > bd->pos) {
		escn(pg, bd->t + bd->pos, at - bd->pos);
		bd->pos = at;
	}
}

/* Writes the article up to byte to (or past it, to the end of a flag that
 * starts before it) as the content of one cell. */
static int is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static void article_cell(struct page *pg, struct body *bd, size_t to)
{
	/* the white space between two rows' sentences is left out */
	while (bd->pos < to && is_space(bd->t[bd->pos]))
		bd->pos++;
	while (to > bd->pos && is_space(bd->t[to - 1]))
		to--;
	if (bd->label)
		open_part(pg, bd->label, 0);
	while (bd->next_sub < bd->nsubs) {
		size_t k = bd->next_sub;
		const struct ds_sub *s = &bd->subs[k];
		if (!bd->shown[k]) {
			bd->next_sub++;
			continue;
		}
		if (s->start >= to)
			break;
		plain_to(pg, bd, s->start);
		/* source-backed or a template: [original]; model alone:
		 * {original? p} */
		int src = s->evidence != DS_EVIDENCE_MODEL;
		putf(pg, "<mark class=\"%s\" id=\"a%zu-f%zu\" title=\"p %.2f: ", src ? "sub" : "model",
		     bd->num, k, s->p);
		esc(pg, s->why);
		put(pg, "\">");
		escn(pg, bd->t + s->start, s->end - s->start);
		put(pg, src ? "</mark><ins class=\"orig\"> [" : "</mark><ins class=\"guess\"> {");
		esc(pg, s->restored);
		if (src)
			put(pg, "]</ins>");
		else
			putf(pg, "? %.2f}</ins>", s->p);
		/* the parts' boundaries inside a flag take effect after it */
		bd->pos = s->end;
		bd->next_sub++;
	}
	plain_to(pg, bd, to > bd->pos ? to : bd->pos);
	if (bd->label)
		put(pg, "</span>");
}

/* Writes source bytes [from, to) with the spans the article changed marked. */
static void source_cell(struct page *pg, struct body *bd, size_t from, size_t to)
{
	size_t lo = 0, hi = bd->nspans, pos;
	while (from < to && is_space(bd->st[from]))
		from++;
	while (to > from && is_space(bd->st[to - 1]))
		to--;
	pos = from;
	while (lo < hi) { /* the first span ending after from */
		size_t mid = (lo + hi) / 2;
		if (bd->spans[mid].start < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < bd->nspans && bd->spans[i].start < to; i++) {
		const struct sspan *sp = &bd->spans[i];
		size_t e = sp->end < to ? sp->end : to;
		if (sp->start < pos)
			continue;
		escn(pg, bd->st + pos, sp->start - pos);
		if (!bd->src_id[sp->sub]) {
			bd->src_id[sp->sub] = 1;
			putf(pg, "<mark class=\"src\" id=\"a%zu-o%zu\">", bd->num, sp->sub);
		} else {
			put(pg, "<mark class=\"src\">");
		}
		escn(pg, bd->st + sp->start, e - sp->start);
		put(pg, "</mark>");
		pos = e;
	}
	if (to > pos)
		escn(pg, bd->st + pos, to - pos);
}

/* Byte where sentence i of doc begins its cell: the first sentence from the
 * top, the others at their first token; the end is the next one's start. */
static size_t sent_from(const struct ds_doc *d, size_t i)
{
	if (i == 0)
		return 0;
	if (i >= d->nsent)
		return d->len;
	return d->tok[d->sent[i].tok_begin].start;
}

/* 1 when sentence i of doc holds a word or a number. */
static int has_words(const struct ds_doc *d, size_t i)
{
	for (size_t k = d->sent[i].tok_begin; k < d->sent[i].tok_end; k++)
		if (d->tok[k].kind != DS_TOK_PUNCT)
			return 1;
	return 0;
}

/* Source sentences [f, l) shown on their own: a few as rows, a longer run
 * folded in one row. */
static void source_only(struct page *pg, struct body *bd, const struct ds_doc *sd,
			const unsigned char *used, size_t f, size_t l)
{
	while (f < l) {
		size_t e = f;
		if (used[f]) {
			f++;
			continue;
		}
		while (e < l && !used[e])
			e++;
		if (e - f >= 3) {
			put(pg, "<tr class=\"so\"><td></td><td><details><summary>");
			putf(pg, "%zu source sentences not in the article</summary>", e - f);
			source_cell(pg, bd, sent_from(sd, f), sent_from(sd, e));
			put(pg, "</details></td></tr>\n");
		} else {
			put(pg, "<tr class=\"so\"><td></td><td>");
			source_cell(pg, bd, sent_from(sd, f), sent_from(sd, e));
			put(pg, "</td></tr>\n");
		}
		f = e;
	}
}

/* The article beside its source: one row per article sentence with the
 * source sentences matched to it.  Sentence pairs that keep the source's
 * order (the longest increasing run) set the order of the source column;
 * the others are moved sentences, shown beside their article sentence. */
static int aligned_rows(struct page *pg, struct body *bd)
{
	struct ds_err err = {0};
	struct ds_doc *ad = ds_doc_new(bd->t, bd->len, "article", bd->len + 1, &err);
	struct ds_doc *sd = ds_doc_new(bd->st, bd->slen, "source", bd->slen + 1, &err);
	struct ds_align *al = NULL;
	long *pair_of = NULL, *prev = NULL, *tail = NULL;
	unsigned char *in_order = NULL, *used = NULL;
	size_t nt = 0, next_s = 0;
	int rc = DS_ENOMEM;

	if ((!ad || !sd) && err.code != DS_ENOMEM) {
		/* a text without words: no sentences to pair, one row */
		put(pg, "<table class=\"al\"><tbody><tr class=\"m\"><td>");
		article_cell(pg, bd, bd->len);
		put(pg, "</td><td>");
		source_cell(pg, bd, 0, bd->slen);
		put(pg, "</td></tr></tbody></table>\n");
		rc = 0;
		goto out_docs;
	}
	if (!ad || !sd || !(al = ds_align_new(ad, sd, &err)))
		goto out_docs;
	pair_of = malloc((ad->nsent + 1) * sizeof *pair_of);
	prev = malloc((al->npairs + 1) * sizeof *prev);
	tail = malloc((al->npairs + 1) * sizeof *tail);
	in_order = calloc(al->npairs + 1, 1);
	used = calloc(sd->nsent + 1, 1);
	if (!pair_of || !prev || !tail || !in_order || !used)
		goto out;
	for (size_t i = 0; i < ad->nsent; i++)
		pair_of[i] = -1;
	for (size_t p = 0; p < al->npairs; p++) {
		const struct ds_sent_pair *sp = &al->pairs[p];
		if (sp->a_sent < ad->nsent && sp->s_last < sd->nsent && pair_of[sp->a_sent] < 0)
			pair_of[sp->a_sent] = (long)p;
	}
	/* longest run of pairs, in article order, with increasing source
	 * sentences (patience sorting on s_first) */
	for (size_t i = 0; i < ad->nsent; i++) {
		long p = pair_of[i];
		size_t lo = 0, hi = nt;
		if (p < 0)
			continue;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (al->pairs[tail[mid]].s_last < al->pairs[p].s_first)
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[p] = lo ? tail[lo - 1] : -1;
		tail[lo] = p;
		if (lo == nt)
			nt++;
	}
	for (long p = nt ? tail[nt - 1] : -1; p >= 0; p = prev[p])
		in_order[p] = 1;
	for (size_t p = 0; p < al->npairs; p++)
		if (pair_of[al->pairs[p].a_sent] == (long)p)
			for (size_t s = al->pairs[p].s_first; s <= al->pairs[p].s_last; s++)
				used[s] = 1;
	/* a source sentence without words (a closing quote) goes with the
	 * matched one before it */
	for (size_t s = 1; s < sd->nsent; s++)
		if (!used[s] && used[s - 1] && !has_words(sd, s))
			used[s] = 2;

	put(pg, "<table class=\"al\"><thead><tr><th>article</th><th>source</th>"
		"</tr></thead><tbody>\n");
	for (size_t i = 0, j; i < ad->nsent; i = j) {
		long p = pair_of[i];
		size_t to, s_end;
		/* sentences without words and unmatched join the row before */
		for (j = i + 1; j < ad->nsent && pair_of[j] < 0 && !has_words(ad, j); j++)
			;
		to = sent_from(ad, j);
		if (p < 0) {
			put(pg, "<tr class=\"ao\"><td>");
			article_cell(pg, bd, to);
			put(pg, "</td><td></td></tr>\n");
			continue;
		}
		const struct ds_sent_pair *sp = &al->pairs[p];
		if (in_order[p]) {
			source_only(pg, bd, sd, used, next_s, sp->s_first);
			next_s = sp->s_last + 1 > next_s ? sp->s_last + 1 : next_s;
		}
		putf(pg, "<tr class=\"%s\"><td>", in_order[p] ? "m" : "mv");
		article_cell(pg, bd, to);
		putf(pg, "</td><td title=\"%.0f%% of the words shared\">", 100 * sp->sim);
		for (s_end = sp->s_last + 1; s_end < sd->nsent && used[s_end] == 2; s_end++)
			;
		source_cell(pg, bd, sent_from(sd, sp->s_first), sent_from(sd, s_end));
		put(pg, "</td></tr>\n");
	}
	source_only(pg, bd, sd, used, next_s, sd->nsent);
	put(pg, "</tbody></table>\n");
	rc = 0;
out:
	free(pair_of);
	free(prev);
	free(tail);
	free(in_order);
	free(used);
out_docs:
	ds_align_free(al);
	ds_doc_free(ad);
	ds_doc_free(sd);
	return rc;
}

/* The main source's name, linked to its own section: the article of that
 * name when it is in the report, else its entry in the article's sources. */
static void source_link(struct page *pg, const struct art *a, size_t n, size_t num,
			const char *name)
{
	size_t k = find_article(a, n, name);
	if (k && k != num)
		putf(pg, "<a href=\"#a%zu\">", k);
	else
		putf(pg, "<a href=\"#a%zu-s1\">", num);
	esc(pg, name);
	put(pg, "</a>");
}

static void article_section(struct page *pg, const struct art *arts, size_t n,
			    const struct art *a)
{
	const struct ds_result *r = a->r;
	struct ds_found_source fs;
	struct body bd;
	const char *reason = NULL;
	double score = ds_result_score(r), thr = ds_result_threshold(r);
	int d = digits(score, thr);
	size_t nsources = ds_result_nsources(r);

	ds_result_judged(r, &reason);
	putf(pg, "<details class=\"item art %s %s\" id=\"a%zu\"%s><summary><h2>%zu. ",
	     VCLASS[a->v], evidence_class(a),
	     a->num, a->v == V_SPUN ? " open=\"open\"" : "", a->num);
	esc(pg, ds_result_name(r));
	putf(pg, "</h2> <span class=\"v %s\">%s</span> score %.*f, threshold %.*f</summary>\n",
	     VCLASS[a->v], vname(a), d, score, d, thr);
	put(pg, "<p class=\"facts\">");
	if (a->v == V_NJ)
		putf(pg, "<span class=\"f\">not judged: %s</span>", reason ? reason : "too short");
	if (unsure(a))
		put(pg, "<span class=\"f\">direction uncertain: the evidence does not show which of "
			"the pair is the copy, so neither is flagged</span>");
	putf(pg, "<span class=\"f\">%zu words</span><span class=\"f\">%zu source-backed flag%s, "
		 "%zu model flag%s",
	     ds_result_tokens(r), a->nsrc, a->nsrc == 1 ? "" : "s", a->nmodel,
	     a->nmodel == 1 ? "" : "s");
	if (a->ntpl)
		putf(pg, ", %zu spinner&#39;s template%s left in the text", a->ntpl,
		     a->ntpl == 1 ? "" : "s");
	put(pg, "</span>");
	if (nsources)
		putf(pg, "<span class=\"f\">coverage %.0f%%</span>", 100 * ds_result_source_coverage(r));
	else
		put(pg, "<span class=\"f\">no source found: judged on its own</span>");
	put(pg, "</p>\n");
	if (nsources) {
		put(pg, "<p class=\"facts\">source");
		put(pg, nsources > 1 ? "s:" : ":");
		for (size_t i = 0; ds_result_source_at(r, i, &fs) == 0; i++) {
			size_t k = find_article(arts, n, fs.name);
			/* numbered and underlined as its parts in the text */
			putf(pg, "%s <span id=\"a%zu-s%zu\"", i ? ";" : "", a->num, i + 1);
			if (nsources > 1)
				putf(pg, " class=\"part p%zu\"><small class=\"pl\">%zu</small>", i + 1, i + 1);
			else
				put(pg, ">");
			if (k && k != a->num) {
				putf(pg, "<a href=\"#a%zu\">", k);
				esc(pg, fs.name);
				put(pg, "</a>");
			} else {
				esc(pg, fs.name);
			}
			putf(pg, "</span> (covers %.0f%%, similarity %.2f)", 100 * fs.coverage,
			     fs.similarity);
		}
		put(pg, "</p>\n");
	}
	if (body_init(&bd, r, a->num)) {
		pg->oom = 1;
		body_free(&bd);
		return;
	}
	if (bd.nsubs) {
		putf(pg, "<details class=\"flags\"%s><summary>%zu flag%s: the words, their likely "
			 "original, the evidence and its confidence p (click a word to see it in the "
			 "text)</summary>\n",
		     a->v == V_SPUN ? " open=\"open\"" : "", bd.nsubs, bd.nsubs == 1 ? "" : "s");
		put(pg, "<table class=\"subs\"><tr><th>article</th><th>original</th>"
			"<th>evidence&nbsp;p</th><th>why</th></tr>\n");
		for (size_t k = 0; k < bd.nsubs; k++) {
			const struct ds_sub *s = &bd.subs[k];
			int src = s->evidence != DS_EVIDENCE_MODEL;
			putf(pg, "<tr class=\"flag %s\"><td>", src ? "source" : "model");
			if (bd.shown[k])
				putf(pg, "<a href=\"#a%zu-f%zu\">", a->num, k);
			esc(pg, s->text);
			put(pg, bd.shown[k] ? "</a></td><td>" : "</td><td>");
			esc(pg, s->restored);
			putf(pg, "</td><td>%s %.2f</td><td class=\"why\">", ds_evidence_name(s->evidence),
			     s->p);
			esc(pg, s->why);
			put(pg, "</td></tr>\n");
		}
		put(pg, "</table></details>\n");
	}
	if (bd.st) {
		if (aligned_rows(pg, &bd))
			pg->oom = 1;
	} else {
		put(pg, "<div class=\"text\">");
		article_cell(pg, &bd, bd.len);
		put(pg, "</div>\n");
	}
	put(pg, "</details>\n");
	body_free(&bd);
}

/* The kinds of an article's flags: " (source)" when of one kind, " (2
 * source, 1 model)" when of several, nothing when none. */
static void flag_kinds(struct page *pg, const struct art *a)
{
	static const char *const name[] = {"source", "template", "model"};
	size_t n[3] = {a->nsrc, a->ntpl, a->nmodel};
	int kinds = (n[0] > 0) + (n[1] > 0) + (n[2] > 0), k = 0;
	for (int i = 0; i < 3; i++) {
		if (!n[i])
			continue;
		put(pg, k++ ? ", " : " (");
		if (kinds > 1)
			putf(pg, "%zu ", n[i]);
		put(pg, name[i]);
	}
	if (k)
		put(pg, ")");
}

static void filter_bar(struct page *pg, const size_t *nv, const size_t *ne, size_t n,
		       size_t nfailed)
{
	static const char *const vid[] = {"fv-all", "fv-spun", "fv-clean", "fv-nj", "fv-err"};
	static const char *const vlab[] = {"all", "spun", "clean", "not judged", "not scanned"};
	static const char *const eid[] = {"fe-all", "fe-src", "fe-model", "fe-none"};
	static const char *const elab[] = {"any", "source or template", "model", "no flags"};
	int nvf = nfailed ? 5 : 4;
	for (int i = 0; i < nvf; i++)
		putf(pg, "<input type=\"radio\" class=\"flt\" name=\"fv\" id=\"%s\"%s>", vid[i],
		     i ? "" : " checked=\"checked\"");
	for (int i = 0; i < 4; i++)
		putf(pg, "<input type=\"radio\" class=\"flt\" name=\"fe\" id=\"%s\"%s>", eid[i],
		     i ? "" : " checked=\"checked\"");
	put(pg, "\n<div class=\"bar\"><b>verdict</b>");
	for (int i = 0; i < nvf; i++)
		putf(pg, "<label for=\"%s\">%s (%zu)</label>", vid[i], vlab[i],
		     i == 0 ? n + nfailed : i < 4 ? nv[i - 1] : nfailed);
	put(pg, "<b>evidence</b>");
	for (int i = 0; i < 4; i++)
		putf(pg, "<label for=\"%s\">%s (%zu)</label>", eid[i], elab[i], i ? ne[i - 1] : n);
	put(pg, "</div>\n");
}

/* The inputs that could not be scored, after the summary table. */
static void failures(struct page *pg, const struct ds_report_failure *f, size_t nf)
{
	if (!nf)
		return;
	putf(pg, "<table class=\"sum item err\" id=\"failed\"><thead><tr><th>not scanned (%zu)</th>"
		 "<th>reason</th></tr></thead><tbody>\n", nf);
	for (size_t i = 0; i < nf; i++) {
		put(pg, "<tr><td>");
		esc(pg, f[i].name);
		put(pg, "</td><td>");
		esc(pg, f[i].reason);
		put(pg, "</td></tr>\n");
	}
	put(pg, "</tbody></table>\n");
}

int ds_report_render(struct ds_buf *b, const struct ds_result *const *res, size_t n,
		     const struct ds_report_failure *failed, size_t nfailed)
{
	struct page pg = {b, 0};
	struct art *a = calloc(n + 1, sizeof *a);
	size_t nv[3] = {0}, ne[3] = {0};
	if (!a)
		return DS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct ds_result *r = res[i];
		a[i].r = r;
		a[i].num = i + 1;
		a[i].v = !ds_result_judged(r, NULL) ? V_NJ : ds_result_spun(r) ? V_SPUN : V_CLEAN;
		for (size_t k = 0; k < ds_result_nsubs(r); k++) {
			struct ds_sub s;
			ds_result_sub(r, k, &s);
			a[i].nsrc += s.evidence == DS_EVIDENCE_SOURCE;
			a[i].ntpl += s.evidence == DS_EVIDENCE_TEMPLATE;
			a[i].nmodel += s.evidence == DS_EVIDENCE_MODEL;
		}
		nv[a[i].v]++;
		ne[0] += certain(&a[i]) > 0;
		ne[1] += a[i].nmodel > 0;
		ne[2] += certain(&a[i]) + a[i].nmodel == 0;
	}
	/* spun first, then clean, then not judged; by score within each */
	qsort(a, n, sizeof *a, cmp_art);
	put(&pg, PAGE_HEAD "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		 "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">" PAGE_TITLE "<style>");
	put(&pg, STYLE);
	put(&pg, "</style><script>");
	put(&pg, SCRIPT);
	putf(&pg, "</script></head><body>\n<h1>despin report</h1>\n<p>%zu article%s: %zu spun, "
		  "%zu clean, %zu not judged, %zu error%s. despin %s. Spun articles first; click a "
		  "column heading to sort, a name to go to its article.</p>\n",
	     n, n == 1 ? "" : "s", nv[V_SPUN], nv[V_CLEAN], nv[V_NJ], nfailed,
	     nfailed == 1 ? "" : "s", ds_version());
	filter_bar(&pg, nv, ne, n, nfailed);
	put(&pg, LEGEND);
	put(&pg, "<table class=\"sum\" id=\"summary\"><thead><tr>"
		 "<th onclick=\"sortBy(this)\">#</th><th onclick=\"sortBy(this)\">file</th>"
		 "<th onclick=\"sortBy(this)\">verdict</th><th onclick=\"sortBy(this)\">score</th>"
		 "<th onclick=\"sortBy(this)\">threshold</th><th onclick=\"sortBy(this)\">flags</th>"
		 "<th onclick=\"sortBy(this)\">source</th><th onclick=\"sortBy(this)\">coverage</th>"
		 "</tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct ds_result *r = a[i].r;
		const char *src = ds_result_source(r);
		double score = ds_result_score(r), thr = ds_result_threshold(r);
		int d = digits(score, thr);
		putf(&pg, "<tr class=\"item %s %s\"><td class=\"n\" data-v=\"%zu\">%zu</td><td>"
			  "<a href=\"#a%zu\">",
		     VCLASS[a[i].v],
		     evidence_class(&a[i]),
		     a[i].num, a[i].num, a[i].num);
		esc(&pg, ds_result_name(r));
		putf(&pg, "</a></td><td data-v=\"%d\"><span class=\"v %s\">%s</span></td>"
			  "<td class=\"n\">%.*f</td><td class=\"n\">%.*f</td>"
			  "<td class=\"n\" data-v=\"%zu\">%zu",
		     a[i].v, VCLASS[a[i].v], vname(&a[i]), d, score, d, thr,
		     certain(&a[i]) + a[i].nmodel, certain(&a[i]) + a[i].nmodel);
		flag_kinds(&pg, &a[i]);
		put(&pg, "</td><td>");
		if (src) {
			source_link(&pg, a, n, a[i].num, src);
			if (ds_result_nsources(r) > 1)
				putf(&pg, " +%zu", ds_result_nsources(r) - 1);
			putf(&pg, "</td><td class=\"n\">%.0f%%</td></tr>\n",
			     100 * ds_result_source_coverage(r));
		} else {
			put(&pg, "-</td><td class=\"n\" data-v=\"-1\">-</td></tr>\n");
		}
	}
	put(&pg, "</tbody></table>\n");
	failures(&pg, failed, nfailed);
	put(&pg, "<div class=\"arts\">\n");
	for (size_t i = 0; i < n && !pg.oom; i++)
		article_section(&pg, a, n, &a[i]);
	put(&pg, "</div>\n</body></html>\n");
	free(a);
	return pg.oom ? DS_ENOMEM : 0;
}
