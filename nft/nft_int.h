/*
 * Internal helpers shared by the nft library's files; not part of the public API.
 */
#ifndef IKEGW_NFT_INT_H
#define IKEGW_NFT_INT_H

#include "nft.h"

/* Rule comments are "ikegw:KIND:PEER", PEER an address or "any" (MSS rules: an ifname). */
#define NFT_COMMENT_PREFIX "ikegw:"
#define NFT_COMMENT_ANY "any"
/* Room checked before each batch message; our largest message is under 1 KiB. */
#define NFT_MSG_ROOM 2048

/* Sets err (if not NULL) to code with text. */
void nft_err_set(struct nft_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The NUL-terminated rule comment in NFTA_RULE_USERDATA bytes, or NULL. */
const char *nft_udata_comment(const void *data, size_t len);

#endif
