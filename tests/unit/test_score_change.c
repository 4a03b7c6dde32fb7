/* test_score_change.c - the change model in the scorer (score.c): the TSV
 * and binary files with the slot and change models, and the word-vector cut
 * under which an unrelated change is never spin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logit.h"
#include "score.h"
#include "t.h"

T_TEST(scorer_files_round_trip)
{
	char tsv[64], bin[64], tsv2[64];
	struct ds_scorer sc, *r, *b;
	struct ds_err err;
	double f[DS_NFEAT] = {0};
	FILE *fh;
	snprintf(tsv, sizeof tsv, "/tmp/test_score_%d.tsv", (int)getpid());
	snprintf(tsv2, sizeof tsv2, "/tmp/test_score_%d.2.tsv", (int)getpid());
	snprintf(bin, sizeof bin, "/tmp/test_score_%d.bin", (int)getpid());
	memset(&sc, 0, sizeof sc);
	for (int k = 0; k < DS_NMODELS; k++) {
		for (int i = 0; i < DS_NFEAT; i++)
			sc.m[k].sd[i] = 1;
		sc.m[k].threshold = 0.5 + 0.1 * k;
	}
	sc.m[DS_MODEL_SOURCE].coef[DS_F_BIAS] = -1;
	sc.m[DS_MODEL_SOURCE].coef[DS_F_LLR] = 0.5;
	sc.m[DS_MODEL_SOURCE].mean[DS_F_LLR] = 2;
	sc.m[DS_MODEL_SOURCE].sd[DS_F_LLR] = 4;
	for (int i = 0; i < DS_NSLOTF; i++)
		sc.slot.sd[i] = 1;
	sc.slot.coef[DS_SF_GAIN] = 1.25;
	sc.has_slot = 1;
	for (int i = 0; i < DS_NCHGF; i++)
		sc.chg.sd[i] = 1;
	sc.chg.coef[DS_CF_BIAS] = 0.75;
	sc.chg.coef[DS_CF_VEC] = 2.5;
	sc.chg.mean[DS_CF_VEC] = 0.25;
	sc.chg.sd[DS_CF_VEC] = 0.5;
	sc.chg.vec_cut = 0.375;
	sc.has_chg = 1;
	T_EQ_INT(ds_scorer_write_tsv(&sc, tsv, &err), 0);
	r = ds_scorer_read_tsv(tsv, &err);
	T_OK(r != NULL);
	if (!r)
		return;
	T_OK(r->has_slot && r->has_chg);
	T_NEAR(r->chg.coef[DS_CF_VEC], 2.5, 1e-9);
	T_NEAR(r->chg.mean[DS_CF_VEC], 0.25, 1e-9);
	T_NEAR(r->chg.sd[DS_CF_VEC], 0.5, 1e-9);
	T_NEAR(r->chg.vec_cut, 0.375, 1e-9);
	T_NEAR(r->slot.coef[DS_SF_GAIN], 1.25, 1e-9);
	T_NEAR(r->m[DS_MODEL_SOURCE].threshold, 0.6, 1e-6);
	T_EQ_INT(ds_scorer_write_bin(r, bin, &err), 0);
	b = ds_scorer_load(bin, &err);
	T_OK(b != NULL);
	if (b) {
		T_OK(b->has_chg);
		T_NEAR(b->chg.coef[DS_CF_BIAS], 0.75, 1e-12);
		T_NEAR(b->chg.vec_cut, 0.375, 1e-12);
		/* the source model: sigmoid(-1 + 0.5 * (llr - 2) / 4) */
		f[DS_F_LLR] = 10;
		T_NEAR(ds_scorer_prob(b, DS_MODEL_SOURCE, f), ds_sigmoid(-1 + 0.5 * 2), 1e-12);
		/* standardised values are clipped at 4 sd */
		f[DS_F_LLR] = 1000;
		T_NEAR(ds_scorer_prob(b, DS_MODEL_SOURCE, f), ds_sigmoid(-1 + 0.5 * 4), 1e-12);
		free(b);
	}
	free(r);
	/* malformed: unknown change feature, named with its line */
	fh = fopen(tsv2, "w");
	if (fh) {
		fputs("despin-scorer\t1\ncoef\tchange\tnosuch\t0\t1\t1\n", fh);
		fclose(fh);
	}
	T_OK(ds_scorer_read_tsv(tsv2, &err) == NULL);
	T_OK(strstr(err.msg, ":2:") != NULL);
	/* a corrupt binary (its kind damaged) is refused */
	fh = fopen(bin, "r+b");
	if (fh) {
		fseek(fh, 9, SEEK_SET);
		fputc(0x55, fh);
		fclose(fh);
	}
	T_OK(ds_scorer_load(bin, &err) == NULL);
	unlink(tsv);
	unlink(tsv2);
	unlink(bin);
}

/* The cut on word-vector similarity parts the unrelated changes, spinner's
 * (similar words) from editor's (unrelated ones); related changes do not
 * move it, and only the rows under it are dropped. */
T_TEST(change_vec_cut)
{
	double X[8 * DS_NCHGF] = {0};
	int y[8] = {1, 1, 1, 0, 0, 0, 1, 0};
	const double v[8] = {0.6, 0.5, 0.45, 0.1, 0.2, 0.05, 0.0, 0.9};
	for (int i = 0; i < 8; i++)
		X[i * DS_NCHGF + DS_CF_VEC] = v[i];
	/* row 7: an editor's change the lexicon relates */
	X[7 * DS_NCHGF + DS_CF_LEXW] = 0.5;
	/* row 6: a spinner's change with no vector */
	X[6 * DS_NCHGF + DS_CF_VECUNK] = 1;
	T_NEAR(ds_chg_vec_cut(X, y, 8), 0.45, 1e-12);
	T_EQ_INT(ds_chg_keep(X, y, 8, 0.45), 4);
	T_NEAR(X[3 * DS_NCHGF + DS_CF_VEC], 0.9, 0);
	T_EQ_INT(y[3], 0);
	/* no spinner's change among the unrelated: nothing gets through */
	for (int i = 0; i < 8; i++)
		y[i] = 0;
	T_NEAR(ds_chg_vec_cut(X, y, 8), 1, 0);
}

int main(void)
{
	T_RUN(scorer_files_round_trip);
	T_RUN(change_vec_cut);
	return t_done();
}
