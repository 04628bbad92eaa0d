/*
 * SPDX-License-Identifier: BSD-2-Clause
 * sasl.c - SASL exchanges for both probes: AUTH over POP3 (RFC 5034) and
 * SMTP (RFC 4954) with PLAIN (RFC 4616), LOGIN and CRAM-MD5 (RFC 2195).
 * Secrets live only in buffers wiped after use; the model records the
 * client's responses as SEND USER / SEND PASS / AUTH DATA, never their
 * content.
 */
#include "flow.h"

#include <stdio.h>
#include <string.h>

#include "crypto.h"

static const char *sasl_name(enum probe_auth);
static int	sasl_choose(struct flow *, enum probe_auth *);
static bool	sasl_is_cont(const struct flow *);
static bool	sasl_is_ok(const struct flow *);
static int	sasl_send_b64(struct flow *, const uint8_t *, size_t);
static int	sasl_result(struct flow *, int, const char *);

static const char *const auth_names[] = {
	[PROBE_AUTH_DEFAULT] = "default",
	[PROBE_AUTH_USER] = "user",
	[PROBE_AUTH_APOP] = "apop",
	[PROBE_AUTH_PLAIN] = "plain",
	[PROBE_AUTH_LOGIN] = "login",
	[PROBE_AUTH_CRAM_MD5] = "cram-md5",
};

bool
probe_auth_parse(const char *s, enum probe_auth *out)
{
	size_t	i;

	for (i = 1; i < sizeof(auth_names) / sizeof(auth_names[0]); i++)
		if (strcmp(s, auth_names[i]) == 0) {
			*out = (enum probe_auth)i;
			return true;
		}
	return false;
}

const char *
probe_auth_name(enum probe_auth a)
{
	return (size_t)a < sizeof(auth_names) / sizeof(auth_names[0]) ?
	    auth_names[a] : "?";
}

/* The SASL name of a mechanism (RFC 4422 3.1). */
static const char *
sasl_name(enum probe_auth mech)
{
	return mech == PROBE_AUTH_PLAIN ? "PLAIN" : mech == PROBE_AUTH_LOGIN ?
	    "LOGIN" : "CRAM-MD5";
}

/*
 * The one rule of both probes: a mechanism is sent only when the server
 * announced it, in the capabilities read last (POP3: the CAPA SASL line,
 * RFC 5034 6; SMTP: the EHLO AUTH keyword, RFC 4954 3).  *mech
 * PROBE_AUTH_DEFAULT (SMTP without --auth) takes the strongest announced:
 * CRAM-MD5, PLAIN, LOGIN.  Nothing announced, or not MECH: nothing is
 * sent, and Transport.connect / Store.connect fails with
 * MessagingException, the class of a client that gives up inside connect
 * with no step failed (the wire does not say why: docs/records.md).
 */
static int
sasl_choose(struct flow *f, enum probe_auth *mech)
{
	static const enum probe_auth	 order[] = { PROBE_AUTH_CRAM_MD5,
	    PROBE_AUTH_PLAIN, PROBE_AUTH_LOGIN };
	const char			*list, *where, *tls, *name;
	bool				 seen, nohint;
	size_t				 i;

	if (f->proto == PROTO_POP3) {
		list = conv_pop3_capa(f->cv)->sasl;
		seen = conv_pop3_capa(f->cv)->seen;
		where = seen ? "its CAPA response has no SASL line" :
		    "it refused CAPA, which announces them";
		tls = "STLS";
	} else {
		list = conv_smtp_ehlo(f->cv)->auth;
		seen = conv_smtp_ehlo(f->cv)->seen;
		where = seen ? "its EHLO reply has no AUTH keyword" :
		    "it refused EHLO, and AUTH is an EHLO extension";
		tls = "STARTTLS";
	}
	/* The hint only helps where TLS could still come (the list was read). */
	nohint = f->c->starttls || f->c->implicit_tls || !seen;
	if (!seen || list[0] == '\0') {
		flow_fail(f, MT_E_PROTO, "the server offers no AUTH mechanism "
		    "(%s%s%s); nothing sent", where, nohint ? "" :
		    "; some servers offer it only after ", nohint ? "" : tls);
		return MT_E_PROTO;
	}
	if (*mech == PROBE_AUTH_DEFAULT) {
		for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			if (conv_mech_listed(list, sasl_name(order[i]),
			    strlen(sasl_name(order[i])))) {
				*mech = order[i];
				return 0;
			}
		flow_fail(f, MT_E_PROTO, "no AUTH mechanism in common: the "
		    "server offers %.200s; mailtrace knows PLAIN, LOGIN, "
		    "CRAM-MD5", list);
		return MT_E_PROTO;
	}
	name = sasl_name(*mech);
	if (!conv_mech_listed(list, name, strlen(name))) {
		flow_fail(f, MT_E_PROTO, "AUTH %s: the server offers %.200s, "
		    "not %s; nothing sent", name, list, name);
		return MT_E_PROTO;
	}
	return 0;
}

/* A challenge: POP3 "+ ..." (RFC 5034 4), SMTP 334 (RFC 4954 4). */
static bool
sasl_is_cont(const struct flow *f)
{
	return f->proto == PROTO_POP3 ? f->st.st == POP3_ST_CONT :
	    f->st.code == 334;
}

static bool
sasl_is_ok(const struct flow *f)
{
	return f->proto == PROTO_POP3 ? f->st.st == POP3_ST_OK :
	    f->st.code / 100 == 2;
}

/* Send one SASL response line, base64. */
static int
sasl_send_b64(struct flow *f, const uint8_t *data, size_t n)
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

/* The outcome of the last step of an exchange. */
static int
sasl_result(struct flow *f, int rc, const char *what)
{
	if (rc == 0 && sasl_is_cont(f)) {
		/* More challenges than the mechanism has: cancel. */
		char	cancel[4] = "*";

		(void)flow_cmd(f, cancel, 1, false);
		flow_fail(f, MT_E_AUTH, "%s: unexpected extra challenge; "
		    "exchange cancelled", what);
		return MT_E_AUTH;
	}
	if (rc == 0 && !sasl_is_ok(f)) {
		flow_fail(f, MT_E_AUTH, "%s: unexpected reply to the "
		    "exchange", what);
		return MT_E_AUTH;
	}
	if (rc != 0)
		return flow_step_fail(f, what);
	return 0;
}

int
flow_sasl(struct flow *f, enum probe_auth mech)
{
	const struct probe_conn	*c = f->c;
	uint8_t			 buf[2 * MT_SECRET_HARD + MT_FIELD_HARD];
	uint8_t			 chal[MT_FIELD_HARD];
	char			 hex[33];
	const char		*name, *what;
	size_t			 ul = strlen(c->user), cl;
	int			 rc;

	if ((rc = sasl_choose(f, &mech)) != 0)
		return rc;
	name = sasl_name(mech);
	what = mech == PROBE_AUTH_PLAIN ? "AUTH PLAIN" : mech ==
	    PROBE_AUTH_LOGIN ? "AUTH LOGIN" : "AUTH CRAM-MD5";
	if (ul + c->passlen + 2 > MT_SECRET_HARD) {
		flow_fail(f, MT_E_USAGE, "the credentials are too long");
		return MT_E_USAGE;
	}
	rc = flow_cmdf(f, "AUTH %s", name);
	/* Accepted without a challenge: authenticated, as JavaMail takes it. */
	if (rc != 0 || !sasl_is_cont(f))
		return sasl_result(f, rc, what);

	switch (mech) {
	case PROBE_AUTH_PLAIN:
		/* RFC 4616 2: authzid NUL authcid NUL passwd */
		buf[0] = '\0';
		memcpy(buf + 1, c->user, ul);
		buf[1 + ul] = '\0';
		memcpy(buf + 2 + ul, c->password, c->passlen);
		rc = sasl_send_b64(f, buf, 2 + ul + c->passlen);
		explicit_bzero(buf, sizeof(buf));
		break;
	case PROBE_AUTH_LOGIN:
		rc = sasl_send_b64(f, (const uint8_t *)c->user, ul);
		if (rc != 0 || !sasl_is_cont(f))
			return sasl_result(f, rc, what);
		rc = sasl_send_b64(f, (const uint8_t *)c->password,
		    c->passlen);
		break;
	case PROBE_AUTH_CRAM_MD5:
	default:
		/* RFC 2195 2: user SP hex(HMAC-MD5(secret, challenge)) */
		if (!net_b64_decode(f->text, f->textlen, chal, sizeof(chal),
		    &cl)) {
			flow_fail(f, MT_E_PROTO, "%s: the challenge is not "
			    "valid base64", what);
			return MT_E_PROTO;
		}
		if (!net_hmac_md5_hex((const uint8_t *)c->password,
		    c->passlen, chal, cl, hex)) {
			flow_fail(f, MT_E_INTERNAL, "%s: HMAC-MD5 unavailable",
			    what);
			return MT_E_INTERNAL;
		}
		memcpy(buf, c->user, ul);
		buf[ul] = ' ';
		memcpy(buf + ul + 1, hex, 32);
		rc = sasl_send_b64(f, buf, ul + 33);
		explicit_bzero(buf, sizeof(buf));
		explicit_bzero(hex, sizeof(hex));
		break;
	}
	return sasl_result(f, rc, what);
}
