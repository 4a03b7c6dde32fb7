/* cmd_lm.c - despin lm: score text with the language model, convert models
 * between ARPA and binary, describe a model, dump model words. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "instream.h"
#include "../lm.h"
#include "../text.h"

static const char USAGE[] =
	"despin lm score [-m MODEL | --models DIR] [-i INDEX] [--pretokenized] [--summary]\n"
	"                [--time] FILE...\n"
	"       despin lm convert [--compact] IN OUT\n"
	"       despin lm info [-m MODEL | --models DIR]\n"
	"       despin lm mix [-o OUT] [--fit TEXT] MODEL MODEL [MODEL]\n"
	"       despin lm check [-m MODEL | --models DIR]\n"
	"       despin lm tokens [--max-size BYTES] FILE...\n"
	"\n"
	"score    prints, for every model word of the text, the word, its log10\n"
	"         probability and the length of the longest n-gram matched, one a\n"
	"         line (sentences end with </s>; unknown words show as WORD=<unk>),\n"
	"         then a summary line with the perplexity.  A web page or an e-mail\n"
	"         is scored on its text, as scan reads it.  --pretokenized reads one\n"
	"         sentence a line, words separated by spaces, as they are, each\n"
	"         piece of lines scored as it comes (any size, a pipe as it runs,\n"
	"         gzip or zstd data decoded as it is read);\n"
	"         --summary prints the summary line only; --time reports the load\n"
	"         time and the scoring speed (tokens/s) on standard error.\n"
	"convert  reads an ARPA or binary model and writes OUT: ARPA when OUT ends\n"
	"         in .arpa, else a despin binary model; --compact writes the\n"
	"         compact layout (sorted n-grams, probabilities in 16 bits and\n"
	"         backoffs in 8: a third of the size, scores slightly rounded).\n"
	"info     order, vocabulary, n-gram counts, size and load time (a\n"
	"         mixture: each component with its weight).\n"
	"mix      writes a mixture of binary models interpolated per word (default\n"
	"         OUT models/mix.bin, in the models' directory; a mixture there is\n"
	"         replaced, and the message says so); --fit fits the weights by EM\n"
	"         on TEXT (one paragraph a line), else they are equal.  A mixture\n"
	"         finds its models by name in its own folder (which may move as a\n"
	"         whole): each MODEL must be there, or linked there.\n"
	"check    verifies a despin model file completely (header and payload\n"
	"         checksum; a mixture: with its components), as loading does not;\n"
	"         an ARPA or Sphinx model has no checksum: 'lm convert' it first.\n"
	"tokens   prints the model words of each sentence, one sentence a line\n"
	"         (the text as the trainer sees it; for other LM toolkits).  A FILE\n"
	"         that is no text (empty, binary, UTF-16, compressed, a PDF or\n"
	"         other document) or is larger than --max-size (default 64 MiB) is\n"
	"         named on standard error and left out, as 'despin train' leaves\n"
	"         it out; the others are printed, and the exit status is 2.\n"
	"\n"
	"  -m, --model FILE   model (default: lm.bin in the models directory; with -i,\n"
	"                     the model the scorer was fitted with, as the index's\n"
	"                     in-domain model is trained on it)\n"
	"  -i, --index INDEX  score: mix in the index's in-domain model ('despin\n"
	"                     index train')\n"
	"  --models DIR       the models directory\n"
	"  --max-size BYTES   tokens: the largest FILE read";

static const char SHORT_USAGE[] = "despin lm score|convert|info|mix|check|tokens ...";

/* The subcommands and the options (getopt codes) each takes. */
static const struct cli_sub_options LM_SUBS[] = {
	{"score", "mMtsTi"}, {"convert", "C"}, {"info", "mM"}, {"mix", "oMf"},
	{"check", "mM"}, {"tokens", "S"}, {NULL, NULL}};

struct score_ctx {
	const struct ds_lm *lm;
	int pretok, summary, nerr, timing;
	double busy;   /* seconds spent scoring (reading and tokenising excluded) */
	double total, oov_total;
	uint64_t tokens, oovs, sentences;
	struct ds_lm_seq seq;
	float *pw;
	int *nl;
	ds_lm_id *ids;      /* a pretokenised line's words */
	const char **wp;    /* its words, NULL for <s> and </s> */
	size_t *wl;
	size_t pcap;
};

static void score_word(struct score_ctx *c, const char *w, size_t len, ds_lm_id id, float p, int nl)
{
	c->total += p;
	c->tokens++;
	if (id == DS_LM_UNK) {
		c->oovs++;
		c->oov_total += p;
	}
	if (!c->summary)
		printf("%.*s%s\t%.6f\t%d\n", (int)len, w, id == DS_LM_UNK ? "=<unk>" : "", (double)p, nl);
}

/* Words scored at once by 'lm score --pretokenized' (at least). */
#define SCORE_BATCH 4096

/* Room for n words of a line or a document in the per-word arrays. */
static int score_room(struct score_ctx *c, size_t n)
{
	if (n <= c->pcap)
		return 0;
	n = n < 256 ? 256 : n * 2;
#define GROW(f) do { \
		void *q_ = realloc(c->f, n * sizeof *c->f); \
		if (!q_) \
			return DS_ENOMEM; \
		c->f = q_; \
	} while (0)
	GROW(pw);
	GROW(nl);
	GROW(ids);
	GROW(wp);
	GROW(wl);
#undef GROW
	c->pcap = n;
	return 0;
}

/* Scores the n words gathered in c (sentences, each <s> w... </s>): their
 * ids are looked up together, then scored as spans (the model prefetches
 * its lookups ahead).  A word of the text that is the model's <s> is scored
 * as a word, not taken as the start of a sentence. */
static void score_batch(struct score_ctx *c, size_t n)
{
	struct ds_lm_state st;
	size_t a = 0;
	ds_lm_vocab_many(c->lm, c->wp, c->wl, n, c->ids);
	ds_lm_null(&st);
	while (a < n) {
		size_t b = a;
		while (b < n && !(c->wp[b] && c->ids[b] == DS_LM_BOS))
			b++;
		ds_lm_score_span(c->lm, &st, c->ids + a, b - a, &st, c->pw + a, c->nl + a);
		if (b < n) {
			c->pw[b] = ds_lm_score(c->lm, &st, DS_LM_BOS, &st, &c->nl[b]);
			b++;
		}
		a = b;
	}
	for (size_t i = 0; i < n; i++) {
		if (c->wp[i]) {
			score_word(c, c->wp[i], c->wl[i], c->ids[i], c->pw[i], c->nl[i]);
		} else if (c->ids[i] == DS_LM_EOS) {
			score_word(c, "</s>", 4, DS_LM_EOS, c->pw[i], c->nl[i]);
			c->sentences++;
		}
	}
}

/* One sentence a line, scored in batches of lines. */
static int score_pretok(struct score_ctx *c, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *q = p;
		size_t n0 = n;
		while (q < e) {
			const char *w;
			while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q == e)
				break;
			w = q;
			while (q < e && *q != ' ' && *q != '\t' && *q != '\r')
				q++;
			if (score_room(c, n + 3))
				return DS_ENOMEM;
			if (n == n0) {
				c->wp[n] = NULL;
				c->ids[n++] = DS_LM_BOS;
			}
			c->wp[n] = w;
			c->wl[n++] = (size_t)(q - w);
		}
		if (n > n0) {
			c->wp[n] = NULL;
			c->ids[n++] = DS_LM_EOS;
		}
		if (n >= SCORE_BATCH) {
			score_batch(c, n);
			n = 0;
		}
		p = nl ? nl + 1 : end;
	}
	score_batch(c, n);
	return 0;
}

static int score_doc(struct score_ctx *c, const struct ds_doc *d)
{
	struct ds_lm_state st;
	if (ds_lm_doc_seq(c->lm, d, &c->seq))
		return DS_ENOMEM;
	if (score_room(c, c->seq.n))
		return DS_ENOMEM;
	ds_lm_null(&st);
	ds_lm_score_span(c->lm, &st, c->seq.id, c->seq.n, NULL, c->pw, c->nl);
	for (size_t i = 0; i < c->seq.n; i++) {
		size_t len;
		const char *w;
		if (c->seq.id[i] == DS_LM_BOS)
			continue;
		if (c->seq.tok[i] == DS_LM_NO_TOK) {
			w = "</s>";
			len = 4;
			c->sentences++;
		} else {
			w = ds_lm_tok_word(d, c->seq.tok[i], &len);
		}
		score_word(c, w, len, c->seq.id[i], c->pw[i], c->nl[i]);
	}
	return 0;
}

/* Pretokenised text is read in pieces of whole lines and each piece scored
 * as it comes, so that a file of any size, or a pipe from a tokeniser, is
 * scored in bounded memory (a line is kept whole: the buffer grows to the
 * longest).  A NUL byte stops the file as binary, the lines before its
 * own scored.  0, or -1 when the file failed (said). */
#define PRETOK_PIECE (1u << 20)

/* Scores n bytes of whole lines, its time counted: 0, or -1 (said). */
static int score_piece(struct score_ctx *c, const char *p, size_t n, const char *name)
{
	double t0 = ds_now();
	int rc = score_pretok(c, p, n);
	c->busy += ds_now() - t0;
	if (rc)
		cli_error("%s: out of memory", name);
	return rc ? -1 : 0;
}

static int score_pretok_file(struct score_ctx *c, const char *path, const char *name)
{
	struct ds_err err = {0};
	struct cli_instream *in = NULL;
	size_t cap = PRETOK_PIECE, have = 0, seen = 0, nul_at = 0;
	char *buf = NULL;
	int fd, rc = 0;
	/* read to its end whatever its size says (a procfs file says 0),
	 * decompressed as it is read when it is gzip or zstd data */
	if (ds_open_input(path, &fd, NULL, &err)) {
		cli_error("%s", err.msg);
		return -1;
	}
	if (!(in = cli_instream_open(fd, name)) || !(buf = malloc(cap))) {
		cli_error("%s: out of memory", name);
		rc = -1;
		goto close_fd;
	}
	for (;;) {
		ssize_t r;
		const char *nul, *last, *old;
		size_t whole;
		if (have == cap) { /* one line fills the buffer */
			char *nb = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				cli_error("%s: out of memory (a line of more than %zu bytes)", name, cap);
				rc = -1;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = cli_instream_read(in, buf + have, cap - have);
		if (r < 0) {
			if (!cli_instream_error(in)[0])
				continue; /* a signal */
			cli_error("%s", cli_instream_error(in));
			rc = -1;
			break;
		}
		if (r == 0) { /* the last line, with or without its newline */
			if (seen == 0) {
				cli_error("%s: empty file (no text)", name);
				rc = -1;
				break;
			}
			rc = score_piece(c, buf, have, name);
			break;
		}
		if ((nul = memchr(buf + have, 0, (size_t)r)) != NULL)
			nul_at = seen + (size_t)(nul - (buf + have));
		seen += (size_t)r;
		old = buf + have; /* the bytes before hold no newline */
		have = nul ? (size_t)(nul - buf) : have + (size_t)r;
		for (last = buf + have; last > old && last[-1] != '\n'; last--)
			;
		whole = last > old ? (size_t)(last - buf) : 0;
		if (whole && (rc = score_piece(c, buf, whole, name)) != 0)
			break;
		if (nul) { /* the lines before the NUL's are scored */
			cli_error("%s: binary file (NUL byte at offset %zu), not text", name,
				  nul_at);
			rc = -1;
			break;
		}
		memmove(buf, buf + whole, have - whole);
		have -= whole;
	}
	free(buf);
close_fd:
	cli_instream_close(in);
	if (strcmp(path, "-") != 0)
		close(fd);
	return rc;
}

static int score_one(const char *path, void *vctx)
{
	struct score_ctx *c = vctx;
	struct ds_err err = {0};
	const char *name = cli_input_name(path);
	char *text;
	size_t len;
	struct ds_doc *d;
	/* pretokenised text as it is, whatever its size; else a text as scan
	 * reads it (a web page or an e-mail: its text, which ds_doc_new checks) */
	if (c->pretok) {
		if (score_pretok_file(c, path, name))
			c->nerr++;
		return 0;
	}
	if (cli_read_training(path, 0, &text, &len)) {
		c->nerr++;
		return 0;
	}
	d = ds_doc_new(text, len, name, cli_max_input, &err);
	if (!d) {
		cli_error("%s", err.msg);
		c->nerr++;
	} else {
		double t0 = ds_now();
		int rc = score_doc(c, d);
		c->busy += ds_now() - t0;
		if (rc) {
			cli_error("%s: out of memory", name);
			c->nerr++;
		}
		ds_doc_free(d);
	}
	free(text);
	return 0;
}

static void score_ctx_free(struct score_ctx *c)
{
	ds_lm_seq_free(&c->seq);
	free(c->pw);
	free(c->nl);
	free(c->ids);
	free(c->wp);
	free(c->wl);
	ds_lm_free((struct ds_lm *)c->lm);
}

static struct ds_lm *open_model(const char *model, const char *models_dir)
{
	struct ds_err err = {0};
	struct ds_lm *lm;
	if (!model)
		model = cli_model_path(cli_models_dir(models_dir), "lm.bin");
	lm = ds_lm_load(model, &err);
	if (!lm)
		cli_error("%s", err.msg);
	return lm;
}

static int lm_score(int argc, char **argv, const char *model, const char *mdir, int pretok,
		    int summary, int timing, const char *index)
{
	struct score_ctx c;
	double ppl, ppl_x, t0 = ds_now(), tload;
	memset(&c, 0, sizeof c);
	c.timing = timing;
	c.pretok = pretok;
	c.summary = summary;
	if (argc < 1)
		return cli_usage("despin lm score [-m MODEL] FILE...");
	/* with an index, the model its in-domain model was trained on: the
	 * scorer's (cli_base_lm), unless -m names another */
	c.lm = index && !model ? cli_base_lm(mdir) : open_model(model, mdir);
	if (c.lm && index)
		c.lm = index_lm_mix((struct ds_lm *)c.lm, index);
	if (!c.lm)
		return EXIT_ERROR;
	tload = ds_now() - t0;
	cli_walk(argv, argc, score_one, &c, &c.nerr);
	if (timing)
		fprintf(stderr, "despin lm: model loaded in %.2f ms; %llu tokens scored in %.3f s: %.0f tokens/s\n",
			tload * 1e3, (unsigned long long)c.tokens, c.busy,
			c.busy > 0 ? (double)c.tokens / c.busy : 0.0);
	if (c.tokens == 0) { /* every input failed (said above): no figure to give */
		score_ctx_free(&c);
		return EXIT_ERROR;
	}
	ppl = pow(10.0, -c.total / (double)c.tokens);
	ppl_x = c.tokens > c.oovs ? pow(10.0, -(c.total - c.oov_total) / (double)(c.tokens - c.oovs)) : 0;
	printf("perplexity %.4f (without OOVs %.4f): %llu tokens, %llu OOVs, %llu sentences, log10 %.4f\n",
	       ppl, ppl_x, (unsigned long long)c.tokens, (unsigned long long)c.oovs,
	       (unsigned long long)c.sentences, c.total);
	score_ctx_free(&c);
	return c.nerr ? EXIT_ERROR : EXIT_CLEAN;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

static int lm_convert(int argc, char **argv, int compact)
{
	struct ds_err err = {0};
	struct ds_lm *lm;
	int rc;
	if (argc != 2)
		return cli_usage("despin lm convert [--compact] IN OUT");
	if (compact && ends_with(argv[1], ".arpa")) {
		cli_error("%s: --compact writes a binary model, not ARPA", argv[1]);
		return EXIT_ERROR;
	}
	lm = ds_lm_load(argv[0], &err);
	if (!lm) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	if (compact) {
		struct ds_lm *q = ds_lm_compact(lm, &err);
		ds_lm_free(lm);
		lm = q;
		if (!lm) {
			cli_error("%s", err.msg);
			return EXIT_ERROR;
		}
	}
	rc = ends_with(argv[1], ".arpa") ? ds_lm_write_arpa(lm, argv[1], &err)
					 : ds_lm_write(lm, argv[1], &err);
	ds_lm_free(lm);
	if (rc) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	return EXIT_CLEAN;
}

static int lm_info(const char *model, const char *mdir)
{
	struct ds_lm_stats st;
	struct ds_lm *lm;
	const char *path = model ? model : cli_model_path(cli_models_dir(mdir), "lm.bin");
	double t0 = ds_now(), t;
	lm = open_model(path, NULL);
	if (!lm)
		return EXIT_ERROR;
	t = ds_now() - t0;
	ds_lm_get_stats(lm, &st);
	printf("model\t%s\n", path);
	printf("format\t%s\n", st.parts > 1 ? "mixture (memory-mapped)"
				  : st.compact && st.mapped ? "despin compact binary (memory-mapped)"
				  : st.compact ? "despin compact (built in memory)"
				  : st.mapped ? "despin binary (memory-mapped)" : "ARPA or Sphinx (built in memory)");
	printf("order\t%d\n", st.order);
	printf("vocabulary\t%u\n", st.vocab);
	for (int n = 1; n <= st.order; n++)
		printf("%d-grams\t%llu\n", n, (unsigned long long)st.count[n - 1]);
	printf("bytes\t%zu\n", st.bytes);
	printf("load_ms\t%.2f\n", t * 1e3);
	if (st.parts > 1) {
		double w[DS_LM_MIX_BUCKETS * DS_LM_MIX_MAX];
		ds_lm_mix_weights(lm, w);
		for (int i = 0; i < st.parts; i++) {
			struct ds_lm_stats cs;
			const struct ds_lm *c = ds_lm_mix_part(lm, i);
			ds_lm_get_stats(c, &cs);
			printf("part%d\t%s, order %d, vocabulary %u, bytes %zu, weights", i + 1,
			       ds_lm_path(c) ? ds_lm_path(c) : "-", cs.order, cs.vocab, cs.bytes);
			for (int b = 0; b < ds_lm_order(ds_lm_mix_part(lm, 0)); b++)
				printf(" %.4f", w[b * DS_LM_MAX_ORDER * DS_LM_MIX_MAX + i]);
			putchar('\n');
		}
	}
	ds_lm_free(lm);
	return EXIT_CLEAN;
}

/* The model words of a text file (one paragraph a line) appended to seq as
 * lm's ids. */
static int text_seq(const struct ds_lm *lm, const char *path, struct ds_lm_seq *all)
{
	struct ds_err err = {0};
	struct ds_lm_seq one = {0};
	char *text;
	size_t len;
	/* read and checked as 'despin train' reads a file: no text is an error */
	if (cli_read_training(path, CLI_TRAIN_CHECK, &text, &len))
		return -1;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		if (e > p) {
			struct ds_doc *d = ds_doc_new(p, (size_t)(e - p), path, (size_t)(e - p) + 1, &err);
			if (d && ds_lm_doc_seq(lm, d, &one) == 0) {
				for (size_t i = 0; i < one.n; i++) {
					if (all->n == all->cap) {
						size_t nc = all->cap ? all->cap * 2 : 4096;
						ds_lm_id *ni = realloc(all->id, nc * sizeof *ni);
						if (!ni) {
							ds_doc_free(d);
							ds_lm_seq_free(&one);
							free(text);
							cli_error("out of memory");
							return -1;
						}
						all->id = ni;
						all->cap = nc;
					}
					all->id[all->n++] = one.id[i];
				}
			}
			ds_doc_free(d);
		}
		p = nl ? nl + 1 : end;
	}
	ds_lm_seq_free(&one);
	free(text);
	return 0;
}

static int lm_mix(int argc, char **argv, const char *out, const char *fit)
{
	struct ds_err err = {0};
	struct ds_lm *comp[DS_LM_MIX_MAX], *mix;
	struct ds_lm_seq seq = {0};
	double w[DS_LM_MIX_BUCKETS * DS_LM_MIX_MAX];
	int rc, replacing;
	if (argc < 2 || argc > DS_LM_MIX_MAX)
		return cli_usage("despin lm mix [-o OUT] [--fit TEXT] MODEL MODEL [MODEL]");
	/* said before the models are loaded and the weights fitted (the
	 * writer would refuse them too) */
	for (int i = 0; i < argc; i++)
		if (ds_lm_mix_can_name(out, argv[i], &err)) {
			cli_error("%s", err.msg);
			return EXIT_ERROR;
		}
	replacing = access(out, F_OK) == 0;
	for (int i = 0; i < argc; i++) {
		comp[i] = ds_lm_load(argv[i], &err);
		if (!comp[i]) {
			cli_error("%s", err.msg);
			while (i--)
				ds_lm_free(comp[i]);
			return EXIT_ERROR;
		}
	}
	mix = ds_lm_mix_new(comp, argc, NULL, &err);
	if (!mix) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	if (fit) {
		double total;
		size_t n;
		if (text_seq(mix, fit, &seq)) {
			ds_lm_free(mix);
			free(seq.id);
			return EXIT_ERROR;
		}
		n = ds_lm_mix_fit(mix, seq.id, seq.n, 30, &total);
		free(seq.id);
		fprintf(stderr, "despin lm mix: fitted on %zu words of %s: perplexity %.2f (without OOVs)\n", n,
			fit, n ? pow(10, -total / (double)n) : 0.0);
	}
	ds_lm_mix_weights(mix, w);
	rc = ds_lm_write(mix, out, &err);
	if (rc)
		cli_error("%s", err.msg);
	else {
		fprintf(stderr, "despin lm mix: %s %s; weights by context lengths:",
			replacing ? "replaced" : "wrote", out);
		for (int b = 0; b < ds_lm_order(comp[0]); b++)
			for (int b1 = 0; b1 < ds_lm_order(comp[1]); b1++) {
				fprintf(stderr, " %d%d:", b, b1);
				for (int i = 0; i < argc; i++)
					fprintf(stderr, "%s%.2f", i ? "/" : "",
						w[(b * DS_LM_MAX_ORDER + b1) * DS_LM_MIX_MAX + i]);
			}
		fputc('\n', stderr);
	}
	ds_lm_free(mix);
	return rc ? EXIT_ERROR : EXIT_CLEAN;
}

static void print_ok(void *ctx, const char *path, const char *kind, uint32_t version)
{
	(void)ctx;
	printf("ok\t%s\t%s version %u\n", path, kind, version);
}

static int lm_check(const char *model, const char *mdir)
{
	struct ds_err err = {0};
	const char *path = model ? model : cli_model_path(cli_models_dir(mdir), "lm.bin");
	/* loading says whether it is a language model at all and checks its
	 * layout; the check reads every byte (a mixture's components too) */
	struct ds_lm *lm = open_model(path, NULL);
	if (!lm)
		return EXIT_ERROR;
	ds_lm_free(lm);
	if (ds_model_check_file(path, print_ok, NULL, &err)) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	return EXIT_CLEAN;
}

struct tokens_ctx {
	int nerr;
	int first;
};

static int tokens_word(void *vctx, const char *w, size_t len, uint32_t tok)
{
	struct tokens_ctx *c = vctx;
	if (tok == DS_LM_NO_TOK) {
		if (len == 4)   /* </s> */
			putchar('\n');
		c->first = 1;
		return 0;
	}
	if (!c->first)
		putchar(' ');
	fwrite(w, 1, len, stdout);
	c->first = 0;
	return 0;
}

/* One input read and checked as 'despin train' reads and checks it
 * (ds_lm_trainer_add_text): a file that is no text as a whole is named and
 * left out, a line that is none alone passed over. */
static int tokens_one(const char *path, void *vctx)
{
	struct tokens_ctx *c = vctx;
	struct ds_err err = {0};
	const char *name = cli_input_name(path);
	char *text;
	size_t len;
	if (cli_read_training(path, CLI_TRAIN_CHECK, &text, &len)) {
		c->nerr++;
		return 0;
	}
	/* one paragraph a line, as the trainer reads it */
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		if (e > p) {
			struct ds_doc *d = ds_doc_new(p, (size_t)(e - p), name, (size_t)(e - p) + 1, &err);
			if (d) {
				ds_lm_doc_words(d, tokens_word, c);
				ds_doc_free(d);
			} else if (err.code != DS_EEMPTY && err.code != DS_EBINARY) {
				cli_error("%s", err.msg); /* out of memory: the rest unread */
				c->nerr++;
				break;
			}
		}
		p = nl ? nl + 1 : end;
	}
	free(text);
	return ferror(stdout) ? 1 : 0; /* a failed write stops the walk */
}

static int lm_tokens(int argc, char **argv)
{
	struct tokens_ctx tc = {0, 1};
	if (argc < 1)
		return cli_usage("despin lm tokens [--max-size BYTES] FILE...");
	cli_walk(argv, argc, tokens_one, &tc, &tc.nerr);
	if (cli_stdout_failed())
		return EXIT_ERROR;
	return tc.nerr ? EXIT_ERROR : EXIT_CLEAN;
}

int cmd_lm(int argc, char **argv)
{
	static const struct option opts[] = {
		{"model", required_argument, NULL, 'm'},
		{"models", required_argument, NULL, 'M'},
		{"pretokenized", no_argument, NULL, 't'},
		{"summary", no_argument, NULL, 's'},
		{"time", no_argument, NULL, 'T'},
		{"output", required_argument, NULL, 'o'},
		{"fit", required_argument, NULL, 'f'},
		{"index", required_argument, NULL, 'i'},
		{"compact", no_argument, NULL, 'C'},
		{"max-size", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *model = NULL, *mdir = NULL, *sub, *out = NULL, *fit = NULL, *index = NULL;
	int c, pretok = 0, summary = 0, timing = 0, compact = 0;

	if (argc < 2)
		return cli_usage(SHORT_USAGE);
	if (cli_is_help(argv[1])) {
		printf("usage: %s\n", USAGE);
		return EXIT_CLEAN;
	}
	sub = argv[1];
	if (!cli_sub_known(LM_SUBS, sub)) {
		cli_error("'%s' is not a 'despin lm' command; see 'despin lm --help'", sub);
		return EXIT_ERROR;
	}
	argc--;
	argv++;
	cli_sub_argv0(argv, "lm");
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:o:i:h", opts, NULL)) != -1) {
		if (cli_option_applies("lm", sub, LM_SUBS, c, opts))
			return EXIT_ERROR;
		switch (c) {
		case 'i': index = cli_redis_address(optarg); break;
		case 'o': out = optarg; break;
		case 'f': fit = optarg; break;
		case 'm': model = optarg; break;
		case 'M': mdir = optarg; break;
		case 't': pretok = 1; break;
		case 's': summary = 1; break;
		case 'T': timing = 1; break;
		case 'C': compact = 1; break;
		case 'S':
			if (cli_parse_size("--max-size", optarg, 1, (size_t)1 << 40, &cli_max_input))
				return EXIT_ERROR;
			break;
		case 'h': printf("usage: %s\n", USAGE); return EXIT_CLEAN;
		default: return cli_usage(SHORT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (strcmp(sub, "score") == 0)
		return lm_score(argc, argv, model, mdir, pretok, summary, timing, index);
	if (strcmp(sub, "convert") == 0)
		return lm_convert(argc, argv, compact);
	if (strcmp(sub, "info") == 0) {
		if (argc > 0)
			return cli_usage("despin lm info [-m MODEL]");
		return lm_info(model, mdir);
	}
	if (strcmp(sub, "mix") == 0)
		return lm_mix(argc, argv, out ? out : cli_model_path(cli_models_dir(mdir), "mix.bin"), fit);
	if (strcmp(sub, "check") == 0) {
		if (argc > 0)
			return cli_usage("despin lm check [-m MODEL]");
		return lm_check(model, mdir);
	}
	return lm_tokens(argc, argv);
}
