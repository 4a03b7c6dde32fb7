/* cli_util.c - messages, input walking and model paths for the command line. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#ifndef DS_DATADIR
#define DS_DATADIR "/usr/local/share/despin"
#endif

size_t cli_max_input;

/* Prints one message line with control bytes, bytes that are not UTF-8
 * and bidi controls escaped (file names come from anywhere). */
static void message(const char *prefix, const char *fmt, va_list ap)
{
	char raw[2048], esc[4096];
	vsnprintf(raw, sizeof raw, fmt, ap);
	cli_escape_name(esc, sizeof esc, raw);
	fprintf(stderr, "%s%s\n", prefix, esc);
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

int cli_usage(const char *usage)
{
	fprintf(stderr, "usage: %s\n", usage);
	fprintf(stderr, "(see 'despin %s' and --help)\n", "COMMAND");
	return EXIT_ERROR;
}

bool cli_is_help(const char *s)
{
	return strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0;
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

static int walk_dir(const char *path, const struct stat *dst, struct seen_dirs *seen,
		    cli_input_fn fn, void *ctx, int *nerr, size_t *count)
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
		cli_error("out of memory");
		(*nerr)++;
		return 1;
	}
	d = opendir(path);
	if (!d) {
		cli_error("cannot read directory %s: %s", path, strerror(errno));
		(*nerr)++;
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
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
				cli_error("cannot open %s: %s", names[i], strerror(errno));
				(*nerr)++;
			} else if (S_ISDIR(st.st_mode)) {
				stop = walk_dir(names[i], &st, seen, fn, ctx, nerr, count);
			} else if (S_ISREG(st.st_mode)) {
				(*count)++;
				stop = fn(names[i], ctx);
			}
		}
		free(names[i]);
	}
	free(names);
	return stop;
}

size_t cli_walk(char **paths, int n, cli_input_fn fn, void *ctx, int *nerr)
{
	size_t count = 0;
	struct seen_dirs seen = {NULL, 0, 0};
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") == 0) {
			count++;
			if (fn("-", ctx))
				break;
			continue;
		}
		if (stat(paths[i], &st) < 0) {
			cli_error("cannot open %s: %s", paths[i], strerror(errno));
			(*nerr)++;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (walk_dir(paths[i], &st, &seen, fn, ctx, nerr, &count))
				break;
		} else {
			count++;
			if (fn(paths[i], ctx))
				break;
		}
	}
	free(seen.ids);
	return count;
}

/* ---- names in output ---- */

/* Characters that reorder the text around them on screen (Unicode bidi
 * embeddings, overrides, isolates and marks). */
static int is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

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
		} else if (p[i] >= 0x80 && is_bidi_control(cp)) {
			/* would reorder what follows on screen */
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

/* ---- numbers in options ---- */

int cli_parse_size(const char *opt, const char *arg, size_t min, size_t max, size_t *out)
{
	char *end;
	unsigned long long v;
	errno = 0;
	if (!arg || !*arg || *arg < '0' || *arg > '9')
		goto bad;
	v = strtoull(arg, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = (size_t)v;
	return 0;
bad:
	cli_error("%s takes a whole number from %zu to %zu, not '%s'", opt, min, max,
		  arg ? arg : "");
	return -1;
}

int cli_parse_int(const char *opt, const char *arg, long min, long max, long *out)
{
	char *end;
	long v;
	errno = 0;
	if (!arg || !*arg || !((*arg >= '0' && *arg <= '9') || *arg == '-'))
		goto bad;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	cli_error("%s takes a whole number from %ld to %ld, not '%s'", opt, min, max,
		  arg ? arg : "");
	return -1;
}

int cli_parse_real(const char *opt, const char *arg, double min, double max, int open_ends,
		   double *out)
{
	char *end;
	double v;
	errno = 0;
	if (!arg || !*arg)
		goto bad;
	v = strtod(arg, &end);
	if (errno || *end || end == arg || !isfinite(v) || v < min || v > max ||
	    (open_ends && (v == min || v == max)))
		goto bad;
	*out = v;
	return 0;
bad:
	cli_error("%s takes a number %s %g %s %g, not '%s'", opt,
		  open_ends ? "between" : "from", min, open_ends ? "and" : "to", max,
		  arg ? arg : "");
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

const char *cli_models_dir(const char *opt)
{
	static char buf[4096];
	const char *env = getenv("DESPIN_MODELS");
	if (opt && *opt)
		snprintf(buf, sizeof buf, "%s", opt);
	else if (env && *env)
		snprintf(buf, sizeof buf, "%s", env);
	else if (access("models/lm.bin", R_OK) == 0)
		snprintf(buf, sizeof buf, "models");
	else
		snprintf(buf, sizeof buf, "%s", DS_DATADIR);
	return buf;
}

const char *cli_lm_file(void)
{
	const char *env = getenv("DESPIN_LM");
	return env && *env && !strchr(env, '/') ? env : NULL;
}

const char *cli_model_path(const char *dir, const char *file)
{
	static char bufs[4][4096];
	static int next;
	char *b = bufs[next];
	next = (next + 1) & 3;
	snprintf(b, sizeof bufs[0], "%s/%s", dir, file);
	return b;
}
