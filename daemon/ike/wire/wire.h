/*
 * ikegw wire: the IKEv1/IKEv2 message codec. Decodes a datagram into a header plus an ordered
 * list of typed payloads that point into the input (no copies), validates it against the
 * per-exchange message rules, and encodes payloads back with next-payload chains and lengths
 * filled in. No crypto and no daemon state: peer errors come back as the notify to send.
 */
#ifndef IKEGW_WIRE_H
#define IKEGW_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire_ctx.h"
#include "wire_types.h"

#define WIRE_HDR_LEN 28 /* ISAKMP / IKE header */
#define WIRE_GHDR_LEN 4 /* generic payload header */
#define WIRE_SPI_LEN 8	/* IKE SPI / ISAKMP cookie */
#define WIRE_SPI_MAX 16 /* largest SPI in a proposal, notify or delete (IKEv1 cookie pair) */

/* Capacity of one decoded message (both the outer and the decrypted inner payloads). */
#define WIRE_MAX_PAYLOADS 64
#define WIRE_MAX_PROPOSALS 64
#define WIRE_MAX_TRANSFORMS 256
#define WIRE_MAX_ATTRS 512
#define WIRE_MAX_TS 64
#define WIRE_MAX_CP_ATTRS 64

/* Bytes inside a buffer the caller owns (the datagram, or the decrypted plaintext). */
struct wire_span {
	const uint8_t *ptr;
	size_t len;
};

/*
 * ISAKMP header (RFC 2408 3.1) / IKE header (RFC 7296 3.1), 28 bytes, shared:
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 IKE SA Initiator's SPI (Initiator Cookie)     |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 IKE SA Responder's SPI (Responder Cookie)     |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Message ID                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Length                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * The encoder takes next_payload and length from the payloads it writes.
 */
struct wire_hdr {
	uint8_t ispi[WIRE_SPI_LEN];
	uint8_t rspi[WIRE_SPI_LEN];
	uint8_t next_payload;
	uint8_t major, minor; /* 1.0 or 2.0 */
	uint8_t exchange;
	uint8_t flags; /* WIRE_F2_* / WIRE_F1_* */
	uint32_t msgid;
	uint32_t length;
};

/*
 * Data attribute (RFC 2408 3.3; IKEv2 transform attribute RFC 7296 3.3.5), shared:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |A|       Attribute Type        |    AF=0  Attribute Length     |
 * |F|                             |    AF=1  Attribute Value      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                   AF=0  Attribute Value                       .
 * A TLV attribute (AF=0) with length 0 is rejected: no attribute is encoded in zero bytes.
 */
struct wire_attr {
	uint16_t type; /* without the AF bit */
	bool tv;       /* AF=1: the value is `value` */
	uint16_t value;
	struct wire_span data; /* AF=0 */
};

/*
 * Transform substructure, shared header, different second word:
 * IKEv1 (RFC 2408 3.6)                    IKEv2 (RFC 7296 3.3.2)
 * +---------------+---------------+-------------------------------+
 * | Next Payload/Last Substruc (3,0)|  RESERVED  | Transform Length|
 * +---------------+---------------+-------------------------------+
 * v1: | Transform # | Transform-Id  |           RESERVED2           |
 * v2: | Transform Type | RESERVED   |          Transform ID         |
 * +---------------+---------------+-------------------------------+
 * ~                  SA / Transform Attributes                    ~
 */
struct wire_transform {
	uint8_t num;  /* IKEv1 Transform #; 0 in IKEv2 */
	uint8_t type; /* IKEv2 transform type (WIRE_TT_*); 0 in IKEv1 */
	uint16_t id;  /* IKEv1 Transform-Id (one byte on the wire) or IKEv2 Transform ID */
	struct wire_attr *attrs;
	uint16_t nattrs;
};

/*
 * Proposal substructure (RFC 2408 3.5, RFC 7296 3.3.1), same layout in both:
 * +---------------+---------------+-------------------------------+
 * | Next Payload/Last Substruc (2,0)|  RESERVED  | Proposal Length |
 * +---------------+---------------+---------------+---------------+
 * |  Proposal Num |  Protocol ID  |    SPI Size   |Num  Transforms|
 * +---------------+---------------+---------------+---------------+
 * ~                        SPI (variable)                         ~
 * ~                        <Transforms>                           ~
 * IKEv2 numbers proposals 1, 2, 3...; IKEv1 repeats a number for an AND-bundle (never down).
 */
struct wire_proposal {
	uint8_t num;
	uint8_t proto;	      /* WIRE_PROTO_* */
	struct wire_span spi; /* SPI Size = spi.len */
	struct wire_transform *transforms;
	uint8_t ntransforms;
};

/*
 * Security Association, different:
 * IKEv1 (RFC 2408 3.4, RFC 2407 4.6.1)    IKEv2 (RFC 7296 3.3)
 * +-------------------------------+       +-------------------------------+
 * | Next Payload | RESERVED | Len |       | Next Payload |C| RSVD | Len  |
 * +-------------------------------+       +-------------------------------+
 * |  Domain of Interpretation (4) |       ~         <Proposals>           ~
 * |  Situation (4, IPsec DOI)     |
 * ~         <Proposals>           ~
 * Only the IPsec DOI with SIT_IDENTITY_ONLY is accepted in IKEv1 (the secrecy and integrity
 * situations change the layout; nobody sends them).
 */
struct wire_sa {
	uint32_t doi;	    /* IKEv1 */
	uint32_t situation; /* IKEv1 */
	struct wire_proposal *proposals;
	uint16_t nproposals;
};

/*
 * Key Exchange, different:
 * IKEv1 (RFC 2408 3.7): generic header, Key Exchange Data.
 * IKEv2 (RFC 7296 3.4):
 * +-------------------------------+-------------------------------+
 * |   Diffie-Hellman Group Num    |           RESERVED            |
 * +-------------------------------+-------------------------------+
 * ~                       Key Exchange Data                       ~
 */
struct wire_ke {
	uint16_t group; /* IKEv2 only */
	struct wire_span data;
};

/*
 * Identification, shared layout (RFC 2407 4.6.2 / RFC 7296 3.5):
 * +---------------+---------------+-------------------------------+
 * |    ID Type    | v1 Protocol ID| v1 Port (v2: RESERVED, 3 bytes)|
 * +---------------+---------------+-------------------------------+
 * ~                   Identification Data                         ~
 */
struct wire_id {
	uint8_t type;  /* WIRE_ID_* */
	uint8_t proto; /* IKEv1 */
	uint16_t port; /* IKEv1 */
	struct wire_span data;
};

/*
 * Certificate / Certificate Request, shared (RFC 2408 3.9/3.10, RFC 7296 3.6/3.7):
 * +---------------+-----------------------------------------------+
 * | Cert Encoding |  Certificate Data / Certification Authority   ~
 * IKEv2 CERTREQ data: concatenated 20-byte SHA-1 hashes of CA public keys (data.len / 20);
 * IKEv1 CR data: one DER Name of a CA.
 */
struct wire_cert {
	uint8_t encoding; /* WIRE_CERT_* */
	struct wire_span data;
};

/*
 * Authentication (IKEv2 only, RFC 7296 3.8):
 * +---------------+-----------------------------------------------+
 * | Auth Method   |                RESERVED                       |
 * +---------------+-----------------------------------------------+
 * ~                      Authentication Data                      ~
 */
struct wire_auth {
	uint8_t method; /* WIRE_AUTH_* */
	struct wire_span data;
};

/*
 * Notify, different:
 * IKEv1 (RFC 2408 3.14)                        IKEv2 (RFC 7296 3.10)
 * |  Domain of Interpretation (4)  |           (no DOI)
 * +---------------+---------------+-------------------------------+
 * |  Protocol ID  |   SPI Size    |      Notify Message Type      |
 * +---------------+---------------+-------------------------------+
 * ~                Security Parameter Index (SPI)                 ~
 * ~                       Notification Data                       ~
 */
struct wire_notify {
	uint32_t doi; /* IKEv1 */
	uint8_t proto;
	uint16_t type; /* WIRE_N2_* / WIRE_N1_* */
	struct wire_span spi;
	struct wire_span data;
};

/*
 * Delete, different (IKEv1 RFC 2408 3.15 adds the DOI word; IKEv2 RFC 7296 3.11):
 * +---------------+---------------+-------------------------------+
 * | Protocol ID   |   SPI Size    |          Num of SPIs          |
 * +---------------+---------------+-------------------------------+
 * ~               Security Parameter Index(es) (SPI)              ~
 * IKEv2: protocol IKE has SPI size 0 and no SPIs; ESP/AH SPIs are 4 bytes.
 */
struct wire_delete {
	uint32_t doi; /* IKEv1 */
	uint8_t proto;
	uint8_t spi_size;
	uint16_t nspis;
	struct wire_span spis; /* nspis * spi_size bytes; wire_delete_spi() */
};

/*
 * Traffic Selector (IKEv2 only, RFC 7296 3.13.1):
 * +---------------+---------------+-------------------------------+
 * |   TS Type     |IP Protocol ID |       Selector Length         |
 * +---------------+---------------+-------------------------------+
 * |           Start Port          |           End Port            |
 * +-------------------------------+-------------------------------+
 * ~                         Starting Address                      ~
 * ~                         Ending Address                        ~
 * Unknown TS types keep their address bytes in `start` (end is empty).
 */
struct wire_ts {
	uint8_t type; /* WIRE_TS_* */
	uint8_t proto;
	uint16_t start_port, end_port;
	struct wire_span start, end; /* 4 or 16 bytes each */
};

/*
 * Traffic Selector payload (TSi/TSr, RFC 7296 3.13):
 * +---------------+-----------------------------------------------+
 * | Number of TSs |                 RESERVED                      |
 * +---------------+-----------------------------------------------+
 * ~                       <Traffic Selectors>                     ~
 */
struct wire_ts_payload {
	struct wire_ts *ts;
	uint8_t count;
};

/*
 * Configuration (IKEv2 CP, RFC 7296 3.15 / 3.15.1):
 * +---------------+-----------------------------------------------+
 * |   CFG Type    |                    RESERVED                   |
 * +---------------+-----------------------------------------------+
 * |R|         Attribute Type      |            Length             |
 * ~                             Value                             ~
 */
struct wire_cp_attr {
	uint16_t type;
	struct wire_span value;
};

struct wire_cp {
	uint8_t cfg_type; /* WIRE_CFG_* */
	struct wire_cp_attr *attrs;
	uint16_t nattrs;
};

/*
 * IKEv1 Attribute payload (mode config, draft-ietf-ipsec-isakmp-mode-cfg-05 3.2):
 * +---------------+---------------+-------------------------------+
 * |     Type      |   RESERVED    |           Identifier          |
 * +---------------+---------------+-------------------------------+
 * ~                    <Data Attributes (TV/TLV)>                 ~
 */
struct wire_v1_attrs {
	uint8_t type;
	uint16_t identifier;
	struct wire_attr *attrs;
	uint16_t nattrs;
};

/*
 * EAP (IKEv2, RFC 7296 3.16): the EAP message (RFC 3748): Code, Identifier, Length (= the whole
 * EAP message, checked), then Type and data for requests/responses.
 */
struct wire_eap {
	uint8_t code, identifier;
	uint8_t type; /* 0 when the message has no Type byte (Success/Failure) */
	struct wire_span msg;
};

/*
 * NAT-OA (IKEv1, RFC 3947 5.2):
 * +---------------+---------------+-------------------------------+
 * |    ID Type    |   RESERVED    |            RESERVED           |
 * +---------------+---------------+-------------------------------+
 * |         IPv4 (4 octets) or IPv6 address (16 octets)           |
 */
struct wire_nat_oa {
	uint8_t id_type; /* WIRE_ID_IPV4_ADDR or WIRE_ID_IPV6_ADDR */
	struct wire_span addr;
};

/*
 * Encrypted and Authenticated (SK, RFC 7296 3.14) and Encrypted Fragment (SKF, RFC 7383 2.5):
 * +---------------+-+-------------+-------------------------------+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +---------------+-+-------------+-------------------------------+
 * |  SKF only: Fragment Number    |  SKF only: Total Fragments    |
 * +-------------------------------+-------------------------------+
 * |   Initialization Vector, Encrypted IKE Payloads, Padding,     |
 * ~   Pad Length, Integrity Checksum Data (opaque to the codec)   ~
 * Next Payload is the type of the first inner payload (SKF: fragment 1 only, else 0).
 */
struct wire_sk {
	uint8_t inner_first;
	uint16_t frag_num, frag_total; /* SKF */
	struct wire_span body;	       /* IV .. ICV */
};

/*
 * One payload: the generic payload header's fields plus the typed body.
 * Generic payload header, shared (RFC 2408 3.2, RFC 7296 3.2):
 * +---------------+-+-------------+-------------------------------+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +---------------+-+-------------+-------------------------------+
 * C (critical) exists in IKEv2 only; IKEv1 has 8 reserved bits. Payload Length includes
 * these 4 bytes.
 */
struct wire_payload {
	uint8_t type;	/* WIRE_PL* */
	bool critical;	/* IKEv2 C bit as received / to send */
	bool encrypted; /* decoded from the plaintext of SK or of an IKEv1 encrypted body */
	bool known;	/* decoder: false for an unknown non-critical IKEv2 payload, kept opaque
			 * in u.data; the encoder looks at it only for types it does not know */
	struct wire_span raw; /* decoded payloads: the whole payload, generic header included */
	union {
		/* generic header then data only: Nonce (RFC 2408 3.13, 7296 3.9), VID (3.16,
		 * 3.12), HASH (3.11), SIG (3.12), NAT-D (RFC 3947 3.2); unknown payloads */
		struct wire_span data;
		struct wire_sa sa;
		struct wire_ke ke;
		struct wire_id id;
		struct wire_cert cert; /* CERT and CERTREQ */
		struct wire_auth auth;
		struct wire_notify notify;
		struct wire_delete del;
		struct wire_ts_payload ts;
		struct wire_cp cp;
		struct wire_v1_attrs attr;
		struct wire_eap eap;
		struct wire_nat_oa nat_oa;
		struct wire_sk sk; /* SK and SKF */
	} u;
};

/*
 * The encrypted part of a message. IKEv2: the SK/SKF payload, which is always last. `aad` is
 * the message from its first byte through the SK/SKF header (fragment fields included): the
 * AEAD associated data; for a non-AEAD suite the ICV covers aad + body minus the ICV itself.
 * IKEv1: `body` is everything after the header when the E flag is set, `aad` is the header.
 */
struct wire_enc {
	bool present;
	bool decoded;  /* wire_decode_inner() ran */
	uint8_t first; /* type of the first inner payload */
	bool fragment; /* SKF */
	uint16_t frag_num, frag_total;
	struct wire_span aad;
	struct wire_span body;
};

/*
 * A decoded message. Payloads point into the datagram (and the plaintext for inner ones),
 * which must outlive it; substructures point into the pools below, so the struct must not be
 * copied. About 30 KiB: allocate it once, not per call on a small stack.
 */
struct wire_msg {
	struct wire_hdr hdr;
	uint8_t version; /* WIRE_IKEV1 / WIRE_IKEV2 */
	struct wire_span raw;
	struct wire_enc enc;
	bool noncanonical; /* a reserved field was non-zero: encoding will not reproduce raw */
	uint16_t npayloads;
	struct wire_payload payloads[WIRE_MAX_PAYLOADS];
	/* pools for substructures */
	uint16_t nproposals, ntransforms, nattrs, nts, ncpattrs;
	struct wire_proposal proposals[WIRE_MAX_PROPOSALS];
	struct wire_transform transforms[WIRE_MAX_TRANSFORMS];
	struct wire_attr attrs[WIRE_MAX_ATTRS];
	struct wire_ts ts[WIRE_MAX_TS];
	struct wire_cp_attr cpattrs[WIRE_MAX_CP_ATTRS];
};

/*
 * What to answer a peer whose message is wrong. `notify` is in the space of `version`
 * (WIRE_N2_* or WIRE_N1_*); for WIRE_N2_UNSUPPORTED_CRITICAL_PAYLOAD the notification data is
 * the one byte `payload`. `what` is a static text for logs.
 */
struct wire_err {
	uint8_t version;
	uint16_t notify;
	uint8_t payload; /* payload being decoded or checked; 0 = header */
	bool inner;	 /* found in the decrypted plaintext */
	uint32_t offset; /* in the datagram, or in the plaintext when inner */
	const char *what;
};

/* ---- decoding ---- */

/*
 * Decode a datagram (UDP 500 payload, or UDP 4500 after the non-ESP marker). Returns 0, or
 * -EBADMSG with *err saying what to answer; -EINVAL for NULL arguments. Every byte is checked
 * against its enclosing length; nothing outside [buf, buf + len) is ever read.
 */
int wire_decode(struct wire_msg *msg, const uint8_t *buf, size_t len, struct wire_err *err);

/*
 * After the caller has verified and decrypted msg->enc.body: decode the inner payload chain,
 * starting with type msg->enc.first, appending to msg->payloads with encrypted = true.
 * IKEv2: plain holds exactly the payloads (IV, padding, pad length and ICV removed); for SKF,
 * the concatenated plaintext of all fragments, decoded into the fragment-1 message. IKEv1: the
 * decrypted body, trailing padding allowed. Returns 0, -EBADMSG (*err), -EALREADY, -EINVAL.
 */
int wire_decode_inner(struct wire_msg *msg, const uint8_t *plain, size_t len, struct wire_err *err);

/* The i-th SPI of a Delete payload as bytes (spi_size of them), NULL past the end. */
const uint8_t *wire_delete_spi(const struct wire_delete *d, uint16_t i);

/* The n-th payload of type `type` (0-based), inner ones included, or NULL. */
const struct wire_payload *wire_msg_find(const struct wire_msg *msg, uint8_t type, unsigned n);
/* The n-th Notify of the given notify type, or NULL. */
const struct wire_payload *wire_msg_find_notify(const struct wire_msg *msg, uint16_t type,
						unsigned n);
/* The first attribute of type `type` in a transform, or NULL. */
const struct wire_attr *wire_transform_attr(const struct wire_transform *t, uint16_t type);

/* ---- message rules ---- */

enum wire_rule_id {
	WIRE_R_IKE_SA_INIT_REQ,
	WIRE_R_IKE_SA_INIT_RESP,
	WIRE_R_IKE_AUTH_REQ,
	WIRE_R_IKE_AUTH_RESP,
	WIRE_R_CREATE_CHILD_SA_REQ,
	WIRE_R_CREATE_CHILD_SA_RESP,
	WIRE_R_INFORMATIONAL_REQ,
	WIRE_R_INFORMATIONAL_RESP,
	WIRE_R_MM1,
	WIRE_R_MM2,
	WIRE_R_MM3,
	WIRE_R_MM4,
	WIRE_R_MM5,
	WIRE_R_MM6,
	WIRE_R_AM1,
	WIRE_R_AM2,
	WIRE_R_AM3,
	WIRE_R_QM1,
	WIRE_R_QM2,
	WIRE_R_QM3,
	WIRE_R_V1_INFO,	    /* unencrypted Informational (before the ISAKMP SA exists) */
	WIRE_R_V1_INFO_ENC, /* protected Informational: HDR*, HASH(1), N/D */
	WIRE_R_COUNT,
};

struct wire_rule; /* opaque: the table lives in wire_rules.c */

/* The rule for an IKEv2 message, from its exchange type and R flag; NULL: none known. */
const struct wire_rule *wire_rule_v2(const struct wire_msg *msg);
/* The rule by id (IKEv1 messages are identified by the caller's state: MM3, QM1...). */
const struct wire_rule *wire_rule_get(enum wire_rule_id id);
/* "IKE_SA_INIT request", "MM3"... */
const char *wire_rule_name(const struct wire_rule *rule);

/*
 * Check a decoded message against a rule: exchange, flags, SPIs, message ID, which payloads,
 * how many, and whether they must be encrypted. Before wire_decode_inner() only the outer
 * message is checked; call again after it. Returns 0, -EBADMSG (*err: the notify to send) or
 * -EINVAL (rule of the other version, NULL).
 */
int wire_validate(const struct wire_msg *msg, const struct wire_rule *rule, struct wire_err *err);

/* ---- encoding ---- */

/*
 * A message (or a bare payload chain, for SK plaintext) under construction. Each add writes the
 * generic header, the body, patches the payload length and the previous next-payload byte (or
 * the header's); finish writes the message length. Errors are sticky: -ENOSPC (buffer too
 * small), -EMSGSIZE (payload over 65535 bytes), -EINVAL (inconsistent payload struct or
 * anything added after SK).
 */
struct wire_builder {
	struct wire_ctx ctx;
	uint8_t version;
	bool has_hdr;
	bool closed;   /* SK/SKF or an IKEv1 encrypted body was written: nothing may follow */
	uint8_t first; /* first payload type (the header's next payload) */
	size_t np_off; /* offset of the next-payload byte to patch; SIZE_MAX: none yet */
	int error;
};

/* Start a message: writes hdr (next payload and length are filled in later). */
void wire_build_msg(struct wire_builder *b, uint8_t *buf, size_t size, const struct wire_hdr *hdr);
/* Start a bare payload chain (the plaintext of SK, or of an IKEv1 encrypted body). */
void wire_build_chain(struct wire_builder *b, uint8_t *buf, size_t size, uint8_t version);

/* Append a payload described by p (type, critical and the u member of that type). */
int wire_build_add(struct wire_builder *b, const struct wire_payload *p);
/*
 * Shorthands: a payload that is only data (Nonce, VID, HASH, SIG, NAT-D; -EINVAL for others),
 * and a Notify of the builder's version (IKEv1: DOI = IPsec).
 */
int wire_build_data(struct wire_builder *b, uint8_t type, const void *data, size_t len);
int wire_build_notify(struct wire_builder *b, uint8_t proto, uint16_t type, const void *spi,
		      size_t spi_len, const void *data, size_t data_len);

/* Where the caller puts IV, ciphertext and ICV after wire_build_finish(). */
struct wire_sk_layout {
	size_t aad_len;	 /* bytes from the message start that are associated data */
	size_t body_off; /* offset of the body_len bytes reserved for IV .. ICV */
	size_t body_len;
};

/*
 * Append an SK payload (frag_total == 0) or SKF payload reserving body_len bytes (zeroed) for
 * IV | ciphertext | padding | pad length | ICV. inner_first is the type of the first payload
 * of the plaintext chain (wire_builder.first of that chain). Closes the message.
 */
int wire_build_sk(struct wire_builder *b, uint8_t inner_first, uint16_t frag_num,
		  uint16_t frag_total, size_t body_len, struct wire_sk_layout *ret);
/* IKEv1: the whole body after the header is ciphertext (E flag set by the caller's hdr). */
int wire_build_v1_encrypted(struct wire_builder *b, uint8_t inner_first, size_t body_len,
			    struct wire_sk_layout *ret);

/* Patch the message length (or just report the chain length); returns 0 or the sticky error. */
int wire_build_finish(struct wire_builder *b, size_t *ret_len);

/*
 * Re-encode a decoded message's outer part (header, plain payloads, SK/SKF or the IKEv1
 * encrypted body as received). For a message with msg->noncanonical false the output equals
 * the input byte for byte. wire_encode_inner() encodes the decrypted payloads as a chain.
 */
int wire_encode(const struct wire_msg *msg, uint8_t *buf, size_t size, size_t *ret_len);
int wire_encode_inner(const struct wire_msg *msg, uint8_t *buf, size_t size, size_t *ret_len);

/* ---- names (for logs), all generated from the codec's own tables; NULL when unknown ---- */

const char *wire_payload_name(uint8_t type);	  /* short: "SA", "KE", "No", "N", "SK" */
const char *wire_payload_long_name(uint8_t type); /* "Security Association" */
const char *wire_exchange_name(uint8_t version, uint8_t exchange);
const char *wire_notify_name(uint8_t version, uint16_t type);
const char *wire_transform_type_name(uint8_t type);
const char *wire_transform_id_name(uint8_t type, uint16_t id); /* IKEv2 (type, ID) */
const char *wire_v1_ike_attr_name(uint16_t type);	       /* phase 1 attribute class */
const char *wire_v1_ipsec_attr_name(uint16_t type);	       /* IPsec DOI attribute class */

/* "INVALID_SYNTAX: N payload at offset 56: SPI overruns the payload" into buf; returns buf. */
const char *wire_err_str(const struct wire_err *err, char *buf, size_t size);
/*
 * A one-line summary for logs, payloads in wire order, decrypted ones in braces after SK:
 * "IKE_AUTH request 1 [ SK { IDi CERT AUTH SA TSi TSr } ]". Returns buf.
 */
const char *wire_msg_str(const struct wire_msg *msg, char *buf, size_t size);

#endif
