/*
 * The IOS layouts of `show crypto ipsec sa`, `show crypto ikev2 sa [detail]` and
 * `show crypto isakmp sa [detail]`, rendered from the daemon's JSON results
 * (docs/control-protocol.md). Lines an IOS user greps for (#pkts encaps:, current_peer,
 * Tunnel-id ... Status, dst src state conn-id status) keep their IOS spelling.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ikegwctl_render.h"

static size_t array_len(struct json_object *a)
{
	return a ? json_object_array_length(a) : 0;
}

/* "0x1a2b3c4d" as IOS prints it: 0x1A2B3C4D(439041101); an unparsable SPI is printed as is. */
static void print_spi(FILE *f, const char *spi)
{
	char *end;
	unsigned long long v = strtoull(spi, &end, 16);

	if (!*spi || *end || v > 0xffffffffULL)
		fprintf(f, "%s", spi);
	else
		fprintf(f, "0x%08llX(%llu)", v, v);
}

static bool sa_is_active(struct json_object *sa)
{
	return strcasecmp(jstr(sa, "state", "active"), "rekeyed") != 0;
}

static void print_esp_sa(FILE *f, struct json_object *sa, const char *spi_key)
{
	fprintf(f, "      spi: ");
	print_spi(f, jstr(sa, spi_key, "0x0"));
	fprintf(f, "\n");
	fprintf(f, "        transform: %s ,\n", jstr(sa, "transform", "(unknown)"));
	fprintf(f, "        in use settings ={%s, %s}\n",
		strcasecmp(jstr(sa, "mode", "tunnel"), "transport") ? "Tunnel" : "Transport",
		jbool(sa, "udp_encap", false) ? "UDP-Encaps, " : "");
	fprintf(f, "        sa timing: remaining key lifetime (sec): (%lld)\n",
		jint(sa, "lifetime_left", 0));
	fprintf(f, "        replay detection support: Y\n");
	fprintf(f, "        Status: %s\n", sa_is_active(sa) ? "ACTIVE(ACTIVE)" : "REKEYED(STANDBY)");
	fprintf(f, "\n");
}

static void print_esp_sas(FILE *f, struct json_object *sas, const char *dir, const char *spi_key)
{
	fprintf(f, "     %s esp sas:\n", dir);
	for (size_t i = 0; i < array_len(sas); i++)
		print_esp_sa(f, json_object_array_get_idx(sas, i), spi_key);
	if (!array_len(sas))
		fprintf(f, "\n");
	fprintf(f, "     %s ah sas:\n\n     %s pcp sas:\n", dir, dir);
}

static void render_tunnel(FILE *f, struct json_object *t)
{
	struct json_object *sas = jarray(t, "sas"), *cur = NULL;
	const char *ifname = jstr(t, "interface", "(none)"), *local = jstr(t, "local", "0.0.0.0");
	const char *peer = jstr(t, "peer", "0.0.0.0"), *rekey = jstr(t, "last_rekey", NULL);
	long long port = 500, encaps = jint(t, "encaps_pkts", 0), decaps = jint(t, "decaps_pkts", 0);

	for (size_t i = 0; i < array_len(sas); i++) {
		struct json_object *sa = json_object_array_get_idx(sas, i);

		if (jbool(sa, "udp_encap", false))
			port = 4500;
		if (!cur || (!sa_is_active(cur) && sa_is_active(sa)))
			cur = sa;
	}
	port = jint(t, "port", port);

	fprintf(f, "interface: %s\n", ifname);
	fprintf(f, "    Crypto map tag: %s-head-0, local addr %s\n\n", ifname, local);
	fprintf(f, "   protected vrf: (none)\n");
	fprintf(f, "   local  ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)\n");
	fprintf(f, "   remote ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)\n");
	fprintf(f, "   current_peer %s port %lld\n", peer, port);
	fprintf(f, "     PERMIT, flags={origin_is_acl,}\n");
	fprintf(f, "    #pkts encaps: %lld, #pkts encrypt: %lld, #pkts digest: %lld\n", encaps,
		encaps, encaps);
	fprintf(f, "    #pkts decaps: %lld, #pkts decrypt: %lld, #pkts verify: %lld\n", decaps,
		decaps, decaps);
	fprintf(f, "    #bytes encaps: %lld, #bytes decaps: %lld\n", jint(t, "encaps_bytes", 0),
		jint(t, "decaps_bytes", 0));
	fprintf(f, "    #pkts replay failed: %lld, #pkts verify failed (integrity): %lld, "
		   "#pkts no sa: %lld\n",
		jint(t, "errors_replay", 0), jint(t, "errors_integrity", 0),
		jint(t, "errors_no_sa", 0));
	/* what came from the peer as our nftables table counted it, and the IKE we sent it */
	if (jint(t, "ike_tx_pkts", -1) >= 0) {
		char ike[24] = "-", esp[24] = "-"; /* "-": our nftables table did not count */

		if (jint(t, "ike_rx_pkts", -1) >= 0)
			snprintf(ike, sizeof(ike), "%lld", jint(t, "ike_rx_pkts", 0));
		if (jint(t, "esp_rx_pkts", -1) >= 0)
			snprintf(esp, sizeof(esp), "%lld", jint(t, "esp_rx_pkts", 0));
		fprintf(f, "    #pkts ike sent: %lld, #pkts ike received: %s, #pkts esp received: %s\n",
			jint(t, "ike_tx_pkts", 0), ike, esp);
	}
	fprintf(f, "\n     local crypto endpt.: %s, remote crypto endpt.: %s\n", local, peer);
	fprintf(f, "     tunnel status: %s, last rekey: %s\n", jstr(t, "status", "down"),
		rekey ? rekey : "never");
	if (jint(t, "dpd_rtt_us", -1) >= 0)
		fprintf(f, "     dpd round trip: %lld.%03lld ms\n", jint(t, "dpd_rtt_us", 0) / 1000,
			jint(t, "dpd_rtt_us", 0) % 1000);
	else
		fprintf(f, "     dpd round trip: not measured\n");
	fprintf(f, "     current outbound spi: ");
	print_spi(f, cur ? jstr(cur, "spi_out", "0x0") : "0x0");
	fprintf(f, "\n\n");
	print_esp_sas(f, sas, "inbound", "spi_in");
	fprintf(f, "\n");
	print_esp_sas(f, sas, "outbound", "spi_out");
	fprintf(f, "\n");
}

bool render_ipsec_sa(FILE *f, struct json_object *result)
{
	struct json_object *tunnels = jarray(result, "tunnels");

	if (!tunnels)
		return false;
	if (jstr(result, "key_export", NULL))
		fprintf(f, "%% key export to %s is ON: anyone who can read it can decrypt this "
			   "gateway's traffic\n\n",
			jstr(result, "key_export", ""));
	for (size_t i = 0; i < array_len(tunnels); i++)
		render_tunnel(f, json_object_array_get_idx(tunnels, i));
	return true;
}

static bool is_ipv6(struct json_object *sa)
{
	return strchr(jstr(sa, "local", ""), ':') || strchr(jstr(sa, "remote", ""), ':');
}

/* An IKE SPI as IOS prints it: upper-case hex. */
static void print_upper(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(toupper((unsigned char)*s), f);
}

/*
 *  IPv4 Crypto IKEv2  SA
 *
 * Tunnel-id Local                 Remote                fvrf/ivrf            Status
 * 1         192.168.0.1/500       192.168.0.2/500       none/none            READY
 *       Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: PSK, ...
 *       Life/Active Time: 86400/123 sec
 */
static void render_ikev2_one(FILE *f, struct json_object *sa, bool detail)
{
	char local[80], remote[80];
	bool initiator = !strcasecmp(jstr(sa, "role", "initiator"), "initiator");
	struct json_object *children = jarray(sa, "children");
	const char *ispi = jstr(sa, "initiator_spi", ""), *rspi = jstr(sa, "responder_spi", "");

	snprintf(local, sizeof(local), "%s/%lld", jstr(sa, "local", "(none)"),
		 jint(sa, "local_port", 500));
	snprintf(remote, sizeof(remote), "%s/%lld", jstr(sa, "remote", "(none)"),
		 jint(sa, "remote_port", 500));
	fprintf(f, "%-9lld %-21s %-21s %-20s %s\n", jint(sa, "tunnel_id", 0), local, remote,
		"none/none", jstr(sa, "state", "UNKNOWN"));
	fprintf(f, "      Encr: %s, keysize: %lld, PRF: %s, Hash: %s, DH Grp:%lld, "
		   "Auth sign: %s, Auth verify: %s\n",
		jstr(sa, "encr", "None"), jint(sa, "key_bits", 0), jstr(sa, "prf", "None"),
		jstr(sa, "integ", "None"), jint(sa, "dh_group", 0), jstr(sa, "auth_local", "None"),
		jstr(sa, "auth_remote", "None"));
	fprintf(f, "      Life/Active Time: %lld/%lld sec\n", jint(sa, "lifetime", 0),
		jint(sa, "active_time", 0));
	if (!detail)
		return;
	fprintf(f, "      Status Description: %s\n",
		strcasecmp(jstr(sa, "state", ""), "READY") ? "Negotiation in progress"
							   : "Negotiation done");
	fprintf(f, "      Local spi: ");
	print_upper(f, initiator ? ispi : rspi);
	fprintf(f, "       Remote spi: ");
	print_upper(f, initiator ? rspi : ispi);
	fprintf(f, "\n");
	fprintf(f, "      Local id: %s\n", jstr(sa, "local_id", ""));
	fprintf(f, "      Remote id: %s\n", jstr(sa, "remote_id", ""));
	fprintf(f, "      IKEv2 profile: %s\n", jstr(sa, "profile", "(none)"));
	fprintf(f, "      %s\n", jbool(sa, "nat_t", false) ? "NAT-T is detected" :
							  "NAT-T is not detected");
	fprintf(f, "      Initiator of SA : %s\n", initiator ? "Yes" : "No");
	for (size_t i = 0; i < array_len(children); i++) {
		struct json_object *c = json_object_array_get_idx(children, i);

		fprintf(f, "  Child sa: %s\n", jstr(c, "tunnel", "(none)"));
		fprintf(f, "        local selector  0.0.0.0/0 - 255.255.255.255/65535\n");
		fprintf(f, "        remote selector 0.0.0.0/0 - 255.255.255.255/65535\n");
		fprintf(f, "        ESP spi in/out: %s/%s\n", jstr(c, "spi_in", "0x0"),
			jstr(c, "spi_out", "0x0"));
	}
}

bool render_ikev2_sa(FILE *f, struct json_object *result, bool detail)
{
	struct json_object *sas = jarray(result, "sas");

	if (!sas)
		return false;
	for (int v6 = 0; v6 <= 1; v6++) {
		bool header = false;

		fprintf(f, " IPv%d Crypto IKEv2  SA\n\n", v6 ? 6 : 4);
		for (size_t i = 0; i < array_len(sas); i++) {
			struct json_object *sa = json_object_array_get_idx(sas, i);

			if (is_ipv6(sa) != (bool)v6)
				continue;
			if (!header) {
				fprintf(f, "Tunnel-id Local                 Remote                "
					   "fvrf/ivrf            Status\n");
				header = true;
			}
			render_ikev2_one(f, sa, detail);
			fprintf(f, "\n");
		}
	}
	return true;
}

/* IOS's short ISAKMP algorithm names: aes, 3des, sha256, psk, rsig. */
static void short_name(char *out, size_t len, const char *name)
{
	size_t i = 0;

	for (; name[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	out[i] = '\0';
	if (!strncmp(out, "aes", 3) || !strcmp(out, "3des-cbc") || !strcmp(out, "des-cbc"))
		out[strcspn(out, "-")] = '\0';
	if (!strcmp(out, "pre-share") || !strcmp(out, "pre-shared-key"))
		snprintf(out, len, "psk");
	else if (!strncmp(out, "rsa", 3))
		snprintf(out, len, "rsig");
}

static void isakmp_status(char *out, size_t len, struct json_object *sa)
{
	const char *st = jstr(sa, "status", NULL);

	if (st)
		snprintf(out, len, "%s", st);
	else
		snprintf(out, len, "%s",
			 strcasecmp(jstr(sa, "state", ""), "QM_IDLE") ? "" : "ACTIVE");
}

static long long conn_id(struct json_object *sa)
{
	return jint(sa, "conn_id", jint(sa, "tunnel_id", 0));
}

/* IPv4 Crypto ISAKMP SA / dst src state conn-id status, one SA a line. */
static void isakmp_brief(FILE *f, struct json_object *sa)
{
	char status[32];

	isakmp_status(status, sizeof(status), sa);
	fprintf(f, "%-15s %-15s %-14s %7lld %s\n", jstr(sa, "remote", "(none)"),
		jstr(sa, "local", "(none)"), jstr(sa, "state", "UNKNOWN"), conn_id(sa), status);
}

/* The detail line: C-id Local Remote I-VRF Status Encr Hash Auth DH Lifetime Cap. */
static void isakmp_detail(FILE *f, struct json_object *sa)
{
	char status[32], encr[32], hash[32], auth[32];
	long long left = jint(sa, "lifetime", 0) - jint(sa, "active_time", 0);

	if (left < 0)
		left = 0;
	isakmp_status(status, sizeof(status), sa);
	short_name(encr, sizeof(encr), jstr(sa, "encr", "none"));
	/* the daemon's IOS ISAKMP word ("sha", "sha256"); older results: the integrity name */
	short_name(hash, sizeof(hash), jstr(sa, "hash", jstr(sa, "integ", "none")));
	short_name(auth, sizeof(auth), jstr(sa, "auth_local", "none"));
	fprintf(f, "%-5lld %-15s %-15s %-6s %-6s %-4s %-6s %-4s %-2lld %02lld:%02lld:%02lld%s\n",
		conn_id(sa), jstr(sa, "local", "(none)"), jstr(sa, "remote", "(none)"), "", status,
		encr, hash, auth, jint(sa, "dh_group", 0), left / 3600, left / 60 % 60, left % 60,
		jbool(sa, "nat_t", false) ? " N" : "");
	fprintf(f, "       Engine-id:Conn-id =  SW:%lld\n", conn_id(sa));
	fprintf(f, "       Profile: %s, state: %s, role: %s\n", jstr(sa, "profile", "(none)"),
		jstr(sa, "state", "UNKNOWN"), jstr(sa, "role", "initiator"));
	fprintf(f, "       Local id: %s, Remote id: %s\n", jstr(sa, "local_id", ""),
		jstr(sa, "remote_id", ""));
	fprintf(f, "       Cookies: initiator ");
	print_upper(f, jstr(sa, "initiator_spi", ""));
	fprintf(f, ", responder ");
	print_upper(f, jstr(sa, "responder_spi", ""));
	fprintf(f, "\n\n");
}

bool render_isakmp_sa(FILE *f, struct json_object *result, bool detail)
{
	struct json_object *sas = jarray(result, "sas");

	if (!sas)
		return false;
	if (detail)
		fprintf(f, "Codes: C - IKE configuration mode, D - Dead Peer Detection\n"
			   "       K - Keepalives, N - NAT-traversal\n"
			   "       T - cTCP encapsulation, X - IKE Extended Authentication\n"
			   "       psk - Preshared key, rsig - RSA signature\n"
			   "       renc - RSA encryption\n");
	for (int v6 = 0; v6 <= 1; v6++) {
		fprintf(f, "IPv%d Crypto ISAKMP SA\n", v6 ? 6 : 4);
		if (detail)
			fprintf(f, "\nC-id  Local           Remote          I-VRF  Status Encr Hash   "
				   "Auth DH Lifetime Cap.\n\n");
		else
			fprintf(f, "dst             src             state          conn-id status\n");
		for (size_t i = 0; i < array_len(sas); i++) {
			struct json_object *sa = json_object_array_get_idx(sas, i);

			if (is_ipv6(sa) != (bool)v6)
				continue;
			if (detail)
				isakmp_detail(f, sa);
			else
				isakmp_brief(f, sa);
		}
		fprintf(f, "\n");
	}
	return true;
}
