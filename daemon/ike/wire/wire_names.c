/*
 * ikegw wire: printable names for logs, expanded from the X-macro lists of wire_types.h (the
 * same lists that define the enums) and the payload descriptor table; plus the one-line
 * renderings of an error and of a message.
 */
#include <stdarg.h>
#include <stdio.h>

#include "wire_internal.h"

struct wire_name {
	uint16_t value;
	const char *name;
};

#define NAME(n, v, s) { v, s },
static const struct wire_name v2_exchanges[] = { WIRE_V2_EXCHANGE_LIST(NAME) };
static const struct wire_name v1_exchanges[] = { WIRE_V1_EXCHANGE_LIST(NAME) };
static const struct wire_name v2_notifies[] = { WIRE_V2_NOTIFY_LIST(NAME) };
static const struct wire_name v1_notifies[] = { WIRE_V1_NOTIFY_LIST(NAME) };
static const struct wire_name transform_types[] = { WIRE_TRANSFORM_TYPE_LIST(NAME) };
static const struct wire_name encrs[] = { WIRE_ENCR_LIST(NAME) };
static const struct wire_name prfs[] = { WIRE_PRF_LIST(NAME) };
static const struct wire_name integs[] = { WIRE_INTEG_LIST(NAME) };
static const struct wire_name kes[] = { WIRE_KE_LIST(NAME) };
static const struct wire_name esns[] = { WIRE_ESN_LIST(NAME) };
static const struct wire_name v1_ike_attrs[] = { WIRE_V1_IKE_ATTR_LIST(NAME) };
static const struct wire_name v1_ipsec_attrs[] = { WIRE_V1_IPSEC_ATTR_LIST(NAME) };
#undef NAME

#define LOOKUP(table, v) lookup(table, sizeof(table) / sizeof(table[0]), v)

static const char *lookup(const struct wire_name *t, size_t n, unsigned value)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return NULL;
}

const char *wire_exchange_name(uint8_t version, uint8_t exchange)
{
	if (version == WIRE_IKEV1)
		return LOOKUP(v1_exchanges, exchange);
	if (version == WIRE_IKEV2)
		return LOOKUP(v2_exchanges, exchange);
	return NULL;
}

const char *wire_notify_name(uint8_t version, uint16_t type)
{
	if (version == WIRE_IKEV1)
		return LOOKUP(v1_notifies, type);
	if (version == WIRE_IKEV2)
		return LOOKUP(v2_notifies, type);
	return NULL;
}

const char *wire_transform_type_name(uint8_t type)
{
	return LOOKUP(transform_types, type);
}

const char *wire_transform_id_name(uint8_t type, uint16_t id)
{
	switch (type) {
	case WIRE_TT_ENCR:
		return LOOKUP(encrs, id);
	case WIRE_TT_PRF:
		return LOOKUP(prfs, id);
	case WIRE_TT_INTEG:
		return LOOKUP(integs, id);
	case WIRE_TT_KE:
		return LOOKUP(kes, id);
	case WIRE_TT_ESN:
		return LOOKUP(esns, id);
	default:
		return NULL;
	}
}

const char *wire_v1_ike_attr_name(uint16_t type)
{
	return LOOKUP(v1_ike_attrs, type);
}

const char *wire_v1_ipsec_attr_name(uint16_t type)
{
	return LOOKUP(v1_ipsec_attrs, type);
}

/* Appends to buf (bounded, always NUL-terminated); *pos may run past size: output truncates. */
static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

const char *wire_err_str(const struct wire_err *err, char *buf, size_t size)
{
	const char *notify, *payload;
	size_t pos = 0;

	if (!buf || size == 0)
		return buf;
	buf[0] = '\0';
	if (!err)
		return buf;
	notify = wire_notify_name(err->version, err->notify);
	payload = err->payload ? wire_payload_name(err->payload) : "header";
	if (notify)
		append(buf, size, &pos, "%s: ", notify);
	else
		append(buf, size, &pos, "notify %u: ", err->notify);
	if (payload)
		append(buf, size, &pos, "%s", payload);
	else
		append(buf, size, &pos, "payload type %u", err->payload);
	append(buf, size, &pos, " at offset %u%s: %s", err->offset,
	       err->inner ? " of the plaintext" : "", err->what ? err->what : "?");
	return buf;
}

static void append_payload(char *buf, size_t size, size_t *pos, const struct wire_msg *msg,
			   const struct wire_payload *p)
{
	const char *name = p->known ? wire_payload_name(p->type) : NULL;
	const char *nn;

	if (!name) {
		append(buf, size, pos, " UNKNOWN(%u)", p->type);
		return;
	}
	append(buf, size, pos, " %s", name);
	if (p->type != WIRE_PLV1_NOTIFY && p->type != WIRE_PLV2_NOTIFY)
		return;
	nn = wire_notify_name(msg->version, p->u.notify.type);
	if (nn)
		append(buf, size, pos, "(%s)", nn);
	else
		append(buf, size, pos, "(%u)", p->u.notify.type);
}

const char *wire_msg_str(const struct wire_msg *msg, char *buf, size_t size)
{
	const char *ex;
	size_t pos = 0;
	bool open_sk = false;

	if (!buf || size == 0)
		return buf;
	buf[0] = '\0';
	if (!msg)
		return buf;
	ex = wire_exchange_name(msg->version, msg->hdr.exchange);
	if (ex)
		append(buf, size, &pos, "%s", ex);
	else
		append(buf, size, &pos, "EXCHANGE(%u)", msg->hdr.exchange);
	if (msg->version == WIRE_IKEV2)
		append(buf, size, &pos, " %s",
		       msg->hdr.flags & WIRE_F2_RESPONSE ? "response" : "request");
	append(buf, size, &pos, " %u [", msg->hdr.msgid);
	for (uint16_t i = 0; i < msg->npayloads; i++) {
		const struct wire_payload *p = &msg->payloads[i];

		if (p->encrypted && !open_sk) {
			append(buf, size, &pos, " {");
			open_sk = true;
		}
		append_payload(buf, size, &pos, msg, p);
	}
	if (open_sk)
		append(buf, size, &pos, " }");
	else if (msg->version == WIRE_IKEV1 && msg->enc.present)
		append(buf, size, &pos, " encrypted");
	append(buf, size, &pos, " ]");
	return buf;
}
