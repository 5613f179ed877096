/*
 * ikegw wire, internal: the payload descriptor table shared by the decoder and the encoder,
 * the decoding state, and the per-payload functions the table points to.
 */
#ifndef IKEGW_WIRE_INTERNAL_H
#define IKEGW_WIRE_INTERNAL_H

#include "wire.h"

#define WIRE_V(version) (1u << (version))
#define WIRE_VAR_MAX 0xffff

/* Decoding state of one payload chain (the outer message, or the decrypted inner one). */
struct wire_dec {
	struct wire_msg *msg;
	struct wire_err *err;
	const uint8_t *base; /* start of the buffer being decoded: offsets are relative to it */
	const uint8_t *cur;  /* start of the payload being decoded */
	uint8_t ptype;	     /* type of that payload, 0 for the header */
	uint8_t version;
	bool inner;
};

/*
 * One row per wire payload type. The chain walker checks the declared length against
 * 4 + fixed + [min_var, max_var] before calling decode with a cursor limited to the body
 * (everything after the generic header); decode must consume it exactly.
 */
struct wire_pdesc {
	const char *name;      /* RFC notation: "SA", "KE", "No", "IDi" */
	const char *long_name; /* "Security Association" */
	uint8_t versions;      /* WIRE_V(WIRE_IKEV1) | WIRE_V(WIRE_IKEV2) */
	uint16_t fixed;	       /* bytes of fixed fields after the generic header */
	uint16_t min_var, max_var;
	int (*decode)(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
	/* Writes the body; returns 0 or -EINVAL (the cursor carries -ENOSPC). */
	int (*encode)(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
};

extern const struct wire_pdesc wire_pdesc_table[WIRE_PL_MAX + 1];

/* The descriptor of a payload type that `version` knows how to decode, or NULL. */
const struct wire_pdesc *wire_pdesc_find(uint8_t version, uint8_t type);

/*
 * Record the peer's error: n2 for IKEv2, n1 for IKEv1 (the version being decoded picks one).
 * The offset is c's position when c is given, else the current payload's start. -EBADMSG.
 */
int wire_fail(struct wire_dec *d, const struct wire_ctx *c, uint16_t n2, uint16_t n1,
	      const char *what);
/* Malformed payload: INVALID_SYNTAX / PAYLOAD_MALFORMED. */
int wire_malformed(struct wire_dec *d, const struct wire_ctx *c, const char *what);
/* Note a reserved field; non-zero ones make the message non-canonical (RFC: ignore them). */
void wire_reserved(struct wire_dec *d, uint32_t value);

/* Read the rest of c as a span. */
struct wire_span wire_ctx_rest(struct wire_ctx *c);

/* Data attributes (TV/TLV) up to the end of c, into the message's pool. */
int wire_dec_attrs(struct wire_dec *d, struct wire_ctx *c, uint16_t n2, uint16_t n1,
		   struct wire_attr **ret, uint16_t *ret_n);
void wire_enc_attrs(struct wire_ctx *c, const struct wire_attr *attrs, uint16_t n);

/* Payload bodies (wire_sa.c, wire_payload.c). */
int wire_dec_sa(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_sa(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_data(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_data(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_ke(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_ke(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_id(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_id(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_cert(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_cert(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_auth(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_auth(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_notify(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_notify(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_delete(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_delete(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_ts(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_ts(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_cp(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_cp(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_v1attr(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_v1attr(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_eap(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_eap(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_nat_oa(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_nat_oa(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);
int wire_dec_sk(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p);
int wire_enc_sk(struct wire_ctx *c, const struct wire_payload *p, uint8_t version);

#endif
