/*
 * libFuzzer target: IKEv2 messages through the wire codec (decode, message rules, re-encode,
 * and the SK body decoded as if it were the plaintext). Links ikegw_wire alone.
 */
#include "fuzz_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_wire_one(data, size, WIRE_IKEV2);
	return 0;
}
