/*
 * libFuzzer target for the nftables reply parsers: a GETRULE dump of our table (per-peer
 * counters, nft_counters_feed -> nft_rule_counters_parse via libnftnl) and the ACKs of a
 * batch (nft_acks_feed). The sequence number and port id are taken from the first header
 * so that inputs reach the parsers past the sequence check.
 * Seed corpus: datagrams recorded from the kernel (strace -e read=) for `nft list table`.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "nft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nft_peer_counters v[8];
	struct nft_counters_acc acc = { .v = v, .max = 8 };
	struct nft_error err;
	struct nft_acks acks;
	uint8_t batch[4096];
	uint32_t seq = 0, portid = 0;
	size_t blen;

	if (size >= 16) {
		memcpy(&seq, data + 8, 4);
		memcpy(&portid, data + 12, 4);
	}
	(void)nft_counters_feed(&acc, seq, portid, data, size, &err);

	if (nft_batch_remove(batch, sizeof(batch), seq, &blen) == 0) {
		nft_acks_init(&acks, batch, blen, portid, &err);
		(void)nft_acks_feed(&acks, data, size);
		(void)nft_acks_result(&acks);
	}
	return 0;
}
