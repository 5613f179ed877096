/*
 * libFuzzer target: IKEv1 (ISAKMP) messages through the wire codec (decode, Main, Aggressive,
 * Quick Mode and Informational rules, re-encode, and an encrypted body decoded as if it were the
 * plaintext, padding included). Links ikegw_wire alone.
 */
#include "fuzz_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_wire_one(data, size, WIRE_IKEV1);
	return 0;
}
