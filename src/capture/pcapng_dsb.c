/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pcapng_dsb.c - the TLS key logs inside a pcapng file's Decryption
 * Secrets Blocks (pcapng 4.7: block type 0x0000000A, secrets type
 * 0x544c534b "TLSK"), which libpcap skips.  A small bounded walker: block
 * headers and DSB bodies only, each section's byte order from its Section
 * Header Block, every length checked against the block and the file.
 * Packets still come from libpcap (pcap_src.c).
 */
#include "pcap_src.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BT_SHB		0x0A0D0D0Au
#define BT_DSB		0x0000000Au
#define BOM		0x1A2B3C4Du
#define SECRETS_TLSK	0x544C534Bu

static uint32_t
get32(const uint8_t *p, bool swap)
{
	uint32_t	v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
			    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	if (swap)
		v = (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) |
		    (v << 24);
	return v;
}

int
cap_pcapng_secrets(const char *path, int (*fn)(void *, const char *, size_t,
    unsigned), void *arg, struct mt_err *err)
{
	FILE		*fp;
	uint8_t		 h[12], *body = NULL;
	uint32_t	 type, len, stype, slen;
	long		 size;
	uint64_t	 off = 0;
	unsigned	 n = 0;
	bool		 swap = false;
	int		 rc = 0;

	if (strcmp(path, "-") == 0)
		return 0;	/* a pipe cannot be read twice */
	if ((fp = fopen(path, "rb")) == NULL)
		return mt_err_set(err, MT_E_USAGE, "%s: %s", path,
		    strerror(errno));
	if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		fclose(fp);
		return 0;	/* not seekable: no secrets read */
	}
	/* 12 bytes of each block: its type, its length and 4 more (the
	 * SHB's byte-order magic, a DSB's secrets type); every block has
	 * them (a block is at least 12 bytes) */
	while (off + 12 <= (uint64_t)size && fread(h, 1, 12, fp) == 12) {
		type = get32(h, false);
		if (type == BT_SHB) {
			/* the byte-order magic follows the length */
			if (get32(h + 8, false) == BOM)
				swap = false;
			else if (get32(h + 8, true) == BOM)
				swap = true;
			else
				break;
		} else if (off == 0)
			break;		/* not pcapng */
		type = get32(h, swap);
		len = get32(h + 4, swap);
		/* header, trailing length; a multiple of 4; inside the file */
		if (len < 12 || len % 4 != 0 || len > (uint64_t)size - off)
			break;
		if (type == BT_DSB && len >= 20) {
			if ((body = malloc(len - 12)) == NULL) {
				rc = mt_err_set(err, MT_E_INTERNAL,
				    "out of memory");
				break;
			}
			if (fread(body, 1, len - 12, fp) != len - 12)
				break;
			/* h: type, length, secrets type; body: secrets
			 * length, the secrets, padding, the length again */
			stype = get32(h + 8, swap);
			slen = get32(body, swap);
			n++;
			if (stype == SECRETS_TLSK && slen <= len - 20 &&
			    (rc = fn(arg, (const char *)body + 4, slen, n)) != 0)
				break;
			free(body);
			body = NULL;
		} else if (fseek(fp, (long)(len - 12), SEEK_CUR) != 0)
			break;
		off += len;
	}
	free(body);
	fclose(fp);
	return rc;
}
