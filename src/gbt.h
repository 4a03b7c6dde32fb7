/*
 * gbt.h - gradient-boosted regression trees for a yes/no label: fitting
 * (logistic loss, histograms of the columns' quantiles, Newton steps) and
 * prediction.
 *
 * A model is the log-odds base plus, for each tree, the value of the leaf a
 * row falls in.  It lives in one fixed-size struct (no pointers), so a
 * model embedded in another struct is copied and written with it: node i
 * sends a row to node left when x[feat] <= thr, else to node right; a leaf
 * has feat -1 and adds value.  Each tree's nodes are contiguous, its root
 * first, and a child always comes after its parent (ds_gbt_check), so a
 * walk ends.  A fitted tree is full: a leaf above the full depth is reached
 * through nodes whose two ways lead to the same child, so that every walk
 * takes the same steps.  Functions are pure: no state, safe from any
 * thread.
 */
#ifndef DS_GBT_H
#define DS_GBT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define DS_GBT_MAX_TREES 256
#define DS_GBT_MAX_NODES 8192
#define DS_GBT_MAX_DEPTH 6

struct ds_gbt_node {
	double thr;
	double value;
	int32_t feat; /* -1: a leaf */
	int32_t left, right;
	int32_t pad;
};

struct ds_gbt {
	double base;     /* log-odds before the first tree */
	uint32_t ntrees; /* 0: no model */
	uint32_t nnodes;
	uint32_t root[DS_GBT_MAX_TREES];
	struct ds_gbt_node node[DS_GBT_MAX_NODES];
};

struct ds_gbt_params {
	int trees;        /* at most DS_GBT_MAX_TREES */
	int depth;        /* at most DS_GBT_MAX_DEPTH */
	size_t min_leaf;  /* rows a leaf holds at least; at most a fiftieth of
			   * the rows (and no fewer than 20), so a small fit
			   * still splits */
	double rate;      /* learning rate: each tree's leaves are scaled by it */
	double l2;        /* penalty on the leaf values (Newton step -G / (H + l2)) */
	int bins;         /* quantile bins per column, 2..256 */
};

/* Depth 4, 120 trees of 500 rows a leaf at least, rate 0.1, l2 1, 64 bins. */
extern const struct ds_gbt_params ds_gbt_default;

/* Fits on X (n rows of d columns) with labels y (1 or 0); use[i] selects
 * the columns a split may test (NULL: all).  Classes are weighted equally,
 * so the probability is calibrated for an even prior (as ds_logit_fit's).
 * Writes *g (whole).  Returns 0, DS_EINVAL (no examples of a class, or
 * parameters out of range) or DS_ENOMEM, with err set. */
int ds_gbt_fit(const double *X, const int *y, size_t n, size_t d, const int *use,
	       const struct ds_gbt_params *p, struct ds_gbt *g, struct ds_err *err);

/* The model's log-odds for row x (d columns, as fitted). */
double ds_gbt_logit(const struct ds_gbt *g, const double *x);

/* 0 when g is well formed for rows of d columns: counts in range, every
 * tree's nodes its own, children after their parents, finite numbers. */
int ds_gbt_check(const struct ds_gbt *g, size_t d);

/* A model laid out for prediction alone: every tree as a complete binary
 * tree of the model's greatest depth, in breadth-first order (node i's
 * children at 2i + 1 and 2i + 2, no links to follow; a leaf above that
 * depth copied into every place below it), so a walk is one load, one
 * comparison and one add a level.  Its log-odds are ds_gbt_logit's to the
 * bit (the same comparisons, the leaves added in the same order). */
struct ds_gbt_flat;
/* Lays out g (well formed: ds_gbt_check); NULL when g has no trees, is
 * deeper than DS_GBT_MAX_DEPTH, or memory is short.  Owns its copy: g may
 * go.  Free with ds_gbt_flat_free. */
struct ds_gbt_flat *ds_gbt_flat_new(const struct ds_gbt *g);
void ds_gbt_flat_free(struct ds_gbt_flat *f);
double ds_gbt_flat_logit(const struct ds_gbt_flat *f, const double *x);

#endif
