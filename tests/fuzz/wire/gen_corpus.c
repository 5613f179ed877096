/*
 * Writes the seed corpora of fuzz_ikev1_msg and fuzz_ikev2_msg: the golden messages of
 * tests/unit/wire, plus messages built with the wire builders that reach the other payloads
 * (encrypted bodies holding plaintext, SKF, Delete, CP, EAP, NAT-OA, mode-config attributes).
 * Usage: wire_gen_corpus DIR   (writes DIR/ikev1/... and DIR/ikev2/...)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wire.h"
#include "wire_golden.h"

static const char *root;
static uint8_t msgbuf[4096], plainbuf[4096];
static const uint8_t bytes[64] = { 0x5a, 0xa5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
static const uint8_t spi4[4] = { 0xc0, 0xff, 0xee, 0x02 };

static int save(const char *sub, const char *name, const uint8_t *b, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, sub);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s.bin", root, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

/* A seed that does not decode (inner payloads included) would be a poor seed: refuse it. */
static int check(const char *name, const uint8_t *b, size_t len, bool inner)
{
	static struct wire_msg msg;
	struct wire_err err;
	char text[256];

	if (wire_decode(&msg, b, len, &err) == 0 &&
	    (!inner || wire_decode_inner(&msg, msg.enc.body.ptr, msg.enc.body.len, &err) == 0))
		return 0;
	fprintf(stderr, "%s: %s\n", name, wire_err_str(&err, text, sizeof(text)));
	return -1;
}

static struct wire_hdr hdr(uint8_t version, uint8_t exchange, uint8_t flags, uint32_t msgid)
{
	struct wire_hdr h = {
		.major = version, .exchange = exchange, .flags = flags, .msgid = msgid
	};

	memcpy(h.ispi, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	memcpy(h.rspi, "\x11\x12\x13\x14\x15\x16\x17\x18", 8);
	return h;
}

/* Puts plaintext `plain` (the caller's padding included) in the clear as b's encrypted part. */
static int seal_raw(const char *sub, const char *name, struct wire_builder *b, uint8_t first,
		    const uint8_t *plain, size_t plen, uint16_t frag_num, uint16_t frag_total)
{
	struct wire_sk_layout lay;
	size_t len = 0;
	int r;

	if (b->version == WIRE_IKEV2)
		r = wire_build_sk(b, first, frag_num, frag_total, plen, &lay);
	else
		r = wire_build_v1_encrypted(b, first, plen, &lay);
	if (r == 0)
		r = wire_build_finish(b, &len);
	if (r < 0) {
		fprintf(stderr, "%s: build failed: %d\n", name, r);
		return -1;
	}
	memcpy(msgbuf + lay.body_off, plain, plen);
	if (check(name, msgbuf, len, true) < 0)
		return -1;
	return save(sub, name, msgbuf, len);
}

/* Seals chain c plus pad zero bytes. */
static int seal(const char *sub, const char *name, struct wire_builder *b, struct wire_builder *c,
		uint16_t frag_num, uint16_t frag_total, size_t pad)
{
	size_t plen = 0;

	if (wire_build_finish(c, &plen) < 0) {
		fprintf(stderr, "%s: chain build failed\n", name);
		return -1;
	}
	memset(plainbuf + plen, 0, pad);
	return seal_raw(sub, name, b, c->first, plainbuf, plen + pad, frag_num, frag_total);
}

static int finish(const char *sub, const char *name, struct wire_builder *b)
{
	size_t len = 0;

	if (wire_build_finish(b, &len) < 0) {
		fprintf(stderr, "%s: build failed\n", name);
		return -1;
	}
	if (check(name, msgbuf, len, false) < 0)
		return -1;
	return save(sub, name, msgbuf, len);
}

static int v2_seeds(void)
{
	struct wire_hdr h = hdr(WIRE_IKEV2, WIRE_EX2_IKE_AUTH, WIRE_F2_INITIATOR, 1);
	struct wire_cp_attr cpa[2] = { { 1, { bytes, 4 } }, { 3, { bytes + 4, 0 } } };
	uint8_t eap[9] = { 2, 7, 0, 9, 1, 'u', 's', 'e', 'r' };
	struct wire_payload p;
	struct wire_builder b, c;
	int r = 0;

	/* IKE_AUTH whose SK body is exactly the golden plaintext */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	r |= seal_raw("ikev2", "ike_auth_clear_sk", &b, WIRE_PLV2_IDI, golden_v2_auth_plain,
		      sizeof(golden_v2_auth_plain), 0, 0);

	/* INFORMATIONAL: HDR, SK {D(ESP), CP(REPLY), N(ESP SPI)} */
	h = hdr(WIRE_IKEV2, WIRE_EX2_INFORMATIONAL, WIRE_F2_RESPONSE, 5);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), WIRE_IKEV2);
	p = (struct wire_payload){ .type = WIRE_PLV2_DELETE };
	p.u.del = (struct wire_delete){
		.proto = WIRE_PROTO_ESP, .spi_size = 4, .nspis = 2, .spis = { bytes, 8 }
	};
	wire_build_add(&c, &p);
	p = (struct wire_payload){ .type = WIRE_PLV2_CP };
	p.u.cp = (struct wire_cp){ .cfg_type = WIRE_CFG_REPLY, .attrs = cpa, .nattrs = 2 };
	wire_build_add(&c, &p);
	wire_build_notify(&c, WIRE_PROTO_ESP, WIRE_N2_REKEY_SA, spi4, 4, NULL, 0);
	r |= seal("ikev2", "informational_clear_sk", &b, &c, 0, 0, 0);

	/* IKE_AUTH fragment 1 of 2: SKF {EAP, IDr(ID_NULL)} */
	h = hdr(WIRE_IKEV2, WIRE_EX2_IKE_AUTH, WIRE_F2_INITIATOR, 2);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), WIRE_IKEV2);
	p = (struct wire_payload){ .type = WIRE_PLV2_EAP };
	p.u.eap.msg = (struct wire_span){ eap, sizeof(eap) };
	wire_build_add(&c, &p);
	p = (struct wire_payload){ .type = WIRE_PLV2_IDR };
	p.u.id.type = WIRE_ID_NULL;
	wire_build_add(&c, &p);
	r |= seal("ikev2", "ike_auth_clear_skf", &b, &c, 1, 2, 0);

	for (size_t i = 0; i < golden_count; i++)
		if (golden_all[i].bytes[17] == 0x20)
			r |= save("ikev2", golden_all[i].name, golden_all[i].bytes,
				  golden_all[i].len);
	return r;
}

static int v1_seeds(void)
{
	struct wire_hdr h = hdr(WIRE_IKEV1, WIRE_EX1_MAIN, WIRE_F1_ENCRYPTION, 0);
	struct wire_attr ipsec[] = {
		{ .type = WIRE_V1P_SA_LIFE_TYPE, .tv = true, .value = 1 },
		{ .type = WIRE_V1P_SA_LIFE_DURATION, .data = { bytes, 4 } },
		{ .type = WIRE_V1P_ENCAP_MODE, .tv = true, .value = 3 },
		{ .type = WIRE_V1P_AUTH_ALG, .tv = true, .value = 5 },
		{ .type = WIRE_V1P_KEY_LENGTH, .tv = true, .value = 256 },
	};
	struct wire_attr xauth[] = { { .type = 16521, .data = { (const uint8_t *)"user", 4 } } };
	struct wire_transform t = { .num = 1, .id = 12, .attrs = ipsec, .nattrs = 5 };
	struct wire_proposal prop = { .num = 1,
				      .proto = WIRE_PROTO_ESP,
				      .spi = { spi4, 4 },
				      .transforms = &t,
				      .ntransforms = 1 };
	struct wire_payload p;
	struct wire_builder b, c;
	int r = 0;

	/* MM5: HDR*, IDii, CERT, SIG_I, N(INITIAL-CONTACT), padding */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), WIRE_IKEV1);
	p = (struct wire_payload){ .type = WIRE_PLV1_ID };
	p.u.id = (struct wire_id){ .type = WIRE_ID_FQDN,
				   .proto = 17,
				   .port = 500,
				   .data = { (const uint8_t *)"r1.example.com", 14 } };
	wire_build_add(&c, &p);
	p = (struct wire_payload){ .type = WIRE_PLV1_CERT };
	p.u.cert = (struct wire_cert){ .encoding = WIRE_CERT_X509_SIG, .data = { bytes, 48 } };
	wire_build_add(&c, &p);
	wire_build_data(&c, WIRE_PLV1_SIG, bytes, 64);
	wire_build_notify(&c, WIRE_PROTO_IKE, WIRE_N1_INITIAL_CONTACT, golden_v1_mm3, 16, NULL, 0);
	r |= seal("ikev1", "mm5_clear_body", &b, &c, 0, 0, 4);

	/* QM1: HDR*, HASH(1), SA(ESP), Ni, KE, IDci, IDcr, NAT-OA, NAT-OA, padding */
	h = hdr(WIRE_IKEV1, WIRE_EX1_QUICK, WIRE_F1_ENCRYPTION, 0x5eed);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), WIRE_IKEV1);
	wire_build_data(&c, WIRE_PLV1_HASH, bytes, 32);
	p = (struct wire_payload){ .type = WIRE_PLV1_SA };
	p.u.sa = (struct wire_sa){ .doi = WIRE_DOI_IPSEC,
				   .situation = WIRE_SIT_IDENTITY_ONLY,
				   .proposals = &prop,
				   .nproposals = 1 };
	wire_build_add(&c, &p);
	wire_build_data(&c, WIRE_PLV1_NONCE, bytes, 16);
	p = (struct wire_payload){ .type = WIRE_PLV1_KE };
	p.u.ke.data = (struct wire_span){ bytes, 64 };
	wire_build_add(&c, &p);
	p = (struct wire_payload){ .type = WIRE_PLV1_ID };
	p.u.id = (struct wire_id){ .type = WIRE_ID_IPV4_ADDR_SUBNET, .data = { bytes, 8 } };
	wire_build_add(&c, &p);
	wire_build_add(&c, &p);
	p = (struct wire_payload){ .type = WIRE_PLV1_NAT_OA };
	p.u.nat_oa = (struct wire_nat_oa){ .id_type = WIRE_ID_IPV4_ADDR, .addr = { bytes, 4 } };
	wire_build_add(&c, &p);
	p.u.nat_oa = (struct wire_nat_oa){ .id_type = WIRE_ID_IPV6_ADDR, .addr = { bytes, 16 } };
	wire_build_add(&c, &p);
	r |= seal("ikev1", "qm1_clear_body", &b, &c, 0, 0, 3);

	/* Informational: N(R-U-THERE) and D(ISAKMP, cookie pair) in the clear */
	h = hdr(WIRE_IKEV1, WIRE_EX1_INFORMATIONAL, 0, 0x77);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_notify(&b, WIRE_PROTO_IKE, WIRE_N1_R_U_THERE, golden_v1_mm3, 16, bytes, 4);
	p = (struct wire_payload){ .type = WIRE_PLV1_DELETE };
	p.u.del = (struct wire_delete){ .doi = WIRE_DOI_IPSEC,
					.proto = WIRE_PROTO_IKE,
					.spi_size = 16,
					.nspis = 1,
					.spis = { golden_v1_mm3, 16 } };
	wire_build_add(&b, &p);
	r |= finish("ikev1", "info_dpd_delete", &b);

	/* Transaction (mode config): ATTR with a TLV attribute */
	h = hdr(WIRE_IKEV1, WIRE_EX1_TRANSACTION, 0, 0x99);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	p = (struct wire_payload){ .type = WIRE_PLV1_ATTRIBUTE };
	p.u.attr =
		(struct wire_v1_attrs){ .type = 1, .identifier = 7, .attrs = xauth, .nattrs = 1 };
	wire_build_add(&b, &p);
	r |= finish("ikev1", "transaction_attr", &b);

	for (size_t i = 0; i < golden_count; i++)
		if (golden_all[i].bytes[17] == 0x10)
			r |= save("ikev1", golden_all[i].name, golden_all[i].bytes,
				  golden_all[i].len);
	return r;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	root = argv[1];
	mkdir(root, 0755);
	return v2_seeds() || v1_seeds() ? 1 : 0;
}
