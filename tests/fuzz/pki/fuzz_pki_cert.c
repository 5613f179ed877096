/*
 * libFuzzer target for the PKI code that reads peer-supplied bytes: a CERT payload's
 * DER certificate (pki_cert_from_der and every accessor the IKE engines log or match
 * on) and a CERTREQ's DER distinguished name (pki_dn_format).
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pki_identity ids[16];
	struct pki_error err;
	struct pki_cert *cert = NULL;
	char buf[512];

	(void)pki_dn_format(data, size, buf, sizeof(buf));
	if (pki_cert_from_der(data, size, &cert, &err) == 0) {
		size_t n = pki_cert_identities(cert, ids, 16);

		(void)pki_cert_subject_str(cert);
		(void)pki_cert_issuer_str(cert);
		(void)pki_cert_serial_hex(cert);
		for (size_t i = 0; i < n && i < 16; i++)
			(void)pki_cert_has_identity(cert, &ids[i]);
		pki_cert_free(cert);
	}
	return 0;
}
