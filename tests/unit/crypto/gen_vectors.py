#!/usr/bin/env python3
# Independent expected values for test_ike_crypto.c (run at development time, output pasted
# there as hex). Uses only Python's hmac/hashlib and the `cryptography` package, never ikegw
# code; every construction is written out from the RFC text (RFC 7296 2.13-2.18, 3.14,
# RFC 5282, RFC 7634). Usage: python3 gen_vectors.py
import hashlib
import hmac

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives import serialization


def prf(h, k, d):
    return hmac.new(k, d, h).digest()


def prf_plus(h, k, s, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = prf(h, k, t + s + bytes([i]))
        out += t
        i += 1
    return out[:n]


def show(name, b):
    print(f"{name} ({len(b)}): {b.hex()}")


# ---- the shared inputs (mirrored in test_ike_crypto.c) ----
NI = bytes(range(0x00, 0x20))
NR = bytes(range(0x40, 0x60))
GIR = bytes((i * 7 + 3) & 0xFF for i in range(256))
SPII = bytes.fromhex("0102030405060708")
SPIR = bytes.fromhex("1112131415161718")

print("# prf+ HMAC-SHA2-256, key 0x0b*20, seed 'prf+ seed', 100 bytes")
show("prfplus", prf_plus(hashlib.sha256, b"\x0b" * 20, b"prf+ seed", 100))

print("# RFC 2202 / 4231 / 4868 HMAC check values")
for h in (hashlib.md5, hashlib.sha1, hashlib.sha256, hashlib.sha384, hashlib.sha512):
    show(h().name + " tc1(0x0b*20)", prf(h, b"\x0b" * 20, b"Hi There"))
for n, h in ((32, hashlib.sha256), (48, hashlib.sha384), (64, hashlib.sha512)):
    show(f"rfc4868 {h().name} 0x0b*{n}", prf(h, b"\x0b" * n, b"Hi There"))

print("# IKEv2 SA: prf HMAC-SHA2-256, AES-CBC-256 + HMAC-SHA2-256-128")
seed = NI + NR + SPII + SPIR
skeyseed = prf(hashlib.sha256, NI + NR, GIR)
show("skeyseed", skeyseed)
km = prf_plus(hashlib.sha256, skeyseed, seed, 32 + 2 * 32 + 2 * 32 + 2 * 32)
for i, name in enumerate(("d", "ai", "ar", "ei", "er", "pi", "pr")):
    show("SK_" + name, km[i * 32:(i + 1) * 32])
SK_D = km[:32]

print("# IKEv2 SA: prf HMAC-SHA2-384, AES-GCM-16-256 (SK_e 36), no integ")
skeyseed = prf(hashlib.sha384, NI + NR, GIR)
km = prf_plus(hashlib.sha384, skeyseed, seed, 48 + 2 * 36 + 2 * 48)
show("d", km[:48])
show("ei", km[48:84])
show("er", km[84:120])
show("pi", km[120:168])
show("pr", km[168:216])

print("# rekey: old prf HMAC-SHA1 with old SK_d = 0x5a*20, new prf HMAC-SHA2-256, AES-GCM-16-128")
old_d = b"\x5a" * 20
skeyseed = prf(hashlib.sha1, old_d, GIR + NI + NR)
km = prf_plus(hashlib.sha256, skeyseed, seed, 32 + 2 * 20 + 2 * 32)
show("rekey d", km[:32])
show("rekey ei", km[32:52])
show("rekey er", km[52:72])
show("rekey pr", km[104:136])

print("# CHILD_SA KEYMAT, prf HMAC-SHA2-256, SK_d from the first SA, 72 bytes")
show("keymat", prf_plus(hashlib.sha256, SK_D, NI + NR, 72))
show("keymat pfs", prf_plus(hashlib.sha256, SK_D, GIR + NI + NR, 72))

print("# PSK AUTH, prf HMAC-SHA2-256, psk 'correct horse', octets = bytes(range(100))")
show("psk auth", prf(hashlib.sha256, prf(hashlib.sha256, b"correct horse", b"Key Pad for IKEv2"),
                     bytes(range(100))))
show("psk auth sha1", prf(hashlib.sha1, prf(hashlib.sha1, b"correct horse", b"Key Pad for IKEv2"),
                          bytes(range(100))))

print("# signed octets: msg = bytes(range(60)), nonce NR, SK_p = 0x33*32, ID = 01000000 c0000201")
show("maced id", prf(hashlib.sha256, b"\x33" * 32, bytes.fromhex("01000000c0000201")))

print("# SK bodies: aad = bytes(range(32)), plain = 'inner payloads' (14 bytes)")
AAD = bytes(range(32))
PLAIN = b"inner payloads"
key = bytes(range(0x80, 0x90))
salt = bytes.fromhex("c0c1c2c3")
iv8 = bytes.fromhex("a0a1a2a3a4a5a6a7")
ct = AESGCM(key).encrypt(salt + iv8, PLAIN + b"\x00", AAD)
show("gcm128 body", iv8 + ct)
ckey = bytes(range(0x80, 0xA0))
ct = ChaCha20Poly1305(ckey).encrypt(salt + iv8, PLAIN + b"\x00", AAD)
show("chacha body", iv8 + ct)
iv16 = bytes(range(0xB0, 0xC0))
ak = b"\x77" * 32
padded = PLAIN + b"\x00" + b"\x01"  # 14 + 1 pad + pad length 1 = 16
enc = Cipher(algorithms.AES(key), modes.CBC(iv16)).encryptor()
ct = enc.update(padded) + enc.finalize()
icv = prf(hashlib.sha256, ak, AAD + iv16 + ct)[:16]
show("cbc128 body", iv16 + ct + icv)

print("# RFC 5903 / 7748 public keys recomputed")
for curve, i in ((ec.SECP256R1(), "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433"),
                 (ec.SECP384R1(), "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
                                  "E35B538041E649EE3FAEF896783AB194"),
                 (ec.SECP521R1(), "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A0"
                                  "95AA85A30FE1C2952C6771D937BA9777F5957B2639BAB072462F68C27A57382D4A52")):
    k = ec.derive_private_key(int(i, 16), curve)
    pub = k.public_key().public_bytes(serialization.Encoding.X962,
                                      serialization.PublicFormat.UncompressedPoint)
    show(curve.name + " gi", pub[1:])
a = x25519.X25519PrivateKey.from_private_bytes(bytes.fromhex(
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
b = x25519.X25519PrivateKey.from_private_bytes(bytes.fromhex(
    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
show("x25519 A pub", a.public_key().public_bytes_raw())
show("x25519 B pub", b.public_key().public_bytes_raw())
show("x25519 K", a.exchange(b.public_key()))
