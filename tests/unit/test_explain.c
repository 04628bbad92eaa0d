/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_explain.c - the explanation table (events/explain.def, src/explain):
 * every row is matched by a real server reply line (or a real TLS failure
 * reason, or a failure class) in the table's order of precedence, and
 * gives "CODE: meaning; hint"; a reply's other words never reach the
 * explanation; every row keeps to the characters the outputs need no
 * escape for, fits the record's field, and is listed in
 * docs/troubleshooting.md.
 *
 * usage: test_explain [docs/troubleshooting.md]
 */
#include "explain/explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/*
 * One case: a reply line as the server sent it (split into opr and reply
 * as the models do: "+OK"/"-ERR" and the rest; an SMTP code and the rest),
 * or NULL; the record's rc and detail; the row expected (kind and key;
 * key NULL: no row) and the code the explanation starts with.
 */
struct tcase {
	const char	*line;
	int		 rc;
	const char	*detail;
	enum explain_kind kind;
	const char	*key;
	const char	*code;
};

#define S	MT_E_SEND
#define A	MT_E_AUTH
#define P	MT_E_PROTO

static const struct tcase cases[] = {
	/* recognised texts, before any code */
	{ "554 5.7.1 <someone@elsewhere.test>: Relay access denied", S, NULL,
	  EXPLAIN_TEXT, "Relay access denied", "" },
	{ "550 relay not permitted", S, NULL, EXPLAIN_TEXT,
	  "relay not permitted", "" },
	{ "530 5.7.0 Must issue a STARTTLS command first", S, NULL,
	  EXPLAIN_TEXT, "Must issue a STARTTLS command first", "" },
	{ "554 5.5.0 Error: SMTP protocol synchronization", P, NULL,
	  EXPLAIN_TEXT, "SMTP protocol synchronization", "" },
	{ "554 SMTP synchronization error", P, NULL, EXPLAIN_TEXT,
	  "synchronization error", "" },
	{ "450 4.2.0 <rcpt@example.test>: Recipient address rejected: "
	  "Greylisted, see http://postgrey.schweikert.ch/help/example.test."
	  "html", S, NULL, EXPLAIN_TEXT, "Greylisted", "" },
	{ "451 4.7.1 Greylisting in action, please come back later", S, NULL,
	  EXPLAIN_TEXT, "greylisting", "" },
	{ "421 4.7.0 Try again later, closing connection. (EHLO) "
	  "x1-20020a05.123 - gsmtp", P, NULL, EXPLAIN_TEXT,
	  "try again later", "" },
	{ "501 5.7.0 Authentication aborted", A, NULL, EXPLAIN_TEXT,
	  "Authentication aborted", "" },
	{ "-ERR [AUTH] Plaintext authentication disallowed on non-secure "
	  "(SSL/TLS) connections.", A, NULL, EXPLAIN_TEXT,
	  "Plaintext authentication disallowed", "" },
	{ "-ERR [AUTH] Plaintext authentication disabled.", A, NULL,
	  EXPLAIN_TEXT, "Plaintext authentication disabled", "" },
	{ "-ERR [AUTH] Authentication failed.", A, NULL, EXPLAIN_TEXT,
	  "Authentication failed", "" },
	/* a text for another class: the code decides */
	{ "450 4.7.1 <x@elsewhere.test>: Relay access denied", S, NULL,
	  EXPLAIN_ENH, "4.7.1", "4.7.1" },
	{ "550 5.7.1 Service unavailable, try again later", S, NULL,
	  EXPLAIN_ENH, "5.7.1", "5.7.1" },
	/* POP3 response codes */
	{ "-ERR [AUTH] Invalid login", A, NULL, EXPLAIN_POP3, "[AUTH]",
	  "[AUTH]" },
	{ "-ERR [auth] invalid login", A, NULL, EXPLAIN_POP3, "[AUTH]",
	  "[AUTH]" },
	{ "-ERR [IN-USE] Mailbox is locked by another POP3 session", A, NULL,
	  EXPLAIN_POP3, "[IN-USE]", "[IN-USE]" },
	{ "-ERR [LOGIN-DELAY] wait longer between logins", A, NULL,
	  EXPLAIN_POP3, "[LOGIN-DELAY]", "[LOGIN-DELAY]" },
	{ "-ERR [SYS/TEMP] Temporary authentication failure.", A, NULL,
	  EXPLAIN_POP3, "[SYS/TEMP]", "[SYS/TEMP]" },
	{ "-ERR [SYS/PERM] Your mailbox is locked (database corruption)", A,
	  NULL, EXPLAIN_POP3, "[SYS/PERM]", "[SYS/PERM]" },
	/* an unknown response code, or none: the failure class */
	{ "-ERR [UNKNOWN-CODE] no", A, NULL, EXPLAIN_EXC, "AUTH", "" },
	{ "-ERR Unknown command: XTND", P, NULL, EXPLAIN_EXC, "PROTO", "" },
	/* enhanced status codes, a class first */
	{ "454 4.7.0 TLS not available due to local problem", P, NULL,
	  EXPLAIN_ENH, "4.7.0", "4.7.0" },
	{ "530 5.7.0 Authentication required", S, NULL, EXPLAIN_ENH, "5.7.0",
	  "5.7.0" },
	{ "450 4.7.1 <unknown[192.0.2.1]>: Client host rejected: cannot find "
	  "your hostname, [192.0.2.1]", S, NULL, EXPLAIN_ENH, "4.7.1",
	  "4.7.1" },
	{ "554 5.7.1 <spam@example.test>: Sender address rejected: Access "
	  "denied", S, NULL, EXPLAIN_ENH, "5.7.1", "5.7.1" },
	{ "530 5.7.57 SMTP; Client was not authenticated to send anonymous "
	  "mail during MAIL FROM [AM0PR01CA0000.eurprd01.prod.outlook.com]", S,
	  NULL, EXPLAIN_ENH, "5.7.57", "5.7.57" },
	{ "554 5.0.0 Service unavailable", S, NULL, EXPLAIN_ENH, "X.0.0",
	  "5.0.0" },
	{ "550 5.1.0 Sender denied", S, NULL, EXPLAIN_ENH, "X.1.0", "5.1.0" },
	{ "550 5.1.1 <nobody@example.test>: Recipient address rejected: User "
	  "unknown in virtual mailbox table", S, NULL, EXPLAIN_ENH, "X.1.1",
	  "5.1.1" },
	{ "550 5.1.2 <x@nonexistent.invalid>: Recipient address rejected: "
	  "Domain not found", S, NULL, EXPLAIN_ENH, "X.1.2", "5.1.2" },
	{ "501 5.1.3 Bad recipient address syntax", S, NULL, EXPLAIN_ENH,
	  "X.1.3", "5.1.3" },
	{ "550 5.1.4 Destination mailbox address ambiguous", S, NULL,
	  EXPLAIN_ENH, "X.1.4", "5.1.4" },
	{ "551 5.1.6 User has moved; please try <bob@example.org>", S, NULL,
	  EXPLAIN_ENH, "X.1.6", "5.1.6" },
	{ "501 5.1.7 Bad sender address syntax", S, NULL, EXPLAIN_ENH,
	  "X.1.7", "5.1.7" },
	{ "450 4.1.8 <a@nonexistent.invalid>: Sender address rejected: "
	  "Domain not found", S, NULL, EXPLAIN_ENH, "X.1.8", "4.1.8" },
	{ "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by "
	  "SMTP address lookup", S, NULL, EXPLAIN_ENH, "X.1.10", "5.1.10" },
	{ "550 5.2.0 Mailbox unavailable", S, NULL, EXPLAIN_ENH, "X.2.0",
	  "5.2.0" },
	{ "550 5.2.1 The email account that you tried to reach is disabled.",
	  S, NULL, EXPLAIN_ENH, "X.2.1", "5.2.1" },
	{ "452 4.2.2 The email account that you tried to reach is over quota.",
	  S, NULL, EXPLAIN_ENH, "X.2.2", "4.2.2" },
	{ "552 5.2.3 Message size exceeds fixed maximum message size", S,
	  NULL, EXPLAIN_ENH, "X.2.3", "5.2.3" },
	{ "550 5.2.4 Mailing list expansion problem", S, NULL, EXPLAIN_ENH,
	  "X.2.4", "5.2.4" },
	{ "451 4.3.0 Error: queue file write error", S, NULL, EXPLAIN_ENH,
	  "X.3.0", "4.3.0" },
	{ "452 4.3.1 Insufficient system storage", S, NULL, EXPLAIN_ENH,
	  "X.3.1", "4.3.1" },
	{ "421 4.3.2 Service shutting down", S, NULL, EXPLAIN_ENH, "X.3.2",
	  "4.3.2" },
	{ "555 5.3.3 Unrecognized parameter SMTPUTF8", S, NULL, EXPLAIN_ENH,
	  "X.3.3", "5.3.3" },
	{ "552 5.3.4 Error: message file too big", S, NULL, EXPLAIN_ENH,
	  "X.3.4", "5.3.4" },
	{ "451 4.3.5 Server configuration problem", S, NULL, EXPLAIN_ENH,
	  "X.3.5", "4.3.5" },
	{ "451 4.4.0 Error: queue file write error", S, NULL, EXPLAIN_ENH,
	  "X.4.0", "4.4.0" },
	{ "451 4.4.1 No answer from host", S, NULL, EXPLAIN_ENH, "X.4.1",
	  "4.4.1" },
	{ "421 4.4.2 mx.example.test Error: timeout exceeded", P, NULL,
	  EXPLAIN_ENH, "X.4.2", "4.4.2" },
	{ "451 4.4.3 Directory server failure", S, NULL, EXPLAIN_ENH, "X.4.3",
	  "4.4.3" },
	{ "554 5.4.4 <x@example.invalid>: Unable to route", S, NULL,
	  EXPLAIN_ENH, "X.4.4", "5.4.4" },
	{ "451 4.4.5 Insufficient system resources", S, NULL, EXPLAIN_ENH,
	  "X.4.5", "4.4.5" },
	{ "554 5.4.6 Too many hops", S, NULL, EXPLAIN_ENH, "X.4.6", "5.4.6" },
	{ "451 4.4.7 Message expired", S, NULL, EXPLAIN_ENH, "X.4.7",
	  "4.4.7" },
	{ "503 5.5.0 Error: bad sequence", S, NULL, EXPLAIN_ENH, "X.5.0",
	  "5.5.0" },
	{ "502 5.5.1 Error: command not recognized", P, NULL, EXPLAIN_ENH,
	  "X.5.1", "5.5.1" },
	{ "500 5.5.2 Error: bad syntax", P, NULL, EXPLAIN_ENH, "X.5.2",
	  "5.5.2" },
	{ "452 4.5.3 Error: too many recipients", S, NULL, EXPLAIN_ENH,
	  "X.5.3", "4.5.3" },
	{ "501 5.5.4 Syntax: MAIL FROM:<address>", S, NULL, EXPLAIN_ENH,
	  "X.5.4", "5.5.4" },
	{ "554 5.5.5 Wrong protocol version", P, NULL, EXPLAIN_ENH, "X.5.5",
	  "5.5.5" },
	{ "500 5.5.6 Authentication Exchange line is too long", A, NULL,
	  EXPLAIN_ENH, "X.5.6", "5.5.6" },
	{ "554 5.6.0 Message content rejected", S, NULL, EXPLAIN_ENH, "X.6.0",
	  "5.6.0" },
	{ "554 5.6.1 Media not supported", S, NULL, EXPLAIN_ENH, "X.6.1",
	  "5.6.1" },
	{ "554 5.6.3 Conversion required but not supported", S, NULL,
	  EXPLAIN_ENH, "X.6.3", "5.6.3" },
	{ "553 5.6.7 Must declare SMTPUTF8 to send unicode address", S, NULL,
	  EXPLAIN_ENH, "X.6.7", "5.6.7" },
	{ "550 5.7.2 Mailing list expansion prohibited", S, NULL, EXPLAIN_ENH,
	  "X.7.2", "5.7.2" },
	{ "504 5.7.4 Security features not supported", A, NULL, EXPLAIN_ENH,
	  "X.7.4", "5.7.4" },
	{ "535 5.7.8 Error: authentication failed: authentication failure", A,
	  NULL, EXPLAIN_ENH, "X.7.8", "5.7.8" },
	{ "534 5.7.9 Authentication mechanism is too weak", A, NULL,
	  EXPLAIN_ENH, "X.7.9", "5.7.9" },
	{ "523 5.7.10 Encryption Needed", A, NULL, EXPLAIN_ENH, "X.7.10",
	  "5.7.10" },
	{ "538 5.7.11 Encryption required for requested authentication "
	  "mechanism", A, NULL, EXPLAIN_ENH, "X.7.11", "5.7.11" },
	{ "432 4.7.12 A password transition is needed", A, NULL, EXPLAIN_ENH,
	  "X.7.12", "4.7.12" },
	{ "525 5.7.13 User Account Disabled", A, NULL, EXPLAIN_ENH, "X.7.13",
	  "5.7.13" },
	{ "550 5.7.20 No passing DKIM signature found", S, NULL, EXPLAIN_ENH,
	  "X.7.20", "5.7.20" },
	{ "550 5.7.23 The message was rejected because of Sender Policy "
	  "Framework violation", S, NULL, EXPLAIN_ENH, "X.7.23", "5.7.23" },
	{ "550 5.7.25 [192.0.2.1] The IP address sending this message does "
	  "not have a PTR record setup.", S, NULL, EXPLAIN_ENH, "X.7.25",
	  "5.7.25" },
	{ "550 5.7.26 This message does not pass authentication checks (SPF "
	  "and DKIM both do not pass).", S, NULL, EXPLAIN_ENH, "X.7.26",
	  "5.7.26" },
	{ "550 5.7.27 Sender address has null MX", S, NULL, EXPLAIN_ENH,
	  "X.7.27", "5.7.27" },
	/* class and subject alone: a detail with no row */
	{ "550 5.1.9 Message relayed to non-compliant mailer", S, NULL,
	  EXPLAIN_ENH, "X.1", "5.1.9" },
	{ "554 5.2.252 SendAsDenied; sender@example.test not allowed to send "
	  "as other@example.test", S, NULL, EXPLAIN_ENH, "X.2", "5.2.252" },
	{ "554 5.3.190 Journaling on-premises messages to Microsoft 365 not "
	  "supported", S, NULL, EXPLAIN_ENH, "X.3", "5.3.190" },
	{ "554 5.4.14 Hop count exceeded - possible mail loop ATTR34", S,
	  NULL, EXPLAIN_ENH, "X.4", "5.4.14" },
	{ "501 5.5.7 Unrecognized ESMTP keyword", S, NULL, EXPLAIN_ENH, "X.5",
	  "5.5.7" },
	{ "550 5.6.11 SMTPSEND.BareLinefeedsAreIllegal; message contains bare "
	  "linefeeds", S, NULL, EXPLAIN_ENH, "X.6", "5.6.11" },
	{ "550 5.7.606 Access denied, banned sending IP [192.0.2.1]", S,
	  NULL, EXPLAIN_ENH, "X.7", "5.7.606" },
	/* reply codes without an enhanced code (or with one of no row) */
	{ "421 mx.example.test Service not available, closing transmission "
	  "channel", P, NULL, EXPLAIN_CODE, "421", "421" },
	{ "432 A password transition is needed", A, NULL, EXPLAIN_CODE, "432",
	  "432" },
	{ "450 Requested mail action not taken: mailbox unavailable", S, NULL,
	  EXPLAIN_CODE, "450", "450" },
	{ "451 Requested action aborted: local error in processing", S, NULL,
	  EXPLAIN_CODE, "451", "451" },
	{ "452 Requested action not taken: insufficient system storage", S,
	  NULL, EXPLAIN_CODE, "452", "452" },
	{ "454 TLS not available due to temporary reason", P, NULL,
	  EXPLAIN_CODE, "454", "454" },
	{ "455 Server unable to accommodate parameters", S, NULL,
	  EXPLAIN_CODE, "455", "455" },
	{ "500 Syntax error, command unrecognized", P, NULL, EXPLAIN_CODE,
	  "500", "500" },
	{ "501 Syntax error in parameters or arguments", S, NULL,
	  EXPLAIN_CODE, "501", "501" },
	{ "502 Command not implemented", P, NULL, EXPLAIN_CODE, "502",
	  "502" },
	{ "503 Bad sequence of commands", S, NULL, EXPLAIN_CODE, "503",
	  "503" },
	{ "504 Unrecognized authentication type", A, NULL, EXPLAIN_CODE,
	  "504", "504" },
	{ "521 mx.example.test does not accept mail", P, NULL, EXPLAIN_CODE,
	  "521", "521" },
	{ "523 Encryption Needed", A, NULL, EXPLAIN_CODE, "523", "523" },
	{ "530 Authentication required", S, NULL, EXPLAIN_CODE, "530",
	  "530" },
	{ "534 Authentication mechanism is too weak", A, NULL, EXPLAIN_CODE,
	  "534", "534" },
	{ "535 Authentication credentials invalid", A, NULL, EXPLAIN_CODE,
	  "535", "535" },
	{ "538 Encryption required for requested authentication mechanism",
	  A, NULL, EXPLAIN_CODE, "538", "538" },
	{ "550 Requested action not taken: mailbox unavailable", S, NULL,
	  EXPLAIN_CODE, "550", "550" },
	{ "550 5.9.9 x", S, NULL, EXPLAIN_CODE, "550", "550" },
	{ "551 User not local; please try <forward-path>", S, NULL,
	  EXPLAIN_CODE, "551", "551" },
	{ "552 Requested mail action aborted: exceeded storage allocation", S,
	  NULL, EXPLAIN_CODE, "552", "552" },
	{ "553 Requested action not taken: mailbox name not allowed", S, NULL,
	  EXPLAIN_CODE, "553", "553" },
	{ "554 Transaction failed", S, NULL, EXPLAIN_CODE, "554", "554" },
	{ "555 MAIL FROM/RCPT TO parameters not recognized or not "
	  "implemented", S, NULL, EXPLAIN_CODE, "555", "555" },
	{ "556 Domain does not accept mail", S, NULL, EXPLAIN_CODE, "556",
	  "556" },
	/* the class alone: only what it means */
	{ "458 Unable to queue messages for node example.test", P, NULL,
	  EXPLAIN_CODE, "4", "458" },
	{ "571 Delivery not authorized, message refused", S, NULL,
	  EXPLAIN_CODE, "5", "571" },
	/* a failed handshake, by what failed (net's reason, the detail) */
	{ NULL, MT_E_TLS, "certificate verify failed: hostname mismatch",
	  EXPLAIN_TLS, "hostname mismatch", "" },
	{ NULL, MT_E_TLS, "certificate verify failed: IP address mismatch",
	  EXPLAIN_TLS, "IP address mismatch", "" },
	{ NULL, MT_E_TLS, "certificate verify failed: certificate has "
	  "expired", EXPLAIN_TLS, "certificate has expired", "" },
	{ NULL, MT_E_TLS, "certificate verify failed: certificate is not yet "
	  "valid", EXPLAIN_TLS, "certificate is not yet valid", "" },
	{ NULL, MT_E_TLS, "certificate verify failed: self-signed "
	  "certificate", EXPLAIN_TLS, "self-signed certificate", "" },
	{ NULL, MT_E_TLS, "certificate verify failed: self signed "
	  "certificate in certificate chain", EXPLAIN_TLS,
	  "self signed certificate", "" },
	{ NULL, MT_E_TLS, "certificate verify failed: unable to get local "
	  "issuer certificate", EXPLAIN_TLS, "certificate verify failed", "" },
	{ NULL, MT_E_TLS, "TLS handshake failed: wrong version number",
	  EXPLAIN_TLS, "wrong version number", "" },
	{ NULL, MT_E_TLS, "TLS handshake failed: unsupported protocol",
	  EXPLAIN_TLS, "unsupported protocol", "" },
	{ NULL, MT_E_TLS, "TLS handshake failed: tlsv1 alert protocol "
	  "version", EXPLAIN_TLS, "protocol version", "" },
	{ NULL, MT_E_TLS, "TLS handshake failed: no protocols available",
	  EXPLAIN_TLS, "no protocols available", "" },
	{ NULL, MT_E_TLS, "TLS handshake failed: sslv3 alert handshake "
	  "failure", EXPLAIN_TLS, "handshake failure", "" },
	{ NULL, MT_E_TLS, "TLS handshake failed: unknown error", EXPLAIN_EXC,
	  "TLS", "" },
	{ NULL, MT_E_TLS, NULL, EXPLAIN_EXC, "TLS", "" },
	/* the failure classes */
	{ NULL, MT_E_CONNREFUSED, NULL, EXPLAIN_EXC, "CONNREFUSED", "" },
	{ NULL, MT_E_TIMEOUT, NULL, EXPLAIN_EXC, "TIMEOUT", "" },
	{ "+OK 2 messages", MT_E_TIMEOUT, NULL, EXPLAIN_EXC, "TIMEOUT", "" },
	{ "550 5.1.1 <x@y>: gone", MT_E_TIMEOUT, NULL, EXPLAIN_EXC, "TIMEOUT",
	  "" },
	{ NULL, MT_E_NOHOST, NULL, EXPLAIN_EXC, "NOHOST", "" },
	{ NULL, MT_E_IO, NULL, EXPLAIN_EXC, "IO", "" },
	{ NULL, MT_E_EOF, NULL, EXPLAIN_EXC, "EOF", "" },
	{ NULL, MT_E_AUTH, NULL, EXPLAIN_EXC, "AUTH", "" },
	{ "334 VXNlcm5hbWU6", MT_E_AUTH, NULL, EXPLAIN_EXC, "AUTH", "" },
	{ "250 2.0.0 Ok", MT_E_PROTO, NULL, EXPLAIN_EXC, "PROTO", "" },
	{ "HTTP/1.1 400 Bad Request", MT_E_PROTO, NULL, EXPLAIN_EXC, "PROTO",
	  "" },
	{ NULL, MT_E_SEND, NULL, EXPLAIN_EXC, "SEND", "" },
	{ NULL, MT_E_CAPTURE, NULL, EXPLAIN_EXC, "CAPTURE", "" },
	{ NULL, MT_E_STORE, NULL, EXPLAIN_EXC, "STORE", "" },
	{ NULL, MT_E_USAGE, NULL, EXPLAIN_EXC, "USAGE", "" },
	{ NULL, MT_E_INTERNAL, NULL, EXPLAIN_EXC, "INTERNAL", "" },
	{ NULL, MT_E_INTR, NULL, EXPLAIN_EXC, "INTR", "" },
	/* no failure: no row */
	{ "550 5.1.1 <x@y>: gone", 0, NULL, EXPLAIN_EXC, NULL, "" },
	{ NULL, 99, NULL, EXPLAIN_EXC, NULL, "" },
};

/*
 * A reply line as the models record it: opr the status or code, reply the
 * text after it and its one space (docs/records.md "reply").
 */
static void
split(const char *line, char *opr, size_t osz, char *reply, size_t rsz)
{
	size_t	n;

	opr[0] = reply[0] = '\0';
	if (line == NULL)
		return;
	if (strncmp(line, "+OK", 3) == 0 || strncmp(line, "-ERR", 4) == 0)
		n = line[0] == '+' ? 3 : 4;
	else if (strlen(line) >= 3 && line[0] >= '0' && line[0] <= '9' &&
	    line[1] >= '0' && line[1] <= '9' && line[2] >= '0' &&
	    line[2] <= '9')
		n = 3;
	else {		/* malformed: the first four characters, kept whole */
		snprintf(opr, osz, "%.4s", line);
		snprintf(reply, rsz, "%s", line);
		return;
	}
	snprintf(opr, osz, "%.*s", (int)n, line);
	if (line[n] == ' ' || line[n] == '-')
		n++;
	snprintf(reply, rsz, "%s", line + n);
}

static void
test_cases(void)
{
	const struct explain_row	*x;
	struct trace_rec		 r;
	char				 code[EXPLAIN_CODE_MAX], want[512];
	size_t				 i, j;
	bool				*hit;

	CHECK((hit = calloc(explain_nrows, sizeof(*hit))) != NULL);
	if (hit == NULL)
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase	*c = &cases[i];

		trace_rec_clear(&r);
		r.rc = c->rc;
		split(c->line, r.opr, sizeof(r.opr), r.reply, sizeof(r.reply));
		trace_str(r.detail, sizeof(r.detail), c->detail);
		x = explain_find(r.rc, r.opr, r.reply, r.detail, code);
		explain_rec(&r);
		if (c->key == NULL) {
			CHECK(x == NULL);
			CHECK_STR(r.explanation, "");
			continue;
		}
		if (x == NULL || x->kind != c->kind ||
		    strcmp(x->key, c->key) != 0) {
			fprintf(stderr, "case %zu \"%s\" (rc %d, detail \"%s\"): "
			    "got %s \"%s\", want %s \"%s\"\n", i,
			    c->line ? c->line : "", c->rc,
			    c->detail ? c->detail : "",
			    x ? explain_kind_name(x->kind) : "no row",
			    x ? x->key : "", explain_kind_name(c->kind),
			    c->key);
			CHECK(!"the expected row");
			continue;
		}
		hit[x - explain_rows] = true;
		CHECK_STR(code, c->code);
		/* "CODE: meaning; hint", built from the table and the code */
		snprintf(want, sizeof(want), "%s%s%s%s%s", c->code,
		    c->code[0] != '\0' ? ": " : "", x->meaning,
		    x->hint[0] != '\0' ? "; " : "", x->hint);
		CHECK_STR(r.explanation, want);
	}
	/* Every row is exercised by a real line above. */
	for (j = 0; j < explain_nrows; j++)
		if (!hit[j]) {
			fprintf(stderr, "row %s \"%s\" has no case\n",
			    explain_kind_name(explain_rows[j].kind),
			    explain_rows[j].key);
			CHECK(!"every row has a case");
		}
	free(hit);
}

/* The reply's own words never reach an explanation, only its code. */
static void
test_no_reply_words(void)
{
	struct trace_rec	r;

	trace_rec_clear(&r);
	r.rc = MT_E_AUTH;
	trace_str(r.opr, sizeof(r.opr), "535");
	trace_str(r.reply, sizeof(r.reply), "5.7.8 hunter2 is not your "
	    "password: Relay access denied? no");
	explain_rec(&r);
	CHECK(strstr(r.explanation, "hunter2") == NULL);
	CHECK(strncmp(r.explanation, "the server does not relay", 25) == 0);
	trace_str(r.reply, sizeof(r.reply), "5.7.8 hunter2 is not it");
	explain_rec(&r);
	CHECK(strstr(r.explanation, "hunter2") == NULL);
	CHECK(strncmp(r.explanation, "5.7.8: ", 7) == 0);
	trace_str(r.opr, sizeof(r.opr), "-ERR");
	trace_str(r.reply, sizeof(r.reply), "[AUTH] hunter2");
	explain_rec(&r);
	CHECK(strstr(r.explanation, "hunter2") == NULL);
	/* a code of odd characters is no code */
	trace_str(r.reply, sizeof(r.reply), "[AUTH hunter2]");
	explain_rec(&r);
	CHECK(strstr(r.explanation, "hunter2") == NULL);
	CHECK(strncmp(r.explanation, "authentication was refused", 26) == 0);
	/* an anomaly record gets none */
	trace_rec_clear(&r);
	r.rc = MT_E_PROTO;
	r.anomaly = AN_GAP;
	explain_rec(&r);
	CHECK_STR(r.explanation, "");
	/* a cut field: always NUL-terminated */
	{
		char	small[8];

		CHECK(explain_format(&explain_rows[0], "554", small,
		    sizeof(small)) == sizeof(small) - 1);
		CHECK_STR(small, "554: th");
	}
}

/*
 * Every row: printable ASCII without '"', '\' or '|', a lower case meaning,
 * fits the record's field with the longest code; TEXT "on" is one of the
 * four; ENH and CODE keys are well formed; each failure class has a row.
 */
static void
test_rows(void)
{
	const struct explain_row	*x;
	const char			*f[3];
	char				 buf[MT_EXPLAIN_HARD * 2], code[40];
	size_t				 i, k, n;
	int				 e;

	for (i = 0; i < explain_nrows; i++) {
		x = &explain_rows[i];
		f[0] = x->key;
		f[1] = x->meaning;
		f[2] = x->hint;
		for (k = 0; k < 3; k++)
			for (n = 0; f[k][n] != '\0'; n++)
				if (f[k][n] < 0x20 || f[k][n] > 0x7e ||
				    f[k][n] == '"' || f[k][n] == '\\' ||
				    f[k][n] == '|') {
					fprintf(stderr, "row \"%s\": byte %d\n",
					    x->key, f[k][n]);
					CHECK(!"printable, no \" \\ |");
				}
		CHECK(x->key[0] != '\0' && x->meaning[0] != '\0');
		/* lower case, but for an acronym ("SPF validation failed") */
		CHECK(!(x->meaning[0] >= 'A' && x->meaning[0] <= 'Z') ||
		    (x->meaning[1] >= 'A' && x->meaning[1] <= 'Z'));
		memset(code, '9', EXPLAIN_CODE_MAX - 1);
		code[EXPLAIN_CODE_MAX - 1] = '\0';
		n = explain_format(x, code, buf, sizeof(buf));
		if (n >= MT_EXPLAIN_HARD)
			fprintf(stderr, "row \"%s\": %zu octets\n", x->key, n);
		CHECK(n < MT_EXPLAIN_HARD);
		if (x->kind == EXPLAIN_TEXT)
			CHECK(strcmp(x->on, "") == 0 ||
			    strcmp(x->on, "4") == 0 ||
			    strcmp(x->on, "5") == 0 ||
			    strcmp(x->on, "-ERR") == 0);
		else
			CHECK_STR(x->on, "");
		if (x->kind == EXPLAIN_CODE)
			CHECK((strlen(x->key) == 3 || strlen(x->key) == 1) &&
			    (x->key[0] == '4' || x->key[0] == '5'));
		if (x->kind == EXPLAIN_ENH)
			CHECK(x->key[0] == 'X' || x->key[0] == '4' ||
			    x->key[0] == '5');
		if (x->kind == EXPLAIN_POP3)
			CHECK(x->key[0] == '[' &&
			    x->key[strlen(x->key) - 1] == ']');
	}
	for (e = 1; e <= MT_E_INTR; e++) {
		if (strcmp(mt_ecode_name((enum mt_ecode)e), "UNKNOWN") == 0)
			continue;
		x = explain_find(e, "", "", "", code);
		CHECK(x != NULL && x->kind == EXPLAIN_EXC &&
		    strcmp(x->key, mt_ecode_name((enum mt_ecode)e)) == 0);
	}
}

/* docs/troubleshooting.md lists every row as `key` with its meaning. */
static void
test_doc(const char *path)
{
	FILE	*fp;
	char	*doc, want[600];
	long	 n;
	size_t	 i;

	CHECK((fp = fopen(path, "r")) != NULL);
	if (fp == NULL)
		return;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	CHECK(n > 0 && (doc = malloc((size_t)n + 1)) != NULL);
	if (n <= 0 || doc == NULL) {
		fclose(fp);
		return;
	}
	CHECK(fread(doc, 1, (size_t)n, fp) == (size_t)n);
	doc[n] = '\0';
	fclose(fp);
	for (i = 0; i < explain_nrows; i++) {
		snprintf(want, sizeof(want), "| %s | `%s` | %s |",
		    explain_kind_name(explain_rows[i].kind),
		    explain_rows[i].key, explain_rows[i].meaning);
		if (strstr(doc, want) == NULL) {
			fprintf(stderr, "%s: no row \"%s\"\n", path, want);
			CHECK(!"the doc lists every row");
		}
	}
	free(doc);
}

int
main(int argc, char **argv)
{
	test_cases();
	test_no_reply_words();
	test_rows();
	if (argc > 1)
		test_doc(argv[1]);
	return check_done();
}
