/*
 * ikegwd --export-keys DIR: the keys of every IKE SA, ISAKMP SA and ESP SA the engines establish,
 * appended to Wireshark's own decryption tables (its "UAT" files) in DIR:
 *   ikev2_decryption_table  SPIi,SPIr,SK_ei,SK_er,"encryption",SK_ai,SK_ar,"integrity"
 *   ikev1_decryption_table  CKY-I,encryption key
 *   esp_sa                  "IPv4","src","dst","0xSPI","encryption","0xkey","authentication","0xkey"
 * Copy them into a Wireshark profile (or pass them to tshark with -o uat:...) to read a capture
 * of this gateway's IKE and ESP traffic in clear. Off unless asked for; anyone who can read DIR
 * can decrypt this gateway's traffic, so the files are created 0600 and DIR must not be
 * world-writable.
 */
#ifndef IKEGW_GW_KEYEXPORT_H
#define IKEGW_GW_KEYEXPORT_H

#include <stddef.h>

#include "ike_env.h"

enum gw_keyexport_table {
	GW_KEYX_IKEV2_TABLE,
	GW_KEYX_IKEV1_TABLE,
	GW_KEYX_ESP_TABLE,
};

/* The file name of a table in DIR: "ikev2_decryption_table", "ikev1_decryption_table", "esp_sa". */
const char *gw_keyexport_file(enum gw_keyexport_table t);

/*
 * One record in Wireshark's format, newline included, into buf (it holds keys: the caller wipes
 * it). Returns the table it belongs to, -EOPNOTSUPP when Wireshark has no name for an algorithm
 * (what is missing is in buf then), -ENOSPC when buf is too small, -EINVAL for an incomplete
 * record.
 */
int gw_keyexport_format(const struct ike_key_export *k, char *buf, size_t len);

struct gw_keyexport;

/*
 * Checks DIR (an existing directory owned by us or root, not world-writable) and keeps it open;
 * the tables are created there (0600) on the first record. -errno with err filled.
 */
int gw_keyexport_open(const char *dir, struct gw_keyexport **ret, char *err, size_t errlen);
void gw_keyexport_close(struct gw_keyexport *kx); /* NULL ok */
const char *gw_keyexport_dir(const struct gw_keyexport *kx);

/*
 * Appends one record to its table with a single write (O_APPEND): 0 or -errno with err filled
 * (the record is lost, nothing else is affected). A table found with group or other permissions
 * is set back to 0600.
 */
int gw_keyexport_write(struct gw_keyexport *kx, const struct ike_key_export *k, char *err,
		       size_t errlen);

#endif /* IKEGW_GW_KEYEXPORT_H */
