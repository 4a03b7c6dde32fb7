/* Unit tests of util's hash map, string table, sort, tab-separated files,
 * text shown safely and atomic writes. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "t.h"
#include "util.h"

#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

/* a string table on top of the map: key = hash, value = index in words[] */
struct words {
	const char *w[64];
	size_t n;
	const char *probe;
};

static int word_eq(const void *ctx, uint32_t v)
{
	const struct words *ws = ctx;
	return strcmp(ws->w[v], ws->probe) == 0;
}

/* ds_buf_fixed4 and ds_buf_size write what printf writes, ties and
 * signs included. */
T_TEST(fixed4_as_printf)
{
	static const double fixed[] = {0, -0.0, 0.00005, 0.00015, 0.00025, -0.00005, 1.00005,
				       2.5e-5, 0.99995, 0.999949999, 123.45675, 1e-300, -1e-300,
				       4.9e-324, 1e13, 99999999999999.99995, -7.25, 0.5, 1.0 / 3};
	struct ds_buf b = DS_BUF_INIT;
	char want[400];
	uint64_t r = 42;
	size_t bad = 0, n = 0;
	for (size_t i = 0; i < DS_ARRAY_LEN(fixed) + 200000; i++) {
		double v;
		if (i < DS_ARRAY_LEN(fixed)) {
			v = fixed[i];
		} else if (i % 4 == 0) { /* ties and near ties of the fourth place */
			r = ds_mix64(r + i);
			v = (double)(int64_t)(r % 2000000 - 1000000) / 20000.0;
		} else {
			r = ds_mix64(r + i);
			v = ((double)(r >> 11) / 9007199254740992.0 - 0.5) * pow(10.0, (double)(r % 24) - 8);
		}
		b.len = 0;
		ds_buf_fixed4(&b, v);
		snprintf(want, sizeof want, "%.4f", v);
		n++;
		if (b.len != strlen(want) || memcmp(b.data, want, b.len) != 0) {
			if (bad++ < 5)
				T_FAIL("%.17g: %.*s, printf %s", v, (int)b.len, b.data, want);
		}
	}
	T_EQ_INT(bad, 0);
	printf("# %zu numbers written as printf's %%.4f writes them\n", n);
	{
		static const size_t sizes[] = {0, 7, 10, 4294967296u, SIZE_MAX};
		for (size_t i = 0; i < DS_ARRAY_LEN(sizes); i++) {
			b.len = 0;
			ds_buf_size(&b, sizes[i]);
			snprintf(want, sizeof want, "%zu", sizes[i]);
			T_OK(b.len == strlen(want) && memcmp(b.data, want, b.len) == 0);
		}
	}
	ds_buf_free(&b);
}

T_TEST(hmap_integers)
{
	struct ds_hmap m = DS_HMAP_INIT;
	uint32_t *v;
	int is_new = -1;
	T_OK(ds_hmap_find(&m, 7, NULL, NULL) == NULL);
	for (uint64_t k = 0; k < 10000; k++) {
		v = ds_hmap_put(&m, k * 3, (uint32_t)k, NULL, NULL, &is_new);
		T_OK(v && is_new == 1 && *v == k);
	}
	T_EQ_INT(m.n, 10000);
	T_OK(m.cap * 7 >= 10000 * 10 && (m.cap & (m.cap - 1)) == 0);
	for (uint64_t k = 0; k < 30000; k++) {
		v = ds_hmap_find(&m, k, NULL, NULL);
		T_OK(k % 3 ? v == NULL : v && *v == k / 3);
	}
	v = ds_hmap_put(&m, 9, 123, NULL, NULL, &is_new);
	T_OK(v && is_new == 0 && *v == 3);
	(*v)++;
	T_EQ_INT(*ds_hmap_find(&m, 9, NULL, NULL), 4);
	/* key 0 and values up to UINT32_MAX - 1 are ordinary */
	v = ds_hmap_put(&m, 0, UINT32_MAX - 1, NULL, NULL, &is_new);
	T_OK(v && is_new == 0);
	ds_hmap_clear(&m);
	T_EQ_INT(m.n, 0);
	T_OK(ds_hmap_find(&m, 9, NULL, NULL) == NULL);
	ds_hmap_free(&m);
	ds_hmap_free(&m);
}

T_TEST(hmap_colliding_keys)
{
	/* every word gets the same key: eq alone tells them apart */
	struct words ws = {{"alpha", "beta", "gamma", "delta", "epsilon"}, 5, NULL};
	struct ds_hmap m = DS_HMAP_INIT;
	int is_new;
	for (uint32_t i = 0; i < ws.n; i++) {
		ws.probe = ws.w[i];
		T_OK(ds_hmap_put(&m, 42, i, word_eq, &ws, &is_new) && is_new);
	}
	for (uint32_t i = 0; i < ws.n; i++) {
		ws.probe = ws.w[i];
		uint32_t *v = ds_hmap_find(&m, 42, word_eq, &ws);
		T_OK(v && *v == i);
	}
	ws.probe = "zeta";
	T_OK(ds_hmap_find(&m, 42, word_eq, &ws) == NULL);
	T_EQ_INT(m.n, 5);
	ds_hmap_free(&m);
}

T_TEST(hmap_fixed)
{
	uint64_t key[16];
	uint32_t val[16];
	struct ds_hmap m;
	size_t added = 0;
	ds_hmap_init_fixed(&m, key, val, 16);
	for (uint64_t k = 1; k <= 20; k++)
		if (ds_hmap_put(&m, k, 1, NULL, NULL, NULL))
			added++;
	T_EQ_INT(added, 11); /* never more than 70% full, never reallocated */
	T_OK(m.key == key && m.cap == 16);
	T_OK(ds_hmap_find(&m, 3, NULL, NULL) != NULL);
	ds_hmap_free(&m);
	/* a size that is no power of two of at least 2 makes a map of no
	 * slots (a shift by 64 otherwise), and the caller's arrays stay */
	for (size_t cap = 0; cap < 4; cap += cap == 1 ? 2 : 1) {
		val[0] = 7;
		ds_hmap_init_fixed(&m, key, val, cap);
		T_EQ_INT(m.cap, 0);
		T_OK(ds_hmap_put(&m, 5, 1, NULL, NULL, NULL) == NULL);
		T_OK(ds_hmap_find(&m, 5, NULL, NULL) == NULL);
		T_EQ_INT(val[0], 7);
		ds_hmap_free(&m);
	}
	T_OK(DS_HMAP_FIXED_OK(2) && DS_HMAP_FIXED_OK(1024) && !DS_HMAP_FIXED_OK(1) &&
	     !DS_HMAP_FIXED_OK(0) && !DS_HMAP_FIXED_OK(48));
}

T_TEST(strtab_interns)
{
	struct ds_strtab t = DS_STRTAB_INIT;
	char w[16];
	T_EQ_INT(ds_strtab_find(&t, "a", 1), -1);
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(w, sizeof w, "w%d", i);
		T_EQ_INT(ds_strtab_intern(&t, w, (size_t)n), i);
	}
	for (int i = 4999; i >= 0; i--) {
		int n = snprintf(w, sizeof w, "w%d", i);
		if (ds_strtab_intern(&t, w, (size_t)n) != i || ds_strtab_find(&t, w, (size_t)n) != i)
			T_FAIL("w%d lost", i);
	}
	T_EQ_INT(t.n, 5000);
	T_EQ_STR(ds_strtab_str(&t, 1234), "w1234");
	T_EQ_INT(t.len[1234], 5);
	T_EQ_INT(ds_strtab_find(&t, "w12345", 6), -1);
	T_EQ_INT(ds_strtab_find(&t, "w1", 1), -1); /* a prefix is another string */
	T_EQ_INT(ds_strtab_intern(&t, "", 0), 5000);
	ds_strtab_free(&t);
}

struct rec {
	int k, seq;
};

static int cmp_rec(const void *a, const void *b, void *ctx)
{
	const struct rec *x = a, *y = b;
	int dir = *(const int *)ctx;
	return dir * ((x->k > y->k) - (x->k < y->k));
}

T_TEST(sort_stable_with_context)
{
	enum { N = 1000 };
	struct rec *r = malloc(N * sizeof *r);
	int up = 1, down = -1, ok = 1;
	unsigned s = 12345;
	for (int i = 0; i < N; i++) {
		s = s * 1103515245u + 12345u;
		r[i].k = (int)(s >> 16) % 37;
		r[i].seq = i;
	}
	T_EQ_INT(ds_sort(r, N, sizeof *r, cmp_rec, &up), 0);
	for (int i = 1; i < N; i++)
		if (r[i - 1].k > r[i].k || (r[i - 1].k == r[i].k && r[i - 1].seq > r[i].seq))
			ok = 0;
	T_OK(ok);
	T_EQ_INT(ds_sort(r, N, sizeof *r, cmp_rec, &down), 0);
	for (int i = 1; i < N; i++)
		if (r[i - 1].k < r[i].k || (r[i - 1].k == r[i].k && r[i - 1].seq > r[i].seq))
			ok = 0;
	T_OK(ok);
	T_EQ_INT(ds_sort(r, 0, sizeof *r, cmp_rec, &up), 0);
	free(r);
}

/* ds_hash64 as first written (the tail read by memcpy): the models' files
 * hold its values, so a faster one must give the same. */
static uint64_t ref_mulfold(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t ref_hash64(const unsigned char *p, size_t n, uint64_t seed)
{
	const uint64_t k0 = 0x9e3779b97f4a7c15ULL, k1 = 0xd6e8feb86659fd93ULL;
	uint64_t h = seed ^ (n * k0), a, b, t = 0;
	while (n >= 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		h = ref_mulfold(a ^ k1 ^ h, b ^ k0);
		p += 16;
		n -= 16;
	}
	if (n >= 8) {
		memcpy(&a, p, 8);
		h = ref_mulfold(a ^ k1, h ^ k0);
		p += 8;
		n -= 8;
	}
	if (n) {
		memcpy(&t, p, n);
		h = ref_mulfold(t ^ k0, h ^ k1 ^ n);
	}
	return ds_mix64(h);
}

/* Dates are read only when the calendar has them. */
T_TEST(iso_dates)
{
	T_OK(ds_is_iso_date("2025-02-28"));
	T_OK(ds_is_iso_date("2024-02-29"));
	T_OK(ds_is_iso_date("2000-02-29"));
	T_OK(ds_is_iso_date("1999-12-31"));
	T_OK(!ds_is_iso_date("2025-02-29"));
	T_OK(!ds_is_iso_date("1900-02-29"));
	T_OK(!ds_is_iso_date("2025-13-01"));
	T_OK(!ds_is_iso_date("2025-00-10"));
	T_OK(!ds_is_iso_date("2025-04-31"));
	T_OK(!ds_is_iso_date("2025-01-00"));
	T_OK(!ds_is_iso_date("2025-1-010"));
	T_OK(!ds_is_iso_date("2025/01/01"));
}

T_TEST(hash64_values_stay)
{
	unsigned char buf[64];
	int bad = 0;
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 37 + 11) | (i % 5 == 0 ? 0x80 : 0);
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n + off <= 48; n++)
			bad += ds_hash64(buf + off, n, 0x1234 + n) != ref_hash64(buf + off, n, 0x1234 + n);
	T_EQ_INT(bad, 0);
	/* and a value the models were built with */
	T_OK(ds_hash64("the", 3, 0) == ref_hash64((const unsigned char *)"the", 3, 0));
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

#define PATH_LEN 96

/* The set-up of the tests of files below: a new folder from the template
 * dir, and in each buffer that follows (PATH_LEN bytes, up to a NULL) the
 * path in that folder of the name given after it. */
static void temp_dir(char *dir, ...)
{
	va_list ap;
	char *path;
	T_OK(mkdtemp(dir) != NULL);
	va_start(ap, dir);
	while ((path = va_arg(ap, char *)) != NULL)
		snprintf(path, PATH_LEN, "%s/%s", dir, va_arg(ap, const char *));
	va_end(ap);
}

/* A file at path holding text. */
static void put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	T_OK(fp != NULL);
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

/* Listed temporary files and folders go on ds_temp_remove_all, files
 * before folders; taken off the list, they stay; an atomic write's
 * temporary file is listed until its commit or abort. */
T_TEST(temp_files_removed_on_demand)
{
	char dir[] = "/tmp/despin-temp-XXXXXX", a[PATH_LEN], b[PATH_LEN], out[PATH_LEN];
	char tmp[PATH_LEN + 32];
	struct ds_afile f;
	temp_dir(dir, a, "a", b, "b", out, "out", (char *)NULL);
	put_file(a, "");
	put_file(b, "");
	T_EQ_INT(ds_temp_add(dir, 1), 0);
	T_EQ_INT(ds_temp_add(a, 0), 0);
	T_EQ_INT(ds_temp_add(b, 0), 0);
	ds_temp_del(b);
	ds_temp_remove_all();
	T_OK(!exists(a));
	T_OK(exists(b));
	T_OK(exists(dir)); /* b is still in it */
	unlink(b);
	/* an atomic write in progress */
	T_EQ_INT(ds_afile_open(&f, out, NULL), 0);
	snprintf(tmp, sizeof tmp, "%s", f.tmp);
	T_OK(exists(tmp));
	ds_temp_remove_all();
	T_OK(!exists(tmp));
	T_OK(!exists(dir));
	ds_afile_abort(&f);
	/* committed: off the list, the file stays */
	T_OK(mkdir(dir, 0700) == 0);
	T_EQ_INT(ds_afile_open(&f, out, NULL), 0);
	T_EQ_INT(ds_afile_write(&f, "x", 1), 0);
	T_EQ_INT(ds_afile_commit(&f, NULL), 0);
	ds_temp_del(dir);
	ds_temp_remove_all();
	T_OK(exists(out));
	/* a path too long is refused, not cut */
	{
		char *longp = malloc(5000);
		if (longp) {
			memset(longp, 'x', 4999);
			longp[4999] = 0;
			T_EQ_INT(ds_temp_add(longp, 0), DS_ETOOBIG);
			free(longp);
		}
	}
	unlink(out);
	rmdir(dir);
}

/* An atomic write through a symbolic link to a file replaces the file it
 * names by renaming a temporary file made beside it: the link stays a
 * link, and until the commit the file holds its old contents whole. */
T_TEST(afile_through_link_replaces_its_file)
{
	char dir[] = "/tmp/despin-link-XXXXXX", sub[PATH_LEN], target[PATH_LEN], link_[PATH_LEN];
	char buf[16] = {0};
	struct ds_afile f;
	struct stat st;
	FILE *fp;
	temp_dir(dir, sub, "models", target, "models/m.bin", link_, "m.bin", (char *)NULL);
	T_OK(mkdir(sub, 0700) == 0);
	put_file(target, "old");
	T_OK(symlink(target, link_) == 0);
	T_EQ_INT(ds_afile_open(&f, link_, NULL), 0);
	T_OK(!f.inplace);
	T_OK(f.tmp && strncmp(f.tmp, sub, strlen(sub)) == 0); /* beside the file */
	T_EQ_INT(ds_afile_write(&f, "new", 3), 0);
	if ((fp = fopen(target, "r")) != NULL) { /* not yet: the old file whole */
		T_OK(fread(buf, 1, sizeof buf - 1, fp) == 3 && strcmp(buf, "old") == 0);
		fclose(fp);
	}
	T_EQ_INT(ds_afile_commit(&f, NULL), 0);
	T_OK(lstat(link_, &st) == 0 && S_ISLNK(st.st_mode));
	memset(buf, 0, sizeof buf);
	if ((fp = fopen(link_, "r")) != NULL) {
		T_OK(fread(buf, 1, sizeof buf - 1, fp) == 3 && strcmp(buf, "new") == 0);
		fclose(fp);
	}
	unlink(link_);
	unlink(target);
	rmdir(sub);
	rmdir(dir);
}

/* ds_temp_create makes a file or a folder from a template and lists it
 * (ds_temp_remove_all takes both), fails with errno where mkstemp would
 * and lists nothing then, and gives the signal mask back as it found it. */
T_TEST(temp_create_lists_what_it_makes)
{
	char dir[] = "/tmp/despin-tc-XXXXXX", file[64], missing[] = "/nonexistent-despin/f.XXXXXX";
	sigset_t before, after;
	int fd;
	pthread_sigmask(SIG_SETMASK, NULL, &before);
	T_EQ_INT(ds_temp_create(dir, 1), 0);
	T_OK(strstr(dir, "XXXXXX") == NULL);
	T_OK(exists(dir));
	snprintf(file, sizeof file, "%s/f.XXXXXX", dir);
	fd = ds_temp_create(file, 0);
	T_OK(fd >= 0);
	if (fd >= 0)
		close(fd);
	T_OK(strstr(file, "XXXXXX") == NULL);
	T_OK(exists(file));
	pthread_sigmask(SIG_SETMASK, NULL, &after);
	T_EQ_INT(sigismember(&after, SIGTERM), sigismember(&before, SIGTERM));
	T_EQ_INT(sigismember(&after, SIGINT), sigismember(&before, SIGINT));
	errno = 0;
	T_EQ_INT(ds_temp_create(missing, 0), -1);
	T_EQ_INT(errno, ENOENT);
	ds_temp_remove_all();
	T_OK(!exists(file));
	T_OK(!exists(dir));
	ds_temp_del(file);
	ds_temp_del(dir);
}

#ifdef __linux__
/* Whether this is a ThreadSanitizer build (clang's and gcc's ways). */
static int under_tsan(void)
{
#if defined(__SANITIZE_THREAD__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
	return 1;
#endif
#endif
	return 0;
}

static void remove_and_exit(int sig)
{
	(void)sig;
	ds_temp_remove_all();
	_exit(0);
}

/* Waits up to ten seconds for pid to end, then kills it: a child that
 * never ends fails the test instead of hanging it.  Returns 1 if it ended
 * by itself with status 0. */
static int wait_bounded(pid_t pid)
{
	int st;
	for (int i = 0; i < 1000; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) && WEXITSTATUS(st) == 0;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 0;
}

/* A kill the instant the file appears (inotify) still finds it listed: a
 * child makes one temporary file and waits, the parent sends SIGTERM on
 * the file's creation, and the child's handler must remove it.  With the
 * listing after mkstemp and no signal held, the test fails.  A child that
 * does not end fails the test, after ten seconds, instead of hanging it.
 * Skipped under ThreadSanitizer: its runtime defers a signal that arrives
 * inside an intercepted call (here the sigprocmask that unblocks it); a
 * child in pause() then waited for ever, and one waiting in 10 ms sleeps
 * instead still missed one of the thirty signals in 6 of 40 runs. */
T_TEST(temp_create_no_window_for_a_signal)
{
	char dir[] = "/tmp/despin-tw-XXXXXX";
	int left = 0, ended = 0, tries = 30;
	if (under_tsan())
		T_SKIP("ThreadSanitizer defers and can lose signals");
	T_OK(mkdtemp(dir) != NULL);
	for (int t = 0; t < tries; t++) {
		int in = inotify_init1(IN_CLOEXEC);
		char buf[4096];
		pid_t pid;
		DIR *d;
		struct dirent *e;
		if (in < 0 || inotify_add_watch(in, dir, IN_CREATE) < 0) {
			T_OK(0);
			break;
		}
		if ((pid = fork()) == 0) {
			char f[64];
			struct sigaction sa;
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = remove_and_exit;
			sigaction(SIGTERM, &sa, NULL);
			snprintf(f, sizeof f, "%s/f.XXXXXX", dir);
			if (ds_temp_create(f, 0) >= 0)
				for (;;)
					pause();
			_exit(1);
		}
		if (read(in, buf, sizeof buf) > 0)
			kill(pid, SIGTERM);
		ended += wait_bounded(pid);
		close(in);
		if ((d = opendir(dir)) != NULL) {
			while ((e = readdir(d)) != NULL)
				if (e->d_name[0] != '.') {
					char f[320];
					snprintf(f, sizeof f, "%s/%s", dir, e->d_name);
					unlink(f);
					left++;
				}
			closedir(d);
		}
	}
	T_EQ_INT(left, 0);
	T_EQ_INT(ended, tries);
	rmdir(dir);
}
#endif

/* Whether ds_buf_shown shows s[0..n) as want (controls as "?"). */
static int shows_as(const char *s, size_t n, const char *want)
{
	struct ds_buf b = DS_BUF_INIT;
	int ok = ds_buf_shown(&b, s, n, NULL, "?") == 0 && b.len == strlen(want) &&
		 memcmp(b.data ? b.data : "", want, b.len) == 0;
	ds_buf_free(&b);
	return ok;
}

#define SHOWS(lit, want) T_OK(shows_as(lit, sizeof lit - 1, want))

/* Text on a terminal does nothing but show: C0 and C1 controls, DEL and
 * bytes that are not UTF-8 are replaced, bidi controls shown by their
 * code, a lone carriage return (the line end of old Mac text) shown as a
 * newline; newline, tab, CR LF and other UTF-8 stay. */
T_TEST(shown_text_does_nothing_else)
{
	SHOWS("a\x1b[31mred\x07\x7f b\0c\n\td\r\ne\rf\r", "a?[31mred?? b?c\n\td\r\ne\nf\n");
	SHOWS("c1 \xc2\x9b" "31m \xc2\x85 nbsp\xc2\xa0 caf\xc3\xa9",
	      "c1 ?31m ? nbsp\xc2\xa0 caf\xc3\xa9");
	SHOWS("\xe2\x80\xaetxt.exe \xe2\x81\xa6x\xe2\x81\xa9 \xff\xc3 \xed\xa0\x80",
	      "[U+202E]txt.exe [U+2066]x[U+2069] ?? ???");
	SHOWS("", "");
}

/* Whether ds_html_escape writes s[0..n) as want, how as given. */
static int escapes_as(const char *s, size_t n, unsigned how, const char *want)
{
	struct ds_buf b = DS_BUF_INIT;
	int ok = ds_html_escape(&b, s, n, how) == 0 && b.len == strlen(want) &&
		 memcmp(b.data ? b.data : "", want, b.len) == 0;
	ds_buf_free(&b);
	return ok;
}

#define ESCAPES(lit, how, want) T_OK(escapes_as(lit, sizeof lit - 1, how, want))

/* Text put into a page's own text has its markup escaped and keeps its
 * other bytes, quotes too; on a page not in UTF-8 a character past ASCII
 * is a reference, a byte that is not UTF-8 stays.  Text shown on a page
 * of its own is escaped for an attribute's value as well, and shows
 * nothing but itself. */
T_TEST(html_escape_as_text_or_shown)
{
	ESCAPES("a<b>&c \"q\" 'x' caf\xc3\xa9 \xe2\x82\xac\x01\r\xff", 0,
		"a&lt;b&gt;&amp;c \"q\" 'x' caf\xc3\xa9 \xe2\x82\xac\x01\r\xff");
	ESCAPES("a<b caf\xc3\xa9 \xe2\x82\xac\xff \xf0\x9f\x98\x80", DS_HTML_REFS,
		"a&lt;b caf&#233; &#8364;\xff &#128512;");
	ESCAPES("<\"'&> \x01\xe2\x80\xae", DS_HTML_SHOWN,
		"&lt;&quot;&#39;&amp;&gt; &#xFFFD;[U+202E]");
	ESCAPES("", 0, "");
}

/* Whether path holds want and has the permission bits mode. */
static int file_is(const char *path, const char *want, unsigned mode)
{
	char got[64] = "";
	struct stat st;
	FILE *fp = fopen(path, "r");
	size_t n = fp ? fread(got, 1, sizeof got - 1, fp) : 0;
	if (fp)
		fclose(fp);
	return fp && n == strlen(want) && memcmp(got, want, n) == 0 && stat(path, &st) == 0 &&
	       (st.st_mode & 0777) == mode;
}

/* text written to path atomically (is_new: by ds_afile_open_new) with
 * the permission bits mode: the commit's return. */
static int write_as(const char *path, int is_new, const char *text, unsigned mode)
{
	struct ds_afile f;
	int rc = is_new ? ds_afile_open_new(&f, path, NULL) : ds_afile_open(&f, path, NULL);
	if (rc)
		return rc;
	ds_afile_write(&f, text, strlen(text));
	ds_afile_chmod(&f, mode);
	return ds_afile_commit(&f, NULL);
}

/* ds_afile_open_new never replaces a file: its commit makes PATH when
 * nothing is there, else leaves it and says 1; no temporary file stays.
 * ds_afile_chmod sets the new file's mode whatever the umask; an empty
 * name is refused before anything is written. */
T_TEST(afile_new_and_mode)
{
	char dir[] = "/tmp/despin-afile-XXXXXX", bak[PATH_LEN], tmp[PATH_LEN + 32];
	struct ds_afile f;
	struct ds_err err = {0};
	temp_dir(dir, bak, "a.orig", (char *)NULL);
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", bak, (long)getpid());
	T_EQ_INT(write_as(bak, 1, "first", 0600), 0);
	T_OK(file_is(bak, "first", 0600));
	T_EQ_INT(write_as(bak, 1, "second", 0644), 1);
	T_OK(file_is(bak, "first", 0600));
	T_OK(!exists(tmp));
	T_EQ_INT(write_as(bak, 0, "third", 0640), 0); /* replaced */
	T_OK(file_is(bak, "third", 0640));
	T_EQ_INT(ds_afile_open(&f, "", &err), DS_EINVAL);
	T_OK(strstr(err.msg, "empty name") != NULL);
	unlink(bak);
	rmdir(dir);
}

/* Where a map of path starts within its 2 MB of address space. */
static uintptr_t map_phase(const char *path)
{
	struct ds_map m;
	uintptr_t phase;
	if (ds_map_open(&m, path, NULL))
		return UINTPTR_MAX;
	phase = (uintptr_t)m.data & (((uintptr_t)2 << 20) - 1);
	T_EQ_INT(m.data[0], 'x');
	T_EQ_INT(m.data[m.len - 1], 'y');
	ds_map_close(&m);
	return phase;
}

static void *phase_in_thread(void *path)
{
	static uintptr_t phase;
	phase = map_phase(path);
	return &phase;
}

/* Maps are one page past a 2 MB boundary by default (a short run's faults
 * map 64 kB, not a 2 MB folio), on one after ds_map_whole_folios(1), and
 * the setting is the calling thread's alone. */
T_TEST(maps_whole_folios_on_demand)
{
	char path[] = "/tmp/despin-map-XXXXXX";
	const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	int fd = mkstemp(path);
	pthread_t th;
	void *ret;
	FILE *fp;
	T_OK(fd >= 0);
	T_OK((fp = fdopen(fd, "w")) != NULL);
	fputc('x', fp);
	for (long i = 0; i < (3L << 20); i++)
		fputc('.', fp);
	fputc('y', fp);
	fclose(fp);
	T_EQ_INT((long)map_phase(path), (long)page);
	T_EQ_INT(ds_map_whole_folios(1), 0);
	T_EQ_INT((long)map_phase(path), 0);
	T_OK(pthread_create(&th, NULL, phase_in_thread, path) == 0);
	T_OK(pthread_join(th, &ret) == 0);
	T_EQ_INT((long)*(uintptr_t *)ret, (long)page); /* another thread: the default */
	T_EQ_INT(ds_map_whole_folios(0), 1);
	T_EQ_INT((long)map_phase(path), (long)page);
	unlink(path);
}

/* ds_tsv: every line counted (blank ones and comments too), empty fields
 * kept, a CR before the line's end dropped, fields past nmax dropped, a
 * last line without its newline read */
T_TEST(tsv_lines_and_fields)
{
	static const struct {
		int nf, lineno;
		const char *f[3];
	} want[] = {
		{2, 3, {"a", "b"}},  {3, 6, {"c", "", "d"}}, {3, 7, {"e", "f", "g"}},
		{2, 8, {"", ""}},    {1, 9, {"last"}},
	};
	char path[] = "/tmp/despin-tsv-XXXXXX", *f[3];
	int fd = mkstemp(path);
	const char *text = "# comment\n\na\tb\n\n\nc\t\td\r\ne\tf\tg\th\n\t\nlast";
	struct ds_tsv t;
	struct ds_err err = {0, ""};
	T_OK(fd >= 0);
	T_EQ_INT((long)write(fd, text, strlen(text)), (long)strlen(text));
	close(fd);
	T_EQ_INT(ds_tsv_open(&t, path, 0, &err), 0);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		T_EQ_INT(ds_tsv_next(&t, f, 3), want[i].nf);
		T_EQ_INT(t.lineno, want[i].lineno);
		for (int k = 0; k < want[i].nf; k++)
			T_EQ_STR(f[k], want[i].f[k]);
	}
	T_EQ_INT(ds_tsv_next(&t, f, 3), -1);
	T_EQ_INT(ds_tsv_next(&t, f, 3), -1);
	ds_tsv_close(&t);
	T_OK(ds_tsv_open(&t, "/nonexistent-despin/x.tsv", 0, &err) < 0);
	T_OK(strstr(err.msg, "/nonexistent-despin/x.tsv") != NULL);
	unlink(path);
}

/* ds_field_real: a finite number to the field's end, nothing else */
T_TEST(field_real_numbers)
{
	static const char *const bad[] = {"", " ", "nan", "NaN", "inf", "-inf", "1e999",
					  "0.5x", "1 ", "x1", "--1", "0.5\t1"};
	double v = 7;
	T_EQ_INT(ds_field_real("0.25", &v), 0);
	T_NEAR(v, 0.25, 1e-15);
	T_EQ_INT(ds_field_real("-1.5e-3", &v), 0);
	T_NEAR(v, -1.5e-3, 1e-18);
	T_EQ_INT(ds_field_real("  3", &v), 0);
	T_NEAR(v, 3, 0);
	T_EQ_INT(ds_field_real("1e-320", &v), 0); /* subnormal, still a number */
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 7;
		T_EQ_INT(ds_field_real(bad[i], &v), -1);
		T_NEAR(v, 7, 0);
	}
}

/* ds_field_long: a decimal integer in [lo, hi] to the field's end */
T_TEST(field_long_numbers)
{
	static const char *const bad[] = {"", " ", "x", "1x", "1 ", "0.5", "1e3", "11",
					  "-2", "99999999999999999999", "0x1"};
	long v = 7;
	T_EQ_INT(ds_field_long("10", -1, 10, &v), 0);
	T_EQ_INT(v, 10);
	T_EQ_INT(ds_field_long("-1", -1, 10, &v), 0);
	T_EQ_INT(v, -1);
	T_EQ_INT(ds_field_long(" 3", -1, 10, &v), 0);
	T_EQ_INT(v, 3);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 7;
		T_EQ_INT(ds_field_long(bad[i], -1, 10, &v), -1);
		T_EQ_INT(v, 7);
	}
}

/* an earlier format named by a file's header: 1 .. n - 1, nothing else */
T_TEST(old_format_numbers)
{
	T_EQ_INT(ds_old_format("1", 4), 1);
	T_EQ_INT(ds_old_format("3", 4), 3);
	T_EQ_INT(ds_old_format("4", 4), 0);
	T_EQ_INT(ds_old_format("0", 4), 0);
	T_EQ_INT(ds_old_format("01", 4), 0);
	T_EQ_INT(ds_old_format("2x", 4), 0);
	T_EQ_INT(ds_old_format("", 4), 0);
	T_EQ_INT(ds_old_format("-1", 4), 0);
}

/* A message too long for struct ds_err loses the middle of its name, not
 * the problem after it: a deep path's start and end are kept, "..." in
 * between, and no UTF-8 character is split. */
T_TEST(err_long_name_keeps_the_problem)
{
	char path[3100], fit[64];
	struct ds_err err = {0};
	size_t n;
	const char *dots, *tail;
	for (n = 0; n < 3000; n++)
		path[n] = n % 10 == 9 ? '/' : 'd';
	strcpy(path + n, "name.txt");
	T_EQ_INT(ds_err_set(&err, DS_EEMPTY, "%s: empty file (no text)", path), DS_EEMPTY);
	n = strlen(err.msg);
	T_EQ_INT((long)n, (long)sizeof err.msg - 1);
	T_OK(strncmp(err.msg, "ddddddddd/", 10) == 0);
	tail = err.msg + n - strlen("/name.txt: empty file (no text)");
	T_EQ_STR(tail, "/name.txt: empty file (no text)");
	T_OK((dots = strstr(err.msg, "...")) != NULL && dots > err.msg + 100 && dots < tail);
	/* the system's reason is kept as well */
	ds_err_sys(&err, ENOENT, "cannot open %s", path);
	T_OK(strlen(err.msg) < sizeof err.msg);
	n = strlen(err.msg);
	T_OK(n > 40 && strcmp(err.msg + n - strlen(strerror(ENOENT)), strerror(ENOENT)) == 0);
	T_OK(strncmp(err.msg, "cannot open ddddddddd/", 22) == 0);
	/* a hint appended after is kept too, the name shortened again */
	ds_err_append(&err, "; build it (%s)", "make models");
	n = strlen(err.msg);
	T_OK(n < sizeof err.msg);
	T_OK(n > 40 && strcmp(err.msg + n - strlen("; build it (make models)"),
			      "; build it (make models)") == 0);
	T_OK(strstr(err.msg, strerror(ENOENT)) != NULL);
	T_OK(strncmp(err.msg, "cannot open ddddddddd/", 22) == 0);
	ds_err_append(NULL, "; nothing");
	T_EQ_INT(ds_err_set(&err, DS_EINVAL, "%s: bad", "a.txt"), DS_EINVAL);
	ds_err_append(&err, "; %s", "hint");
	T_EQ_STR(err.msg, "a.txt: bad; hint");
	/* a short message is copied as it is */
	T_EQ_INT(ds_err_set(&err, DS_EINVAL, "%s: bad", "a.txt"), DS_EINVAL);
	T_EQ_STR(err.msg, "a.txt: bad");
	/* a name of two-byte characters is cut between them */
	for (n = 0; n + 2 <= 200; n += 2)
		memcpy(path + n, "\xc3\xa9", 2);
	strcpy(path + n, ": too long");
	ds_msg_fit(fit, sizeof fit, path);
	T_OK(strlen(fit) < sizeof fit);
	dots = strstr(fit, "...");
	T_OK(dots && (dots - fit) % 2 == 0);
	T_OK(strcmp(fit + strlen(fit) - strlen(": too long"), ": too long") == 0);
	T_OK((strlen(dots + 3) - strlen(": too long")) % 2 == 0);
	/* a message of short words only is cut in its middle, its end kept */
	path[0] = 0;
	for (n = 0; n < 40; n++)
		strcat(path, "word ");
	strcat(path, "the end");
	ds_msg_fit(fit, sizeof fit, path);
	T_EQ_INT((long)strlen(fit), (long)sizeof fit - 1);
	T_OK(strncmp(fit, "word word", 9) == 0 && strstr(fit, "...") != NULL);
	T_OK(strcmp(fit + strlen(fit) - 7, "the end") == 0);
}

/* ds_open_input opens what ds_read_file reads: a regular file with its
 * size, a FIFO with none (read as standard input is); a directory and a
 * missing file are refused with the name, and nothing is left open. */
T_TEST(open_input_checks_as_read_file)
{
	char dir[] = "/tmp/despin-test-open-XXXXXX", file[PATH_LEN], fifo[PATH_LEN],
	     missing[PATH_LEN];
	struct ds_err err = {0};
	uint64_t size = 0;
	int fd = -1;
	temp_dir(dir, file, "a.txt", fifo, "pipe", missing, "none.txt", (char *)NULL);
	put_file(file, "four");
	T_EQ_INT(ds_open_input(file, &fd, &size, &err), 0);
	T_OK(fd > 2);
	T_OK(size == 4);
	if (fd > 2)
		close(fd);
	T_EQ_INT(mkfifo(fifo, 0600), 0);
	T_EQ_INT(ds_open_input(fifo, &fd, &size, &err), 0); /* no writer: does not block */
	T_OK(size == UINT64_MAX);
	if (fd > 2)
		close(fd);
	T_OK(ds_open_input(dir, &fd, &size, &err) != 0);
	T_OK(fd == -1);
	T_OK(strstr(err.msg, "is a directory") != NULL && strstr(err.msg, dir) != NULL);
	T_OK(ds_open_input(missing, &fd, &size, &err) != 0);
	T_OK(strstr(err.msg, "cannot open") != NULL && strstr(err.msg, "none.txt") != NULL);
	/* a web address that names no file says so */
	T_OK(ds_open_input("https://news.example/a.html", &fd, &size, &err) != 0 && fd == -1);
	T_OK(strstr(err.msg, "https://news.example/a.html: a web address, not a file") != NULL);
	T_OK(ds_web_address("HTTP://x") && ds_web_address("ftp://x") && !ds_web_address("http:/x") &&
	     !ds_web_address("file.txt") && !ds_web_address("xhttp://x"));
	remove(file);
	remove(fifo);
	T_EQ_INT(rmdir(dir), 0);
}

T_TEST(sort_floats_as_a_stable_sort)
{
	/* the same bits, in the same places, as a stable insertion sort by <:
	 * negatives, -0 beside +0 (equal: their order kept), infinities,
	 * repeats, runs where a byte of every key is the same */
	static float a[600], ref[600], tmp[600];
	uint32_t seed = 12345;
	for (size_t n = 0; n <= 600; n = n < 8 ? n + 1 : n * 3) {
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1664525u + 1013904223u;
			switch (seed >> 29) {
			case 0: a[i] = 0.0f; break;
			case 1: a[i] = -0.0f; break;
			case 2: a[i] = (seed >> 20 & 1) ? INFINITY : -INFINITY; break;
			case 3: a[i] = (float)(seed >> 24 & 7) - 3.5f; break;
			default: a[i] = ((float)(seed >> 8) / 65536.0f - 128.0f) * 1e-3f;
			}
		}
		memcpy(ref, a, n * sizeof *a);
		for (size_t i = 1; i < n; i++) {
			float x = ref[i];
			size_t j = i;
			for (; j > 0 && x < ref[j - 1]; j--)
				ref[j] = ref[j - 1];
			ref[j] = x;
		}
		ds_sort_floats(a, tmp, n);
		T_OK(memcmp(a, ref, n * sizeof *a) == 0);
	}
	/* one value throughout: every pass skipped, nothing moved */
	for (size_t i = 0; i < 100; i++)
		a[i] = i % 2 ? -0.0f : 0.0f;
	memcpy(ref, a, 100 * sizeof *a);
	ds_sort_floats(a, tmp, 100);
	T_OK(memcmp(a, ref, 100 * sizeof *a) == 0);
}

int main(void)
{
	T_RUN(fixed4_as_printf);
	T_RUN(hmap_integers);
	T_RUN(hmap_colliding_keys);
	T_RUN(hmap_fixed);
	T_RUN(strtab_interns);
	T_RUN(sort_stable_with_context);
	T_RUN(iso_dates);
	T_RUN(hash64_values_stay);
	T_RUN(temp_files_removed_on_demand);
	T_RUN(afile_through_link_replaces_its_file);
	T_RUN(temp_create_lists_what_it_makes);
#ifdef __linux__
	T_RUN(temp_create_no_window_for_a_signal);
#endif
	T_RUN(shown_text_does_nothing_else);
	T_RUN(html_escape_as_text_or_shown);
	T_RUN(afile_new_and_mode);
	T_RUN(maps_whole_folios_on_demand);
	T_RUN(old_format_numbers);
	T_RUN(tsv_lines_and_fields);
	T_RUN(field_real_numbers);
	T_RUN(field_long_numbers);
	T_RUN(err_long_name_keeps_the_problem);
	T_RUN(open_input_checks_as_read_file);
	T_RUN(sort_floats_as_a_stable_sort);
	return t_done();
}
