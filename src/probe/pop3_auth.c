/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pop3_auth.c - POP3 authentication for the probe: USER/PASS and APOP
 * (RFC 1939 7), SASL over AUTH (RFC 5034) with PLAIN (RFC 4616), LOGIN and
 * CRAM-MD5 (RFC 2195).  Secrets live only in buffers wiped after use; the
 * model never records them (proto/pop3_cmds.def).
 */
#include "probe.h"

#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "flow.h"

static int	auth_user(struct flow *);
static int	auth_apop(struct flow *);
static int	auth_sasl(struct flow *);
static int	auth_send_b64(struct flow *, const uint8_t *, size_t);
static int	auth_expect_cont(struct flow *, const char *);
static int	auth_result(struct flow *, int, const char *);

static const char *const auth_names[] = {
	[POP3_AUTH_USER] = "user",
	[POP3_AUTH_APOP] = "apop",
	[POP3_AUTH_PLAIN] = "plain",
	[POP3_AUTH_LOGIN] = "login",
	[POP3_AUTH_CRAM_MD5] = "cram-md5",
};

bool
probe_auth_parse(const char *s, enum pop3_auth *out)
{
	size_t	i;

	for (i = 0; i < sizeof(auth_names) / sizeof(auth_names[0]); i++)
		if (strcmp(s, auth_names[i]) == 0) {
			*out = (enum pop3_auth)i;
			return true;
		}
	return false;
}

const char *
probe_auth_name(enum pop3_auth a)
{
	return (size_t)a < sizeof(auth_names) / sizeof(auth_names[0]) ?
	    auth_names[a] : "?";
}

/* The outcome of the last step of an exchange. */
static int
auth_result(struct flow *f, int rc, const char *what)
{
	if (rc == 0 && f->st.st == POP3_ST_CONT) {
		/* RFC 5034 4: more challenges than the mechanism has. */
		char	cancel[4] = "*";

		(void)flow_cmd(f, cancel, 1, false);
		flow_fail(f, MT_E_AUTH, "%s: unexpected extra challenge; "
		    "exchange cancelled", what);
		return MT_E_AUTH;
	}
	if (rc != 0) {
		char	shown[160];

		if (f->failed)
			return rc;
		mt_show(shown, sizeof(shown), (const uint8_t *)f->text,
		    f->textlen, 120);
		if (f->st.st == POP3_ST_ERR)
			flow_fail(f, (enum mt_ecode)rc, "%s: -ERR %s", what,
			    shown);
		else if (f->st.st == POP3_ST_BAD) {
			flow_fail(f, MT_E_PROTO, "%s: malformed response "
			    "\"%s\"", what, shown);
			f->dead = true;
		} else
			flow_fail(f, (enum mt_ecode)rc, "%s: failed", what);
		return rc;
	}
	return 0;
}

static int
auth_user(struct flow *f)
{
	const struct pop3_opts	*o = f->o;
	char			 line[MT_CMD_HARD];
	int			 rc;

	if ((rc = flow_cmdf(f, "USER %s", o->user)) != 0)
		return auth_result(f, rc, "USER");
	if (o->passlen + 5 + 2 >= sizeof(line)) {
		flow_fail(f, MT_E_USAGE, "the password is too long");
		return MT_E_USAGE;
	}
	memcpy(line, "PASS ", 5);
	memcpy(line + 5, o->password, o->passlen);
	rc = flow_cmd(f, line, 5 + o->passlen, true);
	explicit_bzero(line, sizeof(line));
	return auth_result(f, rc, "PASS");
}

static int
auth_apop(struct flow *f)
{
	const struct pop3_opts	*o = f->o;
	uint8_t			 buf[MT_FIELD_HARD + MT_SECRET_HARD];
	char			 digest[33];
	size_t			 sl = strlen(f->stamp);
	int			 rc;
	bool			 ok;

	if (sl == 0) {
		flow_fail(f, MT_E_AUTH, "APOP: the greeting has no timestamp "
		    "(the server does not offer APOP)");
		return MT_E_AUTH;
	}
	if (sl + o->passlen > sizeof(buf)) {
		flow_fail(f, MT_E_USAGE, "the password is too long");
		return MT_E_USAGE;
	}
	/* RFC 1939 7: MD5 of the timestamp followed by the shared secret. */
	memcpy(buf, f->stamp, sl);
	memcpy(buf + sl, o->password, o->passlen);
	ok = net_md5_hex(buf, sl + o->passlen, digest);
	explicit_bzero(buf, sizeof(buf));
	if (!ok) {
		flow_fail(f, MT_E_INTERNAL, "APOP: MD5 unavailable");
		return MT_E_INTERNAL;
	}
	{
		char	line[MT_CMD_HARD];
		int	n = snprintf(line, sizeof(line) - 2, "APOP %s %s",
		    o->user, digest);

		explicit_bzero(digest, sizeof(digest));
		if (n < 0 || (size_t)n >= sizeof(line) - 2) {
			explicit_bzero(line, sizeof(line));
			flow_fail(f, MT_E_USAGE, "the user name is too long");
			return MT_E_USAGE;
		}
		rc = flow_cmd(f, line, (size_t)n, true);
		explicit_bzero(line, sizeof(line));
	}
	return auth_result(f, rc, "APOP");
}

/* Send one SASL response line, base64 (RFC 5034 4). */
static int
auth_send_b64(struct flow *f, const uint8_t *data, size_t n)
{
	char	line[MT_CMD_HARD];
	int	rc;

	if (!net_b64_encode(data, n, line, sizeof(line) - 2)) {
		flow_fail(f, MT_E_USAGE, "the credentials are too long");
		return MT_E_USAGE;
	}
	rc = flow_cmd(f, line, strlen(line), true);
	explicit_bzero(line, sizeof(line));
	return rc;
}

static int
auth_expect_cont(struct flow *f, const char *what)
{
	if (f->st.st == POP3_ST_CONT)
		return 0;
	if (f->st.st == POP3_ST_OK) {
		flow_fail(f, MT_E_AUTH, "%s: +OK before the exchange was "
		    "complete", what);
		return MT_E_AUTH;
	}
	return auth_result(f, f->st.rc ? f->st.rc : MT_E_PROTO, what);
}

static int
auth_sasl(struct flow *f)
{
	const struct pop3_opts	*o = f->o;
	uint8_t			 buf[2 * MT_SECRET_HARD + MT_FIELD_HARD];
	uint8_t			 chal[MT_FIELD_HARD];
	char			 hex[33];
	const char		*mech, *what;
	size_t			 ul = strlen(o->user), n, cl;
	int			 rc;

	mech = o->auth == POP3_AUTH_PLAIN ? "PLAIN" : o->auth ==
	    POP3_AUTH_LOGIN ? "LOGIN" : "CRAM-MD5";
	what = o->auth == POP3_AUTH_PLAIN ? "AUTH PLAIN" : o->auth ==
	    POP3_AUTH_LOGIN ? "AUTH LOGIN" : "AUTH CRAM-MD5";
	if (ul + o->passlen + 2 > MT_SECRET_HARD) {
		flow_fail(f, MT_E_USAGE, "the credentials are too long");
		return MT_E_USAGE;
	}
	rc = flow_cmdf(f, "AUTH %s", mech);
	if (rc != 0 || auth_expect_cont(f, what) != 0)
		return auth_result(f, rc ? rc : MT_E_AUTH, what);

	switch (o->auth) {
	case POP3_AUTH_PLAIN:
		/* RFC 4616 2: authzid NUL authcid NUL passwd */
		buf[0] = '\0';
		memcpy(buf + 1, o->user, ul);
		buf[1 + ul] = '\0';
		memcpy(buf + 2 + ul, o->password, o->passlen);
		rc = auth_send_b64(f, buf, 2 + ul + o->passlen);
		explicit_bzero(buf, sizeof(buf));
		break;
	case POP3_AUTH_LOGIN:
		rc = auth_send_b64(f, (const uint8_t *)o->user, ul);
		if (rc != 0 || auth_expect_cont(f, what) != 0)
			return auth_result(f, rc ? rc : MT_E_AUTH, what);
		rc = auth_send_b64(f, (const uint8_t *)o->password,
		    o->passlen);
		break;
	case POP3_AUTH_CRAM_MD5:
	default:
		/* RFC 2195 2: user SP hex(HMAC-MD5(secret, challenge)) */
		if (!net_b64_decode(f->text, f->textlen, chal, sizeof(chal),
		    &cl)) {
			flow_fail(f, MT_E_PROTO, "%s: the challenge is not "
			    "valid base64", what);
			return MT_E_PROTO;
		}
		if (!net_hmac_md5_hex((const uint8_t *)o->password,
		    o->passlen, chal, cl, hex)) {
			flow_fail(f, MT_E_INTERNAL, "%s: HMAC-MD5 unavailable",
			    what);
			return MT_E_INTERNAL;
		}
		memcpy(buf, o->user, ul);
		buf[ul] = ' ';
		memcpy(buf + ul + 1, hex, 32);
		n = ul + 33;
		rc = auth_send_b64(f, buf, n);
		explicit_bzero(buf, sizeof(buf));
		explicit_bzero(hex, sizeof(hex));
		break;
	}
	return auth_result(f, rc, what);
}

int
flow_auth(struct flow *f)
{
	switch (f->o->auth) {
	case POP3_AUTH_APOP:
		return auth_apop(f);
	case POP3_AUTH_PLAIN:
	case POP3_AUTH_LOGIN:
	case POP3_AUTH_CRAM_MD5:
		return auth_sasl(f);
	case POP3_AUTH_USER:
	default:
		return auth_user(f);
	}
}
