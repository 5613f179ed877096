/*
 * Entry points of the configuration module: load a file or a buffer into a new immutable
 * model (parse, then resolve; all problems collected), free a model, look objects up.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"

static void set_defaults(struct config *cfg)
{
	cfg->isakmp_keepalive_retry = 2;
	cfg->isakmp_keepalive_mode = CONFIG_KEEPALIVE_ON_DEMAND;
	cfg->ipsec_lifetime.seconds = 3600;
	cfg->ipsec_lifetime.kilobytes = 4608000;
	cfg->replay_window = 64;
	cfg->df_bit = CONFIG_DF_BIT_COPY;
}

/* Problems in line order: reference errors found after parsing join the parse errors. */
static void sort_diag(struct config_diag *d, size_t from)
{
	if (!d)
		return;
	for (size_t i = from + 1; i < d->n_entries; i++) {
		struct config_diag_entry e = d->entries[i];
		size_t j = i;

		while (j > from && d->entries[j - 1].line > e.line) {
			d->entries[j] = d->entries[j - 1];
			j--;
		}
		d->entries[j] = e;
	}
}

int config_load_buffer(const char *name, const char *base_dir, const char *buf, size_t len,
		       struct config **ret, struct config_diag *diag)
{
	struct cfg_parser p = { .diag = diag, .file = name ? name : "<config>" };
	struct config_arena *arena;
	struct config *cfg;
	size_t first = diag ? diag->n_entries : 0;
	int r;

	*ret = NULL;
	if (len > CONFIG_MAX_INPUT) {
		config_diag_add(diag, p.file, 0, CONFIG_SEV_ERROR,
				"configuration larger than %u bytes", CONFIG_MAX_INPUT);
		return -EFBIG;
	}
	arena = cfg_arena_new();
	if (!arena)
		return -ENOMEM;
	cfg = cfg_alloc(arena, sizeof(*cfg));
	if (!cfg || !(cfg->file = cfg_strdup(arena, p.file))) {
		cfg_arena_free(arena);
		return -ENOMEM;
	}
	cfg->arena = arena;
	set_defaults(cfg);
	p.cfg = cfg;
	p.arena = arena;
	p.base_dir = base_dir;

	r = cfg_parse(&p, buf, len);
	if (r == 0)
		r = cfg_resolve(&p);
	sort_diag(diag, first);
	cfg_index_free(&p);
	if ((r == 0 && p.n_errors) || r == -E2BIG)
		r = -EINVAL;
	if (r < 0) {
		if (r == -ENOMEM)
			config_diag_add(diag, p.file, 0, CONFIG_SEV_ERROR, "out of memory");
		cfg_arena_free(arena);
		return r;
	}
	*ret = cfg;
	return 0;
}

static int read_all(int fd, char **ret, size_t *ret_len)
{
	struct stat st;
	size_t cap, len = 0;
	char *buf;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size > (off_t)CONFIG_MAX_INPUT)
		return -EFBIG;
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (cap > CONFIG_MAX_INPUT) {
				explicit_bzero(buf, len);
				free(buf);
				return -EFBIG;
			}
			nb = malloc(cap * 2);
			if (!nb) {
				explicit_bzero(buf, len);
				free(buf);
				return -ENOMEM;
			}
			memcpy(nb, buf, len);
			explicit_bzero(buf, len);
			free(buf);
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;

			explicit_bzero(buf, len);
			free(buf);
			return e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

int config_load_file(const char *path, struct config **ret, struct config_diag *diag)
{
	char *buf = NULL, *dir;
	const char *slash;
	size_t len = 0;
	int fd, r;

	*ret = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		config_diag_add(diag, path, 0, CONFIG_SEV_ERROR, "cannot open: %s", strerror(-r));
		return r;
	}
	r = read_all(fd, &buf, &len);
	close(fd);
	if (r < 0) {
		config_diag_add(diag, path, 0, CONFIG_SEV_ERROR, "cannot read: %s",
				r == -EFBIG ? "file too large" : strerror(-r));
		return r;
	}
	slash = strrchr(path, '/');
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir) {
		explicit_bzero(buf, len);
		free(buf);
		return -ENOMEM;
	}
	r = config_load_buffer(path, dir, buf, len, ret, diag);
	explicit_bzero(buf, len); /* it holds pre-shared keys */
	free(buf);
	free(dir);
	return r;
}

void config_free(struct config *cfg)
{
	if (cfg)
		cfg_arena_free(cfg->arena); /* cfg itself lives in the arena */
}

const struct config_trustpoint *config_find_trustpoint(const struct config *cfg, const char *name)
{
	return cfg_find_named(cfg->trustpoints, cfg->n_trustpoints, name);
}

const struct config_isakmp_profile *config_find_isakmp_profile(const struct config *cfg,
							       const char *name)
{
	return cfg_find_named(cfg->isakmp_profiles, cfg->n_isakmp_profiles, name);
}

const struct config_ikev2_profile *config_find_ikev2_profile(const struct config *cfg,
							     const char *name)
{
	return cfg_find_named(cfg->ikev2_profiles, cfg->n_ikev2_profiles, name);
}

const struct config_ipsec_profile *config_find_ipsec_profile(const struct config *cfg,
							     const char *name)
{
	return cfg_find_named(cfg->ipsec_profiles, cfg->n_ipsec_profiles, name);
}

const struct config_interface *config_find_interface(const struct config *cfg, const char *name)
{
	char copy[128], canon[96], err[160], *words[2], *sp;
	size_t n = 1;

	if (strlen(name) >= sizeof(copy))
		return NULL;
	strcpy(copy, name);
	words[0] = copy;
	sp = strchr(copy, ' ');
	if (sp) {
		*sp = '\0';
		words[1] = sp + 1;
		n = 2;
	}
	if (cfg_parse_ifname(words, n, canon, sizeof(canon), err, sizeof(err)) != (int)n)
		return NULL;
	return cfg_find_named(cfg->interfaces, cfg->n_interfaces, canon);
}
