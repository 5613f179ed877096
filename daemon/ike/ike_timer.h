/*
 * Timers of the IKE engines: a binary min-heap of timer handles embedded in the objects they
 * serve (IKE SAs, tunnels). Arm, re-arm and cancel are O(log n); the daemon drives the whole
 * heap with one event-loop timer set to ike_timers_next().
 */
#ifndef IKEGW_IKE_TIMER_H
#define IKEGW_IKE_TIMER_H

#include <stddef.h>
#include <stdint.h>

struct ike_timer;
typedef void (*ike_timer_fn)(struct ike_timer *t, void *userdata);

/* Embed in the owning object; zero-initialise (ike_timer_init) before first use. */
struct ike_timer {
	uint64_t when; /* monotonic microseconds */
	size_t index;  /* position in the heap; SIZE_MAX when not armed */
	ike_timer_fn fn;
	void *userdata;
};

struct ike_timers {
	struct ike_timer **heap;
	size_t n, cap;
};

void ike_timer_init(struct ike_timer *t, ike_timer_fn fn, void *userdata);
/* (Re)arm at `when`; -ENOMEM when the heap cannot grow. */
int ike_timer_arm(struct ike_timers *ts, struct ike_timer *t, uint64_t when);
/* Disarm; a disarmed timer is fine. */
void ike_timer_cancel(struct ike_timers *ts, struct ike_timer *t);
static inline int ike_timer_armed(const struct ike_timer *t)
{
	return t->index != SIZE_MAX;
}
/* Earliest deadline, UINT64_MAX when nothing is armed. */
uint64_t ike_timers_next(const struct ike_timers *ts);
/* Fire every timer due at `now` (each is disarmed before its callback, which may re-arm). */
void ike_timers_run(struct ike_timers *ts, uint64_t now);
void ike_timers_free(struct ike_timers *ts);

#endif /* IKEGW_IKE_TIMER_H */
