/*
 * SPDX-License-Identifier: BSD-2-Clause
 * tls_json.c - a record's TLS facts as the store keeps them (issue 11,
 * docs/formats.md "Schema"): one compact JSON object with the JSONL keys,
 * written by trace_tls_json() and read back with jansson.
 */
#include "store_int.h"

#include <limits.h>
#include <string.h>

#include "mt.h"

size_t
store_tls_text(char *dst, const struct rec_tls *t)
{
	size_t	n;

	n = trace_tls_json(dst, t);
	dst[0] = '{';			/* the first member's comma */
	dst[n++] = '}';
	dst[n] = '\0';
	return n;
}

/* The string member key of o, printable ASCII, into dst (sz); or false. */
static bool
tj_str(json_t *o, const char *key, char *dst, size_t sz)
{
	json_t		*v = json_object_get(o, key);
	const char	*s;
	size_t		 i, n;

	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n >= sz)
		return false;
	for (i = 0; i < n; i++)
		if (!mt_isprint((unsigned char)s[i]))
			return false;
	memcpy(dst, s, n + 1);
	return true;
}

/* The integer member key of o in [min, max]; or false. */
static bool
tj_int(json_t *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
	json_t	*v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return false;
	*out = json_integer_value(v);
	return true;
}

/* A date member (mt_date_iso()'s form) as seconds; or false. */
static bool
tj_date(json_t *o, const char *key, int64_t *out)
{
	char	d[40];

	return tj_str(o, key, d, sizeof(d)) && mt_date_parse(d, out);
}

bool
store_tls_from_json(json_t *o, struct rec_tls *t)
{
	json_t	*v;
	int64_t	 n;

	memset(t, 0, sizeof(*t));
	if (!json_is_object(o) ||
	    !tj_str(o, "tls_version", t->version, sizeof(t->version)) ||
	    !tj_str(o, "tls_cipher", t->cipher, sizeof(t->cipher)) ||
	    !tj_str(o, "tls_group", t->group, sizeof(t->group)) ||
	    !tj_int(o, "tls_handshake_us", 0, INT64_MAX, &t->handshake_us) ||
	    !tj_str(o, "tls_verify", t->verify, sizeof(t->verify)) ||
	    !json_is_boolean(v = json_object_get(o, "tls_verified")))
		return false;
	t->verified = json_is_true(v);
	t->connect_us = -1;
	if (json_object_get(o, "tcp_connect_us") != NULL &&
	    !tj_int(o, "tcp_connect_us", 0, INT64_MAX, &t->connect_us))
		return false;
	/* The certificate's members come all together, or none. */
	if (json_object_get(o, "cert_subject") == NULL)
		return json_object_get(o, "cert_issuer") == NULL &&
		    json_object_get(o, "cert_not_after") == NULL;
	t->has_cert = true;
	if (!tj_str(o, "cert_subject", t->subject, sizeof(t->subject)) ||
	    !tj_str(o, "cert_issuer", t->issuer, sizeof(t->issuer)) ||
	    !tj_str(o, "cert_sans", t->sans, sizeof(t->sans)) ||
	    !tj_str(o, "cert_serial", t->serial, sizeof(t->serial)) ||
	    !tj_date(o, "cert_not_before", &t->not_before) ||
	    !tj_date(o, "cert_not_after", &t->not_after) ||
	    !tj_int(o, "cert_days_left", INT64_MIN, INT64_MAX, &t->days_left) ||
	    !tj_int(o, "cert_chain_len", 0, INT_MAX, &n))
		return false;
	t->chain_len = (int)n;
	return true;
}

bool
store_tls_parse(const char *text, struct rec_tls *t)
{
	json_error_t	 je;
	json_t		*o;
	bool		 ok;

	if ((o = json_loads(text, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return false;
	ok = store_tls_from_json(o, t);
	json_decref(o);
	return ok;
}
