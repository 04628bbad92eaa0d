/*
 * SPDX-License-Identifier: BSD-2-Clause
 * pop3_auth.c - POP3 authentication for the probe: USER/PASS and APOP
 * (RFC 1939 7); SASL goes through flow_sasl().  Secrets live only in
 * buffers wiped after use; the model never records them
 * (proto/pop3_cmds.def).
 */
#include "pop3_flow.h"

#include <stdio.h>
#include <string.h>

#include "crypto.h"

static int	auth_user(struct flow *);
static int	auth_apop(struct flow *);

static int
auth_user(struct flow *f)
{
	const struct probe_conn	*c = f->c;
	char			 line[MT_CMD_HARD];
	int			 rc;

	if ((rc = flow_cmdf(f, "USER %s", c->user)) != 0)
		return flow_step_fail(f, "USER");
	if (c->passlen + 5 + 2 >= sizeof(line)) {
		flow_fail(f, MT_E_USAGE, "the password is too long");
		return MT_E_USAGE;
	}
	memcpy(line, "PASS ", 5);
	memcpy(line + 5, c->password, c->passlen);
	rc = flow_cmd(f, line, 5 + c->passlen, true);
	explicit_bzero(line, sizeof(line));
	return rc != 0 ? flow_step_fail(f, "PASS") : 0;
}

static int
auth_apop(struct flow *f)
{
	const struct probe_conn	*c = f->c;
	uint8_t			 buf[MT_FIELD_HARD + MT_SECRET_HARD];
	char			 digest[33], line[MT_CMD_HARD];
	size_t			 sl = strlen(f->stamp);
	int			 rc, n;
	bool			 ok;

	if (sl == 0) {
		flow_fail(f, MT_E_PROTO, "APOP: the greeting has no timestamp "
		    "(the server does not offer APOP)");
		return MT_E_PROTO;
	}
	if (sl + c->passlen > sizeof(buf)) {
		flow_fail(f, MT_E_USAGE, "the password is too long");
		return MT_E_USAGE;
	}
	/* RFC 1939 7: MD5 of the timestamp followed by the shared secret. */
	memcpy(buf, f->stamp, sl);
	memcpy(buf + sl, c->password, c->passlen);
	ok = net_md5_hex(buf, sl + c->passlen, digest);
	explicit_bzero(buf, sizeof(buf));
	if (!ok) {
		flow_fail(f, MT_E_INTERNAL, "APOP: MD5 unavailable");
		return MT_E_INTERNAL;
	}
	n = snprintf(line, sizeof(line) - 2, "APOP %s %s", c->user, digest);
	explicit_bzero(digest, sizeof(digest));
	if (n < 0 || (size_t)n >= sizeof(line) - 2) {
		explicit_bzero(line, sizeof(line));
		flow_fail(f, MT_E_USAGE, "the user name is too long");
		return MT_E_USAGE;
	}
	rc = flow_cmd(f, line, (size_t)n, true);
	explicit_bzero(line, sizeof(line));
	return rc != 0 ? flow_step_fail(f, "APOP") : 0;
}

int
pop3_auth(struct flow *f)
{
	switch (f->c->auth) {
	case PROBE_AUTH_APOP:
		return auth_apop(f);
	case PROBE_AUTH_PLAIN:
	case PROBE_AUTH_LOGIN:
	case PROBE_AUTH_CRAM_MD5:
		return flow_sasl(f, f->c->auth);
	case PROBE_AUTH_USER:
	case PROBE_AUTH_DEFAULT:
	default:
		return auth_user(f);
	}
}
