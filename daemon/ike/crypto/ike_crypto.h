/* IKE crypto primitives over OpenSSL 3 EVP: secrets, Diffie-Hellman (MODP, ECP, X25519),
 * PRF/prf+, integrity, SK payload protection and IKEv2 key derivation (RFC 7296), IKEv1 key
 * derivation and CBC (RFC 2409).
 * Transform IDs are the IKEv2 ones of wire_types.h (WIRE_ENCR_*, WIRE_PRF_*, ...).
 * Functions return 0 or -errno; -EOPNOTSUPP for a transform this library does not have.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire_types.h"

/*
 * Secret bytes: heap, wiped with OPENSSL_cleanse on free/reset. A zeroed struct is empty.
 * Every function that fills a secret (alloc, set, the ret_ of derivations) replaces what it
 * held, so pass a zeroed or valid one, never uninitialised memory.
 */
struct ike_secret {
	uint8_t *ptr;
	size_t len;
};
int ike_secret_alloc(struct ike_secret *s, size_t len);			/* zero-filled */
int ike_secret_set(struct ike_secret *s, const void *data, size_t len); /* replaces */
void ike_secret_free(struct ike_secret *s);				/* NULL/empty ok */

/* ---- Diffie-Hellman / key exchange, IANA group numbers ---- */

/* 2,5,14,15,16 (MODP RFC 2409/3526), 19,20,21 (ECP RFC 5903), 31 (X25519 RFC 8031) */
bool ike_dh_supported(uint16_t group);
/* KE data length: MODP = prime bytes, ECP = 2*coord (x||y, no 0x04 prefix, RFC 5903),
 * X25519 = 32; 0 if unsupported. */
size_t ike_dh_public_len(uint16_t group);
struct ike_dh;
int ike_dh_new(uint16_t group, struct ike_dh **ret); /* generates a key pair */
/* MODP left-padded to prime length; -ENOBUFS if size < ike_dh_public_len */
int ike_dh_public(const struct ike_dh *dh, uint8_t *buf, size_t size, size_t *ret_len);
/*
 * MODP: shared secret left-padded to prime length (RFC 7296 2.14 says g^ir is padded);
 * ECP: x coordinate only (RFC 5903 sec 7); X25519: 32 bytes (RFC 8031).
 * -EBADMSG for a wrong length or invalid peer value: MODP outside 1 < y < p-1 or not in the
 * prime-order subgroup, ECP points not on the curve, X25519 giving an all-zero secret.
 */
int ike_dh_derive(struct ike_dh *dh, const uint8_t *peer, size_t len, struct ike_secret *ret);
void ike_dh_free(struct ike_dh *dh); /* NULL ok */
uint16_t ike_dh_group(const struct ike_dh *dh);

/* ---- PRF (IKEv2 transform type 2 IDs: HMAC_MD5, HMAC_SHA1, HMAC_SHA2_256/384/512) ---- */
bool ike_prf_supported(uint16_t prf);
size_t ike_prf_len(uint16_t prf); /* output length = preferred key length; 0 if unsupported */
/* out: ike_prf_len bytes */
int ike_prf(uint16_t prf, const void *key, size_t klen, const void *data, size_t dlen,
	    uint8_t *out);
/* prf+ (RFC 7296 2.13): out_len bytes of T1|T2|..., -EINVAL if more than 255 blocks */
int ike_prf_plus(uint16_t prf, const void *key, size_t klen, const void *seed, size_t slen,
		 uint8_t *out, size_t out_len);

/* ---- integrity (transform type 3: HMAC_MD5_96, HMAC_SHA1_96, HMAC_SHA2_256_128, _384_192,
 * _512_256) ---- */
bool ike_integ_supported(uint16_t integ);
size_t ike_integ_keylen(uint16_t integ); /* 16, 20, 32, 48, 64 */
size_t ike_integ_icvlen(uint16_t integ); /* 12, 12, 16, 24, 32 */
/* key is ike_integ_keylen bytes; icv receives ike_integ_icvlen bytes (truncated HMAC) */
int ike_integ(uint16_t integ, const void *key, const void *data, size_t len, uint8_t *icv);

/* ---- encryption of SK payloads (transform type 1: 3DES, AES_CBC 128/192/256,
 * AES_GCM_8/12/16 128/192/256, CHACHA20_POLY1305) ---- */
struct ike_sk_suite {
	uint16_t encr;
	uint16_t key_bits; /* AES: 128/192/256; 3DES 192; chacha 256 (0 accepted for both) */
	uint16_t integ;	   /* WIRE_INTEG_NONE for AEAD */
};
bool ike_encr_supported(uint16_t encr, uint16_t key_bits);
bool ike_encr_is_aead(uint16_t encr);
/* SK_e key length: AES key bytes (+4 salt for GCM, RFC 5282; +4 for ChaCha20-Poly1305,
 * RFC 7634), 24 for 3DES; 0 if unsupported */
size_t ike_encr_keylen(uint16_t encr, uint16_t key_bits);
/* The whole suite: encr supported, AEAD with integ NONE or CBC with a supported integ. */
bool ike_sk_suite_supported(const struct ike_sk_suite *s);
/* Bytes of caller-supplied IV ike_sk_encrypt takes: 8 for AEAD, the block size for CBC. */
size_t ike_sk_iv_len(const struct ike_sk_suite *s);
/*
 * Bytes the SK body needs for `plain_len` bytes of inner payloads: IV (8 for GCM/ChaCha,
 * block for CBC) + padded ciphertext incl. pad length byte + ICV (16 for AEAD (8/12 for
 * AES_GCM_8/12), integ icvlen otherwise). Pad to the block size for CBC, no padding (pad length
 * 0) for AEAD. 0 if the suite is unsupported.
 */
size_t ike_sk_body_len(const struct ike_sk_suite *s, size_t plain_len);
/* Largest plain_len whose ike_sk_body_len() fits in body_max (RFC 7383 fragment sizing). */
size_t ike_sk_plain_max(const struct ike_sk_suite *s, size_t body_max);
/*
 * Fill body (body_len = ike_sk_body_len(s, plain_len)) = IV | E(plain | pad | padlen) | ICV.
 * aad = the message from byte 0 through the SK payload header (as wire_build_sk's layout says);
 * for AEAD the AAD is exactly that (RFC 5282 sec 5.1); for CBC+HMAC the ICV is computed over
 * aad | IV | ciphertext (the whole message minus the ICV), so the caller passes aad and body
 * located in ONE contiguous buffer: aad pointer = message start, body = message + aad_len.
 * iv: caller-supplied random bytes (8 for AEAD, block size for CBC) so tests are deterministic.
 * plain must not overlap the body. ek/ak: ike_encr_keylen / ike_integ_keylen bytes (ak unused
 * and may be NULL for AEAD); -EINVAL on a wrong key length.
 */
int ike_sk_encrypt(const struct ike_sk_suite *s, const struct ike_secret *ek,
		   const struct ike_secret *ak, uint8_t *msg, size_t aad_len, const uint8_t *plain,
		   size_t plain_len, const uint8_t *iv);
/*
 * Verify and decrypt body (msg + aad_len, body_len bytes) into out (size >= body_len);
 * *ret_len = inner payload bytes (padding removed). -EBADMSG on ICV failure or bad
 * padding/length. Constant-time ICV compare. out is wiped on failure.
 */
int ike_sk_decrypt(const struct ike_sk_suite *s, const struct ike_secret *ek,
		   const struct ike_secret *ak, const uint8_t *msg, size_t aad_len, size_t body_len,
		   uint8_t *out, size_t *ret_len);

/* ---- IKEv2 key derivation (RFC 7296 2.14, 2.18, 2.17) ---- */
struct ike_v2_keys {
	struct ike_secret d, ai, ar, ei, er, pi, pr;
};
/*
 * SKEYSEED = prf(Ni | Nr, g^ir); {SK_d,ai,ar,ei,er,pi,pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
 * For AES-GCM/ChaCha ai/ar are empty (integ NONE). HMAC PRFs take Ni | Nr as the key directly
 * (the fixed-key-size rule of 2.14 concerns AES-XCBC/CMAC, which are not supported).
 * ret is replaced on success (pass zeroed or valid keys); it may alias an input's owner.
 */
int ike_v2_derive(uint16_t prf, const struct ike_sk_suite *s, const uint8_t *ni, size_t ni_len,
		  const uint8_t *nr, size_t nr_len, const struct ike_secret *gir,
		  const uint8_t spii[8], const uint8_t spir[8], struct ike_v2_keys *ret);
/*
 * IKE SA rekey (2.18): SKEYSEED = prf(SK_d(old), g^ir(new) | Ni | Nr), then as above with the
 * NEW SPIs; old_prf is the old SA's prf for the SKEYSEED step and prf the new SA's for prf+.
 * gir is required. old_d may point into ret (e.g. &keys.d with ret = &keys).
 */
int ike_v2_derive_rekey(uint16_t old_prf, const struct ike_secret *old_d, uint16_t prf,
			const struct ike_sk_suite *s, const struct ike_secret *gir,
			const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
			const uint8_t spii[8], const uint8_t spir[8], struct ike_v2_keys *ret);
void ike_v2_keys_free(struct ike_v2_keys *k); /* NULL ok */
/* CHILD_SA KEYMAT = prf+(SK_d, [g^ir (new)] | Ni | Nr), len bytes (2.17); gir NULL without PFS. */
int ike_v2_child_keymat(uint16_t prf, const struct ike_secret *sk_d, const struct ike_secret *gir,
			const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
			size_t len, struct ike_secret *ret);
/* PSK AUTH (2.15): prf(prf(psk, "Key Pad for IKEv2"), octets); out ike_prf_len bytes */
int ike_v2_psk_auth(uint16_t prf, const void *psk, size_t psk_len, const uint8_t *octets,
		    size_t len, uint8_t *out);
/*
 * Signed octets (2.15): first message | Nonce of the other side | prf(SK_p, IDx') (IDx' = the
 * ID payload body: type, 3 reserved bytes, data); result allocated into ret.
 */
int ike_v2_signed_octets(uint16_t prf, const struct ike_secret *sk_p, const uint8_t *msg,
			 size_t msg_len, const uint8_t *nonce, size_t nonce_len,
			 const uint8_t *id_body, size_t id_len, struct ike_secret *ret);

/* ---- random ---- */
int ike_random(void *buf, size_t len); /* RAND_bytes; -EIO if the DRBG fails */

/* ---- ESP transform key lengths for the CHILD_SA (ESP transform IDs are the same IKEv2 IDs) */
/* AES-CBC key, GCM key+4 salt (AES_GCM_8/12/16), ChaCha 32+4, 3DES 24; 0 if unsupported */
size_t ike_esp_encr_keylen(uint16_t encr, uint16_t key_bits);
size_t ike_esp_integ_keylen(uint16_t integ); /* as ike_integ_keylen */

/* ---- IKEv1 (RFC 2409): the negotiated hash is used as HMAC, named by its IKEv2 PRF ID
 * (WIRE_PRF_HMAC_MD5, _SHA1, _SHA2_256, _SHA2_384, _SHA2_512); ciphers are the IKEv2 IDs
 * (WIRE_ENCR_3DES, WIRE_ENCR_AES_CBC with key_bits 128/192/256), always CBC. ---- */

/* One piece of a concatenation: prf and hash inputs are lists of these (NULL ptr + 0 len ok). */
struct ike_buf {
	const void *ptr;
	size_t len;
};

/* prf(key, part[0] | part[1] | ...): out receives ike_prf_len(prf) bytes. -EINVAL for a part
 * with a length and a NULL pointer. */
int ike_prf_parts(uint16_t prf, const void *key, size_t klen, const struct ike_buf *parts,
		  size_t nparts, uint8_t *out);
/* The plain hash of the PRF (MD5, SHA-1, SHA-2) over the parts; out ike_prf_len(prf) bytes. */
int ike_hash_parts(uint16_t prf, const struct ike_buf *parts, size_t nparts, uint8_t *out);

struct ike_v1_keys {
	uint16_t prf; /* HMAC of the negotiated hash */
	/* key_bits as the cipher has it: 192 for 3DES even when derived with 0 */
	uint16_t encr, key_bits;
	struct ike_secret skeyid, skeyid_d, skeyid_a, skeyid_e;
	struct ike_secret enc; /* the cipher key (RFC 2409 appendix B expansion when needed) */
	size_t block;	       /* cipher block size: the IV length (8 3DES, 16 AES) */
	/* phase-1 IV: hash(g^xi | g^xr) truncated to the block. The initial value only: the CBC
	 * functions never change it, so keep a running copy and pass that as their iv. */
	uint8_t iv[16];
};
/*
 * SKEYID (RFC 2409 5): pre-shared key: prf(psk, Ni_b | Nr_b); signatures: prf(Ni_b | Nr_b,
 * g^xy) (psk NULL and psk_len 0; a non-NULL psk must not be empty). SKEYID_d = prf(SKEYID,
 * g^xy | CKY-I | CKY-R | 0), SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1),
 * SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2). The cipher key is the first
 * key-length bytes of SKEYID_e or, when SKEYID_e is shorter, of K1 | K2 | ... with
 * K1 = prf(SKEYID_e, 0) (one zero octet) and Kn = prf(SKEYID_e, Kn-1) (appendix B).
 * iv = hash(g^xi | g^xr) truncated to the block size (appendix B).
 * g^xy as ike_dh_derive gives it (MODP left-padded), g^xi/g^xr the KE payload data of the
 * initiator and the responder, Ni_b/Nr_b the Nonce payload bodies. encr is WIRE_ENCR_3DES
 * (key_bits 0 or 192) or WIRE_ENCR_AES_CBC (128/192/256). ret is replaced on success (pass
 * zeroed or valid keys); -EOPNOTSUPP for an unknown prf/cipher, -EINVAL for a missing or
 * empty input.
 */
int ike_v1_derive(uint16_t prf, uint16_t encr, uint16_t key_bits, const void *psk, size_t psk_len,
		  const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
		  const struct ike_secret *gxy, const uint8_t *gxi, size_t gxi_len,
		  const uint8_t *gxr, size_t gxr_len, const uint8_t cky_i[8],
		  const uint8_t cky_r[8], struct ike_v1_keys *ret);
void ike_v1_keys_free(struct ike_v1_keys *k); /* wipes and zeroes all of *k; NULL ok */
/*
 * The first IV of a phase-2 (Quick Mode) or Informational exchange with message ID msgid (host
 * order here, hashed big-endian as on the wire): hash(last_block | M-ID) truncated to the block
 * size. last_block (k->block bytes) is the phase-1 CBC state, i.e. the last ciphertext block of
 * the last phase-1 message: the running IV as ike_v1_encrypt/decrypt left it after that message
 * (appendix B). Later messages of the same exchange chain from that exchange's running IV and
 * are not recomputed. iv receives k->block bytes.
 */
int ike_v1_phase2_iv(const struct ike_v1_keys *k, const uint8_t *last_block, uint32_t msgid,
		     uint8_t *iv);
/*
 * CBC with the negotiated cipher and no padding logic: len must be a non-zero multiple of
 * k->block. iv (k->block bytes) is updated to the last ciphertext block (the next message's IV,
 * RFC 2409 appendix B): the output's for encryption, the input's for decryption; unchanged on
 * error. in and out may be the same buffer, but must not otherwise overlap. -EINVAL on a bad
 * length or keys not filled by ike_v1_derive. No integrity: decryption of tampered data
 * succeeds, the HASH payloads are the check.
 */
int ike_v1_encrypt(const struct ike_v1_keys *k, uint8_t *iv, const uint8_t *in, size_t len,
		   uint8_t *out);
int ike_v1_decrypt(const struct ike_v1_keys *k, uint8_t *iv, const uint8_t *in, size_t len,
		   uint8_t *out);
/*
 * Quick Mode KEYMAT (RFC 2409 5.5) for one SA direction: KEYMAT = K1 | K2 | ... with
 * K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) and
 * Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b); len (> 0) bytes into
 * ret, replaced on success. protocol is 3 (ESP); spi is the SPI of the SA being keyed (the one
 * its receiver chose: ours for inbound, the peer's for outbound), in host order (hashed
 * big-endian); Ni_b/Nr_b are the Quick Mode nonces; gqm NULL without PFS.
 */
int ike_v1_keymat(const struct ike_v1_keys *k, const struct ike_secret *gqm, uint8_t protocol,
		  uint32_t spi, const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
		  size_t len, struct ike_secret *ret);
