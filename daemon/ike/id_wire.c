/*
 * A received ID payload (IKEv1 ID, IKEv2 IDi/IDr) as the selection rules see it.
 */
#include <string.h>
#include <sys/socket.h>

#include "ike_internal.h"
#include "wire.h"

/* A received ID as the selection rules see it; text storage in buf. false: unusable. */
bool ike_id_from_wire(const struct wire_id *w, struct ike_id *id, char *buf, size_t len)
{

	memset(id, 0, sizeof(*id));
	switch (w->type) {
	case WIRE_ID_IPV4_ADDR:
		if (w->data.len != 4)
			return false;
		id->type = CONFIG_ID_ADDRESS;
		id->addr.family = AF_INET;
		memcpy(&id->addr.v4, w->data.ptr, 4);
		config_addr_str(&id->addr, buf, len);
		return true;
	case WIRE_ID_IPV6_ADDR:
		if (w->data.len != 16)
			return false;
		id->type = CONFIG_ID_ADDRESS;
		id->addr.family = AF_INET6;
		memcpy(&id->addr.v6, w->data.ptr, 16);
		config_addr_str(&id->addr, buf, len);
		return true;
	case WIRE_ID_FQDN:
	case WIRE_ID_RFC822_ADDR:
	case WIRE_ID_KEY_ID:
		if (w->data.len == 0 || w->data.len >= len || memchr(w->data.ptr, 0, w->data.len))
			return false;
		memcpy(buf, w->data.ptr, w->data.len);
		buf[w->data.len] = '\0';
		id->type = w->type == WIRE_ID_FQDN	  ? CONFIG_ID_FQDN
			   : w->type == WIRE_ID_RFC822_ADDR ? CONFIG_ID_EMAIL
							    : CONFIG_ID_KEY_ID;
		id->value = buf;
		return true;
	case WIRE_ID_DER_ASN1_DN:
		if (pki_dn_format(w->data.ptr, w->data.len, buf, len) < 0)
			return false;
		id->type = CONFIG_ID_DN;
		id->value = buf;
		return true;
	default:
		return false;
	}
}

