/*
 * ikegw wire: IANA numbers of IKEv1 (RFC 2408/2409/2407/3947) and IKEv2 (RFC 7296, 7383...).
 * The lists that have printable names are X-macro tables: the enums below and the name tables
 * in wire_names.c are both expanded from them, so a name can never drift from its number.
 */
#ifndef IKEGW_WIRE_TYPES_H
#define IKEGW_WIRE_TYPES_H

/* Major versions as they appear in the header's version byte (high nibble). */
enum wire_version {
	WIRE_IKEV1 = 1,
	WIRE_IKEV2 = 2,
};

/*
 * Payload types: IKEv1 1-21 and IKEv2 33-53 share one number space (RFC 7296 3.2 keeps 1-32
 * for IKEv1), hence one descriptor table (wire_desc.c). Names come from that table.
 */
enum wire_payload_type {
	WIRE_PL_NONE = 0,
	WIRE_PLV1_SA = 1,	  /* RFC 2408 3.4 */
	WIRE_PLV1_PROPOSAL = 2,	  /* RFC 2408 3.5, only inside SA */
	WIRE_PLV1_TRANSFORM = 3,  /* RFC 2408 3.6, only inside a proposal */
	WIRE_PLV1_KE = 4,	  /* RFC 2408 3.7 */
	WIRE_PLV1_ID = 5,	  /* RFC 2408 3.8, RFC 2407 4.6.2 */
	WIRE_PLV1_CERT = 6,	  /* RFC 2408 3.9 */
	WIRE_PLV1_CERTREQ = 7,	  /* RFC 2408 3.10 */
	WIRE_PLV1_HASH = 8,	  /* RFC 2408 3.11 */
	WIRE_PLV1_SIG = 9,	  /* RFC 2408 3.12 */
	WIRE_PLV1_NONCE = 10,	  /* RFC 2408 3.13 */
	WIRE_PLV1_NOTIFY = 11,	  /* RFC 2408 3.14 */
	WIRE_PLV1_DELETE = 12,	  /* RFC 2408 3.15 */
	WIRE_PLV1_VID = 13,	  /* RFC 2408 3.16 */
	WIRE_PLV1_ATTRIBUTE = 14, /* draft-ietf-ipsec-isakmp-mode-cfg-05 3.2 */
	WIRE_PLV1_SAK = 15,	  /* RFC 6407 (GDOI), name only */
	WIRE_PLV1_SAT = 16,
	WIRE_PLV1_KD = 17,
	WIRE_PLV1_SEQ = 18,
	WIRE_PLV1_POP = 19,
	WIRE_PLV1_NAT_D = 20,  /* RFC 3947 3.2 */
	WIRE_PLV1_NAT_OA = 21, /* RFC 3947 5.2 */
	WIRE_PLV2_SA = 33,     /* RFC 7296 3.3 */
	WIRE_PLV2_KE = 34,     /* RFC 7296 3.4 */
	WIRE_PLV2_IDI = 35,    /* RFC 7296 3.5 */
	WIRE_PLV2_IDR = 36,
	WIRE_PLV2_CERT = 37,	/* RFC 7296 3.6 */
	WIRE_PLV2_CERTREQ = 38, /* RFC 7296 3.7 */
	WIRE_PLV2_AUTH = 39,	/* RFC 7296 3.8 */
	WIRE_PLV2_NONCE = 40,	/* RFC 7296 3.9 */
	WIRE_PLV2_NOTIFY = 41,	/* RFC 7296 3.10 */
	WIRE_PLV2_DELETE = 42,	/* RFC 7296 3.11 */
	WIRE_PLV2_VID = 43,	/* RFC 7296 3.12 */
	WIRE_PLV2_TSI = 44,	/* RFC 7296 3.13 */
	WIRE_PLV2_TSR = 45,
	WIRE_PLV2_SK = 46,   /* RFC 7296 3.14 */
	WIRE_PLV2_CP = 47,   /* RFC 7296 3.15 */
	WIRE_PLV2_EAP = 48,  /* RFC 7296 3.16 */
	WIRE_PLV2_GSPM = 49, /* RFC 6467, name only */
	WIRE_PLV2_IDG = 50,  /* G-IKEv2, name only */
	WIRE_PLV2_GSA = 51,
	WIRE_PLV2_KD = 52,
	WIRE_PLV2_SKF = 53, /* RFC 7383 2.5 */
	WIRE_PL_MAX = 53,
};

/* Header flags: IKEv2 (RFC 7296 3.1) and IKEv1 (RFC 2408 3.1). */
#define WIRE_F2_INITIATOR 0x08
#define WIRE_F2_VERSION 0x10
#define WIRE_F2_RESPONSE 0x20
#define WIRE_F1_ENCRYPTION 0x01
#define WIRE_F1_COMMIT 0x02
#define WIRE_F1_AUTH_ONLY 0x04

/* Generic payload header, IKEv2: the critical bit (RFC 7296 3.2). */
#define WIRE_CRITICAL 0x80

/* Data attribute format bit: TV (value in the length field) when set (RFC 2408 3.3). */
#define WIRE_ATTR_AF 0x8000

/* Protocol IDs (RFC 7296 3.3.1; IKEv1: RFC 2407 4.4.1). */
enum wire_proto {
	WIRE_PROTO_IKE = 1, /* PROTO_ISAKMP in IKEv1 */
	WIRE_PROTO_AH = 2,
	WIRE_PROTO_ESP = 3,
	WIRE_PROTO_IPCOMP = 4, /* IKEv1 only */
};

#define WIRE_DOI_ISAKMP 0	 /* RFC 2408 3.4 (notifications outside any DOI) */
#define WIRE_DOI_IPSEC 1	 /* RFC 2407 */
#define WIRE_SIT_IDENTITY_ONLY 1 /* RFC 2407 4.2 */

/* IKEv1 transform ID inside a PROTO_ISAKMP proposal (RFC 2407 4.4.2). */
#define WIRE_V1_KEY_IKE 1

/* ID types (RFC 7296 3.5; IKEv1 RFC 2407 4.6.2.1 uses the same numbers, 3 = USER_FQDN). */
enum wire_id_type {
	WIRE_ID_IPV4_ADDR = 1,
	WIRE_ID_FQDN = 2,
	WIRE_ID_RFC822_ADDR = 3,
	WIRE_ID_IPV4_ADDR_SUBNET = 4, /* IKEv1 */
	WIRE_ID_IPV6_ADDR = 5,
	WIRE_ID_IPV6_ADDR_SUBNET = 6, /* IKEv1 */
	WIRE_ID_IPV4_ADDR_RANGE = 7,  /* IKEv1 */
	WIRE_ID_IPV6_ADDR_RANGE = 8,  /* IKEv1 */
	WIRE_ID_DER_ASN1_DN = 9,
	WIRE_ID_DER_ASN1_GN = 10,
	WIRE_ID_KEY_ID = 11,
	WIRE_ID_NULL = 13, /* RFC 7619, IKEv2 */
};

/* Certificate encodings (RFC 7296 3.6; RFC 2408 3.9). */
enum wire_cert_encoding {
	WIRE_CERT_PKCS7 = 1,
	WIRE_CERT_X509_SIG = 4,
	WIRE_CERT_CRL = 7,
	WIRE_CERT_HASH_URL_X509 = 12,
	WIRE_CERT_HASH_URL_BUNDLE = 13,
};

/* IKEv2 authentication methods (RFC 7296 3.8, RFC 4754, RFC 7427). */
enum wire_auth_method {
	WIRE_AUTH_RSA_SIG = 1,
	WIRE_AUTH_PSK = 2,
	WIRE_AUTH_DSS = 3,
	WIRE_AUTH_ECDSA_256 = 9,
	WIRE_AUTH_ECDSA_384 = 10,
	WIRE_AUTH_ECDSA_521 = 11,
	WIRE_AUTH_NULL = 13,
	WIRE_AUTH_DIGITAL_SIG = 14,
};

/* Traffic selector types (RFC 7296 3.13.1). */
enum wire_ts_type {
	WIRE_TS_IPV4_ADDR_RANGE = 7,
	WIRE_TS_IPV6_ADDR_RANGE = 8,
};

/* CP types (RFC 7296 3.15). */
enum wire_cfg_type {
	WIRE_CFG_REQUEST = 1,
	WIRE_CFG_REPLY = 2,
	WIRE_CFG_SET = 3,
	WIRE_CFG_ACK = 4,
};

/* IKEv2 transform attribute (RFC 7296 3.3.5): the only one defined, always TV. */
#define WIRE_TA_KEY_LENGTH 14

/* ---- Named lists: X(C name, number, printed name) ---- */

/* IKEv2 exchange types (RFC 7296 3.1, RFC 9242, RFC 9370). */
#define WIRE_V2_EXCHANGE_LIST(X)                                                                   \
	X(IKE_SA_INIT, 34, "IKE_SA_INIT")                                                          \
	X(IKE_AUTH, 35, "IKE_AUTH")                                                                \
	X(CREATE_CHILD_SA, 36, "CREATE_CHILD_SA")                                                  \
	X(INFORMATIONAL, 37, "INFORMATIONAL")                                                      \
	X(IKE_SESSION_RESUME, 38, "IKE_SESSION_RESUME")                                            \
	X(IKE_INTERMEDIATE, 43, "IKE_INTERMEDIATE")                                                \
	X(IKE_FOLLOWUP_KE, 44, "IKE_FOLLOWUP_KE")

/* IKEv1 exchange types (RFC 2408 4.1, RFC 2409 5.5/5.6, mode-cfg draft). */
#define WIRE_V1_EXCHANGE_LIST(X)                                                                   \
	X(BASE, 1, "BASE")                                                                         \
	X(MAIN, 2, "MAIN_MODE")                                                                    \
	X(AUTH_ONLY, 3, "AUTH_ONLY")                                                               \
	X(AGGRESSIVE, 4, "AGGRESSIVE")                                                             \
	X(INFORMATIONAL, 5, "INFORMATIONAL")                                                       \
	X(TRANSACTION, 6, "TRANSACTION")                                                           \
	X(QUICK, 32, "QUICK_MODE")                                                                 \
	X(NEW_GROUP, 33, "NEW_GROUP_MODE")

/* IKEv2 notify message types (RFC 7296 3.10.1 and the IANA registry). */
#define WIRE_V2_NOTIFY_LIST(X)                                                                     \
	X(UNSUPPORTED_CRITICAL_PAYLOAD, 1, "UNSUPPORTED_CRITICAL_PAYLOAD")                         \
	X(INVALID_IKE_SPI, 4, "INVALID_IKE_SPI")                                                   \
	X(INVALID_MAJOR_VERSION, 5, "INVALID_MAJOR_VERSION")                                       \
	X(INVALID_SYNTAX, 7, "INVALID_SYNTAX")                                                     \
	X(INVALID_MESSAGE_ID, 9, "INVALID_MESSAGE_ID")                                             \
	X(INVALID_SPI, 11, "INVALID_SPI")                                                          \
	X(NO_PROPOSAL_CHOSEN, 14, "NO_PROPOSAL_CHOSEN")                                            \
	X(INVALID_KE_PAYLOAD, 17, "INVALID_KE_PAYLOAD")                                            \
	X(AUTHENTICATION_FAILED, 24, "AUTHENTICATION_FAILED")                                      \
	X(SINGLE_PAIR_REQUIRED, 34, "SINGLE_PAIR_REQUIRED")                                        \
	X(NO_ADDITIONAL_SAS, 35, "NO_ADDITIONAL_SAS")                                              \
	X(INTERNAL_ADDRESS_FAILURE, 36, "INTERNAL_ADDRESS_FAILURE")                                \
	X(FAILED_CP_REQUIRED, 37, "FAILED_CP_REQUIRED")                                            \
	X(TS_UNACCEPTABLE, 38, "TS_UNACCEPTABLE")                                                  \
	X(INVALID_SELECTORS, 39, "INVALID_SELECTORS")                                              \
	X(UNACCEPTABLE_ADDRESSES, 40, "UNACCEPTABLE_ADDRESSES")                                    \
	X(UNEXPECTED_NAT_DETECTED, 41, "UNEXPECTED_NAT_DETECTED")                                  \
	X(TEMPORARY_FAILURE, 43, "TEMPORARY_FAILURE")                                              \
	X(CHILD_SA_NOT_FOUND, 44, "CHILD_SA_NOT_FOUND")                                            \
	X(INITIAL_CONTACT, 16384, "INITIAL_CONTACT")                                               \
	X(SET_WINDOW_SIZE, 16385, "SET_WINDOW_SIZE")                                               \
	X(ADDITIONAL_TS_POSSIBLE, 16386, "ADDITIONAL_TS_POSSIBLE")                                 \
	X(IPCOMP_SUPPORTED, 16387, "IPCOMP_SUPPORTED")                                             \
	X(NAT_DETECTION_SOURCE_IP, 16388, "NAT_DETECTION_SOURCE_IP")                               \
	X(NAT_DETECTION_DESTINATION_IP, 16389, "NAT_DETECTION_DESTINATION_IP")                     \
	X(COOKIE, 16390, "COOKIE")                                                                 \
	X(USE_TRANSPORT_MODE, 16391, "USE_TRANSPORT_MODE")                                         \
	X(HTTP_CERT_LOOKUP_SUPPORTED, 16392, "HTTP_CERT_LOOKUP_SUPPORTED")                         \
	X(REKEY_SA, 16393, "REKEY_SA")                                                             \
	X(ESP_TFC_PADDING_NOT_SUPPORTED, 16394, "ESP_TFC_PADDING_NOT_SUPPORTED")                   \
	X(NON_FIRST_FRAGMENTS_ALSO, 16395, "NON_FIRST_FRAGMENTS_ALSO")                             \
	X(MOBIKE_SUPPORTED, 16396, "MOBIKE_SUPPORTED")                                             \
	X(ADDITIONAL_IP4_ADDRESS, 16397, "ADDITIONAL_IP4_ADDRESS")                                 \
	X(ADDITIONAL_IP6_ADDRESS, 16398, "ADDITIONAL_IP6_ADDRESS")                                 \
	X(NO_ADDITIONAL_ADDRESSES, 16399, "NO_ADDITIONAL_ADDRESSES")                               \
	X(UPDATE_SA_ADDRESSES, 16400, "UPDATE_SA_ADDRESSES")                                       \
	X(COOKIE2, 16401, "COOKIE2")                                                               \
	X(NO_NATS_ALLOWED, 16402, "NO_NATS_ALLOWED")                                               \
	X(AUTH_LIFETIME, 16403, "AUTH_LIFETIME")                                                   \
	X(MULTIPLE_AUTH_SUPPORTED, 16404, "MULTIPLE_AUTH_SUPPORTED")                               \
	X(ANOTHER_AUTH_FOLLOWS, 16405, "ANOTHER_AUTH_FOLLOWS")                                     \
	X(REDIRECT_SUPPORTED, 16406, "REDIRECT_SUPPORTED")                                         \
	X(REDIRECT, 16407, "REDIRECT")                                                             \
	X(REDIRECTED_FROM, 16408, "REDIRECTED_FROM")                                               \
	X(CHILDLESS_IKEV2_SUPPORTED, 16418, "CHILDLESS_IKEV2_SUPPORTED")                           \
	X(IKEV2_FRAGMENTATION_SUPPORTED, 16430, "IKEV2_FRAGMENTATION_SUPPORTED")                   \
	X(SIGNATURE_HASH_ALGORITHMS, 16431, "SIGNATURE_HASH_ALGORITHMS")                           \
	X(USE_PPK, 16435, "USE_PPK")                                                               \
	X(PPK_IDENTITY, 16436, "PPK_IDENTITY")                                                     \
	X(NO_PPK_AUTH, 16437, "NO_PPK_AUTH")                                                       \
	X(INTERMEDIATE_EXCHANGE_SUPPORTED, 16438, "INTERMEDIATE_EXCHANGE_SUPPORTED")               \
	X(ADDITIONAL_KEY_EXCHANGE, 16441, "ADDITIONAL_KEY_EXCHANGE")                               \
	X(USE_AGGFRAG, 16442, "USE_AGGFRAG")

/* Notify types below this are errors (RFC 7296 3.10.1). */
#define WIRE_N2_ERROR_MAX 16383

/*
 * IKEv1 notify message types (RFC 2408 3.14.1), IPsec DOI status types (RFC 2407 4.6.3)
 * and DPD (RFC 3706).
 */
#define WIRE_V1_NOTIFY_LIST(X)                                                                     \
	X(INVALID_PAYLOAD_TYPE, 1, "INVALID_PAYLOAD_TYPE")                                         \
	X(DOI_NOT_SUPPORTED, 2, "DOI_NOT_SUPPORTED")                                               \
	X(SITUATION_NOT_SUPPORTED, 3, "SITUATION_NOT_SUPPORTED")                                   \
	X(INVALID_COOKIE, 4, "INVALID_COOKIE")                                                     \
	X(INVALID_MAJOR_VERSION, 5, "INVALID_MAJOR_VERSION")                                       \
	X(INVALID_MINOR_VERSION, 6, "INVALID_MINOR_VERSION")                                       \
	X(INVALID_EXCHANGE_TYPE, 7, "INVALID_EXCHANGE_TYPE")                                       \
	X(INVALID_FLAGS, 8, "INVALID_FLAGS")                                                       \
	X(INVALID_MESSAGE_ID, 9, "INVALID_MESSAGE_ID")                                             \
	X(INVALID_PROTOCOL_ID, 10, "INVALID_PROTOCOL_ID")                                          \
	X(INVALID_SPI, 11, "INVALID_SPI")                                                          \
	X(INVALID_TRANSFORM_ID, 12, "INVALID_TRANSFORM_ID")                                        \
	X(ATTRIBUTES_NOT_SUPPORTED, 13, "ATTRIBUTES_NOT_SUPPORTED")                                \
	X(NO_PROPOSAL_CHOSEN, 14, "NO_PROPOSAL_CHOSEN")                                            \
	X(BAD_PROPOSAL_SYNTAX, 15, "BAD_PROPOSAL_SYNTAX")                                          \
	X(PAYLOAD_MALFORMED, 16, "PAYLOAD_MALFORMED")                                              \
	X(INVALID_KEY_INFORMATION, 17, "INVALID_KEY_INFORMATION")                                  \
	X(INVALID_ID_INFORMATION, 18, "INVALID_ID_INFORMATION")                                    \
	X(INVALID_CERT_ENCODING, 19, "INVALID_CERT_ENCODING")                                      \
	X(INVALID_CERTIFICATE, 20, "INVALID_CERTIFICATE")                                          \
	X(CERT_TYPE_UNSUPPORTED, 21, "CERT_TYPE_UNSUPPORTED")                                      \
	X(INVALID_CERT_AUTHORITY, 22, "INVALID_CERT_AUTHORITY")                                    \
	X(INVALID_HASH_INFORMATION, 23, "INVALID_HASH_INFORMATION")                                \
	X(AUTHENTICATION_FAILED, 24, "AUTHENTICATION_FAILED")                                      \
	X(INVALID_SIGNATURE, 25, "INVALID_SIGNATURE")                                              \
	X(ADDRESS_NOTIFICATION, 26, "ADDRESS_NOTIFICATION")                                        \
	X(NOTIFY_SA_LIFETIME, 27, "NOTIFY_SA_LIFETIME")                                            \
	X(CERTIFICATE_UNAVAILABLE, 28, "CERTIFICATE_UNAVAILABLE")                                  \
	X(UNSUPPORTED_EXCHANGE_TYPE, 29, "UNSUPPORTED_EXCHANGE_TYPE")                              \
	X(UNEQUAL_PAYLOAD_LENGTHS, 30, "UNEQUAL_PAYLOAD_LENGTHS")                                  \
	X(CONNECTED, 16384, "CONNECTED")                                                           \
	X(RESPONDER_LIFETIME, 24576, "RESPONDER_LIFETIME")                                         \
	X(REPLAY_STATUS, 24577, "REPLAY_STATUS")                                                   \
	X(INITIAL_CONTACT, 24578, "INITIAL_CONTACT")                                               \
	X(R_U_THERE, 36136, "R_U_THERE")                                                           \
	X(R_U_THERE_ACK, 36137, "R_U_THERE_ACK")

/* IKEv2 transform types (RFC 7296 3.3.2; type 4 is "Key Exchange Method" since RFC 9370). */
#define WIRE_TRANSFORM_TYPE_LIST(X)                                                                \
	X(ENCR, 1, "ENCR")                                                                         \
	X(PRF, 2, "PRF")                                                                           \
	X(INTEG, 3, "INTEG")                                                                       \
	X(KE, 4, "KE")                                                                             \
	X(ESN, 5, "ESN")

/* Transform type 1 IDs (RFC 7296 3.3.2, RFC 4106, RFC 4309, RFC 5282, RFC 7634). */
#define WIRE_ENCR_LIST(X)                                                                          \
	X(DES_IV64, 1, "DES_IV64")                                                                 \
	X(DES, 2, "DES")                                                                           \
	X(3DES, 3, "3DES")                                                                         \
	X(RC5, 4, "RC5")                                                                           \
	X(IDEA, 5, "IDEA")                                                                         \
	X(CAST, 6, "CAST")                                                                         \
	X(BLOWFISH, 7, "BLOWFISH")                                                                 \
	X(3IDEA, 8, "3IDEA")                                                                       \
	X(DES_IV32, 9, "DES_IV32")                                                                 \
	X(NULL, 11, "NULL")                                                                        \
	X(AES_CBC, 12, "AES_CBC")                                                                  \
	X(AES_CTR, 13, "AES_CTR")                                                                  \
	X(AES_CCM_8, 14, "AES_CCM_8")                                                              \
	X(AES_CCM_12, 15, "AES_CCM_12")                                                            \
	X(AES_CCM_16, 16, "AES_CCM_16")                                                            \
	X(AES_GCM_8, 18, "AES_GCM_8")                                                              \
	X(AES_GCM_12, 19, "AES_GCM_12")                                                            \
	X(AES_GCM_16, 20, "AES_GCM_16")                                                            \
	X(NULL_AUTH_AES_GMAC, 21, "NULL_AUTH_AES_GMAC")                                            \
	X(CAMELLIA_CBC, 23, "CAMELLIA_CBC")                                                        \
	X(CAMELLIA_CTR, 24, "CAMELLIA_CTR")                                                        \
	X(CAMELLIA_CCM_8, 25, "CAMELLIA_CCM_8")                                                    \
	X(CAMELLIA_CCM_12, 26, "CAMELLIA_CCM_12")                                                  \
	X(CAMELLIA_CCM_16, 27, "CAMELLIA_CCM_16")                                                  \
	X(CHACHA20_POLY1305, 28, "CHACHA20_POLY1305")

/* Transform type 2 IDs (RFC 7296 3.3.2, RFC 4868, RFC 4615). */
#define WIRE_PRF_LIST(X)                                                                           \
	X(HMAC_MD5, 1, "PRF_HMAC_MD5")                                                             \
	X(HMAC_SHA1, 2, "PRF_HMAC_SHA1")                                                           \
	X(HMAC_TIGER, 3, "PRF_HMAC_TIGER")                                                         \
	X(AES128_XCBC, 4, "PRF_AES128_XCBC")                                                       \
	X(HMAC_SHA2_256, 5, "PRF_HMAC_SHA2_256")                                                   \
	X(HMAC_SHA2_384, 6, "PRF_HMAC_SHA2_384")                                                   \
	X(HMAC_SHA2_512, 7, "PRF_HMAC_SHA2_512")                                                   \
	X(AES128_CMAC, 8, "PRF_AES128_CMAC")

/* Transform type 3 IDs (RFC 7296 3.3.2, RFC 4868, RFC 4543). */
#define WIRE_INTEG_LIST(X)                                                                         \
	X(NONE, 0, "NONE")                                                                         \
	X(HMAC_MD5_96, 1, "AUTH_HMAC_MD5_96")                                                      \
	X(HMAC_SHA1_96, 2, "AUTH_HMAC_SHA1_96")                                                    \
	X(DES_MAC, 3, "AUTH_DES_MAC")                                                              \
	X(KPDK_MD5, 4, "AUTH_KPDK_MD5")                                                            \
	X(AES_XCBC_96, 5, "AUTH_AES_XCBC_96")                                                      \
	X(HMAC_MD5_128, 6, "AUTH_HMAC_MD5_128")                                                    \
	X(HMAC_SHA1_160, 7, "AUTH_HMAC_SHA1_160")                                                  \
	X(AES_CMAC_96, 8, "AUTH_AES_CMAC_96")                                                      \
	X(AES_128_GMAC, 9, "AUTH_AES_128_GMAC")                                                    \
	X(AES_192_GMAC, 10, "AUTH_AES_192_GMAC")                                                   \
	X(AES_256_GMAC, 11, "AUTH_AES_256_GMAC")                                                   \
	X(HMAC_SHA2_256_128, 12, "AUTH_HMAC_SHA2_256_128")                                         \
	X(HMAC_SHA2_384_192, 13, "AUTH_HMAC_SHA2_384_192")                                         \
	X(HMAC_SHA2_512_256, 14, "AUTH_HMAC_SHA2_512_256")

/* Transform type 4 IDs: DH groups (RFC 7296, 3526, 5903, 5114, 5639, 8031). */
#define WIRE_KE_LIST(X)                                                                            \
	X(NONE, 0, "NONE")                                                                         \
	X(MODP768, 1, "MODP_768")                                                                  \
	X(MODP1024, 2, "MODP_1024")                                                                \
	X(MODP1536, 5, "MODP_1536")                                                                \
	X(MODP2048, 14, "MODP_2048")                                                               \
	X(MODP3072, 15, "MODP_3072")                                                               \
	X(MODP4096, 16, "MODP_4096")                                                               \
	X(MODP6144, 17, "MODP_6144")                                                               \
	X(MODP8192, 18, "MODP_8192")                                                               \
	X(ECP256, 19, "ECP_256")                                                                   \
	X(ECP384, 20, "ECP_384")                                                                   \
	X(ECP521, 21, "ECP_521")                                                                   \
	X(MODP1024_160, 22, "MODP_1024_160")                                                       \
	X(MODP2048_224, 23, "MODP_2048_224")                                                       \
	X(MODP2048_256, 24, "MODP_2048_256")                                                       \
	X(ECP192, 25, "ECP_192")                                                                   \
	X(ECP224, 26, "ECP_224")                                                                   \
	X(BRAINPOOL224, 27, "ECP_224_BP")                                                          \
	X(BRAINPOOL256, 28, "ECP_256_BP")                                                          \
	X(BRAINPOOL384, 29, "ECP_384_BP")                                                          \
	X(BRAINPOOL512, 30, "ECP_512_BP")                                                          \
	X(CURVE25519, 31, "CURVE_25519")                                                           \
	X(CURVE448, 32, "CURVE_448")

/* Transform type 5 IDs (RFC 7296 3.3.2). */
#define WIRE_ESN_LIST(X)                                                                           \
	X(NONE, 0, "NO_ESN")                                                                       \
	X(ESN, 1, "ESN")

/* IKEv1 phase 1 SA attribute classes (RFC 2409 Appendix A). */
#define WIRE_V1_IKE_ATTR_LIST(X)                                                                   \
	X(ENCRYPTION, 1, "Encryption Algorithm")                                                   \
	X(HASH, 2, "Hash Algorithm")                                                               \
	X(AUTH_METHOD, 3, "Authentication Method")                                                 \
	X(GROUP_DESC, 4, "Group Description")                                                      \
	X(GROUP_TYPE, 5, "Group Type")                                                             \
	X(GROUP_PRIME, 6, "Group Prime/Irreducible Polynomial")                                    \
	X(GROUP_GEN1, 7, "Group Generator One")                                                    \
	X(GROUP_GEN2, 8, "Group Generator Two")                                                    \
	X(GROUP_CURVE_A, 9, "Group Curve A")                                                       \
	X(GROUP_CURVE_B, 10, "Group Curve B")                                                      \
	X(LIFE_TYPE, 11, "Life Type")                                                              \
	X(LIFE_DURATION, 12, "Life Duration")                                                      \
	X(PRF, 13, "PRF")                                                                          \
	X(KEY_LENGTH, 14, "Key Length")                                                            \
	X(FIELD_SIZE, 15, "Field Size")                                                            \
	X(GROUP_ORDER, 16, "Group Order")

/* IKEv1 IPsec DOI SA attribute classes, used in phase 2 (RFC 2407 4.5, RFC 3947). */
#define WIRE_V1_IPSEC_ATTR_LIST(X)                                                                 \
	X(SA_LIFE_TYPE, 1, "SA Life Type")                                                         \
	X(SA_LIFE_DURATION, 2, "SA Life Duration")                                                 \
	X(GROUP_DESC, 3, "Group Description")                                                      \
	X(ENCAP_MODE, 4, "Encapsulation Mode")                                                     \
	X(AUTH_ALG, 5, "Authentication Algorithm")                                                 \
	X(KEY_LENGTH, 6, "Key Length")                                                             \
	X(KEY_ROUNDS, 7, "Key Rounds")                                                             \
	X(COMP_DICT_SIZE, 8, "Compress Dictionary Size")                                           \
	X(COMP_PRIV_ALG, 9, "Compress Private Algorithm")

#define WIRE_X_EX2(n, v, s) WIRE_EX2_##n = v,
#define WIRE_X_EX1(n, v, s) WIRE_EX1_##n = v,
#define WIRE_X_N2(n, v, s) WIRE_N2_##n = v,
#define WIRE_X_N1(n, v, s) WIRE_N1_##n = v,
#define WIRE_X_TT(n, v, s) WIRE_TT_##n = v,
#define WIRE_X_ENCR(n, v, s) WIRE_ENCR_##n = v,
#define WIRE_X_PRF(n, v, s) WIRE_PRF_##n = v,
#define WIRE_X_INTEG(n, v, s) WIRE_INTEG_##n = v,
#define WIRE_X_KE(n, v, s) WIRE_KE_##n = v,
#define WIRE_X_ESN(n, v, s) WIRE_ESN_##n = v,
#define WIRE_X_V1A(n, v, s) WIRE_V1A_##n = v,
#define WIRE_X_V1P(n, v, s) WIRE_V1P_##n = v,

enum wire_v2_exchange { WIRE_V2_EXCHANGE_LIST(WIRE_X_EX2) };
enum wire_v1_exchange { WIRE_V1_EXCHANGE_LIST(WIRE_X_EX1) };
enum wire_v2_notify { WIRE_V2_NOTIFY_LIST(WIRE_X_N2) };
enum wire_v1_notify { WIRE_V1_NOTIFY_LIST(WIRE_X_N1) };
enum wire_transform_type { WIRE_TRANSFORM_TYPE_LIST(WIRE_X_TT) };
enum wire_encr { WIRE_ENCR_LIST(WIRE_X_ENCR) };
enum wire_prf { WIRE_PRF_LIST(WIRE_X_PRF) };
enum wire_integ { WIRE_INTEG_LIST(WIRE_X_INTEG) };
enum wire_ke_method { WIRE_KE_LIST(WIRE_X_KE) };
enum wire_esn { WIRE_ESN_LIST(WIRE_X_ESN) };
/* IKEv1 phase 1 attribute classes, e.g. WIRE_V1A_ENCRYPTION; phase 2: WIRE_V1P_ENCAP_MODE. */
enum wire_v1_ike_attr { WIRE_V1_IKE_ATTR_LIST(WIRE_X_V1A) };
enum wire_v1_ipsec_attr { WIRE_V1_IPSEC_ATTR_LIST(WIRE_X_V1P) };

#undef WIRE_X_EX2
#undef WIRE_X_EX1
#undef WIRE_X_N2
#undef WIRE_X_N1
#undef WIRE_X_TT
#undef WIRE_X_ENCR
#undef WIRE_X_PRF
#undef WIRE_X_INTEG
#undef WIRE_X_KE
#undef WIRE_X_ESN
#undef WIRE_X_V1A
#undef WIRE_X_V1P

#endif
