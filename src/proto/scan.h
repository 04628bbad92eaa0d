/*
 * scan.h - the one byte-class search the framer and the body scanner
 * share: where is the next byte below 0x20 (a line ending, a control byte,
 * a TAB)?  Most mail text has none for dozens of bytes, so the search
 * looks at 16 bytes at a time with SSE2 where the compiler has it, 8 at a
 * time elsewhere.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROTO_SCAN_H
#define MT_PROTO_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The index of the first byte below 0x20 in p[i..n), or n. */
static inline size_t
scan_ctl(const uint8_t *p, size_t i, size_t n)
{
#if defined(__SSE2__)
	const __m128i	lim = _mm_set1_epi8(0x1f);

	for (; i + 16 <= n; i += 16) {
		__m128i		x = _mm_loadu_si128((const __m128i *)(const void *)
				    (p + i));
		/* min(x, 0x1f) == x exactly when x <= 0x1f (unsigned) */
		unsigned	m = (unsigned)_mm_movemask_epi8(
				    _mm_cmpeq_epi8(_mm_min_epu8(x, lim), x));

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
#else
	const uint64_t	ones = 0x0101010101010101ULL;
	const uint64_t	highs = 0x8080808080808080ULL;
	uint64_t	w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		/* a byte below 0x20 (the "has less" trick) */
		if (((w - ones * 0x20) & ~w & highs) != 0)
			break;
	}
#endif
	for (; i < n; i++)
		if (p[i] < 0x20)
			return i;
	return n;
}

#endif
