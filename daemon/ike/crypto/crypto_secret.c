/* Secret byte buffers wiped on release (struct ike_secret), and the random source.
 * All key material of the IKE engine lives in ike_secret so there is one place that wipes.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike_crypto.h"

void ike_secret_free(struct ike_secret *s)
{
	if (!s)
		return;
	if (s->ptr) {
		OPENSSL_cleanse(s->ptr, s->len);
		OPENSSL_free(s->ptr);
	}
	s->ptr = NULL;
	s->len = 0;
}

int ike_secret_alloc(struct ike_secret *s, size_t len)
{
	uint8_t *p = NULL;

	if (!s)
		return -EINVAL;
	if (len) {
		p = OPENSSL_zalloc(len);
		if (!p)
			return -ENOMEM;
	}
	ike_secret_free(s);
	s->ptr = p;
	s->len = len;
	return 0;
}

int ike_secret_set(struct ike_secret *s, const void *data, size_t len)
{
	struct ike_secret n = { 0 };
	int r;

	if (!s || (len && !data))
		return -EINVAL;
	/* copy before freeing the old bytes: data may point into them */
	r = ike_secret_alloc(&n, len);
	if (r < 0)
		return r;
	if (len)
		memcpy(n.ptr, data, len);
	ike_secret_free(s);
	*s = n;
	return 0;
}

int ike_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	if (len && !buf)
		return -EINVAL;
	while (len) {
		int n = len > INT_MAX ? INT_MAX : (int)len;

		if (RAND_bytes(p, n) != 1)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
