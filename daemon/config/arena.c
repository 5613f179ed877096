/*
 * The arena that owns a whole configuration model: one list of chunks, freed (and wiped,
 * since the model holds pre-shared keys) in one go by config_free().
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define ARENA_CHUNK 16384
#define ARENA_ALIGN 16

struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	max_align_t data[];
};

struct config_arena {
	struct arena_chunk *head;
};

struct config_arena *cfg_arena_new(void)
{
	return calloc(1, sizeof(struct config_arena));
}

void cfg_arena_free(struct config_arena *a)
{
	struct arena_chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		explicit_bzero(c->data, c->used);
		free(c);
	}
	free(a);
}

void *cfg_alloc(struct config_arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *ret;

	if (size == 0 || need < size)
		need = ARENA_ALIGN;
	if (!c || c->size - c->used < need) {
		size_t sz = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = malloc(sizeof(*c) + sz);
		if (!c)
			return NULL;
		c->size = sz;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	ret = (char *)c->data + c->used;
	c->used += need;
	memset(ret, 0, need);
	return ret;
}

char *cfg_strndup(struct config_arena *a, const char *s, size_t n)
{
	char *d = cfg_alloc(a, n + 1);

	if (d)
		memcpy(d, s, n);
	return d;
}

char *cfg_strdup(struct config_arena *a, const char *s)
{
	return cfg_strndup(a, s, strlen(s));
}

void *cfg_append(struct config_arena *a, void *arr_ptr, size_t *n, size_t elem)
{
	char **arr = arr_ptr;
	size_t cnt = *n;

	if (cnt >= CFG_MAX_ITEMS) {
		errno = E2BIG;
		return NULL;
	}
	errno = ENOMEM;
	if (cnt == 0 || (cnt >= 4 && (cnt & (cnt - 1)) == 0)) {
		size_t cap = cnt ? cnt * 2 : 4;
		char *na;

		if (cap > SIZE_MAX / elem)
			return NULL;
		na = cfg_alloc(a, cap * elem);
		if (!na)
			return NULL;
		if (cnt)
			memcpy(na, *arr, cnt * elem);
		*arr = na;
	}
	*n = cnt + 1;
	memset(*arr + cnt * elem, 0, elem);
	return *arr + cnt * elem;
}

void cfg_remove(void *arr, size_t *n, size_t elem, size_t i)
{
	char *base = arr;

	if (i >= *n)
		return;
	memmove(base + i * elem, base + (i + 1) * elem, (*n - i - 1) * elem);
	(*n)--;
}
