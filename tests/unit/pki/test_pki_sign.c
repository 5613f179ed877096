/* pki_tp_sign() / pki_cert_verify(): RSA PKCS#1 v1.5 with SHA-1/SHA-256 (byte-exact
 * against a signature made directly with OpenSSL), RSA without DigestInfo (IKEv1,
 * checked by public-key recovery), ECDSA P-256/P-384 as r||s and DER, and the refusals.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "testpki.h"

static struct tpki_world world;
static struct pki_store *rsa_store, *ec_store;
static EVP_PKEY *ec_ca_key, *p256_key, *p384_key;
static const uint8_t msg[] = "IKE_SA_INIT octets | Nr | prf(SK_pi, IDi')";

static struct pki_store *load(struct pki_trustpoint_def *defs, size_t n)
{
	struct pki_store *s = NULL;
	struct pki_error err;

	if (pki_store_load(defs, n, &s, &err))
		fail_msg("%s", err.msg);
	return s;
}

static int setup(void **state)
{
	struct tpki_cert_spec ca_s = {
	    "/O=example/CN=EC CA", 1, 0, 2000000000, true, TPKI_CA_KU, NULL};
	struct tpki_cert_spec r_s = {"/O=example/CN=gw", 2,   0, 2000000000, false,
				     TPKI_ROUTER_KU,	 NULL};
	struct pki_trustpoint_def defs[3];
	X509 *ca, *c256, *c384;

	if (tpki_world_init(&world))
		return -1;
	tpki_world_defs(&world, 1, defs);
	rsa_store = load(defs, 2);
	ec_ca_key = tpki_ec("P-256");
	p256_key = tpki_ec("P-256");
	p384_key = tpki_ec("P-384");
	ca = tpki_cert(&ca_s, ec_ca_key, NULL, NULL);
	c256 = tpki_cert(&r_s, p256_key, ca, ec_ca_key);
	r_s.serial = 3;
	c384 = tpki_cert(&r_s, p384_key, ca, ec_ca_key);
	defs[0] = (struct pki_trustpoint_def){
	    .name = "ECP256",
	    .index = 0,
	    .ca_certificate = tpki_write_cert(&world.dir, "ecca.pem", ca),
	    .certificate = tpki_write_cert(&world.dir, "p256.pem", c256),
	    .private_key = tpki_write_key(&world.dir, "p256.key", p256_key, NULL)};
	defs[1] = (struct pki_trustpoint_def){
	    .name = "ECP384",
	    .index = 1,
	    .ca_certificate = defs[0].ca_certificate,
	    .certificate = tpki_write_cert(&world.dir, "p384.pem", c384),
	    .private_key = tpki_write_key(&world.dir, "p384.key", p384_key, NULL)};
	defs[2] = (struct pki_trustpoint_def){
	    .name = "CAONLY", .index = 2, .ca_certificate = defs[0].ca_certificate};
	ec_store = load(defs, 3);
	X509_free(ca);
	X509_free(c256);
	X509_free(c384);
	return 0;
}

static int teardown(void **state)
{
	pki_store_free(rsa_store);
	pki_store_free(ec_store);
	EVP_PKEY_free(ec_ca_key);
	EVP_PKEY_free(p256_key);
	EVP_PKEY_free(p384_key);
	tpki_world_free(&world);
	return 0;
}

/* The peer's view: its certificate as received in a CERT payload. */
static struct pki_cert *as_peer(const struct pki_cert *own)
{
	struct pki_cert *c = NULL;
	size_t len;
	const uint8_t *der = pki_cert_der(own, &len);

	assert_int_equal(pki_cert_from_der(der, len, &c, NULL), 0);
	return c;
}

static void rsa_case(enum pki_hash hash, const EVP_MD *md)
{
	const struct pki_trustpoint *tp = pki_store_find(rsa_store, "IOSCA1");
	struct pki_cert *peer = as_peer(pki_tp_cert(tp));
	const struct pki_cert *r2 = pki_tp_cert(pki_store_find(rsa_store, "IOSCA2"));
	uint8_t *sig = NULL, expect[512];
	size_t len = 0, expect_len = sizeof(expect);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	assert_int_equal(pki_tp_sign(tp, hash, 0, msg, sizeof(msg), &sig, &len), 0);
	assert_int_equal(len, 256);
	/* PKCS#1 v1.5 is deterministic: the same bytes as OpenSSL signing directly. */
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, md, NULL, world.r1_key), 1);
	assert_int_equal(EVP_DigestSign(ctx, expect, &expect_len, msg, sizeof(msg)), 1);
	assert_int_equal(expect_len, len);
	assert_memory_equal(sig, expect, len);

	assert_int_equal(pki_cert_verify(peer, hash, 0, msg, sizeof(msg), sig, len), 0);
	/* Same key, other certificate (R1's IOSCA2 one): also valid. */
	assert_int_equal(pki_cert_verify(r2, hash, 0, msg, sizeof(msg), sig, len), 0);
	assert_int_equal(pki_cert_verify(peer, hash, 0, msg, sizeof(msg) - 1, sig, len), -EBADMSG);
	assert_int_equal(pki_cert_verify(peer,
					 hash == PKI_HASH_SHA1 ? PKI_HASH_SHA256 : PKI_HASH_SHA1, 0,
					 msg, sizeof(msg), sig, len),
			 -EBADMSG);
	sig[10] ^= 0x40;
	assert_int_equal(pki_cert_verify(peer, hash, 0, msg, sizeof(msg), sig, len), -EBADMSG);
	assert_int_equal(pki_cert_verify(peer, hash, 0, msg, sizeof(msg), sig, len - 1), -EBADMSG);
	EVP_MD_CTX_free(ctx);
	free(sig);
	pki_cert_free(peer);
}

static void pki_sign_rsa_pkcs1(void **state)
{
	rsa_case(PKI_HASH_SHA1, EVP_sha1());
	rsa_case(PKI_HASH_SHA256, EVP_sha256());
	rsa_case(PKI_HASH_SHA512, EVP_sha512());
}

static void pki_sign_rsa_ikev1_raw(void **state)
{
	const struct pki_trustpoint *tp = pki_store_find(rsa_store, "IOSCA2");
	const struct pki_cert *own = pki_tp_cert(tp);
	struct pki_cert *r2peer;
	uint8_t hash_i[20], big[300], rec[256], *sig = NULL;
	size_t len = 0, rec_len = sizeof(rec);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(world.r1_key, NULL);
	struct pki_trustpoint_def defs[2];
	struct pki_store *r2;

	for (size_t i = 0; i < sizeof(hash_i); i++)
		hash_i[i] = (uint8_t)(0xa0 + i);
	assert_int_equal(pki_tp_sign(tp, PKI_HASH_NONE, 0, hash_i, sizeof(hash_i), &sig, &len), 0);
	assert_int_equal(len, 256);
	/* RFC 2409 5.1: the public-key operation gives back HASH_I itself, no DigestInfo. */
	assert_int_equal(EVP_PKEY_verify_recover_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
	assert_int_equal(EVP_PKEY_verify_recover(ctx, rec, &rec_len, sig, len), 1);
	assert_int_equal(rec_len, sizeof(hash_i));
	assert_memory_equal(rec, hash_i, sizeof(hash_i));
	assert_int_equal(pki_cert_verify(own, PKI_HASH_NONE, 0, hash_i, sizeof(hash_i), sig, len),
			 0);
	hash_i[0] ^= 1;
	assert_int_equal(pki_cert_verify(own, PKI_HASH_NONE, 0, hash_i, sizeof(hash_i), sig, len),
			 -EBADMSG);
	/* R2's key did not make this signature. */
	tpki_world_defs(&world, 2, defs);
	r2 = load(defs, 2);
	r2peer = as_peer(pki_tp_cert(pki_store_at(r2, 0)));
	hash_i[0] ^= 1;
	assert_int_equal(
	    pki_cert_verify(r2peer, PKI_HASH_NONE, 0, hash_i, sizeof(hash_i), sig, len), -EBADMSG);
	free(sig);
	/* Longer than the modulus allows with PKCS#1 type 1 padding. */
	memset(big, 1, sizeof(big));
	assert_int_equal(pki_tp_sign(tp, PKI_HASH_NONE, 0, big, sizeof(big), &sig, &len), -EIO);
	EVP_PKEY_CTX_free(ctx);
	pki_cert_free(r2peer);
	pki_store_free(r2);
}

/* r||s -> DER, independently of the module, for a direct OpenSSL verification. */
static int direct_verify_raw(EVP_PKEY *key, const EVP_MD *md, const uint8_t *raw, size_t len)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)len / 2, NULL),
	       *s = BN_bin2bn(raw + len / 2, (int)len / 2, NULL);
	unsigned char *der = NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int n, ok;

	assert_true(ECDSA_SIG_set0(es, r, s));
	n = i2d_ECDSA_SIG(es, &der);
	assert_true(n > 0);
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, md, NULL, key), 1);
	ok = EVP_DigestVerify(ctx, der, (size_t)n, msg, sizeof(msg));
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	return ok;
}

static void ecdsa_case(const char *tp_name, enum pki_key_type type, EVP_PKEY *key,
		       enum pki_hash hash, const EVP_MD *md, size_t raw_len)
{
	const struct pki_trustpoint *tp = pki_store_find(ec_store, tp_name);
	struct pki_cert *peer = as_peer(pki_tp_cert(tp));
	uint8_t *sig = NULL, *der = NULL;
	size_t len = 0, der_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	assert_int_equal(pki_tp_key_type(tp), type);
	assert_int_equal(pki_cert_key_type(peer), type);
	assert_int_equal(pki_tp_sign(tp, hash, 0, msg, sizeof(msg), &sig, &len), 0);
	assert_int_equal(len, raw_len);
	assert_int_equal(direct_verify_raw(key, md, sig, len), 1);
	assert_int_equal(pki_cert_verify(peer, hash, 0, msg, sizeof(msg), sig, len), 0);
	assert_int_equal(pki_cert_verify(peer, hash, 0, msg, sizeof(msg), sig, len - 1), -EBADMSG);
	sig[len - 1] ^= 1;
	assert_int_equal(pki_cert_verify(peer, hash, 0, msg, sizeof(msg), sig, len), -EBADMSG);

	assert_int_equal(pki_tp_sign(tp, hash, PKI_SIG_ECDSA_DER, msg, sizeof(msg), &der, &der_len),
			 0);
	assert_int_equal(der[0], 0x30);
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, md, NULL, key), 1);
	assert_int_equal(EVP_DigestVerify(ctx, der, der_len, msg, sizeof(msg)), 1);
	assert_int_equal(
	    pki_cert_verify(peer, hash, PKI_SIG_ECDSA_DER, msg, sizeof(msg), der, der_len), 0);
	/* A DER signature read as r||s (or the reverse) does not verify. */
	assert_int_equal(pki_cert_verify(peer, hash, 0, msg, sizeof(msg), der, der_len), -EBADMSG);
	assert_int_equal(pki_cert_verify(peer, hash, PKI_SIG_ECDSA_DER, msg, sizeof(msg), sig, len),
			 -EBADMSG);
	EVP_MD_CTX_free(ctx);
	free(sig);
	free(der);
	pki_cert_free(peer);
}

static void pki_sign_ecdsa(void **state)
{
	ecdsa_case("ECP256", PKI_KEY_ECDSA_P256, p256_key, PKI_HASH_SHA256, EVP_sha256(), 64);
	ecdsa_case("ECP384", PKI_KEY_ECDSA_P384, p384_key, PKI_HASH_SHA384, EVP_sha384(), 96);
}

/* PKI_HASH_NONE signs the given digest: same as hashing the message first. */
static void pki_sign_ecdsa_prehashed(void **state)
{
	const struct pki_trustpoint *tp = pki_store_find(ec_store, "ECP256");
	uint8_t digest[32], *sig = NULL;
	unsigned int dlen = 0;
	size_t len = 0;

	assert_int_equal(EVP_Digest(msg, sizeof(msg), digest, &dlen, EVP_sha256(), NULL), 1);
	assert_int_equal(pki_tp_sign(tp, PKI_HASH_NONE, 0, digest, dlen, &sig, &len), 0);
	assert_int_equal(len, 64);
	assert_int_equal(
	    pki_cert_verify(pki_tp_cert(tp), PKI_HASH_SHA256, 0, msg, sizeof(msg), sig, len), 0);
	assert_int_equal(pki_cert_verify(pki_tp_cert(tp), PKI_HASH_NONE, 0, digest, dlen, sig, len),
			 0);
	free(sig);
}

static void pki_sign_refusals(void **state)
{
	const struct pki_trustpoint *rsa = pki_store_find(rsa_store, "IOSCA1");
	const struct pki_trustpoint *ec = pki_store_find(ec_store, "ECP256");
	const struct pki_trustpoint *ca = pki_store_find(ec_store, "CAONLY");
	uint8_t *sig = NULL, s[64] = {1};
	size_t len = 0;

	assert_int_equal(pki_tp_sign(ca, PKI_HASH_SHA256, 0, msg, sizeof(msg), &sig, &len),
			 -ENOKEY);
	assert_int_equal(
	    pki_tp_sign(rsa, PKI_HASH_SHA256, PKI_SIG_ECDSA_DER, msg, sizeof(msg), &sig, &len),
	    -EINVAL);
	assert_int_equal(pki_tp_sign(ec, PKI_HASH_SHA256, 0x80, msg, sizeof(msg), &sig, &len),
			 -EINVAL);
	assert_int_equal(pki_tp_sign(ec, (enum pki_hash)99, 0, msg, sizeof(msg), &sig, &len),
			 -EINVAL);
	assert_int_equal(pki_tp_sign(ec, PKI_HASH_SHA256, 0, msg, 0, &sig, &len), -EINVAL);
	assert_null(sig);
	assert_int_equal(pki_cert_verify(pki_tp_cert(rsa), PKI_HASH_SHA256, PKI_SIG_ECDSA_DER, msg,
					 sizeof(msg), s, sizeof(s)),
			 -EINVAL);
	assert_int_equal(
	    pki_cert_verify(pki_tp_cert(ec), PKI_HASH_SHA256, 0, msg, sizeof(msg), s, 0), -EBADMSG);
	assert_int_equal(pki_tp_key_type(ca), PKI_KEY_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pki_sign_rsa_pkcs1), cmocka_unit_test(pki_sign_rsa_ikev1_raw),
	    cmocka_unit_test(pki_sign_ecdsa),	  cmocka_unit_test(pki_sign_ecdsa_prehashed),
	    cmocka_unit_test(pki_sign_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
