/* Test-only entry points of ikegw_ikecrypto: importing fixed private keys so known-answer
 * vectors (RFC 5903 sec 8, RFC 7748 sec 6.1) can be checked. Not for the daemon: fixed keys
 * defeat the point of ephemeral Diffie-Hellman.
 */
#pragma once

#include "ike_crypto.h"

/* A key pair from a private value: big-endian MODP exponent or ECP scalar, or the raw 32-byte
 * X25519 scalar as RFC 7748 writes it. */
int ike_dh_new_from_private(uint16_t group, const uint8_t *priv, size_t len, struct ike_dh **ret);
