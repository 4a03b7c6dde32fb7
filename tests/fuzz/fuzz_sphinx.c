/* fuzz_sphinx.c - the Sphinx trie model reader, through ds_lm_load as the
 * command line reads a model.  First byte even: the rest is the whole file
 * (an input that does not start like a Sphinx model is left to fuzz_lm_bin
 * and fuzz_arpa); odd: the rest is the file without its magic and its
 * quantisation tables, which are added here (256 KiB for a 2-gram model and
 * 512 KiB more an order, more than an input holds: the n-gram tables are
 * reached only this way).  Centre c of every table is worth -c in the file's
 * units, the last one NaN (written in the machine's byte order: the
 * layout's, little-endian, on the machines this runs on).  A refusal names
 * the file and says how to get the model back; an accepted model has the
 * file's order and answers queries (lm_probe.h).  Seeds:
 * tests/fuzz/sphinx_seed.py. */
#include <math.h>

#include "fuzz.h"
#include "lm_probe.h"

#define QBINS 65536u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char MAGIC[] = "Trie Language Model";

/* Tables enough for a model of the highest order despin reads (a probability
 * and a backoff table per middle order, one for the highest), made once;
 * NULL out of memory. */
#define QTABLES ((DS_LM_MAX_ORDER - 2) * 2 + 1)
static const float *centres(void)
{
	static float *q;
	if (!q && (q = malloc((size_t)QTABLES * QBINS * sizeof *q)))
		for (size_t i = 0; i < (size_t)QTABLES * QBINS; i++)
			q[i] = i % QBINS == QBINS - 1 ? NAN : -(float)(i % QBINS);
	return q;
}

/* Writes n bytes at offset at of fd.  Returns 0 or -1. */
static int put(int fd, const void *p, size_t n, off_t at)
{
	const unsigned char *b = p;
	while (n > 0) {
		ssize_t w = pwrite(fd, b, n, at);
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
		at += w;
	}
	return 0;
}

/* Writes the model file of an odd input: the magic, the order and counts
 * and the unused word, the tables, the rest.  The tables of the order last
 * written stay in place (rewriting them for every input kept the target in
 * the kernel most of its time).  Returns 0 or -1. */
static int write_payload(const char *path, const uint8_t *data, size_t size)
{
	static unsigned laid;   /* the order whose tables the file holds (0: none) */
	unsigned N = size > 0 ? data[0] : 0;
	size_t head = 1 + 4 * (size_t)N + 4, qlen, off = sizeof MAGIC - 1;
	const float *q = centres();
	int fd, rc;

	if (N < 2 || N > DS_LM_MAX_ORDER || head > size || !q) {
		/* no tables: an order 1 model's file, or one refused before them */
		laid = 0;
		return fz_write2(path, MAGIC, off, data, size);
	}
	qlen = ((size_t)(N - 2) * 2 + 1) * QBINS * sizeof *q;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	rc = put(fd, MAGIC, off, 0) || put(fd, data, head, (off_t)off) ||
	     (laid != N && put(fd, q, qlen, (off_t)(off + head))) ||
	     put(fd, data + head, size - head, (off_t)(off + head + qlen)) ||
	     ftruncate(fd, (off_t)(off + qlen + size));
	laid = rc ? 0 : N;
	return close(fd) || rc ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	struct ds_lm_stats st;
	const char *path;
	struct ds_lm *lm;

	if (size < 1)
		return 0;
	/* each way its own file: the tables stay in theirs */
	path = fz_tmp_path(data[0] & 1 ? "-tables.lm.bin" : ".lm.bin");
	if (data[0] & 1) {
		if (write_payload(path, data + 1, size - 1))
			return 0;
	} else if (!ds_lm_is_sphinx(data + 1, size - 1) || fz_write2(path, data + 1, size - 1, NULL, 0)) {
		return 0;
	}
	lm = ds_lm_load(path, &err);
	if (!lm) {
		fz_check_model_refusal(&err, path);
		FZ_ASSERT(err.code == DS_ENOMEM || strstr(err.msg, "pocketsphinx-en-us") != NULL);
		return 0;
	}
	/* the model's order is the file's, the byte after the magic (which an
	 * accepted file holds) */
	ds_lm_get_stats(lm, &st);
	FZ_ASSERT((unsigned)st.order == (data[0] & 1 ? data[1] : data[sizeof MAGIC]));
	fz_lm_probe(lm);
	ds_lm_free(lm);
	return 0;
}
