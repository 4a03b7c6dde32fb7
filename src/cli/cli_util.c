/* cli_util.c - messages, input walking and model paths for the command line. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../binfmt.h"
#include "../detect.h"
#include "../report.h"
#include "../store.h"
#include "../unpack.h"

#ifndef DS_DATADIR
#define DS_DATADIR "/usr/local/share/despin"
#endif

size_t cli_max_input;

/* Whether a progress line (cli_progress) stands unended on standard error. */
static int progress_open;

void cli_progress(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout); /* what was printed before stands above the line */
	fputc('\r', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_open = 1;
}

void cli_progress_clear(void)
{
	if (!progress_open)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	progress_open = 0;
}

/* fmt formatted whole: into buf (cap bytes) when it fits, else into memory
 * of its own that *heap holds (free it), so that no message is cut (a
 * long name would push out the problem after it); out of memory, the
 * start that buf holds. */
static const char *format_whole(char *buf, size_t cap, char **heap, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static const char *format_whole(char *buf, size_t cap, char **heap, const char *fmt, va_list ap)
{
	va_list again;
	int n;
	va_copy(again, ap);
	n = vsnprintf(buf, cap, fmt, ap);
	*heap = n >= 0 && (size_t)n >= cap ? malloc((size_t)n + 1) : NULL;
	if (*heap)
		vsnprintf(*heap, (size_t)n + 1, fmt, again);
	va_end(again);
	return *heap ? *heap : buf;
}

/* Prints one message line with control bytes, bytes that are not UTF-8
 * and bidi controls escaped (file names come from anywhere).  What was
 * printed to stdout goes out first, so that with both streams on one
 * terminal or file the message follows the output it is about. */
static void message(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void message(const char *prefix, const char *fmt, va_list ap)
{
	char raw[2048], esc[4096], *whole, *out = NULL;
	const char *s;
	size_t len;
	cli_progress_clear(); /* the message on its own line, not after a count */
	fflush(stdout);
	s = format_whole(raw, sizeof raw, &whole, fmt, ap);
	len = cli_escape_name(esc, sizeof esc, s);
	if (len >= sizeof esc && (out = malloc(len + 1)))
		cli_escape_name(out, len + 1, s);
	fprintf(stderr, "%s%s\n", prefix, out ? out : esc);
	free(out);
	free(whole);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message("despin: ", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message("despin: warning: ", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message("despin: note: ", fmt, ap);
	va_end(ap);
}

void cli_input_error(char *out, size_t cap, const char *name, const char *msg)
{
	/* the whole name, even where msg has it shortened, then fitted to
	 * out: what a long name costs is taken from the name */
	const char *why = cli_error_reason(name, msg);
	size_t n = strlen(name) + strlen(why) + 3;
	char *whole = malloc(n);
	if (!whole) {
		snprintf(out, cap, "%s: %s", name, why);
		return;
	}
	snprintf(whole, n, "%s: %s", name, why);
	ds_msg_fit(out, cap, whole);
	free(whole);
}

const char *cli_error_reason(const char *name, const char *msg)
{
	size_t n = strlen(name);
	if (strncmp(msg, name, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
		return msg + n + 2;
	/* the name as ds_msg_fit shortens one too long for a struct ds_err:
	 * its start, "...", its end */
	for (const char *dots = strstr(msg, "..."); dots && (size_t)(dots - msg) < n;
	     dots = strstr(dots + 1, "...")) {
		size_t head = (size_t)(dots - msg);
		if (head == 0 || strncmp(msg, name, head) != 0)
			break;
		for (const char *c = strstr(dots + 3, ": "); c; c = strstr(c + 1, ": ")) {
			size_t tail = (size_t)(c - (dots + 3));
			if (head + tail >= n)
				break;
			if (memcmp(dots + 3, name + n - tail, tail) == 0)
				return c + 2;
		}
	}
	return msg;
}

int cli_usage(const char *usage)
{
	const char *sp = strchr(usage, ' ');
	size_t n = sp ? strcspn(sp + 1, " ") : 0;
	fprintf(stderr, "usage: %s\n", usage);
	if (n && sp[1] != '[')
		fprintf(stderr, "(see 'despin %.*s --help')\n", (int)n, sp + 1);
	else
		fprintf(stderr, "(see 'despin --help')\n");
	return EXIT_ERROR;
}

bool cli_is_help(const char *s)
{
	return strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0;
}

void cli_sub_argv0(char **argv, const char *cmd)
{
	static char name[128];
	snprintf(name, sizeof name, "despin %s %s", cmd, argv[0]);
	argv[0] = name;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directories a walk has entered, by (device, inode): a directory seen
 * again (a symbolic link back up the tree, or two links to one folder) is
 * skipped with a warning, so no layout makes the walk endless. */
struct seen_dirs {
	struct dir_id {
		dev_t dev;
		ino_t ino;
	} *ids;
	size_t n, cap;
};

/* 1 if (dev, ino) was seen already, 0 if not (and now it is), -1 out of memory */
static int seen_dir(struct seen_dirs *s, const struct stat *st)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->ids[i].dev == st->st_dev && s->ids[i].ino == st->st_ino)
			return 1;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		struct dir_id *p = realloc(s->ids, nc * sizeof *p);
		if (!p)
			return -1;
		s->ids = p;
		s->cap = nc;
	}
	s->ids[s->n].dev = st->st_dev;
	s->ids[s->n].ino = st->st_ino;
	s->n++;
	return 0;
}

/* The files this command writes or keeps open (cli_walk_own): by their
 * folder's (device, inode) and their name in it. */
static struct own_file {
	dev_t dev;
	ino_t ino;
	char *base;
	const char *what;  /* what it is to the command (a static string) */
} *own;
static size_t n_own;

/* The folder of path ("." for a bare name; a new string, NULL out of
 * memory), and in *base its name in it (inside path). */
static char *path_dir(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	*base = slash ? slash + 1 : path;
	return slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
}

int cli_walk_own(const char *path, const char *what)
{
	const char *name;
	char *dir, *base;
	struct own_file *p;
	struct stat st;
	if (!*path || strcmp(path, "-") == 0 || path[strlen(path) - 1] == '/')
		return 0;
	dir = path_dir(path, &name);
	base = strdup(name);
	p = realloc(own, (n_own + 1) * sizeof *own);
	if (!dir || !base || !p) {
		free(dir);
		free(base);
		if (p)
			own = p;
		return -1;
	}
	own = p;
	if (stat(dir, &st) != 0) { /* no folder: nothing a walk could meet */
		free(dir);
		free(base);
		return 0;
	}
	free(dir);
	for (size_t i = 0; i < n_own; i++)
		if (own[i].dev == st.st_dev && own[i].ino == st.st_ino &&
		    strcmp(own[i].base, base) == 0) { /* named already */
			free(base);
			return 0;
		}
	own[n_own].dev = st.st_dev;
	own[n_own].ino = st.st_ino;
	own[n_own].what = what;
	own[n_own++].base = base;
	return 0;
}

/* 1 for a file the command named its own, 2 for one made beside it
 * (SQLite's NAME-wal, NAME-shm and NAME-journal; an atomic write's
 * NAME.tmp.PID), 0 for any other entry name of the folder dst. */
static int own_name(const struct stat *dst, const char *name, const char **what)
{
	static const char *const beside[] = {"-wal", "-shm", "-journal", NULL};
	for (size_t i = 0; i < n_own; i++) {
		size_t l = strlen(own[i].base);
		const char *rest = name + l;
		if (own[i].dev != dst->st_dev || own[i].ino != dst->st_ino ||
		    strncmp(name, own[i].base, l) != 0)
			continue;
		*what = own[i].what;
		if (!*rest)
			return 1;
		for (int k = 0; beside[k]; k++)
			if (strcmp(rest, beside[k]) == 0)
				return 2;
		if (strncmp(rest, ".tmp.", 5) == 0 && rest[5] &&
		    strspn(rest + 5, "0123456789") == strlen(rest + 5))
			return 2;
	}
	return 0;
}

/* own_name for a path as given: its folder's and its own name. */
static int own_path(const char *path, const char **what)
{
	const char *base;
	char *dir;
	struct stat dst;
	int r;
	if (!n_own || path[strlen(path) - 1] == '/')
		return 0;
	dir = path_dir(path, &base);
	if (!dir)
		return 0; /* out of memory: read it, as before */
	r = stat(dir, &dst) == 0 ? own_name(&dst, base, what) : 0;
	free(dir);
	return r;
}

/* The first bytes of the file at path into head (DS_REPORT_HEAD_BYTES);
 * how many (0 when it cannot be read). */
static size_t read_head(const char *path, char head[DS_REPORT_HEAD_BYTES])
{
	size_t n;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	n = fread(head, 1, DS_REPORT_HEAD_BYTES, f);
	fclose(f);
	return n;
}

/* The length of the first of exts (NULL-terminated) that the first pl
 * bytes of path end with, in any case; 0 when none. */
static size_t suffix_of(const char *path, size_t pl, const char *const *exts)
{
	for (; *exts; exts++) {
		size_t el = strlen(*exts);
		if (pl > el && strncasecmp(path + pl - el, *exts, el) == 0)
			return el;
	}
	return 0;
}

/* Whether path is named as a web page is (.html, .htm, .xhtml; .html.gz
 * too, as read_input reads a compressed file through). */
static int page_name(const char *path)
{
	static const char *const packed[] = {".gz", ".zst", NULL};
	static const char *const page[] = {".html", ".htm", ".xhtml", NULL};
	size_t pl = strlen(path);
	pl -= suffix_of(path, pl, packed);
	return suffix_of(path, pl, page) > 0;
}

/* Whether the file at path, named as a web page is, is a page 'despin
 * report' wrote: it holds the articles it reports on, so that, read as an
 * article, it was each one's source (a spun article judged clean against
 * its own text). */
static int report_page_file(const char *path)
{
	char head[DS_REPORT_HEAD_BYTES];
	return page_name(path) && ds_report_is_page(head, read_head(path, head));
}

/* What a walk calls: fn for each input, err for each path that fails. */
struct walker {
	cli_input_fn fn;
	cli_input_err_fn err;
	void *ctx;
	int *nerr;
	size_t count;
	size_t assets;      /* files skipped: a page's assets or media */
	size_t asset_dirs;  /* folders skipped: a saved page's NAME_files */
	size_t backups;     /* files skipped: NAME.orig, the backups restore keeps */
	size_t own;         /* files skipped: the command's own (cli_walk_own) */
	size_t reports;     /* files skipped: pages 'despin report' wrote */
};

/* The backup 'restore --in-place' keeps of an article it rewrites
 * (NAME.orig, NAME.orig.orig, ...): not an article of its own. */
static int backup_name(const char *name)
{
	size_t l = strlen(name);
	return l > 5 && strcmp(name + l - 5, ".orig") == 0;
}

/* A file a folder of saved pages holds beside the pages that is no article:
 * styles, scripts, images, fonts, media. */
static int asset_name(const char *name)
{
	static const char *const ext[] = {
		"css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg",
		"ico", "bmp", "tif", "tiff", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4",
		"m4a", "webm", "ogg", "wav", "avi", "mov", "swf", NULL};
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name)
		return 0;
	for (int k = 0; ext[k]; k++)
		if (strcasecmp(dot + 1, ext[k]) == 0)
			return 1;
	return 0;
}

/* Whether names[i] is the folder of a saved page's assets ("Save Page As",
 * complete: "story.html" beside "story_files"), by a sibling page. */
static int saved_page_assets(char **names, size_t n, size_t i)
{
	size_t l = strlen(names[i]);
	if (l < 7 || strcmp(names[i] + l - 6, "_files") != 0)
		return 0;
	for (size_t k = 0; k < n; k++) {
		size_t kl = strlen(names[k]);
		for (const char *const *e = (const char *const[]){".html", ".htm", NULL}; *e; e++)
			if (kl == l - 6 + strlen(*e) && strncmp(names[k], names[i], l - 6) == 0 &&
			    strcasecmp(names[k] + l - 6, *e) == 0)
				return 1;
	}
	return 0;
}

static int walk_fail(struct walker *w, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int walk_fail(struct walker *w, const char *path, const char *fmt, ...)
{
	char buf[1024], *whole;
	const char *msg;
	int rc = 0;
	va_list ap;
	va_start(ap, fmt);
	msg = format_whole(buf, sizeof buf, &whole, fmt, ap);
	va_end(ap);
	if (w->nerr)
		(*w->nerr)++;
	if (w->err)
		rc = w->err(path, msg, w->ctx);
	else
		cli_error("%s", msg);
	free(whole);
	return rc;
}

static int walk_dir(const char *path, const struct stat *dst, struct seen_dirs *seen,
		    struct walker *w)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int stop = 0;

	switch (seen_dir(seen, dst)) {
	case 1:
		cli_warn("%s: directory already read (a symbolic link loop or a second link to it), skipped",
			 path);
		return 0;
	case -1:
		walk_fail(w, path, "out of memory");
		return 1;
	}
	d = opendir(path);
	if (!d)
		return walk_fail(w, path, "cannot read directory %s: %s", path, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		const char *what;
		int mine;
		if (e->d_name[0] == '.')
			continue;
		if ((mine = own_name(dst, e->d_name, &what)) != 0) {
			w->own += mine == 1; /* what is made beside it goes unsaid */
			continue;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **nn = realloc(names, nc * sizeof *nn);
			if (!nn)
				break;
			names = nn;
			cap = nc;
		}
		names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
		if (!names[n])
			break;
		sprintf(names[n], "%s%s%s", path,
			path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (!stop) {
			if (stat(names[i], &st) < 0) {
				stop = walk_fail(w, names[i], "cannot open %s: %s", names[i],
						 strerror(errno));
			} else if (S_ISDIR(st.st_mode)) {
				if (saved_page_assets(names, n, i))
					w->asset_dirs++;
				else
					stop = walk_dir(names[i], &st, seen, w);
			} else if (S_ISREG(st.st_mode)) {
				if (asset_name(names[i])) {
					w->assets++;
				} else if (backup_name(names[i])) {
					w->backups++;
				} else if (report_page_file(names[i])) {
					w->reports++;
				} else {
					w->count++;
					stop = w->fn(names[i], w->ctx);
				}
			} else {
				/* a FIFO, socket or device inside a folder: reading it
				 * could block or never end; given by name, it is read */
				cli_warn("%s: not a regular file (a FIFO, socket or device), skipped",
					 cli_name(names[i]));
			}
		}
	}
	/* freed after the loop: saved_page_assets looks at every name */
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return stop;
}

/* One note of what the walk skipped in folders, from its non-empty parts:
 * "skipped in folders: PART[, PART] and PART; name a file to read it" (that
 * advice only when a part is one a name reads). */
static void skipped_note(const struct walker *w)
{
	char part[5][128], msg[768];
	size_t np = 0, used = 0;
	if (w->assets)
		snprintf(part[np++], sizeof part[0],
			 "%zu file%s of styles, scripts, images, fonts or media", w->assets,
			 w->assets == 1 ? "" : "s");
	if (w->asset_dirs)
		snprintf(part[np++], sizeof part[0],
			 "%zu folder%s of saved pages' assets (NAME_files beside NAME.html)",
			 w->asset_dirs, w->asset_dirs == 1 ? "" : "s");
	if (w->backups)
		snprintf(part[np++], sizeof part[0],
			 "%zu backup%s (NAME.orig, as 'restore --in-place' keeps them)", w->backups,
			 w->backups == 1 ? "" : "s");
	if (w->own)
		snprintf(part[np++], sizeof part[0], "%s this command writes or reads as its index",
			 w->own == 1 ? "the file" : "the files");
	if (w->reports)
		snprintf(part[np++], sizeof part[0], "%zu page%s 'despin report' wrote", w->reports,
			 w->reports == 1 ? "" : "s");
	if (!np)
		return;
	msg[0] = 0;
	for (size_t i = 0; i < np; i++)
		used += (size_t)snprintf(msg + used, sizeof msg - used, "%s%s",
					 i == 0 ? "" : i + 1 == np ? ", and " : ", ", part[i]);
	/* a file named is read, but the command's own and a report's page */
	cli_note("skipped in folders: %s%s", msg,
		 w->assets || w->asset_dirs || w->backups ? "; name a file to read it" : "");
}

size_t cli_walk_each(char **paths, int n, cli_input_fn fn, cli_input_err_fn err, void *ctx,
		     int *nerr)
{
	struct walker w = {fn, err, ctx, nerr, 0, 0, 0, 0, 0, 0};
	struct seen_dirs seen = {NULL, 0, 0};
	for (int i = 0; i < n; i++) {
		struct stat st;
		const char *what;
		int mine;
		if (strcmp(paths[i], "-") == 0) {
			w.count++;
			if (fn("-", ctx))
				break;
			continue;
		}
		if (stat(paths[i], &st) < 0) {
			int e = errno;
			if (walk_fail(&w, paths[i], "cannot open %s: %s", paths[i],
				      e == ENOENT && ds_web_address(paths[i]) ? DS_WEB_ADDRESS
									   : strerror(e)))
				break;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (walk_dir(paths[i], &st, &seen, &w))
				break;
		} else if (S_ISREG(st.st_mode) && (mine = own_path(paths[i], &what)) != 0) {
			/* 'index add -i ix.db *': the index is no article (as tar
			 * leaves out the archive it writes); an output named as an
			 * input was refused before (cli_output_is_input), but for a
			 * page of an earlier 'report' */
			if (mine == 1)
				cli_note("%s: %s, not an article: skipped", cli_name(paths[i]), what);
			else
				cli_note("%s: made beside a file of this command's (SQLite's -wal, -shm "
					 "or -journal, a temporary file), not an article: skipped",
					 cli_name(paths[i]));
		} else if (S_ISREG(st.st_mode) && report_page_file(paths[i])) {
			cli_note("%s: a page 'despin report' wrote, not an article: skipped",
				 cli_name(paths[i]));
		} else {
			w.count++;
			if (fn(paths[i], ctx))
				break;
		}
	}
	free(seen.ids);
	skipped_note(&w);
	return w.count;
}

void cli_no_input(char **paths, int n)
{
	struct stat st;
	int files = 0;
	for (int i = 0; i < n && !files; i++)
		files = stat(paths[i], &st) == 0 && !S_ISDIR(st.st_mode);
	if (n == 1 && files)
		cli_error("no input: %s is not an article (the note above says what it is)",
			  cli_name(paths[0]));
	else if (n == 1)
		cli_error("no input: %s holds no file to read", cli_name(paths[0]));
	else if (files)
		cli_error("no input: the paths given hold no article (the notes above say what they "
			  "hold)");
	else
		cli_error("no input: the folders given hold no file to read");
}

size_t cli_walk(char **paths, int n, cli_input_fn fn, void *ctx, int *nerr)
{
	int before = nerr ? *nerr : 0;
	size_t count = cli_walk_each(paths, n, fn, NULL, ctx, nerr);
	if (count == 0 && n > 0 && nerr && *nerr == before) {
		cli_no_input(paths, n);
		(*nerr)++;
	}
	return count;
}

/* ---- names in output ---- */

size_t cli_escape_name(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, i = 0, n = strlen(s), end = 0;
	int full = 0;
	while (i < n) {
		char tmp[16];
		size_t tl = 0, adv = 1;
		uint32_t cp = 0;
		size_t l = 0;
		if (p[i] >= 0x80) {
			/* decode one UTF-8 sequence (shortest form, no surrogates) */
			unsigned c = p[i];
			l = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? (c < 0xf0 ? 3 : 0) : c >= 0xc2 ? 2 : 0;
			if (l && i + l <= n) {
				cp = c & (0x3f >> (l - 1));
				for (size_t k = 1; k < l; k++) {
					if ((p[i + k] & 0xc0) != 0x80) {
						l = 0;
						break;
					}
					cp = cp << 6 | (p[i + k] & 0x3f);
				}
				if (l && ((l == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
					  (l == 4 && (cp < 0x10000 || cp > 0x10ffff))))
					l = 0;
			} else {
				l = 0;
			}
		}
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\') {
			tmp[0] = '\\';
			switch (p[i]) {
			case '\n': tmp[1] = 'n'; tl = 2; break;
			case '\t': tmp[1] = 't'; tl = 2; break;
			case '\r': tmp[1] = 'r'; tl = 2; break;
			case '\\': tmp[1] = '\\'; tl = 2; break;
			default:
				tmp[1] = 'x'; tmp[2] = hex[p[i] >> 4]; tmp[3] = hex[p[i] & 15]; tl = 4;
			}
		} else if (p[i] >= 0x80 && l == 0) {
			/* not UTF-8: the byte in hex */
			tmp[0] = '\\'; tmp[1] = 'x'; tmp[2] = hex[p[i] >> 4]; tmp[3] = hex[p[i] & 15];
			tl = 4;
		} else if (p[i] >= 0x80 && (ds_is_bidi_control(cp) || ds_is_control(cp))) {
			/* would reorder what follows on screen, or (C1) be
			 * taken for a terminal's control */
			tl = (size_t)snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)cp);
			adv = l;
		} else if (p[i] >= 0x80) {
			memcpy(tmp, p + i, l);
			tl = l;
			adv = l;
		} else {
			tmp[0] = (char)p[i];
			tl = 1;
		}
		if (out && !full && o + tl < cap) {
			memcpy(out + o, tmp, tl);
			end = o + tl;
		} else {
			full = 1; /* stop writing; keep counting */
		}
		o += tl;
		i += adv;
	}
	if (out && cap)
		out[end] = 0;
	return o;
}

/* What the regular file path is when a despin command wrote it, none of
 * which is an article: a model file (the envelope's magic), a language
 * model in ARPA format, a report page; NULL for any other file. */
static const char earlier_model[] = "the model of an earlier run, which this command writes again",
		  earlier_arpa[] = "the language model of an earlier run, which this command "
				   "writes again",
		  earlier_page[] = "the page of an earlier run, which this command writes again";

static const char *earlier_output(const char *path)
{
	char head[DS_REPORT_HEAD_BYTES];
	size_t n = read_head(path, head), i = 0;
	while (i < n && (head[i] == '\n' || head[i] == '\r' || head[i] == ' '))
		i++;
	if (ds_bin_is(head, n))
		return earlier_model;
	if (n - i >= 6 && memcmp(head + i, "\\data\\", 6) == 0)
		return earlier_arpa;
	if (ds_report_is_page(head, n))
		return earlier_page;
	return NULL;
}

int cli_output_is_input(const char *out, const char *const *paths, size_t n)
{
	static const char writes[] = "the file this command writes";
	struct stat so, si;
	const char *earlier;
	/* a file to be made, or standard output: no input is lost; the file
	 * this command writes: no folder walk reads it (out of memory, a walk
	 * would: said by nothing, harmless) */
	if (!out || strcmp(out, "-") == 0 || stat(out, &so) != 0 || !S_ISREG(so.st_mode)) {
		if (out)
			(void)cli_walk_own(out, writes);
		return 0;
	}
	/* what a command wrote before ('report --html r.html *' run again) is
	 * no input to lose: named among the inputs, the walk skips it.  Its
	 * start is read once: a command asking again (report, of its
	 * articles, sources and index) finds what the first call named it */
	if (own_path(out, &earlier) == 1) {
		/* named before: by this command's output (or its index) */
		if (earlier != earlier_model && earlier != earlier_arpa && earlier != earlier_page)
			earlier = NULL;
	} else {
		earlier = earlier_output(out);
		(void)cli_walk_own(out, earlier ? earlier : writes);
	}
	if (earlier)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!paths[i] || strcmp(paths[i], "-") == 0 || stat(paths[i], &si) != 0)
			continue;
		if (si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
			if (strcmp(out, paths[i]) == 0)
				cli_error("%s is an input too: writing it would lose it; name another "
					  "output",
					  cli_name(out));
			else
				cli_error("%s is an input too (as %s): writing it would lose it; name "
					  "another output",
					  cli_name(out), cli_name(paths[i]));
			return 1;
		}
	}
	return 0;
}

const char *cli_input_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

const char *cli_name(const char *s)
{
	static _Thread_local char bufs[4][4096];
	static _Thread_local int next;
	char *b = bufs[next];
	next = (next + 1) & 3;
	if (!s)
		return "";
	if (cli_escape_name(b, sizeof bufs[0], s) >= sizeof bufs[0])
		memcpy(b + sizeof bufs[0] - 4, "...", 4);
	return b;
}

const char *cli_index_name(const char *index)
{
	char shown[4096];
	if (!index || !ds_store_is_redis(index))
		return cli_name(index);
	ds_store_shown_uri_to(index, shown, sizeof shown);
	return cli_name(shown);
}

/* The addresses made below, freed at exit. */
static char *env_addr[16];
static size_t n_env_addr;

static void env_addr_free(void)
{
	while (n_env_addr)
		free(env_addr[--n_env_addr]);
}

const char *cli_redis_address(const char *uri)
{
	const char *pw = getenv("DESPIN_REDIS_PASSWORD");
	char *a;
	if (!uri || !pw || !*pw || n_env_addr == sizeof env_addr / sizeof env_addr[0] ||
	    !(a = ds_redis_addr_with_password(uri, getenv("DESPIN_REDIS_USER"), pw)))
		return uri; /* as given: no password to put in, or out of memory */
	if (!n_env_addr)
		atexit(env_addr_free);
	env_addr[n_env_addr++] = a;
	return a;
}

size_t cli_phrase(const char *s, char *buf, size_t size)
{
	size_t k = 0;
	int sp = 0;
	for (; *s && k + 2 < size; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			sp = k > 0;
			continue;
		}
		if (sp)
			buf[k++] = ' ';
		sp = 0;
		buf[k++] = *s;
	}
	ds_lower(buf, buf, k);
	buf[k] = 0;
	return k;
}

int cli_pairs_open(struct cli_pairs *r, const char *path, const char *what)
{
	struct ds_err err = {0, ""};
	memset(r, 0, sizeof *r);
	r->path = path;
	r->what = what;
	if (ds_tsv_open(&r->t, path, 0, &err) < 0) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

int cli_pairs_next(struct cli_pairs *r, char *a, char *b, size_t size)
{
	char *f[2];
	int nf;
	while ((nf = ds_tsv_next(&r->t, f, 2)) >= 0) {
		*a = *b = 0;
		if (nf == 2) {
			cli_phrase(f[0], a, size);
			cli_phrase(f[1], b, size);
		}
		if (*a && *b)
			return 1;
		cli_note("%s:%d: not '%s': skipped",
			 strcmp(r->path, "-") ? cli_name(r->path) : "<stdin>", r->t.lineno, r->what);
		r->skipped++;
	}
	return 0;
}

void cli_pairs_close(struct cli_pairs *r)
{
	ds_tsv_close(&r->t);
}

/* ---- numbers in options ---- */

/* arg as a whole number: decimal digits, after a '-' when signed; its
 * magnitude in *mag and *neg set.  0, or -1 when it is not one (or does not
 * fit 64 bits). */
static int parse_whole(const char *arg, int is_signed, unsigned long long *mag, int *neg)
{
	char *end;
	*neg = is_signed && arg && *arg == '-';
	if (!arg || arg[*neg] < '0' || arg[*neg] > '9')
		return -1;
	errno = 0;
	*mag = strtoull(arg + *neg, &end, 10);
	return errno || *end ? -1 : 0;
}

/* A fragment of a page saved on its own ("<div class=story>...") has no
 * <html> to be known by: its name (.html, .htm, .xhtml) and a first
 * character '<' say it is one. */
int cli_html_named(const char *path, const char *s, size_t n)
{
	size_t i = 0;
	if (!page_name(path))
		return 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i < n && s[i] == '<';
}

int cli_input_kind(const char *s, size_t n, int page, size_t *odd, size_t *first)
{
	/* a MIME message is one whatever it was handed over as (an "html"
	 * record, a page's name): its headers start with MIME-Version and a
	 * text or multipart type, which no page does */
	int kind = ds_office_kind(s, n) ? CLI_READ_OFFICE
		   : ds_mime_is(s, n) ? CLI_READ_MIME
		   : page || ds_html_is(s, n) ? CLI_READ_PAGE
					      : CLI_READ_TEXT;
	size_t o = 0, f = 0;
	/* a page that declares Windows-1252 is read so: no guess to tell */
	if (kind == CLI_READ_TEXT || (kind == CLI_READ_PAGE && !ds_html_is_1252(s, n)))
		o = ds_text_legacy_bytes(s, n, &f);
	if (odd)
		*odd = o;
	if (first)
		*first = f;
	return kind == CLI_READ_TEXT && o ? CLI_READ_1252 : kind;
}

/* A first line of the text judged that looks like a date header but gives
 * no day of the calendar (ds_text_bad_date): a note, the text being
 * judged all the same (without a date). */
static void bad_date_note(const char *name, const char *s, size_t n)
{
	size_t at, l = ds_text_bad_date(s, n, &at);
	if (l)
		cli_note("%s: '%.*s' is not a day of the calendar written YYYY-MM-DD; read as text",
			 cli_name(name), (int)l, s + at);
}

int cli_text_of(const char *name, const char *s, size_t n, int page, char **text, size_t *len,
		int *how, struct ds_html_map **map, struct ds_err *err)
{
	size_t odd, first;
	int kind = cli_input_kind(s, n, page, &odd, &first), mime = kind == CLI_READ_MIME, rc;
	*text = NULL;
	*len = 0;
	if (map)
		*map = NULL;
	if (how)
		*how = CLI_READ_TEXT;
	/* a report's page holds the articles it reports on: read as an
	 * article, it was the source of each of them, a spun one judged clean
	 * against its own text */
	if (ds_report_is_page(s, n))
		return ds_err_set(err, DS_EFORMAT,
				  "%s: a page 'despin report' wrote, not an article: name the "
				  "articles, or keep the page out of their folder",
				  name);
	page = kind == CLI_READ_PAGE;
	if (kind == CLI_READ_TEXT) {
		bad_date_note(name, s, n);
		return 0;
	}
	if (kind == CLI_READ_OFFICE) {
		/* the reader's own words: a damaged or encrypted document */
		rc = ds_office_text(s, n, cli_max_input, text, len, err);
		if (rc == DS_ENOMEM)
			return ds_err_set(err, rc, "%s: out of memory", name);
		if (rc) {
			char why[sizeof err->msg];
			snprintf(why, sizeof why, "%s", err->msg);
			return ds_err_set(err, rc, "%s: %s", name, why);
		}
		if (how)
			*how = kind;
		bad_date_note(name, *text, *len);
		return 0;
	}
	if (mime)
		rc = ds_mime_text_map(s, n, text, len, map, err);
	else if (page)
		rc = map ? ds_html_text_map(s, n, text, len, map, err)
			 : ds_html_text(s, n, text, len, err);
	else
		rc = ds_text_from_1252(s, n, text, len, map, err);
	if (rc == DS_EBINARY) { /* the reader's own words (a part it cannot read) */
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		return ds_err_set(err, rc, "%s: %s", name, why);
	}
	if (rc)
		return ds_err_set(err, rc, "%s: %s", name,
				  rc == DS_EEMPTY ? "a MIME message (.mhtml, .eml) with no text part"
				  : rc != DS_ETOOBIG ? "out of memory"
				  : mime ? "a MIME message of 4 GiB or more"
				  : page ? "a web page of 4 GiB or more" : "4 GiB or more to re-encode");
	if (how)
		*how = kind;
	if (odd) /* a guess: said (a page that declares its charset is read so) */
		cli_note("%s: not UTF-8: %zu byte%s read as Windows-1252 (the first at byte %zu)",
			 cli_name(name), odd, odd == 1 ? "" : "s", first);
	bad_date_note(name, *text, *len);
	return 0;
}

int cli_read_file(const char *path, size_t max, char **text, size_t *len, struct ds_err *err)
{
	char *t;
	size_t n;
	int rc = ds_read_file(path, max, text, len, err);
	if (rc || !ds_unpack_kind(*text, *len))
		return rc;
	rc = ds_unpack(cli_input_name(path), *text, *len, max, &t, &n, err);
	free(*text);
	*text = rc ? NULL : t;
	*len = rc ? 0 : n;
	return rc;
}

/* cli_read_file, then cli_text_of: the map of where the text comes from in
 * *map when map is not NULL (none is built otherwise). */
static int read_input(const char *path, size_t max, char **text, size_t *len, int *how,
		      struct ds_html_map **map, struct ds_err *err)
{
	const char *name = cli_input_name(path);
	char *t;
	size_t n;
	int rc = cli_read_file(path, max, text, len, err);
	if (map)
		*map = NULL;
	if (how)
		*how = CLI_READ_TEXT;
	if (rc)
		return rc;
	rc = cli_text_of(name, *text, *len, cli_html_named(path, *text, *len), &t, &n, how, map, err);
	if (rc) {
		free(*text);
		*text = NULL;
		return rc;
	}
	if (t) {
		free(*text);
		*text = t;
		*len = n;
	}
	return 0;
}

int cli_read_page(const char *path, size_t max, char **text, size_t *len,
		  struct ds_html_map **map, struct ds_err *err)
{
	return read_input(path, max, text, len, NULL, map, err);
}

int cli_read_article(const char *path, size_t max, char **text, size_t *len, int *how,
		     struct ds_err *err)
{
	return read_input(path, max, text, len, how, NULL, err);
}

int cli_read_training(const char *path, int how, char **text, size_t *len)
{
	struct ds_err err = {0};
	size_t max = cli_max_input ? cli_max_input : DS_DOC_MAX_BYTES_DEFAULT;
	int rc = how & CLI_TRAIN_PRETOK ? cli_read_file(path, max, text, len, &err)
					: cli_read_article(path, max, text, len, NULL, &err);
	if (!rc && (how & CLI_TRAIN_CHECK) &&
	    (rc = ds_text_check(*text, *len, cli_input_name(path), &err)))
		free(*text);
	if (rc) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

int cli_parse_size(const char *opt, const char *arg, size_t min, size_t max, size_t *out)
{
	unsigned long long v;
	int neg;
	if (parse_whole(arg, 0, &v, &neg) || v < min || v > max) {
		cli_error("%s takes a whole number from %zu to %zu, not '%s'", opt, min, max,
			  arg ? arg : "");
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int cli_parse_int(const char *opt, const char *arg, long min, long max, long *out)
{
	unsigned long long m;
	int neg;
	long v = 0;
	int ok = parse_whole(arg, 1, &m, &neg) == 0 &&
		 m <= (neg ? (unsigned long long)LONG_MAX + 1 : (unsigned long long)LONG_MAX);
	if (ok)
		v = neg ? (long)(0 - m) : (long)m;
	if (!ok || v < min || v > max) {
		cli_error("%s takes a whole number from %ld to %ld, not '%s'", opt, min, max,
			  arg ? arg : "");
		return -1;
	}
	*out = v;
	return 0;
}

/* arg as an option's real number is written: decimal digits with at most
 * one point among or after them ("0.5", ".5", "2"), after a '-' only when
 * negative values are allowed.  strtod alone would also take what no user
 * means as a threshold and what the range check cannot catch as a typo
 * (" 0.5", "0x0.8", "1e-1", "inf"); 0, or -1 for any of those. */
static int plain_decimal(const char *arg, int is_signed)
{
	size_t i = is_signed && arg[0] == '-', digits = 0, points = 0;
	for (; arg[i]; i++) {
		if (arg[i] >= '0' && arg[i] <= '9')
			digits++;
		else if (arg[i] == '.' && points++ == 0)
			continue;
		else
			return -1;
	}
	return digits ? 0 : -1;
}

/* v as plain_decimal takes it back (1000000000, not 1e+09), so that the
 * range a refusal gives can be typed as it reads. */
static const char *plain_real(double v, char *buf, size_t size)
{
	size_t n;
	snprintf(buf, size, "%.6f", v);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

int cli_parse_real(const char *opt, const char *arg, double min, double max, int open_ends,
		   double *out)
{
	char lo[64], hi[64];
	double v;
	if (!arg || plain_decimal(arg, min < 0))
		goto bad;
	v = strtod(arg, NULL);
	if (!isfinite(v) || v < min || v > max || (open_ends && (v == min || v == max)))
		goto bad;
	*out = v;
	return 0;
bad:
	cli_error("%s takes a number %s %s %s %s, not '%s'", opt, open_ends ? "between" : "from",
		  plain_real(min, lo, sizeof lo), open_ends ? "and" : "to",
		  plain_real(max, hi, sizeof hi), arg ? arg : "");
	return -1;
}

/* ---- options ---- */

int cli_option_applies(const char *cmd, const char *sub, const struct cli_sub_options *allowed,
		       int c, const struct option *longopts)
{
	const char *name = NULL;
	if (c == '?' || c == ':' || c == 'h')
		return 0;
	for (; allowed->sub; allowed++)
		if (strcmp(allowed->sub, sub) == 0)
			break;
	if (!allowed->sub || strchr(allowed->codes, c))
		return 0;
	for (size_t k = 0; longopts[k].name && !name; k++)
		if (longopts[k].val == c)
			name = longopts[k].name;
	if (name && !(c == 'n' && strcmp(cmd, "index") == 0))
		cli_error("%s %s: --%s does not apply (see 'despin %s --help')", cmd, sub, name, cmd);
	else
		cli_error("%s %s: -%c does not apply (see 'despin %s --help')", cmd, sub, c, cmd);
	return -1;
}

bool cli_sub_known(const struct cli_sub_options *allowed, const char *sub)
{
	for (; allowed->sub; allowed++)
		if (strcmp(allowed->sub, sub) == 0)
			return true;
	return false;
}

/* ---- figures and colour ---- */

const char *cli_score(double v, double other)
{
	static _Thread_local char bufs[4][32];
	static _Thread_local int next;
	char *b = bufs[next], o[32];
	next = (next + 1) & 3;
	for (int d = 2;; d++) {
		snprintf(b, sizeof bufs[0], "%.*f", d, v);
		snprintf(o, sizeof o, "%.*f", d, other);
		if (d >= 6 || v == other || !isfinite(other) || strcmp(b, o) != 0)
			return b;
	}
}

int cli_color(const char *when)
{
	const char *no = getenv("NO_COLOR");
	if (strcmp(when, "always") == 0)
		return 1;
	if (strcmp(when, "never") == 0)
		return 0;
	if (strcmp(when, "auto") == 0)
		return isatty(1) && !(no && *no);
	cli_error("--color takes always, never or auto, not '%s'", when);
	return -1;
}

/* ---- standard output ---- */

int cli_stdout_failed(void)
{
	static int reported;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (!reported) {
		int e = errno;
		cli_error("cannot write standard output: %s", strerror(e ? e : EIO));
		reported = 1;
	}
	return 1;
}

/* The models folder of a build tree: ../models beside the running binary
 * (build/despin -> models/), when it holds a language model.  "" if none. */
static const char *build_tree_models(void)
{
	static char buf[4096];
	static int done;
	char exe[4096];
	ssize_t n;
	char *slash;
	if (done)
		return buf;
	done = 1;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return buf;
	exe[n] = 0;
	if (!(slash = strrchr(exe, '/')))
		return buf;
	*slash = 0;
	snprintf(buf, sizeof buf, "%.4000s/../models", exe);
	if (access(cli_model_path(buf, "lm.bin"), R_OK) != 0)
		buf[0] = 0;
	return buf;
}

const char *cli_models_dir(const char *opt)
{
	static char buf[4096];
	const char *env = getenv("DESPIN_MODELS");
	if (opt && *opt)
		snprintf(buf, sizeof buf, "%s", opt);
	else if (env && *env)
		snprintf(buf, sizeof buf, "%s", env);
	else if (*build_tree_models())
		snprintf(buf, sizeof buf, "%s", build_tree_models());
	else
		snprintf(buf, sizeof buf, "%s", DS_DATADIR);
	return buf;
}

void cli_models_error(const struct ds_err *err)
{
	cli_error("%s", err->msg);
	if (err->code != DS_EIO)
		return; /* found but unusable: where models are looked for is no help */
	fprintf(stderr,
		"despin: models are looked for in --models DIR, else $DESPIN_MODELS, else the\n"
		"        models folder of the build tree beside the despin binary, else the\n"
		"        installed data folder %s ('make models' builds them)\n",
		DS_DATADIR);
}

const char *cli_lm_file(void)
{
	const char *env = getenv("DESPIN_LM");
	return env && *env && !strchr(env, '/') ? env : NULL;
}

struct ds_models *cli_models_open(const char *models, int need_scorer, int many,
				  struct ds_err *err)
{
	const char *env = getenv("DESPIN_LM");
	struct ds_models *m = (many ? ds_models_open_lm_many : ds_models_open_lm)(
		cli_models_dir(models), cli_lm_file(), need_scorer, err);
	if (m && env && strchr(env, '/'))
		cli_note("DESPIN_LM=%s ignored: it names a model file of the models directory (no '/'; --models DIR for another directory)",
			 env);
	for (size_t i = 0; m && ds_models_note(m, i); i++)
		cli_note("%s", ds_models_note(m, i));
	return m;
}

const char *cli_model_path(const char *dir, const char *file)
{
	static char bufs[4][4096];
	static int next;
	char *b = bufs[next];
	next = (next + 1) & 3;
	if (snprintf(b, sizeof bufs[0], "%s/%s", dir, file) >= (int)sizeof bufs[0])
		b[0] = 0; /* no such path */
	return b;
}
