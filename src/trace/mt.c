/*
 * SPDX-License-Identifier: BSD-2-Clause
 * mt.c - errors, time formatting, locale-free byte helpers.
 */
#include "mt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
	enum mt_ecode	 code;
	const char	*name;
	const char	*cls;
} mt_exc[] = {
#define X(code, rc, cls, desc)	{ MT_E_##code, #code, cls },
#include "exceptions.def"
#undef X
};

int
mt_err_set(struct mt_err *err, enum mt_ecode code, const char *fmt, ...)
{
	va_list	ap;

	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -(int)code;
}

void
mt_err_clear(struct mt_err *err)
{
	if (err != NULL) {
		err->code = MT_E_OK;
		err->msg[0] = '\0';
	}
}

const char *
mt_exc_class(enum mt_ecode code)
{
	size_t	i;

	for (i = 0; i < sizeof(mt_exc) / sizeof(mt_exc[0]); i++)
		if (mt_exc[i].code == code)
			return mt_exc[i].cls;
	return "";
}

const char *
mt_ecode_name(enum mt_ecode code)
{
	size_t	i;

	if (code == MT_E_OK)
		return "OK";
	for (i = 0; i < sizeof(mt_exc) / sizeof(mt_exc[0]); i++)
		if (mt_exc[i].code == code)
			return mt_exc[i].name;
	return "UNKNOWN";
}

int64_t
mt_mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
mt_mono_us(void)
{
	return mt_mono_ns() / 1000;
}

mt_time
mt_wall_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (mt_time)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
mt_time_iso(mt_time t, char *buf, size_t sz)
{
	/*
	 * Records come many to a second: format the date part once (per
	 * thread: the decoder's sinks run on a writer thread).  Whether the
	 * cache holds anything is its own flag: every time_t is a second
	 * some packet may carry (a pcap ts_sec of 0xFFFFFFFF reads as -1).
	 */
	static _Thread_local bool	have_cached;
	static _Thread_local time_t	cached;
	static _Thread_local char	prefix[64];
	static _Thread_local size_t	plen;
	time_t				secs;
	long				us;
	struct tm			tm;
	char				frac[10];
	int				i;

	secs = (time_t)(t / 1000000);
	us = (long)(t % 1000000);
	if (us < 0) {
		us += 1000000;
		secs--;
	}
	if (!have_cached || secs != cached) {
		int	n;

		have_cached = false;	/* prefix is rewritten below */
		if (gmtime_r(&secs, &tm) == NULL) {
			snprintf(buf, sz, "invalid-time");
			return;
		}
		n = snprintf(prefix, sizeof(prefix),
		    "%04d-%02d-%02dT%02d:%02d:%02d",
		    (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		    tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
		    tm.tm_sec % 100);
		if (n < 0 || (size_t)n >= sizeof(prefix)) {
			snprintf(buf, sz, "invalid-time");
			return;
		}
		plen = (size_t)n;
		cached = secs;
		have_cached = true;
	}
	/* ".uuuuuuZ" by hand: this runs once per record. */
	frac[0] = '.';
	for (i = 6; i >= 1; i--) {
		frac[i] = (char)('0' + us % 10);
		us /= 10;
	}
	frac[7] = 'Z';
	frac[8] = '\0';
	if (sz < plen + 9) {
		snprintf(buf, sz, "%s%s", prefix, frac);
		return;
	}
	memcpy(buf, prefix, plen);
	memcpy(buf + plen, frac, 9);
}

bool
mt_casecmp_n(const char *a, const char *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (mt_toupper((unsigned char)a[i]) != mt_toupper((unsigned char)b[i]))
			return false;
	return true;
}

bool
mt_parse_u64(const char *s, size_t n, uint64_t min, uint64_t max,
    uint64_t *out)
{
	uint64_t	v = 0;
	size_t		i;

	if (n == 0 || n > 20)
		return false;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (!mt_isdigit((unsigned char)s[i]))
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool
mt_copy_printable(char *dst, size_t dstsz, const char *src, size_t n)
{
	size_t	i;

	if (dstsz == 0)
		return false;
	for (i = 0; i < n && i + 1 < dstsz; i++)
		dst[i] = mt_isprint((unsigned char)src[i]) ? src[i] : '?';
	dst[i] = '\0';
	return i == n;
}

size_t
mt_show(char *dst, size_t dstsz, const uint8_t *src, size_t n, size_t max)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i, o = 0;
	char			tmp[5];
	size_t			tl;

	if (dstsz == 0)
		return 0;
	for (i = 0; i < n && i < max; i++) {
		uint8_t c = src[i];

		if (c == '\r')
			memcpy(tmp, "\\r", tl = 2);
		else if (c == '\n')
			memcpy(tmp, "\\n", tl = 2);
		else if (c == '\t')
			memcpy(tmp, "\\t", tl = 2);
		else if (c == '\\')
			memcpy(tmp, "\\\\", tl = 2);
		else if (mt_isprint(c)) {
			tmp[0] = (char)c;
			tl = 1;
		} else {
			tmp[0] = '\\';
			tmp[1] = 'x';
			tmp[2] = hex[c >> 4];
			tmp[3] = hex[c & 15];
			tl = 4;
		}
		if (o + tl + 1 > dstsz)
			break;
		memcpy(dst + o, tmp, tl);
		o += tl;
	}
	if (i < n) {
		char	more[32];
		int	m = snprintf(more, sizeof(more), "...(+%zu)", n - i);

		if (m > 0 && o + (size_t)m + 1 <= dstsz) {
			memcpy(dst + o, more, (size_t)m);
			o += (size_t)m;
		}
	}
	dst[o] = '\0';
	return o;
}

/*
 * Bytes a JSON string shows as they are: printable ASCII but '"' and '\\'
 * (RFC 8259 section 7).  Every other byte, DEL and every byte >= 0x80 too,
 * is written as \\u00XX of the byte, so that no byte sequence can make
 * the output invalid UTF-8.
 */
static const unsigned char json_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

size_t
mt_json_esc(char *dst, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*u = (const unsigned char *)s;
	char			*w = dst;
	size_t			 i;

	for (i = 0; i < n; i++) {
		unsigned char	c = u[i];

		if (json_plain[c])
			*w++ = (char)c;
		else if (c == '"' || c == '\\') {
			*w++ = '\\';
			*w++ = (char)c;
		} else {
			*w++ = '\\';
			*w++ = 'u';
			*w++ = '0';
			*w++ = '0';
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		}
	}
	return (size_t)(w - dst);
}

void
mt_date_iso(int64_t secs, char *buf, size_t sz)
{
	struct tm	tm;
	time_t		t = (time_t)secs;

	if (sz == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, sz, "?");
}

bool
mt_utc_secs(int y, int mo, int d, int h, int mi, int sec, int64_t *secs)
{
	struct tm	tm;
	time_t		t;

	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm() moves a day past the month's end: not a date. */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return false;
	*secs = (int64_t)t;
	return true;
}

bool
mt_date_parse(const char *s, int64_t *secs)
{
	char		back[32];
	int		y, mo, d, h, mi, sec, n = 0;
	int64_t		t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi,
	    &sec, &n) != 6 || s[n] != '\0' ||
	    !mt_utc_secs(y, mo, d, h, mi, sec, &t))
		return false;
	/* Only the form mt_date_iso() writes (no sign, no short field). */
	mt_date_iso(t, back, sizeof(back));
	if (strcmp(back, s) != 0)
		return false;
	*secs = t;
	return true;
}
