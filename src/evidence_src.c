/* evidence_src.c - evidence against an aligned source: each small
 * substitution judged (lexicon relation, gain of the source's words back,
 * names, spelling and inflection), and the article's source features (see
 * evidence_int.h).
 *
 * With a change model, each change that may be spin gets a log likelihood
 * ratio, spinner against editor, from features that do not need the
 * lexicon's own pair (word vectors, two lexicon steps, fluency, structure);
 * their sum is the article's evidence (DS_F_LLR).  Changes that are never
 * spin evidence (names, numbers, spelling variants, inflections of one
 * word, function words put in or taken out, a function word swapped for
 * words that read as well in context) get no ratio at all. */
#include "evidence_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "logit.h"
#include "vec.h"

const char *const ds_chgf_names[DS_NCHGF] = {
	"bias", "lexw", "lex2", "vec", "vecunk", "gain", "freqd", "one", "ctx", "sim", "nw",
	"func", "run", "plain"
};

/* Levenshtein distance of two short strings (capped at 9). */
static int edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int row[64];
	if (n > 60 || m > 60)
		return 9;
	for (size_t j = 0; j <= m; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		int prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			int cur = row[j];
			int best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[m] > 9 ? 9 : row[m];
}

struct src_stats {
	size_t sub_words, edit_words, big_words, small, small_rel, names, edits;
	double small_gain;
	double llr;          /* sum of the changes' log likelihood ratios */
	size_t nchg;         /* changes weighed */
	size_t nflag;        /* of them, those with p >= 0.5 */
};

/* True when a and s differ only in inflectional endings after their common
 * stem ("small" / "smaller", "make" / "making", "stop" / "stopped"); a
 * derivation ("geometric" / "geometrical") is another word. */
static int inflection(const char *a, size_t al, const char *s, size_t sl)
{
	static const char *const END[] = {"", "s", "es", "ed", "d", "ing", "er", "est", "r",
					  "st", "ies", "ied", "ier", "iest", "y", "e", "ly", "n",
					  "en", "'s", NULL};
	size_t k = 0;
	const char *t[2];
	size_t tl[2];
	while (k < al && k < sl && a[k] == s[k])
		k++;
	t[0] = a + k, tl[0] = al - k;
	t[1] = s + k, tl[1] = sl - k;
	for (int i = 0; i < 2; i++) {
		size_t j;
		if (k && tl[i] >= 2 && t[i][0] == a[k - 1])
			t[i]++, tl[i]--; /* a doubled consonant: stopped */
		for (j = 0; END[j]; j++)
			if (strlen(END[j]) == tl[i] && memcmp(END[j], t[i], tl[i]) == 0)
				break;
		if (!END[j])
			return 0;
	}
	return 1;
}

/* True when every word of tokens [b, e) is a function word. */
static int all_function(const struct ds_doc *d, uint32_t b, uint32_t e)
{
	for (uint32_t i = b; i < e; i++)
		if (d->tok[i].kind != DS_TOK_PUNCT &&
		    !ev_is_function_word(d->pool + d->tok[i].lower, d->tok[i].norm_len))
			return 0;
	return 1;
}

/* Words that make a phrase a number besides the cardinals of
 * ds_number_word. */
static const char *const NUM_WORDS_MORE[] = {"percent", "dozen", NULL};

static int in_list(const char *const *list, const char *w, size_t n)
{
	for (size_t k = 0; list[k]; k++)
		if (strlen(list[k]) == n && memcmp(list[k], w, n) == 0)
			return 1;
	return 0;
}

/* Words that go with a number written out ("five dollars", "ten per cent"). */
static const char *const NUM_UNITS[] = {"dollars", "dollar", "cents", "cent", "per", "pounds",
					"euros", "and", "a", NULL};

/* True when tokens [b, e) hold a number in digits. */
static int has_number(const struct ds_doc *d, uint32_t b, uint32_t e)
{
	for (uint32_t i = b; i < e; i++)
		if (d->tok[i].kind == DS_TOK_NUM)
			return 1;
	return 0;
}

/* True when tokens [b, e) are a number and nothing else: digits, number
 * words and their units ("$15,000,000", "fifteen million dollars"). */
static int only_number(const struct ds_doc *d, uint32_t b, uint32_t e)
{
	int num = 0;
	for (uint32_t i = b; i < e; i++) {
		const char *w = d->pool + d->tok[i].lower;
		size_t n = d->tok[i].norm_len;
		if (d->tok[i].kind == DS_TOK_PUNCT)
			continue;
		if (d->tok[i].kind == DS_TOK_NUM || ds_number_word(w, n) ||
		    in_list(NUM_WORDS_MORE, w, n))
			num = 1;
		else if (!in_list(NUM_UNITS, w, n))
			return 0;
	}
	return num;
}

/* British words whose American spelling no rule below makes (their forms
 * with -s, -es, -ed, -d, -ing and -ly follow). */
static const char *const BRITISH_WORDS[][2] = {
	{"acknowledgement", "acknowledgment"}, {"aeroplane", "airplane"}, {"ageing", "aging"},
	{"aluminium", "aluminum"}, {"axe", "ax"}, {"cheque", "check"}, {"doughnut", "donut"},
	{"draught", "draft"}, {"enrol", "enroll"}, {"fulfil", "fulfill"}, {"gaol", "jail"},
	{"grey", "gray"}, {"instalment", "installment"}, {"jewellery", "jewelry"},
	{"judgement", "judgment"}, {"kerb", "curb"}, {"mould", "mold"}, {"moult", "molt"},
	{"moustache", "mustache"}, {"plough", "plow"}, {"practise", "practice"},
	{"pyjama", "pajama"}, {"pyjamas", "pajamas"}, {"sceptic", "skeptic"},
	{"sceptical", "skeptical"}, {"scepticism", "skepticism"}, {"skilful", "skillful"},
	{"smoulder", "smolder"}, {"speciality", "specialty"}, {"storey", "story"},
	{"storeys", "stories"}, {"sulphur", "sulfur"}, {"tyre", "tire"}, {"wilful", "willful"},
};

/* The American spelling of British word p[0, n) of BRITISH_WORDS, or of one
 * of its forms ("ploughed" -> "plowed", "practising" -> "practicing"),
 * into out; its length, 0 when the word is none of them. */
static size_t american_word(const char *p, size_t n, char *out, size_t size)
{
	static const struct {
		const char *sfx;
		int e; /* the stem lost a final e: "practis|ing" */
	} FORMS[] = {{"", 0}, {"s", 0}, {"es", 0}, {"d", 0}, {"ed", 0}, {"ing", 1}, {"ing", 0}, {"ly", 0}};
	for (size_t f = 0; f < DS_ARRAY_LEN(FORMS); f++) {
		size_t sl = strlen(FORMS[f].sfx), stem;
		if (n <= sl || memcmp(p + n - sl, FORMS[f].sfx, sl) != 0)
			continue;
		stem = n - sl;
		for (size_t k = 0; k < DS_ARRAY_LEN(BRITISH_WORDS); k++) {
			const char *br = BRITISH_WORDS[k][0], *am = BRITISH_WORDS[k][1];
			size_t bl, ml;
			if (br[0] != p[0])
				continue; /* most words: no strlen */
			bl = strlen(br);
			ml = strlen(am);
			if (bl != stem + (size_t)FORMS[f].e || memcmp(br, p, stem) != 0 ||
			    (FORMS[f].e && br[bl - 1] != 'e'))
				continue;
			ml -= (size_t)FORMS[f].e; /* practic|ing */
			if (ml + sl >= size)
				return 0;
			memcpy(out, am, ml);
			memcpy(out + ml, FORMS[f].sfx, sl);
			return ml + sl;
		}
	}
	return 0;
}

/* One word's spelling with the British and American differences folded:
 * z as s (realise, analyse), -our as -or, a final -re as -er (centre,
 * fibres), doubled consonants single (travelled), ae and oe as e, -ence
 * and -ences as -ense and -enses (defence, offences), -ogue as -og, -mme as
 * -m; words under five letters
 * as they are.  Appends the word and a space to out at o and returns the
 * new length, 0 when out is too small. */
static size_t spelling_fold_word(const char *p, size_t n, char *out, size_t o, size_t size,
				 int *listed)
{
	size_t w = o, m;
	const char *f;
	char am[32];
	if ((m = american_word(p, n, am, sizeof am)) != 0) {
		p = am; /* grey, ploughed: listed */
		n = m;
		*listed = 1;
	}
	if (o + n + 2 > size)
		return 0;
	if (n < 5) { /* "four" / "for" */
		memcpy(out + o, p, n);
		o += n;
		out[o++] = ' ';
		out[o] = 0;
		return o;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (ch == 'z')
			ch = 's';
		if ((ch == 'a' || ch == 'o') && i + 1 < n && p[i + 1] == 'e')
			continue; /* anaemia, oecumenical: the e stays */
		if (ch == 'u' && i > 0 && p[i - 1] == 'o' && i + 1 < n && p[i + 1] == 'r')
			continue; /* colour */
		if (o > w && out[o - 1] == ch && !strchr("aeiou", ch))
			continue; /* travelled */
		out[o++] = ch;
	}
	out[o] = 0;
	f = out + w;
	if (memcmp(p + n - 3, "mme", 3) == 0)
		o -= 1; /* programme: "programe" by now */
	n = o - w;
	if (n >= 4 && memcmp(f + n - 4, "ogue", 4) == 0)
		o -= 2; /* catalogue */
	else if (n >= 4 && memcmp(f + n - 4, "ence", 4) == 0)
		out[o - 2] = 's'; /* defence */
	else if (n >= 5 && memcmp(f + n - 5, "ences", 5) == 0)
		out[o - 3] = 's'; /* offences */
	else if (n >= 4 && memcmp(f + n - 3, "res", 3) == 0 && !strchr("aeiou", f[n - 4])) {
		out[o - 3] = 'e'; /* fibres */
		out[o - 2] = 'r';
	} else if (n >= 3 && memcmp(f + n - 2, "re", 2) == 0 && !strchr("aeiou", f[n - 3])) {
		out[o - 2] = 'e'; /* centre */
		out[o - 1] = 'r';
	}
	out[o++] = ' ';
	out[o] = 0;
	return o;
}

/* The words of phrase p folded by spelling_fold_word; 0 when too long.
 * *listed is set when a word is one of BRITISH_WORDS. */
static size_t spelling_fold(const char *p, size_t n, char *out, size_t size, int *listed)
{
	size_t o = 0, i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && p[j] != ' ')
			j++;
		o = spelling_fold_word(p + i, j - i, out, o, size, listed);
		if (!o)
			return 0;
		i = j + 1;
	}
	return o;
}

/* True when a and s are the same words spelt two ways ("recognised" /
 * "recognized", "organised labour" / "organized labor", "grey" / "gray"),
 * whatever the lexicon says of them. */
static int spelling_variant(const char *a, size_t al, const char *s, size_t sl)
{
	char fa[DS_LEX_MAX_PHRASE + 8], fs[DS_LEX_MAX_PHRASE + 8];
	size_t la, ls;
	int listed = 0;
	la = spelling_fold(a, al, fa, sizeof fa, &listed);
	ls = spelling_fold(s, sl, fs, sizeof fs, &listed);
	if ((al < 5 || sl < 5) && !listed)
		return 0; /* "four" / "for"; "grey" / "gray" is listed */
	return la && la == ls && memcmp(fa, fs, la) == 0;
}

static int has_digit(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] >= '0' && p[i] <= '9')
			return 1;
	return 0;
}

/* Writes a canonical form of phrase p for comparing house styles: no
 * dots, hyphens, spaces or apostrophes, contractions spelt out, number
 * words as digits ("Mr." / "Mr", "per cent" / "percent", "isn't" / "is
 * not", "three" / "3").  Returns its length (0 if it does not fit). */
static size_t house_form(const char *p, size_t n, char *out, size_t size)
{
	static const char *const CONTR[][2] = {
		{"can't", "cannot"}, {"won't", "willnot"}, {"n't", "not"}, {"'m", "am"},
		{"'re", "are"}, {"'s", "is"}, {"'ll", "will"}, {"'ve", "have"}, {"'d", "would"}};
	size_t o = 0, i = 0;
	while (i < n) {
		size_t j = i;
		const char *num;
		while (j < n && p[j] != ' ')
			j++;
		if ((num = ds_number_word(p + i, j - i)) != NULL) {
			size_t len = strlen(num);
			if (o + len + 1 > size)
				return 0;
			memcpy(out + o, num, len);
			o += len;
			i = j + 1;
			continue;
		}
		while (i < j) {
			const char *rep = NULL;
			size_t skip = 1;
			/* a contraction starts with one of these (most letters: no search) */
			int may = p[i] == '\'' || p[i] == 'n' || p[i] == 'c' || p[i] == 'w';
			for (size_t c = 0; may && c < DS_ARRAY_LEN(CONTR) && !rep; c++) {
				size_t cl = strlen(CONTR[c][0]);
				if (j - i >= cl && memcmp(p + i, CONTR[c][0], cl) == 0 &&
				    (i + cl == j || p[i + cl] == ' ')) {
					rep = CONTR[c][1];
					skip = cl;
				}
			}
			if (rep) {
				size_t rl = strlen(rep);
				if (o + rl + 1 > size)
					return 0;
				memcpy(out + o, rep, rl);
				o += rl;
			} else if (p[i] != '.' && p[i] != '-' && p[i] != '\'') {
				if (o + 2 > size)
					return 0;
				out[o++] = p[i];
			}
			i += skip;
		}
		i = j + 1;
	}
	out[o] = 0;
	return o;
}

/* Lower-case form of token i, or "" outside [0, n). */
static const char *word_at(const struct ds_doc *d, long i, size_t *len)
{
	if (i < 0 || (size_t)i >= d->ntok) {
		*len = 0;
		return "";
	}
	*len = d->tok[i].norm_len;
	return d->pool + d->tok[i].lower;
}

/* How many sides of [ab, ae) in the article and of [sb, se) in the source
 * have the same word next to them: 0, 1 or 2. */
static int same_sides(const struct ds_doc *doc, uint32_t ab, uint32_t ae,
		      const struct ds_doc *src, uint32_t sb, uint32_t se)
{
	size_t l1, l2, r1, r2;
	const char *pa = word_at(doc, (long)ab - 1, &l1), *ps = word_at(src, (long)sb - 1, &l2);
	const char *nxa = word_at(doc, (long)ae, &r1), *nxs = word_at(src, (long)se, &r2);
	return (l1 == l2 && memcmp(pa, ps, l1) == 0) + (r1 == r2 && memcmp(nxa, nxs, r1) == 0);
}

/* True when a and s are related in two steps through the lexicon: a
 * substitute of s is also an original of a. */
static int lex_two_steps(struct ds_ev_ctx *c, const char *s, size_t sl, const char *a, size_t al)
{
	struct ds_lex_hit fwd[48], back[48];
	size_t nf = ds_lex_substitutes(c->lex, s, sl, fwd, 48);
	size_t nb = ds_lex_originals(c->lex, a, al, back, 48);
	for (size_t i = 0; i < nf; i++)
		for (size_t j = 0; j < nb; j++)
			if (fwd[i].len == back[j].len && memcmp(fwd[i].text, back[j].text, fwd[i].len) == 0)
				return 1;
	return 0;
}

static size_t count_words(const struct ds_doc *d, uint32_t b, uint32_t e)
{
	size_t n = 0;
	for (uint32_t i = b; i < e; i++)
		n += d->tok[i].kind != DS_TOK_PUNCT;
	return n;
}

/* True when a word of tokens [b, e) is capitalised inside its sentence. */
static int has_cap_word(const struct ds_doc *d, uint32_t b, uint32_t e)
{
	for (uint32_t i = b; i < e; i++)
		if (d->tok[i].kind != DS_TOK_PUNCT && (d->tok[i].flags & DS_TF_CAP) &&
		    !(d->tok[i].flags & DS_TF_SENT_START))
			return 1;
	return 0;
}

/* Judges one small substitution: article tokens [ab, ae) for source tokens
 * [sb, se); run: part of a run of word-for-word swaps.  Returns 1 when
 * flagged. */
static int judge_small(struct ds_ev_ctx *c, const struct ds_doc *doc, const struct ds_doc *src,
		       uint32_t ab, uint32_t ae, uint32_t sb, uint32_t se, double pair_sim,
		       int run, struct src_stats *ss, struct ds_ev *ev, int *rc)
{
	char a[DS_LEX_MAX_PHRASE + 1], s[DS_LEX_MAX_PHRASE + 1], why[400];
	size_t al = ev_phrase_of(doc, ab, ae, a, sizeof a);
	size_t sl = ev_phrase_of(src, sb, se, s, sizeof s);
	struct ds_lex_rel rel;
	float w = 0;
	char ha[DS_LEX_MAX_PHRASE * 2 + 8], hs[DS_LEX_MAX_PHRASE * 2 + 8];
	int related = 0, names = 1, never, spun, fa, fs, two, func, sides;
	double gain = 0, p = -1, llr = 0, vs, x[DS_NCHGF];
	int cand = 0;
	size_t na, ns, la, ls;
	ds_lm_id ids[DS_EV_MAX_WORDS];
	size_t ni;

	*rc = 0;
	if (!al || !sl || (al == sl && memcmp(a, s, al) == 0))
		return 0;
	memset(&rel, 0, sizeof rel);
	if (c->lex) {
		w = ds_lex_relation(c->lex, c->st, s, a, &rel);
		related = w > 0 || rel.backward > 0;
		if (!w)
			w = rel.backward;
	}
	for (uint32_t i = ab; i < ae; i++)
		if (doc->tok[i].kind != DS_TOK_PUNCT &&
		    (!(doc->tok[i].flags & DS_TF_CAP) || (doc->tok[i].flags & DS_TF_SENT_START)))
			names = 0;
	for (uint32_t i = sb; i < se; i++)
		if (src->tok[i].kind != DS_TOK_PUNCT &&
		    (!(src->tok[i].flags & DS_TF_CAP) || (src->tok[i].flags & DS_TF_SENT_START)))
			names = 0;
	/* never spin evidence, whatever the fluency: names, numbers, spelling
	 * variants, inflections of one word, house style; these are not even
	 * weighed (nor dumped: the change model is fitted on what it judges) */
	fa = all_function(doc, ab, ae);
	fs = all_function(src, sb, se);
	na = count_words(doc, ab, ae);
	ns = count_words(src, sb, se);
	if (names && !related) {
		ss->names++;
		return 0;
	}
	if (!related && al >= 4 && sl >= 4 && edit_distance(a, s) <= 2)
		return 0; /* a spelling variant: Kiev / Kyiv */
	if (spelling_variant(a, al, s, sl))
		return 0; /* the lexicon may list "realise" for "realize" */
	if (ev_number_words(a, al, s, sl))
		return 0; /* a figure corrected: "billion" / "million" */
	if (al >= 4 && sl >= 4 && (al > sl ? al - sl : sl - al) <= 3 &&
	    memcmp(a, s, al < sl ? al - 1 : sl - 1) == 0 && inflection(a, al, s, sl))
		return 0; /* another inflection of the same word: small / smaller */
	/* a function word swapped for words the lexicon does not relate:
	 * weighed below only in the spinner's shape, unchanged context and
	 * the source's words reading likelier ("but" -> "however", "also" ->
	 * "additionally"); "a criminal" -> "an", "Iran's" -> "the" read as well
	 * and are no evidence (a pair the lexicon lists, "just" -> "simply", is
	 * weighed like any other) */
	func = (fa || fs) && !related;
	la = house_form(a, al, ha, sizeof ha);
	ls = house_form(s, sl, hs, sizeof hs);
	if (la && la == ls && memcmp(ha, hs, la) == 0)
		return 0; /* house style: "Mr." / "Mr", "isn't" / "is not" */
	if (has_number(doc, ab, ae) && has_number(src, sb, se))
		return 0; /* a number corrected */
	if (only_number(doc, ab, ae) && only_number(src, sb, se))
		return 0; /* a number written another way: "$5" / "five dollars" */
	if (func && !c->chg_dump && !c->cm)
		return 0; /* no ratio without the model */
	/* sides with no relation at all (no lexicon pair, no two lexicon
	 * steps, word vectors apart: "did" -> "talks", a clause restructured)
	 * are no spin evidence on their own, but for the shape ds_chg_weighed
	 * takes; the cut is fitted with the change model (the dump still gets
	 * them, to fit it) */
	two = related || (c->lex && lex_two_steps(c, s, sl, a, al));
	vs = c->vec ? ds_vec_sim(c->vec, s, sl, a, al) : DS_VEC_UNKNOWN;
	never = !func && !two &&
		(vs == DS_VEC_UNKNOWN || vs < (c->cm ? c->cm->vec_cut : ds_tune_default.rel_min_sim));
	if (never && !c->chg_dump && !c->cm)
		return 0;
	sides = same_sides(doc, ab, ae, src, sb, se); /* 2: unchanged context */
	ni = ev_phrase_ids(c->lm, s, sl, ids);
	if (ni && c->tokpos[ab] != UINT32_MAX && c->tokpos[ae - 1] != UINT32_MAX)
		gain = ev_span_gain(c, c->tokpos[ab], c->tokpos[ae - 1] + 1, ids, ni);
	if (func)
		never = !ds_chg_func_weighed(gain, sides / 2.0, pair_sim);
	if (c->cm || c->chg_dump) {
		uint32_t fqa = 0, fqs = 0;
		if (c->lex) {
			ds_lex_has(c->lex, a, al, &fqa);
			ds_lex_has(c->lex, s, sl, &fqs);
		}
		x[DS_CF_BIAS] = 1;
		x[DS_CF_LEXW] = w;
		x[DS_CF_LEX2] = two;
		x[DS_CF_VEC] = vs == DS_VEC_UNKNOWN ? 0 : vs;
		x[DS_CF_VECUNK] = vs == DS_VEC_UNKNOWN;
		x[DS_CF_GAIN] = gain > 4 ? 4 : gain < -4 ? -4 : gain;
		x[DS_CF_FREQD] = log10(1.0 + fqs) - log10(1.0 + fqa);
		x[DS_CF_ONE] = na == 1 && ns == 1;
		x[DS_CF_CTX] = sides / 2.0;
		x[DS_CF_SIM] = pair_sim;
		x[DS_CF_NW] = (double)(na + ns);
		x[DS_CF_FUNC] = fa || fs;
		x[DS_CF_RUN] = run;
		x[DS_CF_PLAIN] = !has_cap_word(doc, ab, ae) && !has_cap_word(src, sb, se) &&
				 !has_digit(a, al) && !has_digit(s, sl);
		/* the change model weighs what its fit kept (ds_chg_keep) */
		if (c->cm)
			never = !ds_chg_weighed(x, c->cm->vec_cut);
	}
	if (!never) {
		ss->small++;
		ss->small_rel += related;
		ss->small_gain += gain > 4 ? 4 : gain < -4 ? -4 : gain;
	}
	if (c->cm || c->chg_dump) {
		if (c->chg_dump)
			c->chg_dump(c->chg_ud, doc, doc->tok[ab].start, doc->tok[ae - 1].end, x);
		if (!c->cm) {
			if (never)
				return 0;
		} else if (never) {
			/* the model was not fitted on such changes (ds_chg_keep):
			 * its ratio for them would be an extrapolation; even odds,
			 * and the article's odds decide (ds_detect) */
			p = 0.5;
		} else {
			p = ds_logit_prob(x, DS_NCHGF, c->cm->mean, c->cm->sd, c->cm->coef);
		}
		if (c->cm && !never) {
			/* the model weighs the classes equally, so its log odds are the
			 * log likelihood ratio, spinner against editor */
			llr = log(p > 1e-9 ? p : 1e-9) - log(1 - p > 1e-9 ? 1 - p : 1e-9);
			ss->llr += llr;
			ss->nchg++;
			ss->nflag += p >= 0.5;
		}
	}
	if (c->cm) {
		/* a change that is no evidence for the article, or whose ratio
		 * favours the editor, is still a candidate flag: in an article
		 * judged spun on its other changes, the article's odds may make
		 * it a spinner's (ds_detect keeps it only then) */
		spun = p >= 0.5 && !never;
		cand = !spun;
	} else {
		/* without the lexicon's word, only a short swap of common words
		 * that the model clearly prefers back looks like a spinner's */
		spun = pair_sim >= 0.3 &&
		       (related || (!run && count_words(doc, ab, ae) <= 2 && count_words(src, sb, se) <= 2 &&
				    !has_cap_word(src, sb, se) && gain > ds_tune_default.src_gain));
	}
	if (!spun && !cand)
		return 0;
	if (cand && never)
		snprintf(why, sizeof why,
			 "the source has '%s' here; no evidence on its own, a change of a kind the change model does not weigh (lexicon weight %.2f, the original reads %.1fx more likely)",
			 s, (double)w, pow(10.0, gain > 6 ? 6 : gain));
	else if (cand)
		snprintf(why, sizeof why,
			 "the source has '%s' here; on its own %.2f times as likely a spinner's change as an editor's (lexicon weight %.2f, the original reads %.1fx more likely)",
			 s, p / (1 - p > 1e-9 ? 1 - p : 1e-9), (double)w, pow(10.0, gain > 6 ? 6 : gain));
	else if (c->cm)
		snprintf(why, sizeof why,
			 "the source has '%s' here; %.1f times likelier a spinner's change than an editor's (lexicon weight %.2f, the original reads %.1fx more likely)",
			 s, p / (1 - p > 1e-9 ? 1 - p : 1e-9), (double)w, pow(10.0, gain > 6 ? 6 : gain));
	else if (related)
		snprintf(why, sizeof why,
			 "the source has '%s' here; the lexicon lists the pair (weight %.2f); the original reads %.1fx more likely",
			 s, (double)w, pow(10.0, gain > 6 ? 6 : gain));
	else
		snprintf(why, sizeof why,
			 "the source has '%s' here; the original reads %.1fx more likely in context",
			 s, pow(10.0, gain > 6 ? 6 : gain));
	*rc = ev_add_sub(ev, doc, ab, ae, src, sb, se, s, sl, why, gain, w, DS_EV_SOURCE, related);
	if (!*rc) {
		ev->subs[ev->nsubs - 1].p =
			c->cm ? (float)p : (related ? DS_EV_SOURCE_P_REL : DS_EV_SOURCE_P);
		ev->subs[ev->nsubs - 1].cand =
			(uint8_t)(!cand ? 0 : never ? DS_EV_CAND_NEVER : DS_EV_CAND);
	}
	if (cand)
		return 0;
	ss->sub_words += count_words(doc, ab, ae);
	return 1;
}

int ds_chg_func_weighed(double gain, double ctx, double sim)
{
	return ctx >= 1 && sim >= ds_tune_default.src_func_sim &&
	       gain > ds_tune_default.src_func_gain;
}

int ds_chg_weighed(const double x[DS_NCHGF], double vec_cut)
{
	if (x[DS_CF_FUNC] != 0 && x[DS_CF_LEXW] == 0)
		return ds_chg_func_weighed(x[DS_CF_GAIN], x[DS_CF_CTX], x[DS_CF_SIM]);
	if (x[DS_CF_LEXW] != 0 || x[DS_CF_LEX2] != 0)
		return 1;
	if (x[DS_CF_VECUNK] == 0 && x[DS_CF_VEC] >= vec_cut)
		return 1;
	return x[DS_CF_ONE] != 0 && x[DS_CF_CTX] >= 1 && x[DS_CF_PLAIN] != 0 &&
	       x[DS_CF_GAIN] > ds_tune_default.src_unrel_gain;
}

int ev_source_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, const struct ds_doc *src,
		       const struct ds_align *al, uint8_t *covered, struct ds_ev *ev)
{
	struct src_stats ss;
	int rc = 0;
	memset(&ss, 0, sizeof ss);
	/* article tokens inside paired sentences are judged against the source */
	for (size_t p = 0; p < al->npairs; p++) {
		const struct ds_sent *s = &doc->sent[al->pairs[p].a_sent];
		for (uint32_t t = s->tok_begin; t < s->tok_end; t++)
			covered[t] = 1;
	}
	for (size_t i = 0; i < al->nedits; i++) {
		const struct ds_edit *e = &al->edits[i];
		double sim = al->pairs[e->pair].sim;
		size_t aw, sw;
		ss.edits++;
		if (e->kind == DS_EDIT_DEL)
			continue;
		aw = count_words(doc, e->a_begin, e->a_end);
		ss.edit_words += aw;
		if (aw > DS_EV_MAX_WORDS)
			ss.big_words += aw;
		if (e->kind == DS_EDIT_INS)
			continue;
		sw = count_words(src, e->s_begin, e->s_end);
		if (aw <= DS_EV_MAX_WORDS && sw <= DS_EV_MAX_WORDS) {
			judge_small(c, doc, src, e->a_begin, e->a_end, e->s_begin, e->s_end, sim, 0,
				    &ss, ev, &rc);
			if (rc)
				return rc;
		} else if (aw == sw && aw <= 8) {
			/* a run of word-for-word swaps: judge each pair */
			uint32_t x = e->a_begin, y = e->s_begin;
			while (x < e->a_end && y < e->s_end) {
				while (x < e->a_end && doc->tok[x].kind == DS_TOK_PUNCT)
					x++;
				while (y < e->s_end && src->tok[y].kind == DS_TOK_PUNCT)
					y++;
				if (x >= e->a_end || y >= e->s_end)
					break;
				judge_small(c, doc, src, x, x + 1, y, y + 1, sim, 1, &ss, ev, &rc);
				if (rc)
					return rc;
				x++;
				y++;
			}
		}
	}
	ev->f[DS_F_HAS_SRC] = 1;
	ev->f[DS_F_COVER] = al->a_words ? (double)al->a_words_paired / (double)al->a_words : 0;
	/* per word of the whole article: a partial copy (a quoted paragraph
	 * in an article of its own) dilutes its swaps */
	ev->f[DS_F_SUBRATE] = al->a_words ? (double)ss.sub_words / (double)al->a_words : 0;
	if (al->a_words_paired) {
		double pw = (double)al->a_words_paired;
		ev->f[DS_F_MATCHED] = (double)al->a_words_matched / pw;
		ev->f[DS_F_EDITRATE] = (double)ss.edit_words / pw;
		ev->f[DS_F_NAMES] = (double)ss.names / pw;
	}
	if (ss.small) {
		ev->f[DS_F_SUBREL] = (double)ss.small_rel / (double)ss.small;
		ev->f[DS_F_SUBGAIN] = ss.small_gain / (double)ss.small;
	}
	if (ss.edits)
		ev->f[DS_F_SMALL] = (double)ss.small / (double)ss.edits;
	if (ss.edit_words) {
		ev->f[DS_F_SPINSHARE] = (double)ss.sub_words / (double)ss.edit_words;
		ev->f[DS_F_BIGSHARE] = (double)ss.big_words / (double)ss.edit_words;
	}
	if (al->a_words_paired) {
		ev->f[DS_F_DENSITY] = (double)ss.small / (double)al->a_words_paired;
	}
	ev->f[DS_F_NCHG] = (double)ss.nchg;
	ev->f[DS_F_NFLAG] = (double)ss.nflag;
	ev->f[DS_F_LLR] = ss.llr;
	return 0;
}
