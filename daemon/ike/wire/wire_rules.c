/*
 * ikegw wire: message rules, one row per (version, exchange, message): which payloads are
 * required or allowed and how many, whether the message must be encrypted (IKEv2: everything
 * inside SK/SKF; IKEv1: the E flag), SPIs and message ID; and the validator applying them.
 */
#include "wire_internal.h"

#define MANY 255

enum { ENC_NEVER, ENC_ALWAYS, ENC_EITHER };
enum { ANY_VALUE, ZERO, NONZERO };

struct wire_rule_item {
	uint8_t type;
	uint8_t min, max;
};

struct wire_rule {
	const char *name;
	uint8_t version;
	uint8_t exchange;
	bool response;	     /* IKEv2: the R flag it must carry */
	uint8_t enc;	     /* ENC_* */
	uint8_t msgid;	     /* ANY_VALUE, ZERO, NONZERO */
	uint8_t rspi;	     /* responder SPI / cookie */
	uint8_t first;	     /* a payload that must come first (IKEv1 HASH), 0 = none */
	uint8_t one_of[2];   /* exactly one of these two (IKEv1 HASH or SIG) */
	bool waive_on_error; /* IKEv2 responses: an error notify / COOKIE replaces the content */
	const struct wire_rule_item *items; /* terminated by type 0 */
};

/* clang-format off */
#define END { 0, 0, 0 }

/* ---- IKEv2 (RFC 7296 1.2-1.5, 2.6; RFC 7383 for SKF, which is the SK alternative) ---- */

/* HDR, SAi1, KEi, Ni [N(COOKIE)] [N(NAT_DETECTION_*)] [V] */
static const struct wire_rule_item v2_init_req[] = {
	{ WIRE_PLV2_SA, 1, 1 },
	{ WIRE_PLV2_KE, 1, 1 },
	{ WIRE_PLV2_NONCE, 1, 1 },
	{ WIRE_PLV2_NOTIFY, 0, MANY },
	{ WIRE_PLV2_VID, 0, MANY },
	END,
};
/* HDR, SAr1, KEr, Nr, [CERTREQ] [N] [V]; or HDR, N(error | COOKIE | REDIRECT) */
static const struct wire_rule_item v2_init_resp[] = {
	{ WIRE_PLV2_SA, 1, 1 },
	{ WIRE_PLV2_KE, 1, 1 },
	{ WIRE_PLV2_NONCE, 1, 1 },
	{ WIRE_PLV2_CERTREQ, 0, MANY },
	{ WIRE_PLV2_NOTIFY, 0, MANY },
	{ WIRE_PLV2_VID, 0, MANY },
	END,
};
/* HDR, SK {IDi, [CERT+,] [N(INITIAL_CONTACT)] [CERTREQ+,] [IDr,] AUTH, [CP,] SAi2, TSi, TSr} */
static const struct wire_rule_item v2_auth_req[] = {
	{ WIRE_PLV2_IDI, 0, 1 },
	{ WIRE_PLV2_CERT, 0, MANY },
	{ WIRE_PLV2_CERTREQ, 0, MANY },
	{ WIRE_PLV2_IDR, 0, 1 },
	{ WIRE_PLV2_AUTH, 0, 1 },
	{ WIRE_PLV2_EAP, 0, 1 },
	{ WIRE_PLV2_CP, 0, 1 },
	{ WIRE_PLV2_SA, 0, 1 },
	{ WIRE_PLV2_TSI, 0, 1 },
	{ WIRE_PLV2_TSR, 0, 1 },
	{ WIRE_PLV2_NOTIFY, 0, MANY },
	{ WIRE_PLV2_VID, 0, MANY },
	END,
};
/* HDR, SK {IDr, [CERT+,] AUTH, [CP,] SAr2, TSi, TSr} (EAP rounds carry EAP) */
static const struct wire_rule_item v2_auth_resp[] = {
	{ WIRE_PLV2_IDR, 0, 1 },
	{ WIRE_PLV2_CERT, 0, MANY },
	{ WIRE_PLV2_AUTH, 0, 1 },
	{ WIRE_PLV2_EAP, 0, 1 },
	{ WIRE_PLV2_CP, 0, 1 },
	{ WIRE_PLV2_SA, 0, 1 },
	{ WIRE_PLV2_TSI, 0, 1 },
	{ WIRE_PLV2_TSR, 0, 1 },
	{ WIRE_PLV2_NOTIFY, 0, MANY },
	{ WIRE_PLV2_VID, 0, MANY },
	END,
};
/* HDR, SK {[N(REKEY_SA)], SA, Ni, [KEi], [TSi, TSr]} and the response likewise */
static const struct wire_rule_item v2_child[] = {
	{ WIRE_PLV2_SA, 1, 1 },
	{ WIRE_PLV2_NONCE, 1, 1 },
	{ WIRE_PLV2_KE, 0, 1 },
	{ WIRE_PLV2_TSI, 0, 1 },
	{ WIRE_PLV2_TSR, 0, 1 },
	{ WIRE_PLV2_NOTIFY, 0, MANY },
	{ WIRE_PLV2_VID, 0, MANY },
	END,
};
/* HDR, SK {[N,] [D,] [CP,] ...} */
static const struct wire_rule_item v2_info[] = {
	{ WIRE_PLV2_NOTIFY, 0, MANY },
	{ WIRE_PLV2_DELETE, 0, MANY },
	{ WIRE_PLV2_CP, 0, 1 },
	{ WIRE_PLV2_VID, 0, MANY },
	END,
};

/* ---- IKEv1 (RFC 2409 5.1-5.7, RFC 3947 3.2/5.2, RFC 2408 4.8) ---- */

/* MM1/MM2: HDR, SA [, VID] */
static const struct wire_rule_item v1_mm12[] = {
	{ WIRE_PLV1_SA, 1, 1 },
	{ WIRE_PLV1_VID, 0, MANY },
	{ WIRE_PLV1_NOTIFY, 0, MANY },
	END,
};
/* MM3/MM4: HDR, KE, Ni [, CR+] [, NAT-D, NAT-D] [, VID] */
static const struct wire_rule_item v1_mm34[] = {
	{ WIRE_PLV1_KE, 1, 1 },
	{ WIRE_PLV1_NONCE, 1, 1 },
	{ WIRE_PLV1_CERTREQ, 0, MANY },
	{ WIRE_PLV1_NAT_D, 0, MANY },
	{ WIRE_PLV1_VID, 0, MANY },
	{ WIRE_PLV1_NOTIFY, 0, MANY },
	END,
};
/* MM5/MM6: HDR*, IDii, [CERT,] SIG_I | HASH_I [, N(INITIAL-CONTACT)] */
static const struct wire_rule_item v1_mm56[] = {
	{ WIRE_PLV1_ID, 1, 1 },
	{ WIRE_PLV1_CERT, 0, MANY },
	{ WIRE_PLV1_CERTREQ, 0, MANY },
	{ WIRE_PLV1_SIG, 0, 1 },
	{ WIRE_PLV1_HASH, 0, 1 },
	{ WIRE_PLV1_NOTIFY, 0, MANY },
	{ WIRE_PLV1_VID, 0, MANY },
	END,
};
/* AM1: HDR, SA, KE, Ni, IDii [, CR] [, VID] */
static const struct wire_rule_item v1_am1[] = {
	{ WIRE_PLV1_SA, 1, 1 },
	{ WIRE_PLV1_KE, 1, 1 },
	{ WIRE_PLV1_NONCE, 1, 1 },
	{ WIRE_PLV1_ID, 1, 1 },
	{ WIRE_PLV1_CERTREQ, 0, MANY },
	{ WIRE_PLV1_VID, 0, MANY },
	{ WIRE_PLV1_NOTIFY, 0, MANY },
	END,
};
/* AM2: HDR, SA, KE, Nr, IDir, [CERT,] SIG_R | HASH_R [, CR] [, NAT-D, NAT-D] [, VID] */
static const struct wire_rule_item v1_am2[] = {
	{ WIRE_PLV1_SA, 1, 1 },
	{ WIRE_PLV1_KE, 1, 1 },
	{ WIRE_PLV1_NONCE, 1, 1 },
	{ WIRE_PLV1_ID, 1, 1 },
	{ WIRE_PLV1_CERT, 0, MANY },
	{ WIRE_PLV1_CERTREQ, 0, MANY },
	{ WIRE_PLV1_SIG, 0, 1 },
	{ WIRE_PLV1_HASH, 0, 1 },
	{ WIRE_PLV1_NAT_D, 0, MANY },
	{ WIRE_PLV1_VID, 0, MANY },
	{ WIRE_PLV1_NOTIFY, 0, MANY },
	END,
};
/* AM3: HDR[*], [CERT,] SIG_I | HASH_I [, NAT-D, NAT-D] [, N(INITIAL-CONTACT)] */
static const struct wire_rule_item v1_am3[] = {
	{ WIRE_PLV1_CERT, 0, MANY },
	{ WIRE_PLV1_SIG, 0, 1 },
	{ WIRE_PLV1_HASH, 0, 1 },
	{ WIRE_PLV1_NAT_D, 0, MANY },
	{ WIRE_PLV1_NOTIFY, 0, MANY },
	{ WIRE_PLV1_VID, 0, MANY },
	END,
};
/* QM1/QM2: HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr] [, NAT-OA, NAT-OA] */
static const struct wire_rule_item v1_qm12[] = {
	{ WIRE_PLV1_HASH, 1, 1 },
	{ WIRE_PLV1_SA, 1, 1 },
	{ WIRE_PLV1_NONCE, 1, 1 },
	{ WIRE_PLV1_KE, 0, 1 },
	{ WIRE_PLV1_ID, 0, 2 },
	{ WIRE_PLV1_NAT_OA, 0, 2 },
	{ WIRE_PLV1_NOTIFY, 0, MANY },
	{ WIRE_PLV1_VID, 0, MANY },
	END,
};
/* QM3: HDR*, HASH(3) */
static const struct wire_rule_item v1_qm3[] = {
	{ WIRE_PLV1_HASH, 1, 1 },
	{ WIRE_PLV1_NOTIFY, 0, MANY },
	END,
};
/* Informational before the ISAKMP SA: HDR, N/D */
static const struct wire_rule_item v1_info[] = {
	{ WIRE_PLV1_NOTIFY, 0, MANY },
	{ WIRE_PLV1_DELETE, 0, MANY },
	{ WIRE_PLV1_VID, 0, MANY },
	END,
};
/* Informational under the ISAKMP SA: HDR*, HASH(1), N/D (RFC 2409 5.7) */
static const struct wire_rule_item v1_info_enc[] = {
	{ WIRE_PLV1_HASH, 1, 1 },
	{ WIRE_PLV1_NOTIFY, 0, MANY },
	{ WIRE_PLV1_DELETE, 0, MANY },
	{ WIRE_PLV1_VID, 0, MANY },
	END,
};

/* clang-format on */

#define V2RULE(nm, ex, resp, e, mid, rs, waive, it)                                                \
	{                                                                                          \
		.name = nm, .version = WIRE_IKEV2, .exchange = WIRE_EX2_##ex, .response = resp,    \
		.enc = e, .msgid = mid, .rspi = rs, .waive_on_error = waive, .items = it           \
	}
#define V1RULE(nm, ex, e, mid, rs, fst, o1, o2, it)                                                \
	{                                                                                          \
		.name = nm, .version = WIRE_IKEV1, .exchange = WIRE_EX1_##ex, .enc = e,            \
		.msgid = mid, .rspi = rs, .first = fst, .one_of = { o1, o2 }, .items = it          \
	}

static const struct wire_rule rules[WIRE_R_COUNT] = {
	[WIRE_R_IKE_SA_INIT_REQ] = V2RULE("IKE_SA_INIT request", IKE_SA_INIT, false, ENC_NEVER,
					  ZERO, ZERO, false, v2_init_req),
	/* the responder SPI is 0 in N(COOKIE) and N(INVALID_KE_PAYLOAD) answers (RFC 7296 2.6) */
	[WIRE_R_IKE_SA_INIT_RESP] = V2RULE("IKE_SA_INIT response", IKE_SA_INIT, true, ENC_NEVER,
					   ZERO, ANY_VALUE, true, v2_init_resp),
	[WIRE_R_IKE_AUTH_REQ] = V2RULE("IKE_AUTH request", IKE_AUTH, false, ENC_ALWAYS, NONZERO,
				       NONZERO, false, v2_auth_req),
	[WIRE_R_IKE_AUTH_RESP] = V2RULE("IKE_AUTH response", IKE_AUTH, true, ENC_ALWAYS, NONZERO,
					NONZERO, true, v2_auth_resp),
	[WIRE_R_CREATE_CHILD_SA_REQ] = V2RULE("CREATE_CHILD_SA request", CREATE_CHILD_SA, false,
					      ENC_ALWAYS, NONZERO, NONZERO, false, v2_child),
	[WIRE_R_CREATE_CHILD_SA_RESP] = V2RULE("CREATE_CHILD_SA response", CREATE_CHILD_SA, true,
					       ENC_ALWAYS, NONZERO, NONZERO, true, v2_child),
	[WIRE_R_INFORMATIONAL_REQ] = V2RULE("INFORMATIONAL request", INFORMATIONAL, false,
					    ENC_ALWAYS, ANY_VALUE, NONZERO, false, v2_info),
	[WIRE_R_INFORMATIONAL_RESP] = V2RULE("INFORMATIONAL response", INFORMATIONAL, true,
					     ENC_ALWAYS, ANY_VALUE, NONZERO, false, v2_info),
	[WIRE_R_MM1] = V1RULE("MM1", MAIN, ENC_NEVER, ZERO, ZERO, 0, 0, 0, v1_mm12),
	[WIRE_R_MM2] = V1RULE("MM2", MAIN, ENC_NEVER, ZERO, NONZERO, 0, 0, 0, v1_mm12),
	[WIRE_R_MM3] = V1RULE("MM3", MAIN, ENC_NEVER, ZERO, NONZERO, 0, 0, 0, v1_mm34),
	[WIRE_R_MM4] = V1RULE("MM4", MAIN, ENC_NEVER, ZERO, NONZERO, 0, 0, 0, v1_mm34),
	[WIRE_R_MM5] = V1RULE("MM5", MAIN, ENC_ALWAYS, ZERO, NONZERO, 0, WIRE_PLV1_HASH,
			      WIRE_PLV1_SIG, v1_mm56),
	[WIRE_R_MM6] = V1RULE("MM6", MAIN, ENC_ALWAYS, ZERO, NONZERO, 0, WIRE_PLV1_HASH,
			      WIRE_PLV1_SIG, v1_mm56),
	[WIRE_R_AM1] = V1RULE("AM1", AGGRESSIVE, ENC_NEVER, ZERO, ZERO, 0, 0, 0, v1_am1),
	[WIRE_R_AM2] = V1RULE("AM2", AGGRESSIVE, ENC_NEVER, ZERO, NONZERO, 0, WIRE_PLV1_HASH,
			      WIRE_PLV1_SIG, v1_am2),
	[WIRE_R_AM3] = V1RULE("AM3", AGGRESSIVE, ENC_EITHER, ZERO, NONZERO, 0, WIRE_PLV1_HASH,
			      WIRE_PLV1_SIG, v1_am3),
	[WIRE_R_QM1] =
		V1RULE("QM1", QUICK, ENC_ALWAYS, NONZERO, NONZERO, WIRE_PLV1_HASH, 0, 0, v1_qm12),
	[WIRE_R_QM2] =
		V1RULE("QM2", QUICK, ENC_ALWAYS, NONZERO, NONZERO, WIRE_PLV1_HASH, 0, 0, v1_qm12),
	[WIRE_R_QM3] =
		V1RULE("QM3", QUICK, ENC_ALWAYS, NONZERO, NONZERO, WIRE_PLV1_HASH, 0, 0, v1_qm3),
	[WIRE_R_V1_INFO] = V1RULE("Informational", INFORMATIONAL, ENC_NEVER, ANY_VALUE, ANY_VALUE,
				  0, 0, 0, v1_info),
	[WIRE_R_V1_INFO_ENC] = V1RULE("protected Informational", INFORMATIONAL, ENC_ALWAYS, NONZERO,
				      NONZERO, WIRE_PLV1_HASH, 0, 0, v1_info_enc),
};

const struct wire_rule *wire_rule_get(enum wire_rule_id id)
{
	return (unsigned)id < WIRE_R_COUNT ? &rules[id] : NULL;
}

const struct wire_rule *wire_rule_v2(const struct wire_msg *msg)
{
	bool response;

	if (!msg || msg->version != WIRE_IKEV2)
		return NULL;
	response = msg->hdr.flags & WIRE_F2_RESPONSE;
	for (unsigned i = 0; i < WIRE_R_COUNT; i++)
		if (rules[i].version == WIRE_IKEV2 && rules[i].exchange == msg->hdr.exchange &&
		    rules[i].response == response)
			return &rules[i];
	return NULL;
}

const char *wire_rule_name(const struct wire_rule *rule)
{
	return rule ? rule->name : NULL;
}

static int reject(struct wire_err *err, uint8_t version, uint16_t n2, uint16_t n1, uint8_t payload,
		  const char *what)
{
	err->version = version;
	err->notify = version == WIRE_IKEV1 ? n1 : n2;
	err->payload = payload;
	err->what = what;
	return -EBADMSG;
}

static bool value_ok(uint8_t want, bool zero)
{
	return want == ANY_VALUE || (want == ZERO) == zero;
}

static bool spi_zero(const uint8_t *spi)
{
	for (unsigned i = 0; i < WIRE_SPI_LEN; i++)
		if (spi[i])
			return false;
	return true;
}

/* Header-level checks: exchange, R flag, SPIs, message ID, encryption. */
static int check_header(const struct wire_msg *msg, const struct wire_rule *rule,
			struct wire_err *err)
{
	uint8_t v = msg->version;
	bool enc;

	if (msg->hdr.exchange != rule->exchange)
		return reject(err, v, WIRE_N2_INVALID_SYNTAX, WIRE_N1_INVALID_EXCHANGE_TYPE, 0,
			      "exchange type does not match the expected message");
	if (v == WIRE_IKEV2 && !!(msg->hdr.flags & WIRE_F2_RESPONSE) != rule->response)
		return reject(err, v, WIRE_N2_INVALID_SYNTAX, 0, 0,
			      "response flag does not match the expected message");
	if (!value_ok(rule->rspi, spi_zero(msg->hdr.rspi)))
		return reject(err, v, WIRE_N2_INVALID_IKE_SPI, WIRE_N1_INVALID_COOKIE, 0,
			      rule->rspi == ZERO ? "responder SPI must be zero"
						 : "responder SPI must not be zero");
	if (!value_ok(rule->msgid, msg->hdr.msgid == 0))
		return reject(err, v, WIRE_N2_INVALID_SYNTAX, WIRE_N1_INVALID_MESSAGE_ID, 0,
			      rule->msgid == ZERO ? "message ID must be zero"
						  : "message ID must not be zero");
	enc = msg->enc.present;
	if (rule->enc == ENC_ALWAYS && !enc)
		return reject(err, v, WIRE_N2_INVALID_SYNTAX, WIRE_N1_INVALID_FLAGS,
			      v == WIRE_IKEV2 ? WIRE_PLV2_SK : 0, "message must be encrypted");
	if (rule->enc == ENC_NEVER && enc)
		return reject(err, v, WIRE_N2_INVALID_SYNTAX, WIRE_N1_INVALID_FLAGS,
			      v == WIRE_IKEV2 ? WIRE_PLV2_SK : 0, "message must not be encrypted");
	return 0;
}

static const struct wire_rule_item *find_item(const struct wire_rule *rule, uint8_t type)
{
	for (const struct wire_rule_item *it = rule->items; it->type; it++)
		if (it->type == type)
			return it;
	return NULL;
}

/* IKEv2 responses whose content an error notify replaces (RFC 7296 1.2, 2.6, 1.3; RFC 5685). */
static bool has_error_notify(const struct wire_msg *msg, bool inner)
{
	for (uint16_t i = 0; i < msg->npayloads; i++) {
		const struct wire_payload *p = &msg->payloads[i];

		if (p->type != WIRE_PLV2_NOTIFY || !p->known || p->encrypted != inner)
			continue;
		if (p->u.notify.type <= WIRE_N2_ERROR_MAX || p->u.notify.type == WIRE_N2_COOKIE ||
		    p->u.notify.type == WIRE_N2_REDIRECT)
			return true;
	}
	return false;
}

int wire_validate(const struct wire_msg *msg, const struct wire_rule *rule, struct wire_err *err)
{
	uint8_t count[WIRE_PL_MAX + 1] = { 0 };
	const struct wire_payload *first = NULL;
	uint8_t v;
	bool inner;
	int r;

	if (!msg || !rule || !err || rule->version != msg->version)
		return -EINVAL;
	memset(err, 0, sizeof(*err));
	v = msg->version;
	r = check_header(msg, rule, err);
	if (r < 0)
		return r;

	/* the content: IKEv2 inside SK when encrypted; IKEv1 all payloads */
	inner = msg->enc.present;
	for (uint16_t i = 0; i < msg->npayloads; i++) {
		const struct wire_payload *p = &msg->payloads[i];
		const struct wire_rule_item *it;

		if (v == WIRE_IKEV2 && inner && !p->encrypted) {
			if (p->type == WIRE_PLV2_SK || p->type == WIRE_PLV2_SKF)
				continue;
			return reject(err, v, WIRE_N2_INVALID_SYNTAX, 0, p->type,
				      "payload outside SK in an encrypted exchange");
		}
		if (!p->known)
			continue; /* unknown non-critical IKEv2 payload: ignored */
		if (!first)
			first = p;
		it = find_item(rule, p->type);
		if (!it)
			return reject(err, v, WIRE_N2_INVALID_SYNTAX, WIRE_N1_INVALID_PAYLOAD_TYPE,
				      p->type, "payload not allowed in this message");
		if (++count[p->type] > it->max)
			return reject(err, v, WIRE_N2_INVALID_SYNTAX, WIRE_N1_INVALID_PAYLOAD_TYPE,
				      p->type, "payload repeated more often than allowed");
	}
	if (inner && !msg->enc.decoded)
		return 0; /* the rest waits for wire_decode_inner() */
	if (rule->first && count[rule->first] && first->type != rule->first)
		return reject(err, v, WIRE_N2_INVALID_SYNTAX, WIRE_N1_INVALID_PAYLOAD_TYPE,
			      rule->first, "payload must come first");
	if (rule->waive_on_error && has_error_notify(msg, inner))
		return 0;
	for (const struct wire_rule_item *it = rule->items; it->type; it++)
		if (count[it->type] < it->min)
			return reject(err, v, WIRE_N2_INVALID_SYNTAX, WIRE_N1_INVALID_PAYLOAD_TYPE,
				      it->type, "required payload missing");
	if (rule->one_of[0] && count[rule->one_of[0]] + count[rule->one_of[1]] != 1)
		return reject(err, v, WIRE_N2_INVALID_SYNTAX, WIRE_N1_INVALID_PAYLOAD_TYPE,
			      rule->one_of[0], "needs exactly one HASH or SIG payload");
	return 0;
}
