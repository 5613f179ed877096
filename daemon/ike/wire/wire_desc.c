/*
 * ikegw wire: the payload descriptor table, one row per wire payload type (IKEv1 1-21 and
 * IKEv2 33-53). Decoder, encoder and the payload names used in logs all read this table.
 * Rows with no decode function are names only: decoding treats them as unknown.
 */
#include "wire_internal.h"

#define V1 WIRE_V(WIRE_IKEV1)
#define V2 WIRE_V(WIRE_IKEV2)
#define ANY WIRE_VAR_MAX

/* Rows: name, long name, versions, fixed, min_var, max_var, decode, encode. */
/* clang-format off */
#define ROW(n, ln, v, fx, mn, mx, fn)                                                              \
	{ n, ln, v, fx, mn, mx, wire_dec_##fn, wire_enc_##fn }
#define NAME_ONLY(n, ln, v)                                                                        \
	{ n, ln, v, 0, 0, 0, NULL, NULL }
/* clang-format on */

const struct wire_pdesc wire_pdesc_table[WIRE_PL_MAX + 1] = {
	/* IKEv1: RFC 2408 3.4-3.16, mode-cfg draft, RFC 3947 */
	[WIRE_PLV1_SA] = ROW("SA", "Security Association", V1, 8, 8, ANY, sa),
	[WIRE_PLV1_PROPOSAL] = NAME_ONLY("P", "Proposal", V1),	 /* inside SA only */
	[WIRE_PLV1_TRANSFORM] = NAME_ONLY("T", "Transform", V1), /* inside P only */
	[WIRE_PLV1_KE] = ROW("KE", "Key Exchange", V1, 0, 1, ANY, ke),
	[WIRE_PLV1_ID] = ROW("ID", "Identification", V1, 4, 1, ANY, id),
	[WIRE_PLV1_CERT] = ROW("CERT", "Certificate", V1, 1, 1, ANY, cert),
	[WIRE_PLV1_CERTREQ] = ROW("CR", "Certificate Request", V1, 1, 0, ANY, cert),
	[WIRE_PLV1_HASH] = ROW("HASH", "Hash", V1, 0, 1, ANY, data),
	[WIRE_PLV1_SIG] = ROW("SIG", "Signature", V1, 0, 1, ANY, data),
	/* RFC 2409 5: "between 8 and 256 bytes inclusive" */
	[WIRE_PLV1_NONCE] = ROW("NONCE", "Nonce", V1, 0, 8, 256, data),
	[WIRE_PLV1_NOTIFY] = ROW("N", "Notification", V1, 8, 0, ANY, notify),
	[WIRE_PLV1_DELETE] = ROW("D", "Delete", V1, 8, 0, ANY, delete),
	[WIRE_PLV1_VID] = ROW("VID", "Vendor ID", V1, 0, 1, ANY, data),
	[WIRE_PLV1_ATTRIBUTE] = ROW("ATTR", "Attribute", V1, 4, 0, ANY, v1attr),
	[WIRE_PLV1_SAK] = NAME_ONLY("SAK", "SA KEK", V1),
	[WIRE_PLV1_SAT] = NAME_ONLY("SAT", "SA TEK", V1),
	[WIRE_PLV1_KD] = NAME_ONLY("KD", "Key Download", V1),
	[WIRE_PLV1_SEQ] = NAME_ONLY("SEQ", "Sequence Number", V1),
	[WIRE_PLV1_POP] = NAME_ONLY("POP", "Proof of Possession", V1),
	/* the negotiated hash: 16 (MD5) to 64 (SHA2-512) bytes */
	[WIRE_PLV1_NAT_D] = ROW("NAT-D", "NAT Discovery", V1, 0, 1, 64, data),
	[WIRE_PLV1_NAT_OA] = ROW("NAT-OA", "NAT Original Address", V1, 4, 4, 16, nat_oa),

	/* IKEv2: RFC 7296 3.3-3.16, RFC 7383 */
	[WIRE_PLV2_SA] = ROW("SA", "Security Association", V2, 0, 8, ANY, sa),
	[WIRE_PLV2_KE] = ROW("KE", "Key Exchange", V2, 4, 1, ANY, ke),
	/* ID_NULL (RFC 7619) has no data */
	[WIRE_PLV2_IDI] = ROW("IDi", "Identification - Initiator", V2, 4, 0, ANY, id),
	[WIRE_PLV2_IDR] = ROW("IDr", "Identification - Responder", V2, 4, 0, ANY, id),
	[WIRE_PLV2_CERT] = ROW("CERT", "Certificate", V2, 1, 1, ANY, cert),
	[WIRE_PLV2_CERTREQ] = ROW("CERTREQ", "Certificate Request", V2, 1, 0, ANY, cert),
	[WIRE_PLV2_AUTH] = ROW("AUTH", "Authentication", V2, 4, 1, ANY, auth),
	/* RFC 7296 3.9: "between 16 and 256 octets" */
	[WIRE_PLV2_NONCE] = ROW("No", "Nonce", V2, 0, 16, 256, data),
	[WIRE_PLV2_NOTIFY] = ROW("N", "Notify", V2, 4, 0, ANY, notify),
	[WIRE_PLV2_DELETE] = ROW("D", "Delete", V2, 4, 0, ANY, delete),
	[WIRE_PLV2_VID] = ROW("V", "Vendor ID", V2, 0, 1, ANY, data),
	[WIRE_PLV2_TSI] = ROW("TSi", "Traffic Selector - Initiator", V2, 4, 8, ANY, ts),
	[WIRE_PLV2_TSR] = ROW("TSr", "Traffic Selector - Responder", V2, 4, 8, ANY, ts),
	[WIRE_PLV2_SK] = ROW("SK", "Encrypted and Authenticated", V2, 0, 1, ANY, sk),
	[WIRE_PLV2_CP] = ROW("CP", "Configuration", V2, 4, 0, ANY, cp),
	[WIRE_PLV2_EAP] = ROW("EAP", "Extensible Authentication", V2, 0, 4, ANY, eap),
	[WIRE_PLV2_GSPM] = NAME_ONLY("GSPM", "Generic Secure Password Methods", V2),
	[WIRE_PLV2_IDG] = NAME_ONLY("IDg", "Group Identification", V2),
	[WIRE_PLV2_GSA] = NAME_ONLY("GSA", "Group Security Association", V2),
	[WIRE_PLV2_KD] = NAME_ONLY("KD", "Key Download", V2),
	[WIRE_PLV2_SKF] = ROW("SKF", "Encrypted and Authenticated Fragment", V2, 4, 1, ANY, sk),
};

const struct wire_pdesc *wire_pdesc_find(uint8_t version, uint8_t type)
{
	const struct wire_pdesc *pd;

	if (type > WIRE_PL_MAX || version > 7)
		return NULL;
	pd = &wire_pdesc_table[type];
	if (!pd->decode || !(pd->versions & WIRE_V(version)))
		return NULL;
	return pd;
}

const char *wire_payload_name(uint8_t type)
{
	return type <= WIRE_PL_MAX ? wire_pdesc_table[type].name : NULL;
}

const char *wire_payload_long_name(uint8_t type)
{
	return type <= WIRE_PL_MAX ? wire_pdesc_table[type].long_name : NULL;
}
