/*
 * Golden IKE messages for the wire codec tests, written byte by byte from the RFC layouts
 * (RFC 7296 3.x, RFC 2408 3.x, RFC 2409 App. A, RFC 3947): IKEv2 IKE_SA_INIT request and
 * response, IKE_AUTH inner payloads, IKEv1 Main Mode MM1 and MM3. Offsets of the fields the
 * malformed-input tests corrupt are named here too.
 */
#ifndef IKEGW_TEST_WIRE_GOLDEN_H
#define IKEGW_TEST_WIRE_GOLDEN_H

#include <stddef.h>
#include <stdint.h>

struct golden {
	const char *name;
	const uint8_t *bytes;
	size_t len;
};

extern const uint8_t golden_v2_init_req[318];
extern const uint8_t golden_v2_init_resp[305];
extern const uint8_t golden_v2_auth_plain[146]; /* IKE_AUTH request SK plaintext */
extern const uint8_t golden_v2_auth_hdr[32];	/* IKE_AUTH header + SK generic header */
extern const uint8_t golden_v1_mm1[160];
extern const uint8_t golden_v1_mm3[422];

/* IKE_AUTH request: IV 16 bytes, the plaintext as if ENCR_NULL, pad length 0, ICV 16 bytes */
#define GOLDEN_AUTH_IV_LEN 16
#define GOLDEN_AUTH_ICV_LEN 16
#define GOLDEN_AUTH_BODY_LEN (GOLDEN_AUTH_IV_LEN + 146 + 1 + GOLDEN_AUTH_ICV_LEN)
#define GOLDEN_AUTH_LEN (32 + GOLDEN_AUTH_BODY_LEN)
extern const uint8_t golden_v2_auth_req[GOLDEN_AUTH_LEN];

/* Every golden message, for corpus generation and the tshark test. */
extern const struct golden golden_all[];
extern const size_t golden_count;

/* Offsets into golden_v2_init_req */
#define V2REQ_SA 28		   /* SA payload */
#define V2REQ_P1 (V2REQ_SA + 4)	   /* proposal 1 (36 bytes) */
#define V2REQ_P1_T1 (V2REQ_P1 + 8) /* ENCR AES_GCM_16 + key length (12 bytes) */
#define V2REQ_P1_T1_ATTR (V2REQ_P1_T1 + 8)
#define V2REQ_P2 (V2REQ_P1 + 36) /* proposal 2 (44 bytes) */
#define V2REQ_KE (V2REQ_SA + 84)
#define V2REQ_NONCE (V2REQ_KE + 72)
#define V2REQ_N_NATD_S (V2REQ_NONCE + 36)
#define V2REQ_N_NATD_D (V2REQ_N_NATD_S + 28)
#define V2REQ_N_FRAG (V2REQ_N_NATD_D + 28)
#define V2REQ_N_SIGHASH (V2REQ_N_FRAG + 8)
#define V2REQ_VID (V2REQ_N_SIGHASH + 14)

/* Offsets into golden_v1_mm1 */
#define MM1_SA 28
#define MM1_P (MM1_SA + 12)
#define MM1_T1 (MM1_P + 8)
#define MM1_T1_LIFE (MM1_T1 + 8 + 24) /* the TLV Life Duration attribute */
#define MM1_T2 (MM1_T1 + 40)
#define MM1_VID1 (MM1_SA + 92)

/* Offsets into golden_v1_mm3 */
#define MM3_KE 28
#define MM3_NONCE (MM3_KE + 260)
#define MM3_CR (MM3_NONCE + 36)
#define MM3_NATD1 (MM3_CR + 26)
#define MM3_NATD2 (MM3_NATD1 + 36)

/* Put a big-endian 16-bit value (tests corrupt lengths with it). */
static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
