/* gbt.c - gradient-boosted regression trees (see gbt.h).
 *
 * Fitting is the histogram method of LightGBM and scikit-learn's
 * HistGradientBoosting: each column is cut into at most p->bins bins at
 * its quantiles once, and a node's best split is found from the sums of
 * the rows' gradients and Hessians per bin.  A node's histogram comes from
 * its rows only for the smaller child; the larger child's is the parent's
 * minus it.  Trees grow level by level to p->depth; a leaf's value is the
 * Newton step -G / (H + l2), scaled by the learning rate. */
#include "gbt.h"

#include <gsl/gsl_sort_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct ds_gbt_params ds_gbt_default = {
	.trees = 120, .depth = 4, .min_leaf = 500, .rate = 0.1, .l2 = 1.0, .bins = 64,
};

/* one bin's sums */
struct hbin {
	double g, h;
	size_t n;
};

struct fit {
	const struct ds_gbt_params *p;
	size_t n, d;
	const int *use;
	const uint8_t *bin;    /* n x d bin numbers */
	const double *edge;    /* d x 256: bin j holds x <= edge[j] (and > edge[j - 1]) */
	const int *nb;         /* bins per column */
	const double *gr, *he; /* each row's gradient and Hessian */
	double *F;             /* each row's log-odds so far */
	size_t *rows;          /* the rows, each node's contiguous */
	struct hbin *hist;     /* per depth 0..DS_GBT_MAX_DEPTH, two of d x 256 bins */
	struct ds_gbt *g;
};

static struct hbin *hist_at(struct fit *f, int depth, int side)
{
	return f->hist + ((size_t)depth * 2 + (size_t)side) * f->d * 256;
}

static void hist_rows(struct fit *f, const size_t *rows, size_t n, struct hbin *h)
{
	memset(h, 0, f->d * 256 * sizeof *h);
	for (size_t k = 0; k < n; k++) {
		const size_t i = rows[k];
		const uint8_t *b = f->bin + i * f->d;
		for (size_t c = 0; c < f->d; c++) {
			struct hbin *x = &h[c * 256 + b[c]];
			x->g += f->gr[i];
			x->h += f->he[i];
			x->n++;
		}
	}
}

static void hist_minus(struct fit *f, const struct hbin *a, const struct hbin *b, struct hbin *out)
{
	for (size_t k = 0; k < f->d * 256; k++) {
		out[k].g = a[k].g - b[k].g;
		out[k].h = a[k].h - b[k].h;
		out[k].n = a[k].n - b[k].n;
	}
}

static double score(double g, double h, double l2)
{
	return g * g / (h + l2);
}

/* Grows node at (a node number already taken) over rows[lo, hi) whose
 * histogram is h, at depth depth. */
static void grow(struct fit *f, uint32_t at, size_t lo, size_t hi, int depth, const struct hbin *h)
{
	const struct ds_gbt_params *p = f->p;
	struct ds_gbt_node *nd = &f->g->node[at];
	double G = 0, H = 0, best = 1e-9;
	int bc = -1, bj = -1;
	const size_t n = hi - lo;

	{ /* the node's sums: any column's bins add up to them */
		size_t c0 = 0;
		while (f->use && !f->use[c0])
			c0++;
		for (int j = 0; j < f->nb[c0]; j++) {
			G += h[c0 * 256 + (size_t)j].g;
			H += h[c0 * 256 + (size_t)j].h;
		}
	}
	if (depth < p->depth && n >= 2 * p->min_leaf) {
		const double parent = score(G, H, p->l2);
		for (size_t c = 0; c < f->d; c++) {
			double gl = 0, hl = 0;
			size_t nl = 0;
			if (f->use && !f->use[c])
				continue;
			for (int j = 0; j + 1 < f->nb[c]; j++) {
				const struct hbin *x = &h[c * 256 + (size_t)j];
				double gain;
				gl += x->g;
				hl += x->h;
				nl += x->n;
				if (nl < p->min_leaf)
					continue;
				if (n - nl < p->min_leaf)
					break;
				gain = score(gl, hl, p->l2) + score(G - gl, H - hl, p->l2) - parent;
				if (gain > best) {
					best = gain;
					bc = (int)c;
					bj = j;
				}
			}
		}
	}
	if (bc < 0) {
		const double v = -p->rate * G / (H + p->l2);
		/* a leaf above the full depth is reached through pass-through
		 * nodes (both ways to the one child), so that every walk takes
		 * the same number of steps: ds_gbt_logit's loop then never
		 * mispredicts where it ends */
		for (int dd = depth; dd < p->depth; dd++) {
			nd->feat = 0;
			nd->thr = 0;
			nd->value = 0;
			nd->left = nd->right = (int32_t)f->g->nnodes;
			nd = &f->g->node[f->g->nnodes++];
		}
		nd->feat = -1;
		nd->value = v;
		nd->thr = 0;
		nd->left = nd->right = -1;
		for (size_t k = lo; k < hi; k++)
			f->F[f->rows[k]] += v;
		return;
	}
	{
		size_t mid = lo;
		uint32_t l = f->g->nnodes, r = l + 1;
		struct hbin *hs = hist_at(f, depth + 1, 0), *hb = hist_at(f, depth + 1, 1);
		/* the rows going left first */
		for (size_t k = lo; k < hi; k++)
			if (f->bin[f->rows[k] * f->d + (size_t)bc] <= (uint8_t)bj) {
				size_t t = f->rows[k];
				f->rows[k] = f->rows[mid];
				f->rows[mid++] = t;
			}
		nd->feat = bc;
		nd->thr = f->edge[(size_t)bc * 256 + (size_t)bj];
		nd->value = 0;
		nd->left = (int32_t)l;
		nd->right = (int32_t)r;
		f->g->nnodes += 2;
		/* hs: the smaller side's, from its rows; hb: the other's */
		if (mid - lo <= hi - mid) {
			hist_rows(f, f->rows + lo, mid - lo, hs);
			hist_minus(f, h, hs, hb);
			grow(f, l, lo, mid, depth + 1, hs);
			grow(f, r, mid, hi, depth + 1, hb);
		} else {
			hist_rows(f, f->rows + mid, hi - mid, hs);
			hist_minus(f, h, hs, hb);
			grow(f, l, lo, mid, depth + 1, hb);
			grow(f, r, mid, hi, depth + 1, hs);
		}
	}
}

/* Column c's bin edges at its quantiles (distinct values), into edge[0..);
 * returns the number of bins (edges + 1: the last bin is open). */
static int column_edges(const double *X, size_t n, size_t d, size_t c, int bins, double *tmp,
			double *edge)
{
	int k = 0;
	for (size_t i = 0; i < n; i++)
		tmp[i] = X[i * d + c];
	gsl_sort(tmp, 1, n);
	for (int b = 1; b < bins; b++) {
		double q = tmp[(size_t)((double)b * (double)n / bins)];
		if (q >= tmp[n - 1])
			break; /* an edge at the maximum would leave the last bin empty */
		if (k == 0 || q > edge[k - 1])
			edge[k++] = q;
	}
	return k + 1;
}

static uint8_t bin_of(const double *edge, int nb, double x)
{
	int lo = 0, hi = nb - 1; /* the first edge >= x, else nb - 1 */
	while (lo < hi) {
		int m = (lo + hi) / 2;
		if (x <= edge[m])
			hi = m;
		else
			lo = m + 1;
	}
	return (uint8_t)lo;
}

int ds_gbt_fit(const double *X, const int *y, size_t n, size_t d, const int *use,
	       const struct ds_gbt_params *p, struct ds_gbt *g, struct ds_err *err)
{
	struct fit f;
	struct ds_gbt_params pp;
	size_t npos = 0, nuse = 0;
	double wpos, wneg;
	uint8_t *bin = NULL;
	double *edge = NULL, *tmp = NULL, *gr = NULL, *he = NULL, *F = NULL;
	int *nb = NULL, rc = 0;
	size_t *rows = NULL;
	struct hbin *hist = NULL;

	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < n; i++)
		npos += y[i] != 0;
	for (size_t c = 0; c < d; c++)
		nuse += !use || use[c];
	if (p->trees < 1 || p->trees > DS_GBT_MAX_TREES || p->depth < 1 ||
	    p->depth > DS_GBT_MAX_DEPTH || p->bins < 2 || p->bins > 256 || !(p->rate > 0) ||
	    !(p->l2 >= 0) || !p->min_leaf ||
	    (size_t)p->trees * (((size_t)2 << p->depth) - 1) > DS_GBT_MAX_NODES)
		return ds_err_set(err, DS_EINVAL, "tree model parameters out of range");
	if (!npos || npos == n || !nuse)
		return ds_err_set(err, DS_EINVAL, "tree model: no examples of a class, or no column");
	bin = malloc(n * d);
	edge = calloc(d * 256, sizeof *edge);
	nb = calloc(d, sizeof *nb);
	tmp = malloc(n * sizeof *tmp);
	gr = malloc(n * sizeof *gr);
	he = malloc(n * sizeof *he);
	F = calloc(n, sizeof *F);
	rows = malloc(n * sizeof *rows);
	hist = malloc((size_t)(DS_GBT_MAX_DEPTH + 1) * 2 * d * 256 * sizeof *hist);
	if (!bin || !edge || !nb || !tmp || !gr || !he || !F || !rows || !hist) {
		rc = ds_err_set(err, DS_ENOMEM, "out of memory fitting a tree model");
		goto out;
	}
	for (size_t c = 0; c < d; c++) {
		nb[c] = column_edges(X, n, d, c, p->bins, tmp, edge + c * 256);
		for (size_t i = 0; i < n; i++)
			bin[i * d + c] = bin_of(edge + c * 256, nb[c], X[i * d + c]);
	}
	/* each class weighs half */
	wpos = (double)n / (2.0 * (double)npos);
	wneg = (double)n / (2.0 * (double)(n - npos));
	/* a small fit still splits: leaves of at most a fiftieth of the rows */
	pp = *p;
	if (pp.min_leaf > n / 50)
		pp.min_leaf = n / 50 > 20 ? n / 50 : 20;
	f = (struct fit){&pp, n, d, use, bin, edge, nb, gr, he, F, rows, hist, g};
	g->base = 0; /* log of the weighted odds: even */
	for (int t = 0; t < p->trees; t++) {
		uint32_t root = g->nnodes;
		for (size_t i = 0; i < n; i++) {
			const double q = 1.0 / (1.0 + exp(-F[i])), w = y[i] ? wpos : wneg;
			gr[i] = w * (q - (y[i] != 0));
			he[i] = w * q * (1.0 - q);
			rows[i] = i;
		}
		g->root[t] = root;
		g->nnodes++;
		g->ntrees++;
		hist_rows(&f, rows, n, hist_at(&f, 0, 0));
		grow(&f, root, 0, n, 0, hist_at(&f, 0, 0));
	}
out:
	free(bin);
	free(edge);
	free(nb);
	free(tmp);
	free(gr);
	free(he);
	free(F);
	free(rows);
	free(hist);
	if (rc)
		memset(g, 0, sizeof *g);
	return rc;
}

/* One step down from a split; a leaf stays. */
static inline const struct ds_gbt_node *step(const struct ds_gbt *g, const struct ds_gbt_node *nd,
					     const double *x)
{
	const int leaf = nd->feat < 0;
	const int32_t r = x[leaf ? 0 : nd->feat] > nd->thr;
	const ptrdiff_t i = leaf ? nd - g->node : nd->left + r * (nd->right - nd->left);
	return &g->node[i];
}

double ds_gbt_logit(const struct ds_gbt *g, const double *x)
{
	double z = g->base;
	uint32_t t = 0;
	/* four trees walked side by side: their loads overlap */
	for (; t + 4 <= g->ntrees; t += 4) {
		const struct ds_gbt_node *a = &g->node[g->root[t]], *b = &g->node[g->root[t + 1]],
					 *c = &g->node[g->root[t + 2]], *d = &g->node[g->root[t + 3]];
		while ((a->feat & b->feat & c->feat & d->feat) >= 0) { /* one a split */
			a = step(g, a, x);
			b = step(g, b, x);
			c = step(g, c, x);
			d = step(g, d, x);
		}
		z += a->value;
		z += b->value;
		z += c->value;
		z += d->value;
	}
	for (; t < g->ntrees; t++) {
		const struct ds_gbt_node *nd = &g->node[g->root[t]];
		while (nd->feat >= 0)
			nd = step(g, nd, x);
		z += nd->value;
	}
	return z;
}

int ds_gbt_check(const struct ds_gbt *g, size_t d)
{
	if (g->ntrees > DS_GBT_MAX_TREES || g->nnodes > DS_GBT_MAX_NODES || !isfinite(g->base) ||
	    (g->ntrees && g->root[0] != 0) || (!g->ntrees && g->nnodes))
		return -1;
	for (uint32_t t = 0; t < g->ntrees; t++) {
		const uint32_t lo = g->root[t], hi = t + 1 < g->ntrees ? g->root[t + 1] : g->nnodes;
		if (lo >= hi || hi > g->nnodes)
			return -1;
		for (uint32_t i = lo; i < hi; i++) {
			const struct ds_gbt_node *nd = &g->node[i];
			if (nd->feat < 0) {
				if (nd->feat != -1 || !isfinite(nd->value))
					return -1;
			} else if ((size_t)nd->feat >= d || !isfinite(nd->thr) ||
				   nd->left <= (int32_t)i || nd->right <= (int32_t)i ||
				   (uint32_t)nd->left >= hi || (uint32_t)nd->right >= hi) {
				return -1;
			}
		}
	}
	return 0;
}

/* ---- the breadth-first layout ---- */

struct ds_gbt_flat {
	double base;
	uint32_t ntrees;
	unsigned depth;  /* levels of splits: every walk takes this many steps */
	size_t nsplit;   /* per tree: 2^depth - 1 splits, then 2^depth leaves */
	int32_t *feat;   /* [ntrees][nsplit] */
	double *thr;     /* [ntrees][nsplit] */
	double *leaf;    /* [ntrees][nsplit + 1] */
};

/* Levels of splits below node i (a leaf: 0); more than DS_GBT_MAX_DEPTH is
 * reported as DS_GBT_MAX_DEPTH + 1. */
static unsigned tree_depth(const struct ds_gbt *g, int32_t i, unsigned level)
{
	const struct ds_gbt_node *nd = &g->node[i];
	unsigned l, r;
	if (nd->feat < 0)
		return 0;
	if (level >= DS_GBT_MAX_DEPTH)
		return DS_GBT_MAX_DEPTH + 1;
	l = tree_depth(g, nd->left, level + 1);
	r = nd->right == nd->left ? l : tree_depth(g, nd->right, level + 1);
	return 1 + (l > r ? l : r);
}

/* Writes the subtree of node i at place p (level level) of tree t. */
static void flat_fill(struct ds_gbt_flat *f, const struct ds_gbt *g, uint32_t t, int32_t i,
		      size_t p, unsigned level)
{
	const struct ds_gbt_node *nd = &g->node[i];
	if (level == f->depth) { /* a leaf: a walk of depth levels ends here */
		f->leaf[t * (f->nsplit + 1) + (p - f->nsplit)] = nd->value;
		return;
	}
	if (nd->feat < 0) { /* a leaf above the depth: both ways to it */
		f->feat[t * f->nsplit + p] = 0;
		f->thr[t * f->nsplit + p] = 0;
		flat_fill(f, g, t, i, 2 * p + 1, level + 1);
		flat_fill(f, g, t, i, 2 * p + 2, level + 1);
		return;
	}
	f->feat[t * f->nsplit + p] = nd->feat;
	f->thr[t * f->nsplit + p] = nd->thr;
	flat_fill(f, g, t, nd->left, 2 * p + 1, level + 1);
	flat_fill(f, g, t, nd->right, 2 * p + 2, level + 1);
}

struct ds_gbt_flat *ds_gbt_flat_new(const struct ds_gbt *g)
{
	struct ds_gbt_flat *f;
	unsigned depth = 0;
	if (!g->ntrees)
		return NULL;
	for (uint32_t t = 0; t < g->ntrees; t++) {
		unsigned d = tree_depth(g, (int32_t)g->root[t], 0);
		if (d > DS_GBT_MAX_DEPTH)
			return NULL;
		if (d > depth)
			depth = d;
	}
	if (!(f = calloc(1, sizeof *f)))
		return NULL;
	f->base = g->base;
	f->ntrees = g->ntrees;
	f->depth = depth;
	f->nsplit = ((size_t)1 << depth) - 1;
	f->feat = malloc((f->nsplit ? f->nsplit : 1) * g->ntrees * sizeof *f->feat);
	f->thr = malloc((f->nsplit ? f->nsplit : 1) * g->ntrees * sizeof *f->thr);
	f->leaf = malloc((f->nsplit + 1) * g->ntrees * sizeof *f->leaf);
	if (!f->feat || !f->thr || !f->leaf) {
		ds_gbt_flat_free(f);
		return NULL;
	}
	for (uint32_t t = 0; t < g->ntrees; t++)
		flat_fill(f, g, t, (int32_t)g->root[t], 0, 0);
	return f;
}

void ds_gbt_flat_free(struct ds_gbt_flat *f)
{
	if (!f)
		return;
	free(f->feat);
	free(f->thr);
	free(f->leaf);
	free(f);
}

double ds_gbt_flat_logit(const struct ds_gbt_flat *f, const double *x)
{
	const size_t ns = f->nsplit;
	double z = f->base;
	uint32_t t = 0;
	/* four trees walked side by side: their loads overlap */
	for (; t + 4 <= f->ntrees; t += 4) {
		const int32_t *fa = f->feat + t * ns;
		const double *ta = f->thr + t * ns;
		size_t a = 0, b = 0, c = 0, d = 0;
		for (unsigned l = 0; l < f->depth; l++) {
			a = 2 * a + 1 + (x[fa[a]] > ta[a]);
			b = 2 * b + 1 + (x[fa[ns + b]] > ta[ns + b]);
			c = 2 * c + 1 + (x[fa[2 * ns + c]] > ta[2 * ns + c]);
			d = 2 * d + 1 + (x[fa[3 * ns + d]] > ta[3 * ns + d]);
		}
		z += f->leaf[t * (ns + 1) + (a - ns)];
		z += f->leaf[(t + 1) * (ns + 1) + (b - ns)];
		z += f->leaf[(t + 2) * (ns + 1) + (c - ns)];
		z += f->leaf[(t + 3) * (ns + 1) + (d - ns)];
	}
	for (; t < f->ntrees; t++) {
		const int32_t *ft = f->feat + t * ns;
		const double *tt = f->thr + t * ns;
		size_t a = 0;
		for (unsigned l = 0; l < f->depth; l++)
			a = 2 * a + 1 + (x[ft[a]] > tt[a]);
		z += f->leaf[t * (ns + 1) + (a - ns)];
	}
	return z;
}
