/*
 * Index of the parser: (array, key) -> object, so that finding a profile, keyring, interface,
 * route or pre-shared key costs the same for the ten-thousandth one as for the first. The
 * model's arrays stay the source of order; this index lives only while a file is loaded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

struct cfg_index_entry {
	const void *kind; /* address of the array field, e.g. &cfg->interfaces */
	const char *name; /* the key (a name, or a route's text); NULL: empty; TOMBSTONE */
	void *obj;
};

static const char tombstone[1];
#define TOMBSTONE tombstone

static size_t hash(const void *kind, const char *name)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)kind;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

static struct cfg_index_entry *slot_of(struct cfg_parser *p, const void *kind, const char *name)
{
	size_t mask = p->index_cap - 1;

	for (size_t i = hash(kind, name) & mask;; i = (i + 1) & mask) {
		struct cfg_index_entry *e = &p->index[i];

		if (!e->name)
			return e;
		if (e->name != TOMBSTONE && e->kind == kind && strcmp(e->name, name) == 0)
			return e;
	}
}

static int grow(struct cfg_parser *p)
{
	struct cfg_index_entry *old = p->index;
	size_t old_cap = p->index_cap, cap = old_cap ? old_cap * 2 : 256;

	p->index = calloc(cap, sizeof(*p->index));
	if (!p->index) {
		p->index = old;
		errno = ENOMEM;
		return -ENOMEM;
	}
	p->index_cap = cap;
	p->index_used = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i].name || old[i].name == TOMBSTONE)
			continue;
		*slot_of(p, old[i].kind, old[i].name) = old[i];
		p->index_used++;
	}
	free(old);
	return 0;
}

void *cfg_index_get(struct cfg_parser *p, const void *kind, const char *key)
{
	struct cfg_index_entry *e;

	if (!p->index_cap)
		return NULL;
	e = slot_of(p, kind, key);
	return e->name ? e->obj : NULL;
}

int cfg_index_put(struct cfg_parser *p, const void *kind, const char *key, void *obj)
{
	struct cfg_index_entry *e;

	if ((p->index_used + 1) * 2 > p->index_cap && grow(p) < 0)
		return cfg_oom(p);
	e = slot_of(p, kind, key);
	if (!e->name)
		p->index_used++;
	*e = (struct cfg_index_entry){ .kind = kind, .name = key, .obj = obj };
	return 0;
}

void cfg_index_del(struct cfg_parser *p, const void *kind, const char *key, const void *obj)
{
	struct cfg_index_entry *e;

	if (!p->index_cap)
		return;
	e = slot_of(p, kind, key);
	if (e->name && e->obj == obj)
		e->name = TOMBSTONE; /* still counted in index_used until the next grow */
}

void *cfg_named_find(struct cfg_parser *p, void *arr_field, const char *name)
{
	return cfg_index_get(p, arr_field, name);
}

int cfg_named_add(struct cfg_parser *p, void *arr_field, size_t *n, void *obj)
{
	void ***arr = arr_field;
	void **slot = cfg_append(p->arena, arr, n, sizeof(**arr));

	if (!slot)
		return cfg_oom(p);
	*slot = obj;
	return cfg_index_put(p, arr_field, *(const char **)obj, obj);
}

void cfg_ptr_remove(void *arr_field, size_t *n, const void *obj)
{
	void **arr = *(void ***)arr_field;

	for (size_t i = 0; i < *n; i++) {
		if (arr[i] == obj) {
			cfg_remove(arr, n, sizeof(*arr), i);
			return;
		}
	}
}

void cfg_named_remove(struct cfg_parser *p, void *arr_field, size_t *n, const void *obj)
{
	cfg_ptr_remove(arr_field, n, obj);
	cfg_index_del(p, arr_field, *(const char *const *)obj, obj);
}

void cfg_index_free(struct cfg_parser *p)
{
	free(p->index);
	p->index = NULL;
	p->index_cap = p->index_used = 0;
}
