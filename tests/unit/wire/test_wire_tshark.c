/*
 * tshark as the independent oracle: the golden messages go into a pcap (hand-written pcap
 * header, raw IPv4 + UDP port 500 framing), `tshark -r FILE -V` must dissect them with no
 * malformed-packet or expert error/warning lines, show the expected payloads, and agree with
 * our decoder on every top-level payload's type and length. Skipped when tshark is missing.
 */
#include "wire_test_util.h"

#include <unistd.h>

#define LINKTYPE_RAW 101 /* packets start with the IPv4 header */

static void put_le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	assert_int_equal(fwrite(b, 1, 4, f), 4);
}

static void put_le16(FILE *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	assert_int_equal(fwrite(b, 1, 2, f), 2);
}

static uint16_t ip_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One packet: IPv4 192.0.2.1 -> 192.0.2.2, UDP 500 -> 500, the IKE message. */
static void write_packet(FILE *f, uint32_t n, const uint8_t *ike, size_t len)
{
	uint8_t ip[20] = { 0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2 };
	uint8_t udp[8] = { 0x01, 0xf4, 0x01, 0xf4, 0, 0, 0, 0 }; /* checksum 0: none (IPv4) */
	size_t total = sizeof(ip) + sizeof(udp) + len;

	put16(ip + 2, (uint16_t)total);
	put16(ip + 4, (uint16_t)n);
	put16(ip + 10, ip_checksum(ip, sizeof(ip)));
	put16(udp + 4, (uint16_t)(sizeof(udp) + len));
	put_le32(f, 1700000000 + n); /* record header: seconds, microseconds, lengths */
	put_le32(f, 0);
	put_le32(f, (uint32_t)total);
	put_le32(f, (uint32_t)total);
	assert_int_equal(fwrite(ip, 1, sizeof(ip), f), sizeof(ip));
	assert_int_equal(fwrite(udp, 1, sizeof(udp), f), sizeof(udp));
	assert_int_equal(fwrite(ike, 1, len, f), len);
}

static void write_pcap(const char *path)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	put_le32(f, 0xa1b2c3d4); /* pcap global header, microsecond timestamps */
	put_le16(f, 2);
	put_le16(f, 4);
	put_le32(f, 0);	    /* thiszone */
	put_le32(f, 0);	    /* sigfigs */
	put_le32(f, 65535); /* snaplen */
	put_le32(f, LINKTYPE_RAW);
	for (size_t i = 0; i < golden_count; i++)
		write_packet(f, (uint32_t)i, golden_all[i].bytes, golden_all[i].len);
	assert_int_equal(fclose(f), 0);
}

static char *run_tshark(const char *pcap)
{
	size_t cap = 1 << 20, len = 0, n;
	char cmd[512], *out = malloc(cap);
	FILE *p;

	assert_non_null(out);
	snprintf(cmd, sizeof(cmd), "tshark -n -r '%s' -V 2>&1", pcap);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(out + len, 1, cap - 1 - len, p)) > 0)
		len += n;
	out[len] = '\0';
	assert_int_equal(pclose(p), 0);
	assert_true(len < cap - 1);
	return out;
}

/* Strings that must appear, in this order, across the five dissections. */
static const char *const expected[] = {
	"Frame 1:",
	"Exchange type: IKE_SA_INIT (34)",
	"Payload: Security Association (33)",
	"Transform ID (ENCR): AES-GCM with a 16 octet ICV (20)",
	"Key Length: 256",
	"Transform ID (D-H): 256-bit random ECP group (19)",
	"Transform ID (D-H): 2048 bit MODP group (14)",
	"Payload: Key Exchange (34)",
	"Payload: Nonce (40)",
	"Payload: Notify (41) - NAT_DETECTION_SOURCE_IP",
	"Payload: Notify (41) - NAT_DETECTION_DESTINATION_IP",
	"Payload: Notify (41) - IKEV2_FRAGMENTATION_SUPPORTED",
	"Payload: Notify (41) - SIGNATURE_HASH_ALGORITHMS",
	"Payload: Vendor ID (43) : strongSwan",
	"Frame 2:",
	"Payload: Certificate Request (38)",
	"Certificate Type: X.509 Certificate - Signature (4)",
	"Certificate Authority Data: 000102030405060708090a0b0c0d0e0f10111213",
	"Certificate Authority Data: 808182838485868788898a8b8c8d8e8f90919293",
	"Frame 3:",
	"Exchange type: IKE_AUTH (35)",
	"Payload: Encrypted and Authenticated (46)",
	"Next payload: Identification - Initiator (35)",
	"Frame 4:",
	"Exchange type: Identity Protection (Main Mode) (2)",
	"Domain of interpretation: IPSEC (1)",
	"Transform ID: KEY_IKE (1)",
	"Encryption Algorithm: AES-CBC (7)",
	"Life Duration: 86400",
	"Encryption Algorithm: 3DES-CBC (5)",
	"Payload: Vendor ID (13) : RFC 3947 Negotiation of NAT-Traversal in the IKE",
	"Payload: Vendor ID (13) : RFC 3706 DPD (Dead Peer Detection)",
	"Frame 5:",
	"Payload: Key Exchange (4)",
	"Payload: Nonce (10)",
	"Payload: Certificate Request (7)",
	"id-at-commonName=ikegw-ca",
	"Payload: NAT-D (RFC 3947) (20)",
	"Payload: NAT-D (RFC 3947) (20)",
};

/*
 * tshark's top-level payloads of one frame: "    Payload: NAME (TYPE)" lines, each followed
 * by its "        Payload length: N" line.
 */
static unsigned tshark_payloads(const char *frame, const char *end, unsigned *types, unsigned *lens,
				unsigned max)
{
	unsigned n = 0;
	const char *line = frame;

	while (line && line < end && n < max) {
		const char *nl = strchr(line, '\n');

		if (strncmp(line, "    Payload: ", 13) == 0) {
			const char *open = NULL;

			/* the type is the last "(N)" before " :" or the end of the line */
			for (const char *c = line; c < (nl ? nl : end); c++)
				if (*c == '(' && c[1] >= '0' && c[1] <= '9')
					open = c;
			assert_non_null(open);
			types[n] = (unsigned)strtoul(open + 1, NULL, 10);
			lens[n] = 0;
			n++;
		} else if (n && strncmp(line, "        Payload length: ", 24) == 0 &&
			   !lens[n - 1]) {
			lens[n - 1] = (unsigned)strtoul(line + 24, NULL, 10);
		}
		line = nl ? nl + 1 : NULL;
	}
	return n;
}

static void wire_tshark_oracle(void **state)
{
	char dir[] = "/tmp/ikegw-wire-XXXXXX", pcap[64], *out, *pos, *line;
	unsigned bad = 0;

	if (system("command -v tshark >/dev/null 2>&1") != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(pcap, sizeof(pcap), "%s/golden.pcap", dir);
	write_pcap(pcap);
	out = run_tshark(pcap);

	/* no malformed packet, no expert error or warning, anywhere */
	for (line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t l = strcspn(line, "\n");
		char buf[512];

		snprintf(buf, sizeof(buf), "%.*s", (int)(l < 500 ? l : 500), line);
		if (strstr(buf, "Malformed") || strstr(buf, "Expert Info (Error") ||
		    strstr(buf, "Expert Info (Warning")) {
			print_error("tshark: %s\n", buf);
			bad++;
		}
	}
	assert_int_equal(bad, 0);

	pos = out;
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		char *hit = strstr(pos, expected[i]);

		if (!hit)
			print_error("tshark output lacks (in order): %s\n", expected[i]);
		assert_non_null(hit);
		pos = hit + strlen(expected[i]);
	}
	assert_null(strstr(out, "Frame 6:"));

	/* frame by frame, tshark's top-level payloads are ours: same types, same lengths */
	for (size_t i = 0; i < golden_count; i++) {
		char start[32], next[32];
		unsigned types[WIRE_MAX_PAYLOADS], lens[WIRE_MAX_PAYLOADS], n;
		struct wire_err err;
		const char *f, *e;

		snprintf(start, sizeof(start), "Frame %zu:", i + 1);
		snprintf(next, sizeof(next), "Frame %zu:", i + 2);
		f = strstr(out, start);
		assert_non_null(f);
		e = strstr(f, next);
		if (!e)
			e = f + strlen(f);
		n = tshark_payloads(f, e, types, lens, WIRE_MAX_PAYLOADS);
		assert_int_equal(
			wire_decode(&test_msg, golden_all[i].bytes, golden_all[i].len, &err), 0);
		assert_true(n > 0);
		assert_int_equal(n, test_msg.npayloads);
		for (unsigned k = 0; k < n; k++) {
			assert_int_equal(types[k], test_msg.payloads[k].type);
			assert_int_equal(lens[k], test_msg.payloads[k].raw.len);
		}
	}

	free(out);
	unlink(pcap);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wire_tshark_oracle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
