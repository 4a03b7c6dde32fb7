/* cli_util.c - messages, input walking and model paths for the command line. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#ifndef DS_DATADIR
#define DS_DATADIR "/usr/local/share/despin"
#endif

size_t cli_max_input;

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("despin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	fputs("despin: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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

static int walk_dir(const char *path, cli_input_fn fn, void *ctx, int *nerr, size_t *count)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int stop = 0;

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
				stop = walk_dir(names[i], fn, ctx, nerr, count);
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
			if (walk_dir(paths[i], fn, ctx, nerr, &count))
				break;
		} else {
			count++;
			if (fn(paths[i], ctx))
				break;
		}
	}
	return count;
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
	return env && *env && !strchr(env, '/') ? env : "lm.bin";
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
