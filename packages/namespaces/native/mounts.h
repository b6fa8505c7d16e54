#ifndef EXILE_MOUNTS_H
#define EXILE_MOUNTS_H
#include "plan.h"
/* Makes propagation private and clones every bind source, before anything is mounted over it. */
void mounts_prepare(struct plan *plan);
/* Builds the file-system view (in the staging root when the root is empty, then pivots into it). */
void mounts_build(struct plan *plan);
#endif
