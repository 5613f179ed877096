#!/usr/bin/env python3
# Independent expected values for test_ike_crypto.c (run at development time, output pasted
# there as hex). Uses only Python's hmac/hashlib and the `cryptography` package, never ikegw
# code; every construction is written out from the RFC text (RFC 7296 2.13-2.18, 3.14,
# RFC 5282, RFC 7634; RFC 2409 5, 5.5 and appendix B for IKEv1, whose CBC vectors come from
# the openssl command line). Usage: python3 gen_vectors.py
import hashlib
import hmac
import subprocess

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


# ---- IKEv1 (RFC 2409), for test_crypto_v1.c ----
def v1_keys(h, psk, key_len, block):
    """SKEYID (5), SKEYID_d/a/e, the cipher key (appendix B) and the phase-1 IV."""
    if psk is not None:
        skeyid = prf(h, psk, NI + NR)
    else:
        skeyid = prf(h, NI + NR, GIR)
    d = prf(h, skeyid, GIR + CKY_I + CKY_R + b"\x00")
    a = prf(h, skeyid, d + GIR + CKY_I + CKY_R + b"\x01")
    e = prf(h, skeyid, a + GIR + CKY_I + CKY_R + b"\x02")
    if len(e) >= key_len:
        enc = e[:key_len]
    else:
        # K1 = prf(SKEYID_e, 0) with 0 one zero octet, Kn = prf(SKEYID_e, Kn-1)
        ks, k = b"", b"\x00"
        while len(ks) < key_len:
            k = prf(h, e, k)
            ks += k
        enc = ks[:key_len]
    iv = h(GXI + GXR).digest()[:block]
    return skeyid, d, a, e, enc, iv


def v1_keymat(h, skeyid_d, gqm, protocol, spi, ni, nr, n):
    seed = gqm + bytes([protocol]) + spi.to_bytes(4, "big") + ni + nr
    out, k = b"", b""
    while len(out) < n:
        k = prf(h, skeyid_d, k + seed)
        out += k
    return out[:n]


def openssl_cbc(cipher, key, iv, data):
    return subprocess.run(["openssl", "enc", "-" + cipher, "-nopad", "-K", key.hex(), "-iv",
                           iv.hex()], input=data, capture_output=True, check=True).stdout


CKY_I = SPII
CKY_R = SPIR
GXI = bytes((i * 5 + 1) & 0xFF for i in range(128))
GXR = bytes((i * 11 + 7) & 0xFF for i in range(128))
PSK = b"correct horse"
QNI = bytes(range(0x80, 0x90))
QNR = bytes(range(0x90, 0xA8))
GQM = bytes((i * 13 + 5) & 0xFF for i in range(128))
PLAIN48 = bytes(range(0x20, 0x50))

print("# IKEv1 prf/hash over parts: key 'key', 'The quick brown fox jumps over the lazy dog'")
FOX = b"The quick brown fox jumps over the lazy dog"
show("v1 prf parts sha256", prf(hashlib.sha256, b"key", FOX))
show("v1 hash parts sha1", hashlib.sha1(FOX).digest())
show("v1 hash parts md5", hashlib.md5(FOX).digest())
show("v1 hash parts sha512", hashlib.sha512(FOX).digest())

print("# IKEv1 PSK, HMAC-SHA1, AES-256-CBC (SKEYID_e 20 < 32: appendix B)")
sha1_keys = v1_keys(hashlib.sha1, PSK, 32, 16)
for name, v in zip(("skeyid", "skeyid_d", "skeyid_a", "skeyid_e", "enc", "iv"), sha1_keys):
    show("v1 sha1 " + name, v)
print("# IKEv1 signatures, HMAC-MD5, 3DES (SKEYID_e 16 < 24: appendix B)")
md5_keys = v1_keys(hashlib.md5, None, 24, 8)
for name, v in zip(("skeyid", "skeyid_d", "skeyid_a", "skeyid_e", "enc", "iv"), md5_keys):
    show("v1 md5 " + name, v)
print("# IKEv1 PSK, HMAC-SHA2-256, AES-128-CBC (SKEYID_e truncated)")
sha256_keys = v1_keys(hashlib.sha256, PSK, 16, 16)
for name, v in zip(("skeyid", "skeyid_e", "enc", "iv"), (sha256_keys[0], sha256_keys[3],
                                                        sha256_keys[4], sha256_keys[5])):
    show("v1 sha256 " + name, v)
print("# IKEv1 signatures, HMAC-SHA2-512, AES-192-CBC")
sha512_keys = v1_keys(hashlib.sha512, None, 24, 16)
show("v1 sha512 skeyid", sha512_keys[0])
show("v1 sha512 enc", sha512_keys[4])

print("# phase-2 IVs: hash(last block | M-ID big-endian) truncated")
show("v1 sha1 p2 iv (c0..cf, 0x01020304)",
     hashlib.sha1(bytes(range(0xC0, 0xD0)) + bytes.fromhex("01020304")).digest()[:16])
show("v1 md5 p2 iv (c0..c7, 0xdeadbeef)",
     hashlib.md5(bytes(range(0xC0, 0xC8)) + bytes.fromhex("deadbeef")).digest()[:8])

print("# CBC, plain = 20..4f (48 bytes), one stream (the C test splits it in two calls)")
show("v1 aes256 cbc", openssl_cbc("aes-256-cbc", sha1_keys[4], sha1_keys[5], PLAIN48))
show("v1 3des cbc", openssl_cbc("des-ede3-cbc", md5_keys[4], md5_keys[5], PLAIN48[:24]))

print("# Quick Mode KEYMAT, ESP (3), SPI 0x12345678, Ni_b 80..8f, Nr_b 90..a7")
show("v1 sha1 keymat 52", v1_keymat(hashlib.sha1, sha1_keys[1], b"", 3, 0x12345678, QNI, QNR, 52))
show("v1 sha1 keymat pfs 52",
     v1_keymat(hashlib.sha1, sha1_keys[1], GQM, 3, 0x12345678, QNI, QNR, 52))
show("v1 md5 keymat 40", v1_keymat(hashlib.md5, md5_keys[1], b"", 3, 0x12345678, QNI, QNR, 40))
