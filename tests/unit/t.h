/*
 * t.h - a tiny TAP-style unit-test harness for despin's tests.
 *
 *   T_TEST(name) { ... T_OK(cond); T_EQ_INT(a, b); T_EQ_STR(a, b); ... }
 *   int main(void) { T_RUN(name); ...; return t_done(); }
 *
 * Each T_RUN prints "ok N - name" or "not ok N - name" with the failed
 * assertions as "# " comments; t_done() returns non-zero if any failed.
 * DS_TOP is the path of the source tree (for fixtures); t_skip marks a test
 * skipped with its reason.
 */
#ifndef DS_T_H
#define DS_T_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

static int t_num, t_failed_tests, t_cur_failed, t_cur_skipped;

#define T_TEST(name) static void name(void)
#define T_RUN(name)                                                        \
	do {                                                               \
		t_cur_failed = 0;                                          \
		t_cur_skipped = 0;                                         \
		name();                                                    \
		t_num++;                                                   \
		if (t_cur_skipped)                                         \
			;                                                  \
		else if (t_cur_failed) {                                   \
			t_failed_tests++;                                  \
			printf("not ok %d - %s\n", t_num, #name);          \
		} else                                                     \
			printf("ok %d - %s\n", t_num, #name);              \
		fflush(stdout);                                            \
	} while (0)

#define T_FAIL(...)                                                        \
	do {                                                               \
		printf("#   %s:%d: ", __FILE__, __LINE__);                 \
		printf(__VA_ARGS__);                                       \
		printf("\n");                                              \
		t_cur_failed++;                                            \
	} while (0)

#define T_OK(c)                                                            \
	do {                                                               \
		if (!(c))                                                  \
			T_FAIL("expected %s", #c);                         \
	} while (0)
#define T_EQ_INT(a, b)                                                     \
	do {                                                               \
		long long t_a = (long long)(a), t_b = (long long)(b);      \
		if (t_a != t_b)                                            \
			T_FAIL("%s == %lld, expected %lld", #a, t_a, t_b); \
	} while (0)
#define T_EQ_STR(a, b)                                                     \
	do {                                                               \
		const char *t_a = (a), *t_b = (b);                         \
		if (!t_a || !t_b || strcmp(t_a, t_b) != 0)                 \
			T_FAIL("%s == \"%s\", expected \"%s\"", #a,        \
			       t_a ? t_a : "(null)", t_b ? t_b : "(null)");  \
	} while (0)
#define T_NEAR(a, b, eps)                                                  \
	do {                                                               \
		double t_a = (a), t_b = (b);                               \
		if (!(fabs(t_a - t_b) <= (eps)))                           \
			T_FAIL("%s == %.9g, expected %.9g (+-%g)", #a, t_a,  \
			       t_b, (double)(eps));                        \
	} while (0)

/* Marks the current test skipped (TAP "# SKIP") and returns from it. */
#define T_SKIP(reason)                                                     \
	do {                                                               \
		t_num++;                                                   \
		printf("ok %d - %s # SKIP %s\n", t_num, __func__, reason); \
		t_cur_skipped = 1;                                         \
		t_num--;                                                   \
		return;                                                    \
	} while (0)

static inline int t_done(void)
{
	return t_failed_tests ? 1 : 0;
}

/* Path of a file in the source tree: tests run from the top directory. */
static inline const char *t_path(const char *rel)
{
	return rel;
}

/* Removes DIR, a test's scratch directory, with every file in it (the
 * library leaves sidecars such as a model's ".checked" next to the files
 * a test wrote).  Not recursive: scratch directories hold files only. */
static inline void t_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

#endif
