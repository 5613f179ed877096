/* ikegw PKI: trust-points loaded from PEM files, the certificate store in IOS order,
 * CERTREQ material (CA DN / SPKI SHA-1), peer chain validation, certificate identities
 * and the sign/verify helpers the IKE engines use. Depends only on OpenSSL 3 and libc;
 * never logs: errors come back as -errno plus a message in struct pki_error.
 */
#ifndef IKEGW_PKI_H
#define IKEGW_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PKI_SHA1_LEN 20
#define PKI_ERR_MAX 512

/* Text of the last failure ("trustpoint IOSCA1: certificate /x/r1.pem: no such file"). */
struct pki_error {
	char msg[PKI_ERR_MAX];
};

enum pki_revocation {
	PKI_REVOCATION_NONE = 0,
	PKI_REVOCATION_CRL,
};

/*
 * One `crypto pki trustpoint` as the config gives it. Paths may be NULL when not
 * configured. `index` is the definition order (larger = defined later); it breaks ties
 * in the store order and orders `show crypto pki trustpoints`.
 */
struct pki_trustpoint_def {
	const char *name;
	unsigned int index;
	enum pki_revocation revocation;
	const char *ca_certificate; /* issuing CA, optionally followed by its chain */
	const char *certificate;    /* the router's own; needs private_key */
	const char *private_key;    /* unencrypted PEM, RSA or EC P-256/P-384/P-521 */
	const char *crl;	    /* one or more PEM CRLs */
};

enum pki_key_type {
	PKI_KEY_NONE = 0,
	PKI_KEY_RSA,
	PKI_KEY_ECDSA_P256,
	PKI_KEY_ECDSA_P384,
	PKI_KEY_ECDSA_P521,
	PKI_KEY_OTHER, /* parsed but not usable for IKE signatures */
};

enum pki_hash {
	PKI_HASH_NONE = 0, /* data is already the digest / the raw block to sign */
	PKI_HASH_SHA1,
	PKI_HASH_SHA256,
	PKI_HASH_SHA384,
	PKI_HASH_SHA512,
};

/* pki_*_sign/verify flag: ECDSA signature as DER ECDSA-Sig-Value (RFC 7427) instead of r||s. */
#define PKI_SIG_ECDSA_DER 0x1u

enum pki_id_type {
	PKI_ID_FQDN = 1,
	PKI_ID_EMAIL,
	PKI_ID_IPV4, /* 4 bytes, network order */
	PKI_ID_IPV6, /* 16 bytes */
	PKI_ID_DN,   /* DER Name */
};

enum pki_id_source {
	PKI_IDSRC_SUBJECT = 0, /* the subject DN as a whole */
	PKI_IDSRC_SAN,	       /* subjectAltName dNSName / iPAddress / rfc822Name */
	PKI_IDSRC_SUBJECT_ATTR /* hostname= / ipaddress= / emailAddress in the subject */
};

/* An identity as carried in an IKE ID payload: type plus bytes (text not NUL-terminated). */
struct pki_identity {
	enum pki_id_type type;
	enum pki_id_source source; /* filled by pki_cert_identities(); ignored as input */
	const uint8_t *data;
	size_t len;
};

struct pki_store;      /* all trust-points, immutable after load */
struct pki_trustpoint; /* owned by its store */
struct pki_cert;       /* a parsed certificate; store-owned or from pki_cert_from_der() */

/* --- store ------------------------------------------------------------------------- */

/*
 * Load every trust-point's PEM files. All or nothing: on error *ret_store is untouched,
 * err names the trust-point and the file. Returns 0, -ENOENT/-EACCES/-EISDIR (file),
 * -EINVAL (content), -EEXIST (name defined twice), -ENOMEM.
 * Rules: certificate needs private-key and ca-certificate, and holds exactly one
 * certificate, issued by a certificate of the ca-certificate bundle (that one is the
 * trust-point's issuing CA; without a router certificate it is the bundle certificate
 * that issued no other one in the bundle). The key must match the certificate. Each CRL
 * must be signed by a CA of the bundle. A definition without ca-certificate loads as an
 * unauthenticated trust-point: no CA, so no CERTREQ entry and no validation.
 */
int pki_store_load(const struct pki_trustpoint_def *defs, size_t n, struct pki_store **ret_store,
		   struct pki_error *err);
void pki_store_free(struct pki_store *store);

size_t pki_store_count(const struct pki_store *store);
/*
 * Store order = IOS certificate-store order (`show crypto pki certificates`; drives CERTREQ
 * order and first-match): most recently enrolled first. Enrollment time = the router
 * certificate's notBefore; equal times: the larger definition index (defined later) first.
 * Trust-points with CA material only come after all enrolled ones, larger index first.
 */
const struct pki_trustpoint *pki_store_at(const struct pki_store *store, size_t i);
/* Definition order (config order). */
const struct pki_trustpoint *pki_store_at_def(const struct pki_store *store, size_t i);
const struct pki_trustpoint *pki_store_find(const struct pki_store *store, const char *name);

/*
 * CERTREQ lookups: the trust-points (in store order) one of whose CA certificates has
 * this subject (DER Name, compared canonically) or this SHA-1 SPKI hash. Fills up to max
 * entries of ret_tps (may be NULL with max 0) and returns the total number of matches.
 * Malformed DER matches nothing.
 */
size_t pki_store_match_ca_dn(const struct pki_store *store, const uint8_t *dn_der, size_t dn_len,
			     const struct pki_trustpoint **ret_tps, size_t max);
size_t pki_store_match_ca_keyid(const struct pki_store *store, const uint8_t keyid[PKI_SHA1_LEN],
				const struct pki_trustpoint **ret_tps, size_t max);

/*
 * Validate a peer certificate (plus optional untrusted intermediates) against the given
 * trust-points, tried in the given order (tps NULL: every trust-point in store order).
 * Each try: a fresh X509_STORE with that trust-point's CA certificates as trust anchors
 * (partial chains allowed: a subordinate CA alone is enough), its CRLs and CRL checking of
 * the end-entity certificate when revocation-check is crl (no CRL loaded: failure), then
 * keyUsage, when present, must allow digitalSignature or nonRepudiation.
 * now 0: the current time. On success returns 0 and the first trust-point that validated
 * it; otherwise -EACCES with err holding the reason, -EINVAL, or -ENOMEM. Reasons:
 *   "trustpoint TP: <OpenSSL verify error text> (depth N: <IOS DN>)"  (a CA of TP is in the
 *       chain but verification failed: expired, not yet valid, revoked, signature, CRL ...)
 *   "trustpoint TP: revocation-check crl is on but no crl is configured"
 *   "trustpoint TP: key usage allows neither digitalSignature nor nonRepudiation (<DN>)"
 *   "trustpoint TP: certificate <DN> is the trust-point's CA itself"
 *   "no suitable trustpoint in validation list (TP1, TP2): unable to get local issuer
 *       certificate (issuer <IOS DN>)"  (no listed trust-point anchors the chain)
 *   "no trustpoint with a CA certificate in validation list (...)"
 * The first trust-point (in list order) with a reason of the "trustpoint TP:" kind wins.
 */
int pki_validate(const struct pki_store *store, const struct pki_trustpoint *const *tps,
		 size_t ntps, const struct pki_cert *cert, const struct pki_cert *const *chain,
		 size_t nchain, time_t now, const struct pki_trustpoint **ret_tp,
		 struct pki_error *err);

/* `show crypto pki certificates` / `show crypto pki trustpoints` text (malloc'd, caller frees). */
int pki_show_certificates(const struct pki_store *store, char **ret_text);
int pki_show_trustpoints(const struct pki_store *store, char **ret_text);

/* --- trust-point --------------------------------------------------------------------- */

/* The definition it was loaded from (strings owned by the store). */
const struct pki_trustpoint_def *pki_tp_def(const struct pki_trustpoint *tp);
const char *pki_tp_name(const struct pki_trustpoint *tp);
/* Router certificate, or NULL when the trust-point holds CA material only. */
const struct pki_cert *pki_tp_cert(const struct pki_trustpoint *tp);
/* Enrollment time: the router certificate's notBefore, 0 without one. */
time_t pki_tp_enrolled(const struct pki_trustpoint *tp);
/* CA certificates: [0] is the issuing CA (CERTREQ names it), then the rest of the bundle. */
size_t pki_tp_ca_count(const struct pki_trustpoint *tp);
const struct pki_cert *pki_tp_ca(const struct pki_trustpoint *tp, size_t i);
/* Type of the router key (PKI_KEY_NONE without one). */
enum pki_key_type pki_tp_key_type(const struct pki_trustpoint *tp);

/*
 * Sign with the trust-point's private key. RSA: PKCS#1 v1.5 with DigestInfo for the hash,
 * without DigestInfo for PKI_HASH_NONE (IKEv1, RFC 2409 5.1). ECDSA: r||s, each half the
 * curve's size (RFC 4754), or DER with PKI_SIG_ECDSA_DER; PKI_HASH_NONE signs data as the
 * digest. *ret_sig is malloc'd. Returns 0, -ENOKEY (no key), -EINVAL, -ENOMEM, -EIO.
 */
int pki_tp_sign(const struct pki_trustpoint *tp, enum pki_hash hash, unsigned int flags,
		const uint8_t *data, size_t len, uint8_t **ret_sig, size_t *ret_sig_len);

/* --- certificates -------------------------------------------------------------------- */

/* Parse one DER certificate (hostile input: whole buffer must be one certificate). */
int pki_cert_from_der(const uint8_t *der, size_t len, struct pki_cert **ret_cert,
		      struct pki_error *err);
void pki_cert_free(struct pki_cert *cert);

const uint8_t *pki_cert_der(const struct pki_cert *cert, size_t *ret_len);
const uint8_t *pki_cert_subject_der(const struct pki_cert *cert, size_t *ret_len);
const uint8_t *pki_cert_issuer_der(const struct pki_cert *cert, size_t *ret_len);
/* SHA-1 of the DER SubjectPublicKeyInfo (IKEv2 CERTREQ, RFC 7296 3.7). */
const uint8_t *pki_cert_spki_sha1(const struct pki_cert *cert);
/* IOS-style DNs, e.g. "cn=CA1,o=cisco,o=com" (see pki_dn_format()). */
const char *pki_cert_subject_str(const struct pki_cert *cert);
const char *pki_cert_issuer_str(const struct pki_cert *cert);
/* Serial number as upper-case hex, two digits per byte ("03"). */
const char *pki_cert_serial_hex(const struct pki_cert *cert);
time_t pki_cert_not_before(const struct pki_cert *cert);
time_t pki_cert_not_after(const struct pki_cert *cert);
enum pki_key_type pki_cert_key_type(const struct pki_cert *cert);
int pki_cert_key_bits(const struct pki_cert *cert);

/*
 * Identities the certificate carries: the subject DN, then subjectAltName dNSName /
 * iPAddress / rfc822Name in certificate order, then subject hostname= (unstructuredName),
 * ipaddress= (unstructuredAddress) and emailAddress attributes. Data points into cert.
 * Fills up to max and returns the total count.
 */
size_t pki_cert_identities(const struct pki_cert *cert, struct pki_identity *ret_ids, size_t max);
/*
 * Does the certificate carry this identity? FQDN: dNSName or hostname=, case-insensitive,
 * one trailing dot ignored. IPv4/IPv6: iPAddress or ipaddress=. Email: rfc822Name or
 * emailAddress, domain case-insensitive. DN: equal to the subject (canonical comparison).
 * The common name is not an identity.
 */
bool pki_cert_has_identity(const struct pki_cert *cert, const struct pki_identity *id);

/* Verify a signature made as pki_tp_sign() describes with the certificate's public key.
 * Returns 0 (valid), -EBADMSG (invalid), -EINVAL (hash/flags/key mismatch), -EOPNOTSUPP. */
int pki_cert_verify(const struct pki_cert *cert, enum pki_hash hash, unsigned int flags,
		    const uint8_t *data, size_t len, const uint8_t *sig, size_t sig_len);

/* --- DN text ------------------------------------------------------------------------- */

/*
 * Format a DER Name the IOS way: RDNs most specific first (reverse DER order, as RFC 4514;
 * IOS prints the VeriSign root, DER C,O,OU, as "ou=...,o=VeriSign, Inc.,c=US"),
 * lower-case short names (cn, o, ou, c, l, st, dc, ea; serialNumber; hostname= for
 * unstructuredName, ipaddress= for unstructuredAddress), values unescaped, a multi-valued
 * RDN joined with '+' in its DER (SET) order, RDNs joined with ','. Control bytes become
 * \xNN. Returns 0, -EINVAL (not a DER Name), -ENOSPC (truncated, still NUL-terminated).
 */
int pki_dn_format(const uint8_t *der, size_t len, char *buf, size_t buf_len);

#endif
