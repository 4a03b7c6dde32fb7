/* source.c - finding an article's sources and choosing among them
 * (see source.h and despin.h). */
#include "source.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align.h"
#include "detect.h"
#include "evidence.h"
#include "fprint.h"
#include "index.h"
#include "stem.h"
#include "text.h"

/* Matches asked of the index per article. */
#define QUERY_MAX 8
/* A batch candidate whose store similarity reaches this is aligned with
 * the article to tell whether it is a copy (is_copy): no word replaced,
 * and this share at least of the shorter one's words matched. */
#define DS_BATCH_COPY_SIMILARITY 0.95
#define DS_BATCH_COPY_MATCHED 0.98

struct found {
	char *name;
	char *text;
	size_t len;
	double similarity, coverage;
	struct ds_range *ranges;
	size_t nranges;
	size_t first;     /* byte offset of its first range (source order) */
	struct ds_doc *doc; /* text tokenised and stemmed, for the detector (or NULL) */
	int copy;           /* a copy of the article, taken last (ds_sources_choose) */
};

struct ds_sources {
	struct ds_doc *doc;  /* the article, tokenised (NULL once detected) */
	char *name;          /* the article's name, text and length */
	char *text;
	size_t len;
	size_t max_bytes;
	struct found f[DS_SOURCES_MAX];
	size_t n;
	size_t left_out;     /* sources found past the work bound, not taken */
};

struct ds_finder {
	struct ds_index *ix; /* its stemmer stems articles and sources: one cache */
	size_t max_words;    /* longer sources are not taken (0: the default) */
};

void ds_finder_set_max_words(struct ds_finder *f, size_t max_words)
{
	f->max_words = max_words;
}

uint64_t ds_finder_round_trips(const struct ds_finder *f)
{
	return f ? ds_index_round_trips(f->ix) : 0;
}

struct ds_finder *ds_finder_open(const char *uri, struct ds_err *err)
{
	struct ds_finder *f = calloc(1, sizeof *f);
	if (!f) {
		ds_err_set(err, DS_ENOMEM, "out of memory opening index %s", uri);
		return NULL;
	}
	if (!(f->ix = ds_index_open(uri, DS_INDEX_READONLY, err))) {
		ds_finder_close(f);
		return NULL;
	}
	return f;
}

void ds_finder_close(struct ds_finder *f)
{
	if (!f)
		return;
	ds_index_close(f->ix);
	free(f);
}

static void found_free(struct found *f)
{
	free(f->name);
	free(f->text);
	free(f->ranges);
	ds_doc_free(f->doc);
}

void ds_sources_free(struct ds_sources *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		found_free(&s->f[i]);
	ds_doc_free(s->doc);
	free(s->name);
	free(s->text);
	free(s);
}

size_t ds_sources_count(const struct ds_sources *s)
{
	return s->n;
}

int ds_sources_get(const struct ds_sources *s, size_t i, struct ds_found_source *out)
{
	if (i >= s->n)
		return DS_EINVAL;
	out->name = s->f[i].name;
	out->similarity = s->f[i].similarity;
	out->coverage = s->f[i].coverage;
	out->ranges = s->f[i].ranges;
	out->nranges = s->f[i].nranges;
	return 0;
}

/* Sentence i's words (as fingerprinted: words and numbers outside
 * boilerplate). */
static size_t sent_words(const struct ds_doc *doc, size_t i)
{
	size_t w = 0;
	for (uint32_t t = doc->sent[i].tok_begin; t < doc->sent[i].tok_end; t++)
		w += doc->tok[t].kind != DS_TOK_PUNCT && !(doc->tok[t].flags & DS_TF_BOILER);
	return w;
}

/* Words of the article's sentences no chosen source has (owner[s] < 0)
 * that match k shares text with, and how many sentences, a passage
 * (ds_index_passage) counting two: a source
 * needs two, as the index does. */
static size_t free_words(const struct ds_doc *doc, const struct ds_match *mk, const int *owner,
			 const size_t *words, size_t *ns)
{
	size_t w = 0;
	*ns = 0;
	for (size_t s = 0; s < doc->nsent && s < mk->nsents; s++)
		if (owner[s] < 0 && mk->sent_cover[s] > 0) {
			w += words[s];
			*ns += ds_index_passage(words[s], mk->sent_cover[s]) ? 2 : 1;
		}
	return w;
}

/* May match k be chosen in this round of choose: not chosen yet, with
 * sentences it covers, and of the kind sought (want: 1 for the matches
 * marked last, 0 for the others)? */
static int open_match(const struct ds_match *m, size_t k, const size_t *pick, size_t npick,
		      const unsigned char *last, int want)
{
	for (size_t j = 0; j < npick; j++)
		if (pick[j] == k)
			return 0;
	return m[k].sent_cover && (last && last[k] ? 1 : 0) == want;
}

/* The greedy choice (source.h): the indexes of the chosen matches in
 * pick[0..*npick) and, per sentence, the chosen match it goes to (-1).
 * The matches marked last (NULL: none) are taken only for sentences no
 * other candidate has. */
static void choose(const struct ds_doc *doc, const struct ds_match *m, size_t n,
		   const double *rank, const unsigned char *last, const size_t *words, size_t total,
		   int *owner, size_t *pick, size_t *npick)
{
	*npick = 0;
	for (size_t s = 0; s < doc->nsent; s++)
		owner[s] = -1;
	while (*npick < DS_SOURCES_MAX) {
		size_t best = n, best_w = 0, best_s = 0;
		for (int want = 0; want < 2; want++) {
			for (size_t k = 0; k < n; k++) {
				size_t w, ns;
				if (!open_match(m, k, pick, *npick, last, want))
					continue;
				if ((w = free_words(doc, &m[k], owner, words, &ns)) > best_w) {
					best = k;
					best_w = w;
					best_s = ns;
				}
			}
			/* with ranks, the best ranked of those covering nearly
			 * as much: the copies of a copy lead back to the
			 * original */
			for (size_t k = 0; rank && best < n && k < n; k++) {
				size_t w, ns;
				if (rank[k] >= rank[best] || !open_match(m, k, pick, *npick, last, want))
					continue;
				w = free_words(doc, &m[k], owner, words, &ns);
				if (ns >= 2 && (double)w >= 0.6 * (double)best_w) {
					best = k;
					best_w = w;
					best_s = ns;
				}
			}
			if (best < n && best_s >= 2 &&
			    (double)best_w >= DS_INDEX_MIN_COVERAGE * (double)total)
				break;
			best = n;
			best_w = best_s = 0;
		}
		if (best == n)
			break;
		for (size_t s = 0; s < doc->nsent && s < m[best].nsents; s++)
			if (owner[s] < 0 && m[best].sent_cover[s] > 0)
				owner[s] = (int)best;
		pick[(*npick)++] = best;
	}
	/* each covered sentence to the chosen source nearest to it; what a
	 * match marked last took stays its */
	for (size_t s = 0; s < doc->nsent; s++) {
		if (owner[s] < 0 || (last && last[owner[s]]))
			continue;
		for (size_t j = 0; j < *npick; j++) {
			const struct ds_match *c = &m[pick[j]];
			if (s < c->nsents && !(last && last[pick[j]]) &&
			    c->sent_cover[s] > m[owner[s]].sent_cover[s])
				owner[s] = (int)pick[j];
		}
	}
}

/* The sources by the share of the article they cover, the article's
 * copies after the others: the first is the one shown, and a copy holds
 * only the sentences no other source has. */
static int cmp_found(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	if (x->copy != y->copy)
		return x->copy - y->copy;
	if (x->coverage != y->coverage)
		return x->coverage > y->coverage ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Drops match k of m[0..*n) (and its rank), keeping the order. */
static void drop_match(struct ds_match *m, double *rank, size_t *n, size_t k)
{
	memmove(m + k, m + k + 1, (*n - k - 1) * sizeof *m);
	if (rank)
		memmove(rank + k, rank + k + 1, (*n - k - 1) * sizeof *rank);
	(*n)--;
}

/* Leaves out of m[0..*n) (and rank, when given) the sources longer than
 * the work bound: judged against one, the article would be refused.
 * Returns how many. */
static size_t drop_too_long(const struct ds_finder *f, struct ds_match *m, double *rank,
			    size_t *n)
{
	size_t maxw = f->max_words ? f->max_words : DS_DETECT_MAX_WORDS_DEFAULT, dropped = 0;
	for (size_t k = *n; k-- > 0;)
		if (m[k].source_words > maxw) {
			ds_matches_free(m + k, 1);
			drop_match(m, rank, n, k);
			dropped++;
		}
	return dropped;
}

/* A copy of the article that shares it with other sources stands for the
 * sentences only it has (its ranges): its text becomes the article's own
 * there (the copy holds the same words), so that the sentences the others
 * have are aligned with theirs, not with the copy's.  0, or -1 when out of
 * memory. */
static int copy_stands_in(const struct ds_doc *doc, struct found *f)
{
	struct ds_buf b = DS_BUF_INIT;
	for (size_t r = 0; r < f->nranges; r++)
		if ((r && ds_buf_puts(&b, "\n\n")) ||
		    ds_buf_append(&b, doc->text + f->ranges[r].start,
				  f->ranges[r].end - f->ranges[r].start)) {
			ds_buf_free(&b);
			return -1;
		}
	if (!b.data && ds_buf_puts(&b, ""))
		return -1;
	free(f->text);
	f->text = b.data;
	f->len = b.len;
	ds_doc_free(f->doc);
	f->doc = NULL;
	return 0;
}

/* A sentence pair whose words match less says too little of where the
 * article's sentence came from: a spinner leaves most of them. */
#define GIVE_BACK_SIM 0.5

/* Gives the sentences a copy took (owner) to another chosen source f[j]
 * that the detector would pair them with (ds_align_new, the best paired
 * first): the fingerprint's cover misses a sentence whose words a spinner
 * replaced, and the copy, which holds it word for word, would then be its
 * source and hide the spin wherever the spinner worked hardest.  0 or
 * DS_ENOMEM. */
static int give_back(const struct ds_doc *doc, const struct found *f, const size_t *pick,
		     size_t npick, const unsigned char *last, int *owner)
{
	double *best = calloc(doc->nsent + 1, sizeof *best);
	if (!best)
		return DS_ENOMEM;
	for (size_t j = 0; j < npick; j++) {
		struct ds_align *al;
		if (last[pick[j]] || !f[j].doc)
			continue;
		if (!(al = ds_align_new(doc, f[j].doc, NULL))) {
			free(best);
			return DS_ENOMEM;
		}
		for (size_t k = 0; k < al->npairs; k++) {
			uint32_t i = al->pairs[k].a_sent;
			if (owner[i] >= 0 && (last[owner[i]] || best[i] > 0) &&
			    al->pairs[k].sim >= GIVE_BACK_SIM && al->pairs[k].sim > best[i]) {
				owner[i] = (int)pick[j];
				best[i] = al->pairs[k].sim;
			}
		}
		ds_align_free(al);
	}
	free(best);
	return 0;
}

struct ds_sources *ds_sources_choose(struct ds_index *ix, struct ds_doc *doc,
				     const struct ds_fprint *fp, const struct ds_match *m0, size_t n,
				     const double *rank0, const unsigned char *last0,
				     struct ds_err *err)
{
	struct ds_fprint *own = NULL;
	struct ds_sources *s = calloc(1, sizeof *s);
	size_t *words = NULL, total = 0, pick[DS_SOURCES_MAX], npick = 0;
	size_t tlen[DS_SOURCES_MAX];
	char *text[DS_SOURCES_MAX] = {NULL};
	struct ds_match *m = NULL;
	double *rank = NULL;
	unsigned char *last = NULL;
	int *owner = NULL, rc;
	size_t copies = 0;

	if (!s || !(words = calloc(doc->nsent + 1, sizeof *words)) ||
	    !(owner = calloc(doc->nsent + 1, sizeof *owner)) ||
	    !(m = malloc((n + 1) * sizeof *m)) || (rank0 && !(rank = malloc((n + 1) * sizeof *rank))) ||
	    (last0 && !(last = malloc(n + 1))))
		goto nomem;
	if (n)
		memcpy(m, m0, n * sizeof *m);
	if (rank0 && n)
		memcpy(rank, rank0, n * sizeof *rank);
	if (last0 && n)
		memcpy(last, last0, n);
	s->doc = doc;
	doc = NULL;
	for (size_t i = 0; i < s->doc->nsent; i++)
		total += words[i] = sent_words(s->doc, i);
again:
	choose(s->doc, m, n, rank, last, words, total, owner, pick, &npick);
	/* the texts first: a source removed since the query (by another
	 * writer of a shared index) is left out and the choice made again */
	for (size_t j = 0; j < npick; j++) {
		if (last && last[pick[j]] == DS_COPY_OWN_WORDS) {
			/* the article's own words: its text, not read again */
			if (!(text[j] = malloc(s->doc->len + 1)))
				goto nomem;
			memcpy(text[j], s->doc->text, s->doc->len + 1);
			tlen[j] = s->doc->len;
			continue;
		}
		rc = ds_index_get_text(ix, m[pick[j]].id, &text[j], &tlen[j], err);
		if (rc == DS_ENOTFOUND) {
			for (size_t k = 0; k < j; k++) {
				free(text[k]);
				text[k] = NULL;
			}
			if (err) {
				err->code = 0;
				err->msg[0] = '\0';
			}
			if (last)
				memmove(last + pick[j], last + pick[j] + 1, n - pick[j] - 1);
			drop_match(m, rank, &n, pick[j]);
			goto again;
		}
		if (rc)
			goto fail;
	}
	for (size_t j = 0; j < npick; j++) {
		struct found *f = &s->f[s->n];
		const struct ds_match *c = &m[pick[j]];
		struct ds_err e = {0};
		if (!(f->name = strdup(c->name)))
			goto nomem;
		s->n++;
		f->text = text[j];
		f->len = tlen[j];
		text[j] = NULL;
		f->similarity = c->similarity;
		/* the figure shown: on full hashes, as 'despin match' and a
		 * given source show it; the text tokenised and stemmed once,
		 * for this and for the detector (ds_detect_found) */
		if (!fp && !(fp = own = ds_index_fprint(ix, s->doc, err)))
			goto fail;
		f->doc = ds_doc_new(f->text, f->len, f->name, f->len + 1, &e);
		if (!f->doc && e.code == DS_ENOMEM)
			goto nomem;
		if (f->doc && ds_doc_stem(f->doc, ds_index_stemmer(ix)))
			goto nomem;
		if (f->doc && ds_index_similarity(ix, fp, f->doc, &f->similarity, err))
			goto fail;
		if (last && last[pick[j]])
			copies++;
	}
	if (copies && copies < npick && give_back(s->doc, s->f, pick, npick, last, owner))
		goto nomem;
	for (size_t j = 0; j < npick; j++) {
		struct found *f = &s->f[j];
		size_t covered = 0;
		if (!(f->ranges = malloc((s->doc->nsent + 1) * sizeof *f->ranges)))
			goto nomem;
		for (size_t i = 0; i < s->doc->nsent; i++) {
			if (owner[i] != (int)pick[j])
				continue;
			covered += words[i];
			/* sentences next to each other make one range */
			ds_ranges_add_sent(s->doc, i, i > 0 && owner[i - 1] == (int)pick[j], f->ranges,
					   &f->nranges);
		}
		f->coverage = total ? (double)covered / (double)total : 0;
		f->first = f->nranges ? f->ranges[0].start : 0;
		f->copy = last && last[pick[j]];
		/* (a copy given nothing is dropped below) */
		if (f->copy && npick > 1 && f->nranges && copy_stands_in(s->doc, f))
			goto nomem;
	}
	if (copies && copies < npick) { /* a copy the others left nothing to */
		size_t k = 0;
		for (size_t j = 0; j < s->n; j++) {
			if (s->f[j].copy && !s->f[j].nranges)
				found_free(&s->f[j]);
			else
				s->f[k++] = s->f[j];
		}
		s->n = k;
	}
	qsort(s->f, s->n, sizeof *s->f, cmp_found);
	ds_fprint_free(own);
	free(words);
	free(owner);
	free(m);
	free(rank);
	free(last);
	return s;
nomem:
	ds_err_set(err, DS_ENOMEM, "out of memory choosing sources");
fail:
	ds_fprint_free(own);
	for (size_t j = 0; j < DS_SOURCES_MAX; j++)
		free(text[j]);
	ds_doc_free(doc);
	free(words);
	free(owner);
	free(m);
	free(rank);
	free(last);
	ds_sources_free(s);
	return NULL;
}

struct ds_sources *ds_finder_find(struct ds_finder *f, const struct ds_text *article,
				  size_t max_bytes, struct ds_err *err)
{
	struct ds_doc *doc = ds_doc_new(article->data, article->len, article->name, max_bytes, err);
	struct ds_query_opts qo;
	struct ds_match m[QUERY_MAX + 1];
	unsigned char copy[QUERY_MAX + 1];
	struct ds_sources *s;
	struct ds_fprint *fp;
	struct ds_err e2 = {0};
	size_t n = 0, left_out;
	int64_t self = 0;

	if (!doc)
		return NULL;
	/* its fingerprint, made once for the query and the similarity of
	 * each source chosen */
	if (ds_doc_stem(doc, ds_index_stemmer(f->ix)) || !(fp = ds_index_fprint(f->ix, doc, err))) {
		ds_doc_free(doc);
		ds_err_set(err, DS_ENOMEM, "%s: out of memory", article->name);
		return NULL;
	}
	ds_query_opts_init(&qo);
	qo.sent_cover = 1;
	if (ds_index_find_doc(f->ix, doc, &self, &e2) != 0)
		self = 0;
	if (ds_index_query_fp(f->ix, doc, fp, &qo, m, QUERY_MAX + 1, &n, err)) {
		ds_fprint_free(fp);
		ds_doc_free(doc);
		return NULL;
	}
	left_out = drop_too_long(f, m, NULL, &n);
	if (n > QUERY_MAX) {
		ds_matches_free(m + QUERY_MAX, n - QUERY_MAX);
		n = QUERY_MAX;
	}
	/* the article's words are a known source's (the article itself, or
	 * a republication of it under another header or layout): that text
	 * is its copy, taken last as a batch's copies are (mark_copies), and
	 * the article's own text stands for it: the article is judged
	 * against the others for what they have, and against its copy for
	 * the rest rather than on its own.  One query either way */
	for (size_t k = 0; k < n; k++)
		copy[k] = self && m[k].id == self ? DS_COPY_OWN_WORDS : 0;
	s = ds_sources_choose(f->ix, doc, fp, m, n, NULL, copy, err);
	ds_fprint_free(fp);
	ds_matches_free(m, n);
	if (s && (!(s->name = strdup(article->name)) ||
		  !(s->text = malloc(article->len + 1)))) {
		ds_sources_free(s);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	if (s) {
		s->left_out = left_out;
		memcpy(s->text, article->data, article->len);
		s->text[article->len] = 0;
		s->len = article->len;
		s->max_bytes = max_bytes;
	}
	return s;
}

static int cmp_first(const void *a, const void *b)
{
	const struct found *x = *(const struct found *const *)a, *y = *(const struct found *const *)b;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* An article r judged spun against the sources of s: each source is also
 * weighed the other way, and r keeps its verdict when the evidence (or a
 * date) shows the article is the copy of one of them.  When it shows the
 * article is the source of every one (a copy of the article aside: it
 * cannot tell), the article is judged on its own
 * instead (and not flagged: "original"); otherwise r is not flagged
 * ("uncertain").
 * Sources it shows to be the article's copies are not judged against when
 * others are there (a republication whose round trip sits beside the wire
 * story it republished): in a batch, when one source is shown older, only
 * those shown older are kept; with an index, whose sources are presumed
 * clean, all but the copies.  Then they are dropped from s, r is freed,
 * *redo set and NULL returned, for the caller to judge the article again.
 * Returns r or the result that replaces it (r freed), NULL with err set
 * (or *redo). */
static struct ds_result *check_direction(struct ds_detector *det, struct ds_result *r,
					 const struct ds_text *art, struct ds_sources *s,
					 const struct ds_detect_opts *opts, int *redo,
					 struct ds_err *err)
{
	struct ds_detect_opts o = *opts;
	unsigned char dir[DS_SOURCES_MAX], drop[DS_SOURCES_MAX];
	int all_original = 1, any_source = 0, kept = 0, dropped = 0;
	/* an index's sources are presumed clean: a later date only asks the
	 * evidence, and the article stays judged unless it shows the source
	 * copied the article (a date header can be wrong) */
	int presumed = opts->check_direction == DS_DIRECTION_PRESUMED;
	/* a copy of the article has its words: it cannot say which text came
	 * first, and is weighed only when no other source is there */
	int skip_copies = 0;
	*redo = 0;
	for (size_t i = 0; i < s->n; i++)
		skip_copies |= !s->f[i].copy;
	o.check_direction = 0;
	o.all_subs = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct ds_text src = {s->f[i].name, s->f[i].text, s->f[i].len};
		int d = DS_DIR_UNCERTAIN;
		if (!(skip_copies && s->f[i].copy)) {
			d = ds_direction_weigh(det, art, &src, s->n == 1 ? r : NULL, &o, !presumed,
					       NULL, err);
			if (d < 0) {
				ds_result_free(r);
				return NULL;
			}
			any_source |= d == DS_DIR_A_SOURCE;
			all_original &= d == DS_DIR_B_SOURCE;
		}
		dir[i] = (unsigned char)d;
	}
	/* in a batch, the sources kept beside one shown older are those
	 * shown older (and the article's copies); with an index, all but
	 * the article's own copies */
	for (size_t i = 0; i < s->n; i++) {
		int weighed = !(skip_copies && s->f[i].copy);
		drop[i] = dir[i] == DS_DIR_B_SOURCE ||
			  (!presumed && any_source && weighed && dir[i] == DS_DIR_UNCERTAIN);
		kept |= !drop[i];
		dropped |= drop[i];
	}
	if (kept && dropped && (any_source || presumed)) {
		size_t k = 0;
		for (size_t i = 0; i < s->n; i++) {
			if (drop[i])
				found_free(&s->f[i]);
			else
				s->f[k++] = s->f[i];
		}
		s->n = k;
		ds_result_free(r);
		*redo = 1;
		return NULL;
	}
	if (any_source)
		return r;
	if (!all_original) {
		if (!presumed)
			ds_result_set_direction(r, "uncertain", opts);
		return r;
	}
	ds_result_free(r);
	o = *opts;
	o.check_direction = 0;
	if (!(r = ds_detect(det, art, NULL, NULL, &o, err)))
		return NULL;
	ds_result_set_direction(r, "original", opts);
	/* sources presumed clean: the one found first is named, as the
	 * index holds a copy of the article */
	if (presumed && ds_result_set_copy(r, s->f[0].name)) {
		ds_result_free(r);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	return r;
}

/* How the article's date (its "date" header) stands to its sources':
 * DATED_AFTER when a source's own header dates it later (a text cannot
 * copy one written after it), DATED_BEFORE when every source is dated
 * earlier, else DATES_SILENT. */
enum { DATES_SILENT, DATED_BEFORE, DATED_AFTER };

static int sources_dated(const char *art_date, const struct ds_sources *s)
{
	char d[11];
	int before = 1;
	if (!art_date[0])
		return DATES_SILENT;
	for (size_t i = 0; i < s->n; i++) {
		if (!ds_text_date(s->f[i].text, s->f[i].len, d)) {
			before = 0;
			continue;
		}
		if (strcmp(d, art_date) > 0)
			return DATED_AFTER;
		before &= strcmp(d, art_date) < 0;
	}
	return before ? DATED_BEFORE : DATES_SILENT;
}

/* Whether putting the sources' words back gains the article nothing (the
 * mean language-model gain of its small substitutions, times their share):
 * a copy's changes read worse than its source's words (for 99% of the
 * benchmark's spins and every round trip, judged against their source),
 * while an original judged against its spun copy loses by them. */
static int source_words_gain_nothing(const struct ds_result *r)
{
	size_t n;
	const double *f = ds_result_features(r, &n);
	return n > DS_F_SMALL && f[DS_F_SUBGAIN] * f[DS_F_SMALL] <= 0;
}

/* The work bound (max words, and max bytes for one text) holds for the
 * sources judged against, one at a time and joined: taken in order (the
 * one covering most first), a source that would take the words past it is
 * left out (counted in left_out), so that a long text found as a source
 * does not cost the article its verdict.  With none left, the article is
 * judged on its own. */
static void fit_sources(struct ds_sources *s, size_t maxw, size_t maxb)
{
	size_t k = 0, total = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct found *f = &s->f[i];
		size_t w = f->doc ? f->doc->n_words : ds_text_count_runs(f->text, f->len, maxw);
		if (total + w > maxw || f->len > maxb) {
			found_free(f);
			s->left_out++;
			continue;
		}
		total += w;
		s->f[k++] = *f;
	}
	s->n = k;
}

struct ds_result *ds_detect_found(struct ds_detector *det, struct ds_sources *s,
				  const struct ds_detect_opts *opts, struct ds_err *err)
{
	struct ds_text art = {s->name, s->text, s->len}, src;
	struct ds_source_meta meta = {-1, -1};
	struct ds_found_source info[DS_SOURCES_MAX];
	const struct found *order[DS_SOURCES_MAX];
	struct ds_buf joined = DS_BUF_INIT;
	struct ds_doc *doc = s->doc;
	struct ds_result *r;
	int weigh = DATES_SILENT;

	s->doc = NULL;
	if (!doc && !(doc = ds_doc_new(s->text, s->len, s->name, s->max_bytes, err)))
		return NULL;
	fit_sources(s, opts && opts->max_words ? opts->max_words : DS_DETECT_MAX_WORDS_DEFAULT,
		    opts && opts->max_bytes ? opts->max_bytes : DS_DOC_MAX_BYTES_DEFAULT);
	if (s->n == 0) {
		if ((r = ds_detect_doc(det, doc, NULL, NULL, opts, err)) != NULL)
			ds_result_set_left_out(r, s->left_out);
		return r;
	}
	/* the sources' texts in the order the article uses them */
	for (size_t i = 0; i < s->n; i++)
		order[i] = &s->f[i];
	qsort(order, s->n, sizeof *order, cmp_first);
	for (size_t i = 0; i < s->n; i++)
		if ((i && ds_buf_puts(&joined, "\n\n")) ||
		    ds_buf_append(&joined, order[i]->text, order[i]->len)) {
			ds_buf_free(&joined);
			ds_doc_free(doc);
			ds_err_set(err, DS_ENOMEM, "out of memory");
			return NULL;
		}
	src.name = s->f[0].name;
	src.data = joined.data;
	src.len = joined.len;
	meta.similarity = s->f[0].similarity;
	meta.coverage = s->f[0].coverage;
	/* an index's sources are presumed clean, but one that took in a
	 * later or spun copy hands it out as the source of the original:
	 * the evidence is asked which text is the copy when a source is
	 * dated after the article, or when no date shows the sources older
	 * and their words, put back, read no better than the article's */
	if (opts && opts->check_direction == DS_DIRECTION_PRESUMED)
		weigh = sources_dated(doc->date, s);
	/* one source: its text as the finder tokenised it (the detector
	 * takes the document over) */
	r = ds_detect_docs(det, doc, &src, s->n == 1 ? s->f[0].doc : NULL, &meta, opts, err);
	if (s->n == 1)
		s->f[0].doc = NULL;
	if (r && opts && ds_result_spun(r) &&
	    (opts->check_direction == 1 || weigh == DATED_AFTER ||
	     (opts->check_direction == DS_DIRECTION_PRESUMED && weigh == DATES_SILENT &&
	      source_words_gain_nothing(r)))) {
		int redo;
		if (!(r = check_direction(det, r, &art, s, opts, &redo, err))) {
			ds_buf_free(&joined);
			/* judged again against the sources it did not write
			 * (its own text is read again: the detector took the
			 * document over) */
			return redo ? ds_detect_found(det, s, opts, err) : NULL;
		}
		if (!ds_result_source(r)) { /* the original, judged on its own */
			ds_buf_free(&joined);
			ds_result_set_left_out(r, s->left_out);
			return r;
		}
	}
	ds_buf_free(&joined);
	if (!r)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		ds_sources_get(s, i, &info[i]);
	if (ds_result_set_sources(r, info, s->n)) {
		ds_result_free(r);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	ds_result_set_left_out(r, s->left_out);
	return r;
}

/* ---- batches ---- */

struct bitem {
	char *name;
	int64_t id;       /* in the batch's index (a repeated text shares one) */
	size_t twin;      /* another article of the batch with its id (for the
			   * first, the first repeat; for a repeat, the first),
			   * or SIZE_MAX */
	double rank;      /* 0 (fluent) to 1 (not): ds_batch_rank */
	char date[11];
	unsigned char need;
};

struct ds_batch {
	char *path;
	struct ds_index *ix;   /* the writer, until the first finder */
	struct ds_stemmer *st;
	struct bitem *it;
	size_t n, cap;
	size_t *of_id;         /* id -> the first article with it */
	size_t nid, idcap;
	pthread_mutex_t lock;
};

/* Lists SQLite's files beside the batch's index for removal on a signal
 * (add), or removes the index and those files and takes them all off the
 * list (!add). */
static void batch_temp(const char *path, int add)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	char p[4096];
	/* the index itself was listed by ds_temp_create as it was made */
	for (size_t i = add ? 1 : 0; i < sizeof ext / sizeof ext[0]; i++) {
		if ((size_t)snprintf(p, sizeof p, "%s%s", path, ext[i]) >= sizeof p)
			continue; /* longer than SQLite opens (512 bytes): never made */
		if (add) {
			(void)ds_temp_add(p, 0);
		} else {
			unlink(p);
			ds_temp_del(p);
		}
	}
}

struct ds_batch *ds_batch_new(const char *dir, struct ds_err *err)
{
	struct ds_batch *b = calloc(1, sizeof *b);
	const char *tmp = dir ? dir : getenv("TMPDIR");
	size_t len;
	int fd;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	len = strlen(tmp) + 32;
	if (!b || !(b->path = malloc(len)) || !(b->st = ds_stemmer_new())) {
		if (b)
			free(b->path);
		free(b);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&b->lock, NULL);
	snprintf(b->path, len, "%s/despin-batch.XXXXXX", tmp);
	if ((fd = ds_temp_create(b->path, 0)) < 0) {
		ds_err_set(err, DS_EIO, "cannot create a batch index in %s: %s", tmp, strerror(errno));
		b->path[0] = 0;
		ds_batch_free(b);
		return NULL;
	}
	close(fd);
	/* its -wal, -shm and -journal listed before they exist */
	batch_temp(b->path, 1);
	if (!(b->ix = ds_index_open(b->path, DS_INDEX_CREATE, err)) ||
	    ds_index_begin(b->ix, err)) {
		ds_batch_free(b);
		return NULL;
	}
	return b;
}

void ds_batch_free(struct ds_batch *b)
{
	if (!b)
		return;
	ds_index_close(b->ix);
	if (b->path[0])
		batch_temp(b->path, 0);
	for (size_t i = 0; i < b->n; i++)
		free(b->it[i].name);
	free(b->it);
	free(b->of_id);
	ds_stemmer_free(b->st);
	pthread_mutex_destroy(&b->lock);
	free(b->path);
	free(b);
}

size_t ds_batch_count(const struct ds_batch *b)
{
	return b->n;
}

int ds_batch_add(struct ds_batch *b, const struct ds_text *article, size_t max_bytes,
		 size_t *idx, struct ds_err *err)
{
	struct ds_doc *doc;
	struct bitem *it;
	int added = 0, rc;
	int64_t id = 0;
	if (!b->ix)
		return ds_err_set(err, DS_EINVAL, "the batch is closed to new articles");
	if (!(doc = ds_doc_new(article->data, article->len, article->name, max_bytes, err)))
		return err ? err->code : DS_EFORMAT;
	if (ds_doc_stem(doc, b->st) || ds_grow(&b->it, &b->cap, b->n + 1, sizeof *b->it)) {
		ds_doc_free(doc);
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	}
	it = &b->it[b->n];
	memset(it, 0, sizeof *it);
	it->twin = SIZE_MAX;
	snprintf(it->date, sizeof it->date, "%s", doc->date);
	rc = ds_index_add(b->ix, article->name, doc, &id, &added, err);
	ds_doc_free(doc);
	if (rc)
		return rc;
	if (!(it->name = strdup(article->name)))
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	if (added) {
		if (ds_grow(&b->of_id, &b->idcap, (size_t)id + 1, sizeof *b->of_id)) {
			free(it->name);
			return ds_err_set(err, DS_ENOMEM, "out of memory");
		}
		while (b->nid <= (size_t)id)
			b->of_id[b->nid++] = SIZE_MAX;
		b->of_id[id] = b->n;
	} else if (id > 0 && (size_t)id < b->nid && b->of_id[id] != SIZE_MAX) {
		/* the first article with the text, and for it the first repeat */
		it->twin = b->of_id[id];
		if (b->it[it->twin].twin == SIZE_MAX)
			b->it[it->twin].twin = b->n;
	}
	it->id = id;
	*idx = b->n++;
	return 0;
}

struct ds_finder *ds_batch_finder(struct ds_batch *b, struct ds_err *err)
{
	int rc = 0;
	pthread_mutex_lock(&b->lock);
	if (b->ix) { /* the adds are over: publish them */
		rc = ds_index_commit(b->ix, err);
		ds_index_close(b->ix);
		b->ix = NULL;
	}
	pthread_mutex_unlock(&b->lock);
	return rc ? NULL : ds_finder_open(b->path, err);
}

/* The article idx, tokenised, and stemmed when stem is set (text from the
 * index). */
static struct ds_doc *batch_doc(struct ds_batch *b, struct ds_finder *f, size_t idx, int stem,
				char **text, size_t *len, struct ds_err *err)
{
	struct ds_doc *doc;
	if (ds_index_get_text(f->ix, b->it[idx].id, text, len, err))
		return NULL;
	if (!(doc = ds_doc_new(*text, *len, b->it[idx].name, *len + 1, err)))
		goto fail;
	if (stem && ds_doc_stem(doc, ds_index_stemmer(f->ix))) {
		ds_doc_free(doc);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		goto fail;
	}
	return doc;
fail:
	free(*text);
	*text = NULL;
	return NULL;
}

static size_t item_of(const struct ds_batch *b, int64_t id)
{
	return id > 0 && (size_t)id < b->nid ? b->of_id[id] : SIZE_MAX;
}

/* The id an article's look-up leaves out: its own, unless another article
 * of the batch has the same words (a repeated text shares one id), when
 * that text is a candidate as the copy's (ds_batch_find). */
static int64_t exclude_of(const struct ds_batch *b, size_t idx)
{
	return b->it[idx].twin != SIZE_MAX ? 0 : b->it[idx].id;
}

int ds_batch_related(struct ds_batch *b, struct ds_finder *f, size_t idx, struct ds_err *err)
{
	struct ds_query_opts qo;
	struct ds_match m[QUERY_MAX];
	struct ds_doc *doc;
	char *text = NULL;
	size_t len, n = 0;
	int rc;
	if (idx >= b->n)
		return ds_err_set(err, DS_EINVAL, "no article %zu in the batch", idx);
	if (!(doc = batch_doc(b, f, idx, 1, &text, &len, err)))
		return err ? err->code : DS_ENOMEM;
	ds_query_opts_init(&qo);
	qo.exclude_id = exclude_of(b, idx);
	rc = ds_index_query(f->ix, doc, &qo, m, QUERY_MAX, &n, err);
	/* the fluency ranks an article's candidate sources, the more fluent
	 * first (ds_sources_choose): a single candidate needs none, and the
	 * article's own rank is needed only where it is one of several (that
	 * article's look-up marks it) */
	if (rc == 0 && n >= 2) {
		pthread_mutex_lock(&b->lock);
		for (size_t k = 0; k < n; k++) {
			size_t j = item_of(b, m[k].id);
			if (j != SIZE_MAX)
				b->it[j].need = 1;
		}
		pthread_mutex_unlock(&b->lock);
	}
	ds_matches_free(m, n);
	ds_doc_free(doc);
	free(text);
	return rc;
}

int ds_batch_needs_rank(const struct ds_batch *b, size_t idx)
{
	return idx < b->n && b->it[idx].need;
}

int ds_batch_rank(struct ds_batch *b, struct ds_finder *f, struct ds_detector *det,
		  size_t idx, struct ds_err *err)
{
	struct ds_doc *doc;
	char *text = NULL;
	size_t len;
	double lp = 0;
	int rc;
	if (idx >= b->n)
		return ds_err_set(err, DS_EINVAL, "no article %zu in the batch", idx);
	/* the language model reads the words, not their stems */
	if (!(doc = batch_doc(b, f, idx, 0, &text, &len, err)))
		return err ? err->code : DS_ENOMEM;
	rc = ds_detect_fluency(det, doc, &lp, err);
	ds_doc_free(doc);
	free(text);
	/* -lp >= 0 onto [0, 1): less fluent, higher */
	if (rc == 0)
		b->it[idx].rank = -lp / (1 - lp);
	return rc;
}

/* May article j be the source of article i?  The earlier one by the date
 * headers; without dates either may be: each is judged against the other,
 * and the evidence decides which is the copy (ds_detect_opts'
 * check_direction), so neither is flagged unless it shows. */
static int may_be_source(const struct bitem *j, const struct bitem *i)
{
	if (j->date[0] && i->date[0] && strcmp(j->date, i->date) != 0)
		return strcmp(j->date, i->date) < 0;
	return 1;
}

/* Lower for an older (dated before undated, then by date) or, of the
 * same date or undated, more fluent article. */
static double age_rank(const struct bitem *it)
{
	if (it->date[0]) {
		double d = 0;
		for (const char *p = it->date; *p; p++)
			if (*p >= '0' && *p <= '9')
				d = d * 10 + (*p - '0');
		/* YYYYMMDD, days apart by 1 or more; the fluency rank (0 to
		 * 1) orders one day's articles */
		return d + 0.5 * it->rank;
	}
	return 1e9 + it->rank;
}

/* Is the candidate m a copy of the article doc, or the article a copy of
 * it: aligned word by word, does each hold the other's words with none
 * replaced, whatever was added or left out around them or how the lines
 * were broken?  1, 0, or -1 with err set. */
static int is_copy(struct ds_finder *f, const struct ds_doc *doc, const struct ds_match *m,
		   struct ds_err *err)
{
	struct ds_err e = {0};
	struct ds_align *al;
	struct ds_doc *d;
	char *text = NULL;
	size_t len, least;
	int copy;
	if (m->similarity < DS_BATCH_COPY_SIMILARITY)
		return 0;
	if (ds_index_get_text(f->ix, m->id, &text, &len, err))
		return -1;
	d = ds_doc_new(text, len, m->name, len + 1, &e);
	free(text);
	if (!d) {
		if (e.code != DS_ENOMEM)
			return 0; /* no words: not a copy of anything */
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return -1;
	}
	if (!(al = ds_align_new(doc, d, err))) {
		ds_doc_free(d);
		return -1;
	}
	/* the words of sentences too short to pair are never matched: out of
	 * the count on both sides (a dialogue's "Isn't." and "He snapped.") */
	least = al->a_words - al->a_words_short;
	if (al->s_words - al->s_words_short < least)
		least = al->s_words - al->s_words_short;
	copy = least > 0 && (double)al->a_words_matched >= DS_BATCH_COPY_MATCHED * (double)least;
	for (size_t i = 0; copy && i < al->nedits; i++) {
		const struct ds_edit *x = &al->edits[i];
		if (x->kind != DS_EDIT_SUB)
			continue;
		for (uint32_t t = x->a_begin; copy && t < x->a_end; t++)
			copy = !ds_tok_is_word(doc, t);
		for (uint32_t t = x->s_begin; copy && t < x->s_end; t++)
			copy = !ds_tok_is_word(d, t);
	}
	ds_align_free(al);
	ds_doc_free(d);
	return copy;
}

/* Marks in copy[0..n) the article's candidate sources that are copies of
 * it (its own words, id own, or is_copy), to be taken last
 * (ds_sources_choose): judged against its copy, a spun article is clean,
 * and two copies of one spin in a batch (one republished with a line
 * added, or its lines joined) would hide it from the source they were both
 * spun from.  So the other candidates take the sentences they share with
 * the article first, and a copy takes only the rest: the sentences that
 * would otherwise be judged with no source.  0 or a negative DS_E* code. */
static int mark_copies(struct ds_finder *f, const struct ds_doc *doc, const struct ds_match *m,
		       size_t n, int64_t own, unsigned char *copy, struct ds_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int c = m[i].id == own ? DS_COPY_OWN_WORDS : is_copy(f, doc, &m[i], err);
		if (c < 0)
			return err ? err->code : DS_ENOMEM;
		copy[i] = (unsigned char)c;
	}
	return 0;
}

struct ds_sources *ds_batch_find(struct ds_batch *b, struct ds_finder *f, size_t idx,
				 struct ds_err *err)
{
	struct ds_query_opts qo;
	struct ds_match m[QUERY_MAX];
	double rank[QUERY_MAX];
	unsigned char copy[QUERY_MAX] = {0}; /* set by mark_copies for the k kept */
	struct ds_sources *s = NULL;
	struct ds_fprint *fp;
	struct ds_doc *doc;
	char *text = NULL;
	size_t len, n = 0, k = 0, left_out;
	if (idx >= b->n) {
		ds_err_set(err, DS_EINVAL, "no article %zu in the batch", idx);
		return NULL;
	}
	if (!(doc = batch_doc(b, f, idx, 1, &text, &len, err)))
		return NULL;
	ds_query_opts_init(&qo);
	qo.exclude_id = exclude_of(b, idx);
	qo.sent_cover = 1;
	/* one fingerprint for the query and the sources' similarity */
	if (!(fp = ds_index_fprint(f->ix, doc, err)) ||
	    ds_index_query_fp(f->ix, doc, fp, &qo, m, QUERY_MAX, &n, err)) {
		ds_fprint_free(fp);
		ds_doc_free(doc);
		free(text);
		return NULL;
	}
	/* only those that may be its source; its own words, when repeated,
	 * under the name of the other article that has them */
	for (size_t i = 0; i < n; i++) {
		size_t j = m[i].id == b->it[idx].id ? b->it[idx].twin : item_of(b, m[i].id);
		char *nm;
		if (j == SIZE_MAX || !may_be_source(&b->it[j], &b->it[idx])) {
			ds_matches_free(&m[i], 1);
			continue;
		}
		if (m[i].id == b->it[idx].id) {
			if (!(nm = strdup(b->it[j].name))) {
				ds_matches_free(m, k);
				ds_matches_free(m + i, n - i);
				ds_fprint_free(fp);
				ds_doc_free(doc);
				free(text);
				ds_err_set(err, DS_ENOMEM, "out of memory");
				return NULL;
			}
			free(m[i].name);
			m[i].name = nm;
			memcpy(m[i].date, b->it[j].date, sizeof m[i].date);
		}
		rank[k] = age_rank(&b->it[j]);
		m[k++] = m[i];
	}
	left_out = drop_too_long(f, m, rank, &k);
	if (mark_copies(f, doc, m, k, b->it[idx].id, copy, err)) {
		ds_matches_free(m, k);
		ds_fprint_free(fp);
		ds_doc_free(doc);
		free(text);
		return NULL;
	}
	/* copies alone say nothing: a batch's inputs are not known to be
	 * clean, and two copies of one spin would each be the other's clean
	 * source; the article is judged on its own, as without a source */
	{
		size_t ncopy = 0;
		for (size_t i = 0; i < k; i++)
			ncopy += copy[i] != 0;
		if (ncopy == k) {
			ds_matches_free(m, k);
			k = 0;
		}
	}
	s = ds_sources_choose(f->ix, doc, fp, m, k, rank, copy, err);
	ds_fprint_free(fp);
	ds_matches_free(m, k);
	if (s) {
		s->left_out = left_out;
		s->text = text;
		s->len = len;
		s->max_bytes = len + 1;
		if (!(s->name = strdup(b->it[idx].name))) {
			ds_sources_free(s);
			ds_err_set(err, DS_ENOMEM, "out of memory");
			return NULL;
		}
	} else {
		free(text);
	}
	return s;
}
