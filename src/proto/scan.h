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

/* The index of the first byte below 0x20 but TAB in p[i..n), or n. */
static inline size_t
scan_ctl_notab(const uint8_t *p, size_t i, size_t n)
{
	for (;;) {
		i = scan_ctl(p, i, n);
		if (i >= n || p[i] != '\t')
			return i;
		i++;
	}
}

/*
 * The same, 32 bytes at a time, for functions compiled for AVX2 (callers
 * check the CPU first: body.c).
 */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#include <immintrin.h>
#define SCAN_HAVE_AVX2	1

__attribute__((target("avx2"))) static inline size_t
scan_ctl_notab_avx2(const uint8_t *p, size_t i, size_t n)
{
	const __m256i	lim = _mm256_set1_epi8(0x1f);
	const __m256i	tab = _mm256_set1_epi8('\t');

	for (; i + 32 <= n; i += 32) {
		__m256i		x = _mm256_loadu_si256((const __m256i *)
				    (const void *)(p + i));
		unsigned	m = (unsigned)_mm256_movemask_epi8(
				    _mm256_andnot_si256(_mm256_cmpeq_epi8(x, tab),
				    _mm256_cmpeq_epi8(_mm256_min_epu8(x, lim), x)));

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
	for (; i < n; i++)
		if (p[i] < 0x20 && p[i] != '\t')
			return i;
	return n;
}

/*
 * Four masks of the 64 bytes at p (bit i: p[i]): bytes below 0x20 but
 * TAB, CRs, LFs and dots.
 */
__attribute__((target("avx2"))) static inline void
scan_masks_avx2(const uint8_t *p, uint64_t *ctl, uint64_t *cr, uint64_t *lf,
    uint64_t *dot)
{
	const __m256i	lim = _mm256_set1_epi8(0x1f);
	const __m256i	tab = _mm256_set1_epi8('\t');
	const __m256i	vcr = _mm256_set1_epi8('\r');
	const __m256i	vlf = _mm256_set1_epi8('\n');
	const __m256i	vdot = _mm256_set1_epi8('.');
	__m256i		x[2];
	int		k;

	*ctl = *cr = *lf = *dot = 0;
	for (k = 0; k < 2; k++) {
		x[k] = _mm256_loadu_si256((const __m256i *)(const void *)
		    (p + 32 * k));
		*ctl |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_andnot_si256(_mm256_cmpeq_epi8(x[k], tab),
		    _mm256_cmpeq_epi8(_mm256_min_epu8(x[k], lim), x[k]))) <<
		    (32 * k);
		*cr |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(x[k], vcr)) << (32 * k);
		*lf |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(x[k], vlf)) << (32 * k);
		*dot |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(x[k], vdot)) << (32 * k);
	}
}
#endif

#endif
