/*
 * observe.h - private to the sim area: the engine's call of the step
 * observer (ln_sim_options.observe; observe.c).
 */
#ifndef LN_SIM_OBSERVE_H
#define LN_SIM_OBSERVE_H

#include "sim/sim_int.h"

/* Calls e->opt.observe (non-NULL) with the view of step k (after step 7:
 * statuses, bytes and RTTs of the step). Returns the observer's status:
 * 0 go on, negative LN_E* stop. */
int ln__sim_observe(const ln__engine *e, long k);

#endif
