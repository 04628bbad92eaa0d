/*
 * SPDX-License-Identifier: BSD-2-Clause
 * target.c - a probe's target URL (pop3:// pop3s:// smtp:// smtps://) into
 * where to connect: the probe commands' and the exporter's one parser.
 * Pure: no output, the reason in err; a password in the URL is refused.
 */
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool	url_unescape(const char *, size_t, char *, size_t);
static int	port_parse(const char *, size_t, uint16_t *);

/* Decode %XX escapes of a URL part into out; false when malformed. */
static bool
url_unescape(const char *s, size_t n, char *out, size_t outsz)
{
	size_t	i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned	c = (unsigned char)s[i];

		if (c == '%') {
			unsigned	hi, lo;

			if (i + 2 >= n)
				return false;
			hi = (unsigned char)s[i + 1];
			lo = (unsigned char)s[i + 2];
			hi = mt_isdigit((int)hi) ? hi - '0' : (hi | 0x20) - 'a' + 10;
			lo = mt_isdigit((int)lo) ? lo - '0' : (lo | 0x20) - 'a' + 10;
			if (hi > 15 || lo > 15)
				return false;
			c = hi << 4 | lo;
			i += 2;
		}
		if (c == 0 || c == '\r' || c == '\n' || c == ' ' ||
		    o + 1 >= outsz)
			return false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o > 0;
}

/* n digits at s: a port from 1 to 65535; -1 when not. */
static int
port_parse(const char *s, size_t n, uint16_t *port)
{
	unsigned long	v = 0;
	size_t		i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (!mt_isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
probe_target_parse(struct probe_target *t, const char *url,
    const struct probe_schemes *sc, struct mt_err *err)
{
	const char	*rest, *at, *hp, *colon, *end;
	size_t		 hl, pl = strlen(sc->plain), tl = strlen(sc->tls);

	memset(t, 0, sizeof(*t));
	t->c.connect_timeout_ms = -1;
	t->c.read_timeout_ms = -1;
	t->c.max_time_ms = -1;
	if (strncmp(url, sc->tls, tl) == 0 && strncmp(url + tl, "://", 3) == 0) {
		rest = url + tl + 3;
		t->c.port = sc->tls_port;
		t->c.implicit_tls = true;
		snprintf(t->scheme, sizeof(t->scheme), "%s", sc->tls);
	} else if (strncmp(url, sc->plain, pl) == 0 &&
	    strncmp(url + pl, "://", 3) == 0) {
		rest = url + pl + 3;
		t->c.port = sc->plain_port;
		snprintf(t->scheme, sizeof(t->scheme), "%s", sc->plain);
	} else
		return mt_err_set(err, MT_E_USAGE, "\"%s\": the target must be "
		    "%s://%sHOST[:PORT] or %s://...", url, sc->plain,
		    sc->need_user ? "USER@" : "[USER@]", sc->tls);
	end = rest + strlen(rest);
	if (end > rest && end[-1] == '/')
		end--;
	at = NULL;
	for (hp = rest; hp < end; hp++)
		if (*hp == '@')
			at = hp;
	if (at == NULL && sc->need_user)
		return mt_err_set(err, MT_E_USAGE, "the target needs a user: "
		    "%s://USER@HOST[:PORT]", sc->plain);
	if (at != NULL) {
		/* Never echo it: it may be a password. */
		if (memchr(rest, ':', (size_t)(at - rest)) != NULL)
			return mt_err_set(err, MT_E_USAGE, "a password in the "
			    "URL is refused (it would show in process lists "
			    "and shell history); use --password-file FILE or "
			    "the environment variable");
		if (!url_unescape(rest, (size_t)(at - rest), t->user,
		    sizeof(t->user)))
			return mt_err_set(err, MT_E_USAGE, "the user name in "
			    "the target is malformed or too long");
		t->c.user = t->user;
		hp = at + 1;
	} else
		hp = rest;
	if (*hp == '[') {
		const char *rb = memchr(hp, ']', (size_t)(end - hp));

		if (rb == NULL)
			return mt_err_set(err, MT_E_USAGE, "\"%s\": "
			    "unterminated [IPv6] address", url);
		hl = (size_t)(rb - hp - 1);
		if (hl == 0 || hl >= sizeof(t->host))
			return mt_err_set(err, MT_E_USAGE, "\"%s\": bad host",
			    url);
		memcpy(t->host, hp + 1, hl);
		t->host[hl] = '\0';
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
		if (colon == NULL && rb + 1 != end)
			return mt_err_set(err, MT_E_USAGE, "\"%s\": unexpected "
			    "text after the host", url);
	} else {
		colon = memchr(hp, ':', (size_t)(end - hp));
		hl = (size_t)((colon ? colon : end) - hp);
		if (hl == 0 || hl >= sizeof(t->host) ||
		    memchr(hp, '/', hl) != NULL)
			return mt_err_set(err, MT_E_USAGE, "\"%s\": bad host",
			    url);
		memcpy(t->host, hp, hl);
		t->host[hl] = '\0';
	}
	if (colon != NULL && port_parse(colon + 1, (size_t)(end - colon - 1),
	    &t->c.port) != 0)
		return mt_err_set(err, MT_E_USAGE, "\"%s\": bad port (1 to "
		    "65535)", url);
	t->c.host = t->host;
	snprintf(t->url, sizeof(t->url), "%s://%.*s%s%s%s%s:%u", t->scheme,
	    at ? (int)(at - rest) : 0, rest, at ? "@" : "",
	    strchr(t->host, ':') ? "[" : "", t->host,
	    strchr(t->host, ':') ? "]" : "", t->c.port);
	return 0;
}

const struct probe_schemes probe_schemes_pop3 = {
	"pop3", 110, "pop3s", 995, true
};
const struct probe_schemes probe_schemes_smtp = {
	"smtp", 25, "smtps", 465, false
};
