/*
 * The engines' timer heap (ike_timer.h): a binary min-heap keyed by deadline, each handle
 * knowing its own position so cancel and re-arm need no search.
 */
#include <errno.h>
#include <stdlib.h>

#include "ike_timer.h"

void ike_timer_init(struct ike_timer *t, ike_timer_fn fn, void *userdata)
{
	t->when = 0;
	t->index = SIZE_MAX;
	t->fn = fn;
	t->userdata = userdata;
}

static void put(struct ike_timers *ts, size_t i, struct ike_timer *t)
{
	ts->heap[i] = t;
	t->index = i;
}

static void sift_up(struct ike_timers *ts, size_t i)
{
	struct ike_timer *t = ts->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (ts->heap[parent]->when <= t->when)
			break;
		put(ts, i, ts->heap[parent]);
		i = parent;
	}
	put(ts, i, t);
}

static void sift_down(struct ike_timers *ts, size_t i)
{
	struct ike_timer *t = ts->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= ts->n)
			break;
		if (c + 1 < ts->n && ts->heap[c + 1]->when < ts->heap[c]->when)
			c++;
		if (t->when <= ts->heap[c]->when)
			break;
		put(ts, i, ts->heap[c]);
		i = c;
	}
	put(ts, i, t);
}

void ike_timer_cancel(struct ike_timers *ts, struct ike_timer *t)
{
	size_t i = t->index;
	struct ike_timer *last;

	if (i == SIZE_MAX || i >= ts->n || ts->heap[i] != t)
		return;
	t->index = SIZE_MAX;
	last = ts->heap[--ts->n];
	if (i == ts->n)
		return;
	put(ts, i, last);
	sift_down(ts, i);
	sift_up(ts, last->index);
}

int ike_timer_arm(struct ike_timers *ts, struct ike_timer *t, uint64_t when)
{
	ike_timer_cancel(ts, t);
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 64;
		struct ike_timer **h = realloc(ts->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		ts->heap = h;
		ts->cap = cap;
	}
	t->when = when;
	put(ts, ts->n++, t);
	sift_up(ts, t->index);
	return 0;
}

uint64_t ike_timers_next(const struct ike_timers *ts)
{
	return ts->n ? ts->heap[0]->when : UINT64_MAX;
}

void ike_timers_run(struct ike_timers *ts, uint64_t now)
{
	while (ts->n && ts->heap[0]->when <= now) {
		struct ike_timer *t = ts->heap[0];

		ike_timer_cancel(ts, t);
		t->fn(t, t->userdata);
	}
}

void ike_timers_free(struct ike_timers *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		ts->heap[i]->index = SIZE_MAX;
	free(ts->heap);
	ts->heap = NULL;
	ts->n = ts->cap = 0;
}
