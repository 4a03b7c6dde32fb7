/* test_gbt.c - gradient-boosted trees (gbt.c): they learn what a linear
 * model cannot (an interaction), weigh the classes evenly, keep to the
 * columns allowed, refuse what they cannot fit, and ds_gbt_check refuses
 * a malformed model. */
#include <stdlib.h>
#include <string.h>

#include "gbt.h"
#include "logit.h"
#include "t.h"

static double rnd(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return (double)(*s >> 11) / 9007199254740992.0;
}

/* n rows of 3 columns: y is 1 when x0 and x1 are on the same side of 0.5
 * (a checkerboard no line separates), flipped for a tenth of the rows; x2
 * is noise. */
static void checkerboard(double *X, int *y, size_t n, unsigned long seed)
{
	for (size_t i = 0; i < n; i++) {
		double a = rnd(&seed), b = rnd(&seed);
		X[i * 3] = a;
		X[i * 3 + 1] = b;
		X[i * 3 + 2] = rnd(&seed);
		y[i] = (a > 0.5) == (b > 0.5);
		if (rnd(&seed) < 0.1)
			y[i] = !y[i];
	}
}

static double accuracy(const struct ds_gbt *g, const double *X, const int *y, size_t n)
{
	size_t right = 0;
	for (size_t i = 0; i < n; i++)
		right += (ds_gbt_logit(g, X + i * 3) > 0) == (y[i] != 0);
	return (double)right / (double)n;
}

/* A node that sends a row left when x[feat] <= thr, and a leaf. */
static struct ds_gbt_node split(int32_t feat, double thr, int32_t left, int32_t right)
{
	return (struct ds_gbt_node){.thr = thr, .feat = feat, .left = left, .right = right};
}

static struct ds_gbt_node leaf(double value)
{
	return (struct ds_gbt_node){.value = value, .feat = -1, .left = -1, .right = -1};
}

/* The number of rows of X (n rows of 3 columns) whose log-odds the
 * breadth-first layout of g gives to the bit as ds_gbt_logit does. */
static size_t flat_same(const struct ds_gbt *g, const double *X, size_t n)
{
	struct ds_gbt_flat *f = ds_gbt_flat_new(g);
	size_t same = 0;
	for (size_t i = 0; f && i < n; i++)
		same += ds_gbt_flat_logit(f, X + i * 3) == ds_gbt_logit(g, X + i * 3);
	ds_gbt_flat_free(f);
	return same;
}

T_TEST(learns_an_interaction)
{
	enum { N = 4000 };
	static double X[N * 3], T[N * 3];
	static int y[N], yt[N];
	static struct ds_gbt g;
	struct ds_gbt_params p = ds_gbt_default;
	struct ds_err err;
	p.trees = 40;
	p.min_leaf = 50;
	checkerboard(X, y, N, 1);
	checkerboard(T, yt, N, 2);
	T_EQ_INT(ds_gbt_fit(X, y, N, 3, NULL, &p, &g, &err), 0);
	T_EQ_INT((int)g.ntrees, 40);
	T_EQ_INT(ds_gbt_check(&g, 3), 0);
	/* every walk takes the full depth */
	for (uint32_t t = 0; t < g.ntrees; t++) {
		int steps = 0;
		for (uint32_t i = g.root[t]; g.node[i].feat >= 0; i = (uint32_t)g.node[i].left)
			steps++;
		T_EQ_INT(steps, p.depth);
	}
	/* nine in ten is the best any model can do on rows it never saw */
	T_OK(accuracy(&g, T, yt, N) > 0.85);
	/* laid out for prediction (four trees at a time): the same log-odds */
	T_EQ_INT((int)flat_same(&g, T, N), N);
	/* a linear model stays near chance */
	{
		double mean[4], sd[4], coef[4], Xl[N * 4];
		int use[4] = {1, 1, 1, 1};
		size_t right = 0;
		for (size_t i = 0; i < N; i++) {
			Xl[i * 4] = 1;
			memcpy(Xl + i * 4 + 1, X + i * 3, 3 * sizeof *X);
		}
		T_EQ_INT(ds_logit_fit(Xl, y, N, 4, use, 1.0, mean, sd, coef, &err), 0);
		for (size_t i = 0; i < N; i++) {
			double x[4] = {1, T[i * 3], T[i * 3 + 1], T[i * 3 + 2]};
			right += (ds_logit_prob(x, 4, mean, sd, coef) > 0.5) == (yt[i] != 0);
		}
		T_OK((double)right / N < 0.6);
	}
}

/* A column no split may test is never tested; with none useful left the
 * model says the even prior it was fitted for, whatever the class balance. */
T_TEST(columns_and_balance)
{
	enum { N = 3000 };
	static double X[N * 3];
	static int y[N];
	static struct ds_gbt g;
	struct ds_gbt_params p = ds_gbt_default;
	struct ds_err err;
	int use[3] = {0, 0, 1};
	unsigned long s = 7;
	p.trees = 20;
	p.min_leaf = 100;
	checkerboard(X, y, N, 3);
	T_EQ_INT(ds_gbt_fit(X, y, N, 3, use, &p, &g, &err), 0);
	for (uint32_t i = 0; i < g.nnodes; i++) /* a split, not a pass-through */
		if (g.node[i].feat >= 0 && g.node[i].left != g.node[i].right)
			T_EQ_INT(g.node[i].feat, 2);
	/* one row in ten positive, features alike: log-odds near 0 */
	for (size_t i = 0; i < N; i++) {
		X[i * 3] = X[i * 3 + 1] = X[i * 3 + 2] = 1.0;
		y[i] = rnd(&s) < 0.1;
	}
	T_EQ_INT(ds_gbt_fit(X, y, N, 3, NULL, &p, &g, &err), 0);
	/* nothing to split: a leaf a tree, at the full depth (4) */
	T_EQ_INT((int)g.nnodes, 20 * 5);
	T_EQ_INT(g.node[0].left, 1);
	T_EQ_INT(g.node[0].right, 1);
	T_EQ_INT(g.node[4].feat, -1);
	T_NEAR(ds_gbt_logit(&g, X), 0.0, 1e-9);
}

T_TEST(refusals)
{
	enum { N = 100 };
	static double X[N * 3];
	static int y[N];
	static struct ds_gbt g;
	struct ds_gbt_params p = ds_gbt_default;
	struct ds_err err;
	memset(y, 0, sizeof y);
	T_EQ_INT(ds_gbt_fit(X, y, N, 3, NULL, &p, &g, &err), DS_EINVAL);
	T_OK(strstr(err.msg, "class") != NULL);
	y[3] = 1;
	p.depth = DS_GBT_MAX_DEPTH + 1;
	T_EQ_INT(ds_gbt_fit(X, y, N, 3, NULL, &p, &g, &err), DS_EINVAL);
	p = ds_gbt_default;
	p.trees = DS_GBT_MAX_TREES; /* too many nodes at depth 4 */
	p.depth = 6;
	T_EQ_INT(ds_gbt_fit(X, y, N, 3, NULL, &p, &g, &err), DS_EINVAL);
	T_EQ_INT((int)g.ntrees, 0);
}

T_TEST(check_refuses_malformed)
{
	static struct ds_gbt g, bad;
	memset(&g, 0, sizeof g);
	T_EQ_INT(ds_gbt_check(&g, 3), 0); /* no model */
	/* one stump: x1 <= 0.5 -> -1, else +1 */
	g.ntrees = 1;
	g.nnodes = 3;
	g.node[0] = (struct ds_gbt_node){.thr = 0.5, .feat = 1, .left = 1, .right = 2};
	g.node[1] = (struct ds_gbt_node){.value = -1, .feat = -1, .left = -1, .right = -1};
	g.node[2] = (struct ds_gbt_node){.value = 1, .feat = -1, .left = -1, .right = -1};
	T_EQ_INT(ds_gbt_check(&g, 3), 0);
	T_NEAR(ds_gbt_logit(&g, (double[]){0, 0.25, 0}), -1, 1e-12);
	T_NEAR(ds_gbt_logit(&g, (double[]){0, 0.75, 0}), 1, 1e-12);
	T_OK(ds_gbt_check(&g, 1) != 0); /* tests a column rows do not have */
	bad = g;
	bad.node[0].left = 0; /* a loop */
	T_OK(ds_gbt_check(&bad, 3) != 0);
	bad = g;
	bad.node[0].right = 3; /* past the tree */
	T_OK(ds_gbt_check(&bad, 3) != 0);
	bad = g;
	bad.node[2].value = NAN;
	T_OK(ds_gbt_check(&bad, 3) != 0);
	bad = g;
	bad.root[0] = 1;
	T_OK(ds_gbt_check(&bad, 3) != 0);
	bad = g;
	bad.nnodes = DS_GBT_MAX_NODES + 1;
	T_OK(ds_gbt_check(&bad, 3) != 0);
}

/* The breadth-first layout gives ds_gbt_logit's log-odds to the bit on
 * five hand-made trees of different depths (four walked side by side, one
 * alone), whose leaves sit above the deepest (copied below) and whose rows
 * land on thresholds; a fitted model is tried in learns_an_interaction. */
T_TEST(flat_layout_same_logits)
{
	static struct ds_gbt g;
	struct ds_gbt_flat *f;

	/* tree 0: a stump on x1; tree 1: x0 <= 0.5 -> leaf 2, else a split on
	 * x2 (-4 or 8); tree 2: a single leaf; trees 3 and 4: stumps on x2, x0 */
	memset(&g, 0, sizeof g);
	g.base = 0.5;
	g.ntrees = 5;
	g.root[0] = 0;
	g.node[0] = split(1, 0.5, 1, 2);
	g.node[1] = leaf(-1);
	g.node[2] = leaf(1);
	g.root[1] = 3;
	g.node[3] = split(0, 0.5, 4, 5);
	g.node[4] = leaf(2);
	g.node[5] = split(2, 0.25, 6, 7);
	g.node[6] = leaf(-4);
	g.node[7] = leaf(8);
	g.root[2] = 8;
	g.node[8] = leaf(16);
	g.root[3] = 9;
	g.node[9] = split(2, 0.25, 10, 11);
	g.node[10] = leaf(-0.5);
	g.node[11] = leaf(0.5);
	g.root[4] = 12;
	g.node[12] = split(0, 0.75, 13, 14);
	g.node[13] = leaf(0.25);
	g.node[14] = leaf(-0.25);
	g.nnodes = 15;
	T_EQ_INT(ds_gbt_check(&g, 3), 0);
	T_OK((f = ds_gbt_flat_new(&g)) != NULL);
	if (f) {
		static const double rows[][3] = {{0, 0, 0}, {0.5, 0.5, 0.25}, {0.75, 0.75, 0.75},
						 {0.75, 0.25, 0.1}, {0.25, 0.75, 1}};
		T_EQ_INT((int)flat_same(&g, rows[0], 5), 5);
		T_NEAR(ds_gbt_flat_logit(f, rows[2]), 0.5 + 1 + 8 + 16 + 0.5 + 0.25, 1e-12);
		T_NEAR(ds_gbt_flat_logit(f, rows[3]), 0.5 - 1 - 4 + 16 - 0.5 + 0.25, 1e-12);
	}
	ds_gbt_flat_free(f);

	/* deeper than DS_GBT_MAX_DEPTH: not laid out; no trees: nothing */
	memset(&g, 0, sizeof g);
	g.ntrees = 1;
	for (int i = 0; i <= DS_GBT_MAX_DEPTH; i++)
		g.node[i] = split(0, 0.5, i + 1, i + 1);
	g.node[DS_GBT_MAX_DEPTH + 1] = leaf(1);
	g.nnodes = DS_GBT_MAX_DEPTH + 2;
	T_EQ_INT(ds_gbt_check(&g, 3), 0);
	T_OK(ds_gbt_flat_new(&g) == NULL);
	memset(&g, 0, sizeof g);
	T_OK(ds_gbt_flat_new(&g) == NULL);
}

int main(void)
{
	T_RUN(learns_an_interaction);
	T_RUN(columns_and_balance);
	T_RUN(refusals);
	T_RUN(check_refuses_malformed);
	T_RUN(flat_layout_same_logits);
	return t_done();
}
