/* test_ike_crypto: runs every group of the ikegw_ikecrypto unit tests (PRF/integrity,
 * Diffie-Hellman, SK payload protection, IKEv2 key derivation, IKEv1 key derivation and CBC)
 * in one binary.
 */
#include "crypto_test.h"

int main(void)
{
	int failed = 0;

	failed += crypto_test_prf();
	failed += crypto_test_dh();
	failed += crypto_test_sk();
	failed += crypto_test_kdf();
	failed += crypto_test_v1();
	return failed ? 1 : 0;
}
