/* cmd_explain.c - despin explain and despin restore: an article with its
 * flagged substitutions shown in place, or put back to the originals. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "scan.h"
#include "bundle.h"
#include "../text.h"
#include "../tune.h"
#include "../unpack.h"
#include "../util.h"

static const char EXPLAIN_USAGE[] =
	"despin explain [-i INDEX | -s SOURCE... | --solo] [--format text|json]\n"
	"               [--color always|never|auto] [--all] [--only-spun] [--min-p P]\n"
	"               [--models DIR] FILE...\n"
	"\n"
	"Prints each article with every flagged substitution highlighted and the\n"
	"original it most likely replaced beside it (cased as 'despin restore'\n"
	"puts it back), then the list of flags with their evidence, the score\n"
	"and the source.  Without -s or -i, several\n"
	"files are compared with one another as in 'despin scan'.  Colour is used\n"
	"on a terminal unless NO_COLOR is set (--color always|never|auto; an\n"
	"explicit --color always wins over NO_COLOR).  Without colour a flag\n"
	"backed by the source, or by a spinner's template left in the text\n"
	"({war|battle|conflict}), reads [spun words -> original] and a flag of\n"
	"the language model alone reads {spun words ~> original? p} with its\n"
	"probability p of being a spinner's substitution.  --format json prints\n"
	"the JSON Lines record of 'despin scan --format json' for each article,\n"
	"every flag listed with its evidence.  --min-p P lists only the flags of\n"
	"probability P or more (under 0.35, the weaker ones too).  Also: -j N,\n"
	"--stdin-json, --threshold X, --max-size BYTES, --max-words N, --retry N,\n"
	"--progress, as for 'despin scan'.";

static const char RESTORE_USAGE[] =
	"despin restore [-i INDEX | -s SOURCE... | --solo] [--diff | --in-place]\n"
	"               [--min-p P] [--only-spun] [--models DIR] FILE...\n"
	"\n"
	"Prints each article with its flagged substitutions replaced by their\n"
	"proposed originals (capitalised as the article, or with a source as the\n"
	"source writes them), so that an auditor reads what the source most\n"
	"likely said.  Only flags whose probability of being a spinner's\n"
	"substitution is at least P (0.8) are put back (under 0.35, the language\n"
	"model's weaker flags too); how many were left is said on standard\n"
	"error.  With several inputs each article starts with a line\n"
	"'==> FILE <=='.  A web page is printed whole, the originals\n"
	"put back in its markup (words whose markup runs through them are left,\n"
	"with a note).  --diff prints only the changed lines, as a\n"
	"unified diff without context ('-' article, '+' restored; 'patch' or\n"
	"'git apply --unidiff-zero' apply it).  --in-place rewrites each file that has something to\n"
	"put back, keeping the article as it was in FILE.orig (an existing\n"
	"FILE.orig is kept: the article before the first restore); both keep the\n"
	"file's permissions and are written to a temporary file first and\n"
	"renamed: never a partial file.  Also: -j N, --all, --threshold X,\n"
	"--max-size BYTES, --max-words N, --retry N, --progress, as for\n"
	"'despin scan'.";

struct explain_out {
	const struct scan_opts *so;
	int color;
	int restore;
	int diff;
	int in_place;
	int json;
	int many;
	int flagged;
	int failed;
	double min_p;
	struct ds_buf shown[3]; /* see shown() */
	int oom;
};

#define C_SPUN "\033[1;31m"
#define C_MODEL "\033[1;33m"
#define C_ORIG "\033[32m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

/* s[0..n) as it may be shown on a terminal (ds_buf_shown): an article's
 * escape sequences would fake or hide a highlight, its bidi controls
 * reorder a line.  Control characters and bytes that are not UTF-8 come
 * out as U+FFFD, a CR alone (old Mac text) as a newline, bidi controls as
 * "[U+202E]".  Kept in buffer k (one for
 * each string of a printf) until the next call with k; "" when out of
 * memory, which o->oom remembers. */
static const char *shown(struct explain_out *o, int k, const char *s, size_t n)
{
	struct ds_buf *b = &o->shown[k];
	b->len = 0;
	if (ds_buf_shown(b, s, n, NULL, "\xef\xbf\xbd")) {
		o->oom = 1;
		return "";
	}
	return b->data;
}

static const char *shown_str(struct explain_out *o, int k, const char *s)
{
	return shown(o, k, s, strlen(s));
}

static void header(struct explain_out *o, const char *name, struct ds_result *r)
{
	const char *src = ds_result_source(r), *why;
	double sc = ds_result_score(r), th = ds_result_threshold(r);
	int judged = ds_result_judged(r, &why);
	/* the verdict words of scan's table */
	printf("%s%s%s: %s, score %s (threshold %s), %zu words\n", o->color ? C_BOLD : "",
	       cli_name(name), o->color ? C_OFF : "",
	       ds_result_spun(r) ? "SPUN" : judged ? "clean" : "unjudged", cli_score(sc, th),
	       cli_score(th, sc), ds_result_words(r));
	if (src)
		printf("source: %s (similarity %.2f, covers %.0f%% of the article)\n",
		       cli_name(src), ds_result_source_similarity(r),
		       100 * ds_result_source_coverage(r));
	else if (ds_result_copy(r))
		printf("source: none (scored on its own: the index's source %s reads as its copy)\n",
		       cli_name(ds_result_copy(r)));
	else
		printf("source: none (scored on its own)\n");
	if (!judged)
		printf("not judged: %s\n", why);
	if (ds_result_unsure(r))
		printf("direction: uncertain (the evidence does not show which of the two is the "
		       "copy, so neither is flagged)\n");
}

/* Where each source's parts start and end in the article: marks[] sorted by
 * position, label 1.. for source i + 1, 0 for text no source covers. */
struct mark {
	size_t pos;
	int label;
};

static int cmp_mark(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static struct mark *source_marks(struct explain_out *o, struct ds_result *r, size_t *nm)
{
	size_t n = ds_result_nsources(r), cap = 0, k = 0;
	struct mark *m;
	struct ds_found_source fs;
	*nm = 0;
	for (size_t i = 0; i < n; i++)
		if (ds_result_source_at(r, i, &fs) == 0)
			cap += 2 * fs.nranges;
	if (cap == 0 || !(m = malloc(cap * sizeof *m)))
		return NULL;
	printf("parts: [N> ... <] marks text from source N; the rest is scored on its own when it holds %zu words or more\n",
	       ds_tune_default.rest_min_words);
	for (size_t i = 0; i < n; i++) {
		ds_result_source_at(r, i, &fs);
		printf("  %zu %s: covers %.0f%%, similarity %.2f, bytes", i + 1, cli_name(fs.name),
		       100 * fs.coverage, fs.similarity);
		for (size_t j = 0; j < fs.nranges; j++) {
			printf("%s %zu-%zu", j ? "," : "", fs.ranges[j].start, fs.ranges[j].end);
			m[k++] = (struct mark){fs.ranges[j].start, (int)i + 1};
			m[k++] = (struct mark){fs.ranges[j].end, -((int)i + 1)};
		}
		putchar('\n');
	}
	(void)o;
	qsort(m, k, sizeof *m, cmp_mark);
	*nm = k;
	return m;
}

/* Writes text[from, to) with the part marks that fall inside it. */
static void put_text(struct explain_out *o, const char *text, size_t from, size_t to,
		     const struct mark *m, size_t nm, size_t *next)
{
	while (*next < nm && m[*next].pos < to) {
		const struct mark *k = &m[(*next)++];
		size_t at = k->pos < from ? from : k->pos;
		fputs(shown(o, 0, text + from, at - from), stdout);
		from = at;
		if (k->label > 0)
			printf("%s[%d>%s", o->color ? C_DIM : "", k->label, o->color ? C_OFF : "");
		else
			printf("%s<]%s", o->color ? C_DIM : "", o->color ? C_OFF : "");
	}
	fputs(shown(o, 0, text + from, to - from), stdout);
}

static void explain_one(struct explain_out *o, const char *name, struct ds_result *r)
{
	size_t len, pos = 0, n = ds_result_nsubs(r), nm = 0, next = 0;
	const char *text = ds_result_text(r, &len);
	struct mark *marks;
	header(o, name, r);
	marks = source_marks(o, r, &nm);
	putchar('\n');
	for (size_t i = 0; i < n; i++) {
		struct ds_sub s;
		const char *text_s, *orig_s;
		ds_result_sub(r, i, &s);
		if (s.start < pos)
			continue;
		put_text(o, text, pos, s.start, marks, nm, &next);
		text_s = shown_str(o, 0, s.text);
		orig_s = shown_str(o, 1, s.restored);
		if (s.evidence != DS_EVIDENCE_MODEL && o->color)
			printf(C_SPUN "%s" C_OFF C_ORIG " [%s]" C_OFF, text_s, orig_s);
		else if (s.evidence != DS_EVIDENCE_MODEL)
			printf("[%s -> %s]", text_s, orig_s);
		else if (o->color)
			printf(C_MODEL "%s" C_OFF C_DIM " {%s? %.2f}" C_OFF, text_s, orig_s, s.p);
		else
			printf("{%s ~> %s? %.2f}", text_s, orig_s, s.p);
		pos = s.end;
	}
	put_text(o, text, pos, len, marks, nm, &next);
	for (; next < nm; next++) /* parts ending with the text */
		printf("%s%s%s", o->color ? C_DIM : "", marks[next].label > 0 ? "" : "<]",
		       o->color ? C_OFF : "");
	free(marks);
	if (len && text[len - 1] != '\n' && text[len - 1] != '\r') /* a last CR shows as one */
		putchar('\n');
	printf("\n%zu substitution%s flagged\n", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		struct ds_sub s;
		int src;
		ds_result_sub(r, i, &s);
		src = s.evidence != DS_EVIDENCE_MODEL; /* shown as certain */
		printf("  %6zu-%-6zu %s%s%s %s %s%s%s  (%s, p %.2f, gain %.2f) %s\n", s.start, s.end,
		       o->color ? (src ? C_SPUN : C_MODEL) : "", shown_str(o, 0, s.text),
		       o->color ? C_OFF : "", src ? "->" : "~>",
		       o->color ? (src ? C_ORIG : C_DIM) : "", shown_str(o, 1, s.restored),
		       o->color ? C_OFF : "", ds_evidence_name(s.evidence), s.p, s.gain,
		       shown_str(o, 2, s.why));
	}
	if (o->oom) {
		cli_error("%s: out of memory", name);
		o->failed = 1;
		o->oom = 0;
	}
}

/* The end of the line of s (n bytes) that starts at i: its LF, or n.  The
 * lines are patch(1)'s: a CR stays in its line (a CRLF file's lines end in
 * it, and old Mac text, whose lines end in a CR alone, is one line), so
 * that the diff applies to the file as it is. */
static size_t line_end(const char *s, size_t n, size_t i)
{
	const char *e = i < n ? memchr(s + i, '\n', n - i) : NULL;
	return e ? (size_t)(e - s) : n;
}

/* One side of a hunk: the lines [from, to) of s, each after mark, and the
 * note patch(1) needs when the last one has no line end. */
static void hunk_side(char mark, const char *s, size_t n, size_t from, size_t to)
{
	size_t i = from;
	while (i < to) {
		size_t e = line_end(s, n, i);
		putchar(mark);
		fwrite(s + i, 1, e - i, stdout);
		putchar('\n');
		if (e == n)
			printf("\\ No newline at end of file\n");
		i = e < n ? e + 1 : e + (e == i);
	}
}

/* The file's name on a header line of a diff ("--- NAME"), as git writes
 * it, so that patch(1) and 'git apply' find the file: a name holding a
 * control character, a double quote, a backslash or a byte past ASCII in
 * double quotes, those C-escaped (\n, \t, \", \\, \ooo); another
 * name holding a space followed by a tab, which ends it. */
static void print_diff_name(const char *mark, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	int quote = 0;
	for (; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			quote = 1;
	if (!quote) {
		printf("%s %s%s\n", mark, name, strchr(name, ' ') ? "\t" : "");
		return;
	}
	printf("%s \"", mark);
	for (p = (const unsigned char *)name; *p; p++) {
		const char *esc = *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : *p == '"' ? "\\\""
				  : *p == '\\' ? "\\\\" : NULL;
		if (esc)
			fputs(esc, stdout);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\%03o", *p);
		else
			putchar(*p);
	}
	printf("\"\n");
}

/* A unified diff without context lines (what 'diff -U0' prints, and
 * 'patch' or 'git apply --unidiff-zero' apply): restoring replaces words
 * within lines, so line k of the article is line k of the result, and each
 * run of changed lines is one hunk. */
static void print_diff(const char *name, const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0, line = 1, hi = 0, hj = 0, first = 0, count = 0;
	/* nothing put back: no diff at all, as diff(1) prints (a header alone
	 * is no patch, and patch(1) refuses it) */
	if (alen == blen && memcmp(a, b, alen) == 0)
		return;
	print_diff_name("---", name);
	print_diff_name("+++", name);
	for (;;) {
		int end = i >= alen && j >= blen;
		size_t ie = line_end(a, alen, i), je = line_end(b, blen, j);
		int same = end || (ie - i == je - j && memcmp(a + i, b + j, ie - i) == 0 &&
				   (ie < alen) == (je < blen));
		if (!same && count++ == 0) {
			hi = i;
			hj = j;
			first = line;
		}
		if (same && count) {
			printf("@@ -%zu,%zu +%zu,%zu @@\n", first, count, first, count);
			hunk_side('-', a, alen, hi, i);
			hunk_side('+', b, blen, hj, j);
			count = 0;
		}
		if (end)
			break;
		i = ie < alen ? ie + 1 : ie;
		j = je < blen ? je + 1 : je;
		line++;
	}
}

/* Writes the restored article over path, its former text to path.orig
 * first; each through a temporary file renamed when complete, with the
 * permission bits, owner and group path had (a private article stays
 * private, and its owner's).  A
 * path.orig already there is kept as the backup: after an earlier restore
 * it holds the article as it first was, which this run would replace with
 * that restore's output. */
static int write_in_place(const char *path, const char *orig, size_t olen, const char *out,
			  size_t len)
{
	struct ds_afile f;
	struct ds_err err = {0};
	struct stat st;
	char bak[4200];
	int rc;
	snprintf(bak, sizeof bak, "%s.orig", path);
	if (stat(path, &st) < 0) {
		ds_err_sys(&err, errno, "cannot read %s", path);
		goto fail;
	}
	if (ds_afile_open_new(&f, bak, &err))
		goto fail;
	ds_afile_write(&f, orig, olen);
	ds_afile_chown(&f, (long)st.st_uid, (long)st.st_gid);
	ds_afile_chmod(&f, st.st_mode & 0777);
	if ((rc = ds_afile_commit(&f, &err)) < 0)
		goto fail;
	if (rc == 1) {
		struct stat bst;
		/* a backup only when it is a file: a folder, or a link to
		 * nothing, would leave the article with none */
		const char *what = stat(bak, &bst) < 0
					   ? (errno == ENOENT ? "a link to nothing" : "unreadable")
				   : S_ISDIR(bst.st_mode) ? "a folder"
				   : !S_ISREG(bst.st_mode) ? "not a regular file"
							   : NULL;
		if (what) {
			cli_error("%s exists and is %s: %s not restored, it would have no backup",
				  bak, what, path);
			return -1;
		}
		cli_note("%s exists: kept as the backup, not overwritten", bak);
	}
	if (ds_afile_open(&f, path, &err))
		goto fail;
	ds_afile_write(&f, out, len);
	ds_afile_chown(&f, (long)st.st_uid, (long)st.st_gid);
	ds_afile_chmod(&f, st.st_mode & 0777);
	if (ds_afile_commit(&f, &err))
		goto fail;
	return 0;
fail:
	cli_error("%s", err.msg);
	return -1;
}

/* Whether the file at path still holds what was judged, so that writing
 * the restored bytes over it loses nothing: page is set when they are the
 * file's own bytes (page_restored), and then only a change since it was
 * read would be lost; otherwise a web page, a MIME message or a text read
 * as Windows-1252 was judged on its text, and writing that over it would
 * lose the rest (cli_input_kind says which it was). */
static int in_place_ok(const char *path, const char *judged, size_t jlen, int page)
{
	struct ds_err err = {0};
	struct stat st;
	const char *packed;
	char *now;
	size_t len;
	int ok, kind;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		cli_error("%s: not a regular file (a pipe): not restored in place", path);
		return 0;
	}
	if (ds_read_file(path, cli_max_input ? cli_max_input : DS_DOC_MAX_BYTES_DEFAULT, &now, &len,
			 &err)) {
		cli_error("%s", err.msg);
		return 0;
	}
	ok = len == jlen && (len == 0 || (judged && memcmp(now, judged, len) == 0));
	kind = cli_input_kind(now, len, cli_html_named(path, now, len), NULL, NULL);
	if ((packed = ds_unpack_kind(now, len)) != NULL) {
		/* written back, the restored text would replace what it was
		 * read from uncompressed, under a compressed file's name */
		cli_error("%s: %s-compressed: not restored in place (without --in-place the "
			  "restored text is printed)", path, packed);
		ok = 0;
	} else if (page || kind == CLI_READ_TEXT) {
		/* restored in its own bytes (a page, a text read as
		 * Windows-1252, a UTF-8 text): only a change since is lost */
		if (!ok)
			cli_error("%s: changed since it was read: not restored", cli_name(path));
	} else if (kind == CLI_READ_OFFICE) {
		cli_error("%s: a .docx, .odt or .epub document, judged on its text: not restored in "
			  "place (without --in-place the restored text is printed)", path);
	} else if (kind == CLI_READ_MIME) {
		cli_error("%s: a MIME message, judged on its text part: not restored in place "
			  "(without --in-place the restored text is printed)", path);
	} else if (kind == CLI_READ_PAGE) {
		cli_error("%s: a web page, judged on its text: not restored in place (without "
			  "--in-place the restored text is printed)", path);
	} else {
		cli_error("%s: not UTF-8, judged as Windows-1252: not restored in place (without "
			  "--in-place the restored UTF-8 text is printed)", path);
	}
	free(now);
	return ok;
}

/* A web page restored in its own bytes, its markup kept, or a text not in
 * UTF-8 in its own encoding: the file read again (*page, *plen), when it
 * is a page or such a text whose text is the one judged; *kind says which.
 * NULL when it is not (standard input, a record, a message, a UTF-8 text,
 * a file changed since) or out of memory: its text is restored then. */
static char *page_restored(const char *name, const struct ds_result *r, double min_p,
			   char **page, size_t *plen, int *kind, size_t *len, size_t *left,
			   size_t *unfit)
{
	struct ds_err err = {0};
	struct stat st;
	char *t = NULL, *out = NULL;
	size_t tl = 0, jl;
	const char *judged = ds_result_text(r, &jl);
	int how, rc = -1;
	*page = NULL;
	if (strcmp(name, "-") == 0 || stat(name, &st) < 0 || !S_ISREG(st.st_mode) ||
	    cli_read_file(name, cli_max_input ? cli_max_input : DS_DOC_MAX_BYTES_DEFAULT, page, plen,
			  &err))
		return NULL;
	*kind = cli_input_kind(*page, *plen, cli_html_named(name, *page, *plen), NULL, NULL);
	if (*kind == CLI_READ_PAGE) {
		rc = ds_html_text(*page, *plen, &t, &tl, &err);
		how = ds_html_is_1252(*page, *plen) || ds_text_legacy_bytes(*page, *plen, NULL) > 0
			      ? DS_RESTORE_PAGE_REFS
			      : DS_RESTORE_PAGE;
	} else if (*kind == CLI_READ_1252) {
		rc = ds_text_from_1252(*page, *plen, &t, &tl, NULL, &err);
		how = DS_RESTORE_LEGACY;
	}
	if (rc == 0 && tl == jl && memcmp(t, judged, jl) == 0)
		out = ds_result_restore_page(r, *page, *plen, min_p, how, len, left, unfit);
	free(t);
	if (!out) {
		free(*page);
		*page = NULL;
	}
	return out;
}

static void restore_one(struct explain_out *o, const char *name, int record, struct ds_result *r)
{
	size_t len, olen, left = 0, unfit = 0, n = ds_result_nsubs(r);
	char *page = NULL;
	int kind = CLI_READ_TEXT;
	/* a record's id names no file to read again */
	char *out = record ? NULL
			   : page_restored(name, r, o->min_p, &page, &olen, &kind, &len, &left, &unfit);
	const char *orig = page;
	if (record && o->in_place) { /* found by its bytes, not its name */
		cli_error("%s: a page of a WARC archive or a record of a file: not restored in "
			  "place (without --in-place the restored text is printed)", name);
		o->failed = 1;
		return;
	}
	if (!out) {
		out = ds_result_restore_p(r, o->min_p, &len, &left);
		orig = ds_result_text(r, &olen);
	}
	if (!out) {
		cli_error("%s: out of memory", name);
		o->failed = 1;
		return;
	}
	if (o->in_place && !in_place_ok(name, orig, olen, page != NULL)) {
		o->failed = 1;
	} else if (o->in_place) {
		if (left + unfit == n) {
			printf("unchanged %s\n", cli_name(name));
		} else if (write_in_place(name, orig, olen, out, len) == 0) {
			printf("restored %s (%zu of %zu flag%s put back; the article as it was: %s.orig)\n",
			       cli_name(name), n - left - unfit, n, n == 1 ? "" : "s", cli_name(name));
		} else {
			o->failed = 1;
		}
	} else if (o->diff) {
		print_diff(name, orig, olen, out, len);
	} else {
		if (o->many)
			printf("==> %s <==\n", cli_name(name));
		fwrite(out, 1, len, stdout);
		if (o->many && len && out[len - 1] != '\n')
			putchar('\n');
	}
	free(out);
	free(page);
	if (left) {
		fflush(stdout);
		fprintf(stderr, "despin: %s: left %zu of %zu flag%s below p %.2f\n", cli_name(name), left,
			n, n == 1 ? "" : "s", o->min_p);
	}
	if (unfit) {
		fflush(stdout);
		if (kind == CLI_READ_1252)
			fprintf(stderr, "despin: %s: left %zu flag%s whose original Windows-1252, "
				"the file's encoding, cannot write\n",
				cli_name(name), unfit, unfit == 1 ? "" : "s");
		else
			fprintf(stderr, "despin: %s: left %zu flag%s whose words in the page hold markup\n",
				cli_name(name), unfit, unfit == 1 ? "" : "s");
	}
}

static int on_result(void *ctx, const char *name, int record, struct ds_result *r,
		     const char *err)
{
	struct explain_out *o = ctx;
	if (!r) {
		cli_error("%s", err);
		if (o->json && scan_print_error_json(name, record, err))
			cli_error("%s: out of memory", name);
		return cli_stdout_failed();
	}
	if (ds_result_spun(r))
		o->flagged = 1;
	if (o->so->only_spun && !ds_result_spun(r)) {
		/* not shown */
	} else if (o->json) {
		scan_print_json(name, record, r);
	} else if (o->restore) {
		restore_one(o, name, record, r);
	} else {
		if (o->many)
			printf("%s\n", "======================================================================");
		explain_one(o, name, r);
	}
	ds_result_free(r);
	return cli_stdout_failed();
}

/* More than one article to show: several arguments, a folder, or records. */
static int many_inputs(char **args, int n, int stdin_json)
{
	struct stat st;
	if (stdin_json || n > 1 || (n == 1 && cli_bundle_named(args[0])))
		return 1;
	return n == 1 && strcmp(args[0], "-") != 0 && stat(args[0], &st) == 0 && S_ISDIR(st.st_mode);
}

static int run(int argc, char **argv, int restore)
{
	static const struct option explain_opts[] = {
		SCAN_LONG_OPTIONS,
		SCAN_MIN_P_OPTION,
		SCAN_ONLY_SPUN_OPTION,
		{"color", required_argument, NULL, 'c'},
		{"colour", required_argument, NULL, 'c'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	static const struct option restore_opts[] = {
		SCAN_LONG_OPTIONS,
		SCAN_ONLY_SPUN_OPTION,
		{"diff", no_argument, NULL, 'd'},
		{"in-place", no_argument, NULL, 'I'},
		{"min-p", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *cmd = restore ? "despin restore [OPTIONS] FILE..." : "despin explain [OPTIONS] FILE...";
	struct scan_opts so;
	struct explain_out out = {0};
	const char *when = "auto";
	int color_given = 0;
	int c, rc;
	memset(&so, 0, sizeof so);
	so.need_scorer = 1;
	out.so = &so;
	out.restore = restore;
	out.min_p = DS_RESTORE_MIN_P;
	optind = 1;
	while ((c = getopt_long(argc, argv, restore ? "i:s:j:h" : "i:s:j:f:h",
				restore ? restore_opts : explain_opts, NULL)) != -1) {
		int k = scan_common_opt(&so, c, optarg);
		if (k < 0)
			goto bad;
		if (k)
			continue;
		switch (c) {
		case 'c': when = optarg; color_given = 1; break;
		case 'd': out.diff = 1; break;
		case 'I': out.in_place = 1; break;
		case 'f':
			/* the last --format given wins, as for every option */
			if (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0)
				out.json = optarg[0] == 'j';
			else {
				cli_error("unknown format '%s' (text or json)", optarg);
				goto bad;
			}
			break;
		case 'p':
			if (cli_parse_real("--min-p", optarg, 0, 1, 0, &out.min_p))
				goto bad;
			break;
		case 'h':
			printf("usage: %s\n", restore ? RESTORE_USAGE : EXPLAIN_USAGE);
			return EXIT_CLEAN;
		default:
			return cli_usage(cmd);
		}
	}
	if (optind >= argc && !so.stdin_json) {
		return cli_usage(cmd);
	}
	if ((out.color = cli_color(when)) < 0)
		goto bad;
	if (out.json && color_given) { /* an option it would ignore */
		cli_error("--color colours the text format: not with --format json");
		goto bad;
	}
	if (out.in_place && (out.diff || so.stdin_json)) {
		cli_error("--in-place rewrites files: not with %s", out.diff ? "--diff" : "--stdin-json");
		goto bad;
	}
	for (int i = optind; out.in_place && i < argc; i++)
		if (strcmp(argv[i], "-") == 0) {
			cli_error("--in-place rewrites files: not standard input ('-')");
			goto bad;
		} else if (cli_bundle_named(argv[i])) {
			cli_error("--in-place rewrites files: not the %s (%s)",
				  cli_bundle_named(argv[i]) == CLI_BUNDLE_PAGES
					  ? "pages of a WARC archive"
					  : "records of a JSON Lines file",
				  cli_name(argv[i]));
			goto bad;
		}
	/* a confidence under the flags listed by default lists the weaker
	 * ones too, to be put back */
	if (restore && out.min_p > 0 && out.min_p < DS_FLAG_MIN_P)
		so.min_p = out.min_p;
	out.many = many_inputs(argv + optind, argc - optind, so.stdin_json);
	rc = scan_run(&so, argv + optind, argc - optind, on_result, &out);
	for (size_t k = 0; k < DS_ARRAY_LEN(out.shown); k++)
		ds_buf_free(&out.shown[k]);
	if (rc != 0 || out.failed)
		return EXIT_ERROR;
	return out.flagged ? EXIT_FLAGGED : EXIT_CLEAN;
bad:
	return EXIT_ERROR;
}

int cmd_explain(int argc, char **argv)
{
	return run(argc, argv, 0);
}

int cmd_restore(int argc, char **argv)
{
	return run(argc, argv, 1);
}
