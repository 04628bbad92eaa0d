/*
 * cur.h - the bounded cursor every packet byte is read through: reads past
 * the captured end return 0 and set a sticky flag (tcpdump's GET_ macros,
 * without longjmp).  Check the flag once after a header.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CAPTURE_CUR_H
#define MT_CAPTURE_CUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cur {
	const uint8_t	*p;
	const uint8_t	*end;		/* p + caplen, never p + len */
	bool		 short_read;	/* sticky */
};

static inline void
cur_init(struct cur *c, const uint8_t *p, size_t n)
{
	c->p = p;
	c->end = p + n;
	c->short_read = false;
}

static inline size_t
cur_left(const struct cur *c)
{
	return c->short_read ? 0 : (size_t)(c->end - c->p);
}

static inline uint8_t
cur_u8(struct cur *c)
{
	if (c->short_read || c->end - c->p < 1) {
		c->short_read = true;
		return 0;
	}
	return *c->p++;
}

static inline uint16_t
cur_be16(struct cur *c)
{
	uint16_t	v;

	if (c->short_read || c->end - c->p < 2) {
		c->short_read = true;
		return 0;
	}
	v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return v;
}

static inline uint16_t
cur_le16(struct cur *c)
{
	uint16_t	v;

	if (c->short_read || c->end - c->p < 2) {
		c->short_read = true;
		return 0;
	}
	v = (uint16_t)(c->p[1] << 8 | c->p[0]);
	c->p += 2;
	return v;
}

static inline uint32_t
cur_be32(struct cur *c)
{
	uint32_t	v;

	if (c->short_read || c->end - c->p < 4) {
		c->short_read = true;
		return 0;
	}
	v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	    (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	return v;
}

/* Skip n bytes (or copy them to dst when dst is not NULL). */
static inline void
cur_bytes(struct cur *c, uint8_t *dst, size_t n)
{
	size_t	i;

	if (c->short_read || (size_t)(c->end - c->p) < n) {
		c->short_read = true;
		return;
	}
	if (dst != NULL)
		for (i = 0; i < n; i++)
			dst[i] = c->p[i];
	c->p += n;
}

#endif
