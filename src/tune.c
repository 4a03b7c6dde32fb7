/* tune.c - the default tunables (see tune.h). */
#include "tune.h"

const struct ds_tune ds_tune_default = DS_TUNE_DEFAULTS;
