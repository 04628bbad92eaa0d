/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_check.c - the regression check's core (src/check): every default
 * normalisation rule on real reply lines of Dovecot, Postfix, Exim,
 * Sendmail, Microsoft Exchange and Gmail; volatile lines that must compare
 * equal and real changes that must not; --ignore rules and their errors;
 * the bounds; the alignment of two sessions' steps.
 * usage: test_check [docs/check.md]   (then also: the doc names every rule)
 */
#include "check/check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/*
 * Examples: a real line, the rule that must change it (the rules up to it
 * make something else of it than the rules before it), and what all
 * default rules make of it.
 */
static const struct example {
	const char	*rule;
	const char	*in;
	const char	*want;
} examples[] = {
	/* Dovecot 2.3.19 (the test fixture's own greetings, APOP on) */
	{ "stamp", "+OK Dovecot (Debian) ready. <1896.1700000000@mx>",
	  "+OK Dovecot (Debian) ready. <stamp>" },
	{ "stamp",
	  "+OK Dovecot (Debian) ready. <2b53.4.6b0f4d6d.o5VpS+NCbKY0/9aT/3naHA==@vm>",
	  "+OK Dovecot (Debian) ready. <stamp>" },
	/* RFC 1939's own example */
	{ "stamp", "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
	  "+OK POP3 server ready <stamp>" },
	/* Postfix: long and short queue ids */
	{ "queued_as", "250 2.0.0 Ok: queued as 4XyZ1n6Bz9z2x",
	  "250 2.0.0 Ok: queued as <queueid>" },
	{ "queued_as", "250 2.0.0 Ok: queued as 3F2A41C0D12",
	  "250 2.0.0 Ok: queued as <queueid>" },
	/* Exim: the classic id and the 4.97 long form */
	{ "exim_id", "250 OK id=1rABCD-0001Xy-2Z", "250 OK id=<queueid>" },
	{ "exim_id", "250 OK id=1rABCD-00000001Xy-2Zab",
	  "250 OK id=<queueid>" },
	/* Sendmail */
	{ "sendmail_id", "250 2.0.0 x2L3aBcD012345 Message accepted for delivery",
	  "250 2.0.0 <queueid> Message accepted for delivery" },
	{ "date", "220 mx.example.org ESMTP Sendmail 8.15.2/8.15.2/Debian-22; "
	  "Tue, 1 Dec 2026 21:33:37 +0000; (No UCE/UBE) logging access from: "
	  "localhost(OK)-localhost [127.0.0.1]",
	  "220 mx.example.org ESMTP Sendmail 8.15.2/8.15.2/Debian-22; <date>; "
	  "(No UCE/UBE) logging access from: localhost(OK)-localhost [<ip>]" },
	{ "date", "220 mx.example.org ESMTP Sendmail 8.15.2/8.15.2; "
	  "Wed, 2 Dec 2026 08:01:02 -0500 (EST)",
	  "220 mx.example.org ESMTP Sendmail 8.15.2/8.15.2; <date>" },
	/* Microsoft Exchange 2016/2019 and Exchange Online */
	{ "exchange_id", "250 2.6.0 <d7a1c3e0b2f94a6e8c5d@EX01.corp.example> "
	  "[InternalId=123456, Hostname=EX01.corp.example] Queued mail for "
	  "delivery",
	  "250 2.6.0 <msgid> [<exchange-id>] Queued mail for delivery" },
	{ "message_id", "250 2.6.0 <d7a1c3e0b2f94a6e8c5d@EX01.corp.example> "
	  "[InternalId=123456, Hostname=EX01.corp.example] Queued mail for "
	  "delivery",
	  "250 2.6.0 <msgid> [<exchange-id>] Queued mail for delivery" },
	{ "message_id", "250 2.0.0 OK <AM0PR01MB1234@AM0PR01MB1234.eurprd01."
	  "prod.exchangelabs.com> [Hostname=AM0PR01MB1234.eurprd01.prod."
	  "exchangelabs.com]",
	  "250 2.0.0 OK <msgid> [<exchange-id>]" },
	{ "date", "220 EX01.corp.example Microsoft ESMTP MAIL Service ready at "
	  "Tue, 1 Dec 2026 21:33:37 +0000",
	  "220 EX01.corp.example Microsoft ESMTP MAIL Service ready at <date>" },
	{ "date", "220 EX01.corp.example Microsoft ESMTP MAIL Service ready at "
	  "Tue, 1 Dec 2026 21:33:37 +0000 (UTC)",
	  "220 EX01.corp.example Microsoft ESMTP MAIL Service ready at <date>" },
	{ "token", "220 AM4PEPF00027A5E.mail.protection.outlook.com Microsoft "
	  "ESMTP MAIL Service ready at Tue, 21 Nov 2023 10:00:00 +0000 "
	  "[08DBEA1F72D8C3B6]",
	  "220 AM4PEPF00027A5E.mail.protection.outlook.com Microsoft ESMTP "
	  "MAIL Service ready at <date> [<token>]" },
	/* Gmail */
	{ "gmail_id", "250 2.0.0 OK  1700000000 a1b2c3d4e5f6.123 - gsmtp",
	  "250 2.0.0 OK  <gsmtp-id> - gsmtp" },
	{ "gmail_id", "220 mx.google.com ESMTP a1b2c3d4e5f6.123 - gsmtp",
	  "220 mx.google.com ESMTP <gsmtp-id> - gsmtp" },
	{ "ipv4", "250-mx.google.com at your service, [1.2.3.4]",
	  "250-mx.google.com at your service, [<ip>]" },
	/* Exim's EHLO greeting echoes the client, with the port */
	{ "port", "250-mx.example.org Hello localhost [127.0.0.1]:54321",
	  "250-mx.example.org Hello localhost [<ip>]:<port>" },
	{ "ipv6", "250-mx.example.org Hello localhost [::1]",
	  "250-mx.example.org Hello localhost [<ip>]" },
	{ "ipv6", "250-mx.example.org Hello [IPv6:2001:db8::25]",
	  "250-mx.example.org Hello [IPv6:<ip>]" },
	{ "ipv6", "554 5.7.1 from ::ffff:192.0.2.7 refused",
	  "554 5.7.1 from <ip> refused" },
	{ "ipv6", "250 ok fe80:0:0:0:202:b3ff:fe1e:8329",
	  "250 ok <ip>" },
	/* Postfix echoes the client in a refusal */
	{ "ipv4", "554 5.7.1 <unknown[192.0.2.7]>: Client host rejected: "
	  "Access denied",
	  "554 5.7.1 <unknown[<ip>]>: Client host rejected: Access denied" },
	/* times and ids */
	{ "iso_time", "421 4.3.2 try again after 2026-12-01T21:33:37.123Z",
	  "421 4.3.2 try again after <time>" },
	{ "iso_time", "250 last login 2026-12-01 21:33:37+01:00",
	  "250 last login <time>" },
	{ "ctime", "220 mx ESMTP ready Tue Dec  1 21:33:37 2026",
	  "220 mx ESMTP ready <date>" },
	{ "clock", "421 4.7.0 mx busy since 21:33:37, try later",
	  "421 4.7.0 mx busy since <time>, try later" },
	{ "uuid", "250 2.0.0 Ok 123e4567-e89b-12d3-a456-426614174000",
	  "250 2.0.0 Ok <token>" },
	{ "token", "+OK session 9f8e7d6c5b4a39281706f5e4d3c2b1a0",
	  "+OK session <token>" },
	{ "token", "334 dGhpcyBpcyBhIHRlc3Q1MjM0NTY3ODkw",
	  "334 <token>" },
};

/* Lines no default rule may touch. */
static const char *const stable[] = {
	"220 mx.example.org ESMTP Postfix (Debian/GNU)",
	"250-mx.example.org",
	"250-SIZE 10240000",
	"250-ENHANCEDSTATUSCODES",
	"250-AUTH PLAIN LOGIN",
	"250 2.1.0 <bob@example.org>... Sender ok",
	"550 5.1.1 <nobody@example.org>: Recipient address rejected: User "
	    "unknown in virtual mailbox table",
	"+OK Logged in.",
	"+OK Logging out.",
	"-ERR [AUTH] Authentication failed.",
	"+OK 3 1152",			/* counts: only when asked */
	"+OK 3 messages:",
	"+OK 353 octets",
	"250 OK Message accepted for delivery",
	"",
};

/* Pairs of volatile lines (two sessions) that must compare equal. */
static const char *const same[][2] = {
	{ "+OK Dovecot (Debian) ready. <2b53.4.6b0f4d6d.o5VpS+NCbKY0/9aT/3naHA==@vm>",
	  "+OK Dovecot (Debian) ready. <2b53.5.6b0f4d6d./FYmFON11KdjA9Xna0zj/A==@vm>" },
	{ "250 2.0.0 Ok: queued as 4XyZ1n6Bz9z2x",
	  "250 2.0.0 Ok: queued as 4XyZ2c0Lq7z5w" },
	{ "250 OK id=1rABCD-0001Xy-2Z", "250 OK id=1rABCE-0001Yz-3A" },
	{ "250 2.0.0 x2L3aBcD012345 Message accepted for delivery",
	  "250 2.0.0 x2L3aBcE012399 Message accepted for delivery" },
	{ "220 mx.example.org ESMTP Sendmail 8.15.2/8.15.2; Tue, 1 Dec 2026 "
	  "21:33:37 +0000",
	  "220 mx.example.org ESMTP Sendmail 8.15.2/8.15.2; Wed, 2 Dec 2026 "
	  "08:01:02 +0000" },
	{ "250 2.6.0 <aa11@EX01.corp.example> [InternalId=123456, "
	  "Hostname=EX01.corp.example] Queued mail for delivery",
	  "250 2.6.0 <bb22@EX02.corp.example> [InternalId=987654321, "
	  "Hostname=EX02.corp.example] Queued mail for delivery" },
	{ "250 2.0.0 OK  1700000000 a1b2c3d4e5f6.123 - gsmtp",
	  "250 2.0.0 OK  1700000042 f6e5d4c3b2a1.77 - gsmtp" },
	{ "250-mx.example.org Hello localhost [127.0.0.1]:54321",
	  "250-mx.example.org Hello localhost [127.0.0.2]:40312" },
};

/* Pairs that differ in what matters and must stay different. */
static const char *const differ[][2] = {
	/* a changed login_greeting */
	{ "+OK Dovecot (Debian) ready. <1896.1700000000@mx>",
	  "+OK Mail service ready. <1896.1700000001@mx>" },
	/* another host */
	{ "220 mx.example.org ESMTP Postfix (Debian/GNU)",
	  "220 mx2.example.org ESMTP Postfix (Debian/GNU)" },
	{ "250-mx.example.org Hello localhost [127.0.0.1]",
	  "250-mx2.example.org Hello localhost [127.0.0.2]" },
	/* another code or text */
	{ "250 2.0.0 Ok: queued as 4XyZ1n6Bz9z2x",
	  "451 4.3.0 Error: queue file write error" },
	{ "250 2.0.0 Ok: queued as 4XyZ1n6Bz9z2x",
	  "250 2.0.0 Ok: accepted as 4XyZ1n6Bz9z2x" },
	{ "250-SIZE 10240000", "250-SIZE 5242880" },
	{ "220 EX01.corp.example Microsoft ESMTP MAIL Service ready at Tue, "
	  "1 Dec 2026 21:33:37 +0000",
	  "220 EX01.corp.example Microsoft ESMTP MAIL Service not ready at "
	  "Tue, 1 Dec 2026 21:33:37 +0000" },
	{ "220 mx.google.com ESMTP a1b2c3d4e5f6.123 - gsmtp",
	  "220 mx.google.com ESMTPS a1b2c3d4e5f6.123 - gsmtp" },
};

static void
norm_is(const struct chk_rules *rs, const char *in, const char *want)
{
	char	out[MT_CHK_TEXT_HARD];

	CHECK(chk_norm(rs, in, out, sizeof(out)));
	CHECK_STR(out, want);
}

static struct chk_rules *
rules(unsigned flags)
{
	struct mt_err		 err;
	struct chk_rules	*rs;

	rs = chk_rules_new(flags, &err);
	if (rs == NULL) {
		fprintf(stderr, "chk_rules_new: %s\n", err.msg);
		exit(1);
	}
	return rs;
}

/*
 * The default rules before the one called name, and that one too when
 * with (COUNTS rules included).
 */
static struct chk_rules *
rules_upto(const char *name, bool with)
{
	const struct chk_rule_info	*ri;
	struct chk_rules		*rs = rules(CHK_RULES_EMPTY);
	struct mt_err			 err;
	size_t				 i;

	for (i = 0; (ri = chk_default_rule(i)) != NULL; i++) {
		if (strcmp(ri->name, name) == 0 && !with)
			break;
		CHECK(chk_rules_add(rs, ri->name, ri->pattern, ri->placeholder,
		    &err) == 0);
		if (strcmp(ri->name, name) == 0)
			break;
	}
	CHECK(ri != NULL);
	return rs;
}

static void
test_defaults(void)
{
	const struct chk_rule_info	*ri;
	struct chk_rules		*rs = rules(0), *before, *with;
	char				 x[MT_CHK_TEXT_HARD], y[MT_CHK_TEXT_HARD];
	size_t				 i, k, n;
	bool				 seen;

	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		norm_is(rs, examples[i].in, examples[i].want);
		/* the rule named does work here: the rules before it and
		   the rules up to it give different results */
		before = rules_upto(examples[i].rule, false);
		with = rules_upto(examples[i].rule, true);
		CHECK(chk_norm(before, examples[i].in, x, sizeof(x)));
		CHECK(chk_norm(with, examples[i].in, y, sizeof(y)));
		if (strcmp(x, y) == 0)
			fprintf(stderr, "rule %s does nothing to \"%s\"\n",
			    examples[i].rule, examples[i].in);
		CHECK(strcmp(x, y) != 0);
		chk_rules_free(before);
		chk_rules_free(with);
	}
	/* every default rule has an example (the COUNTS ones below) */
	for (k = 0; (ri = chk_default_rule(k)) != NULL; k++) {
		seen = ri->counts;
		for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
			if (strcmp(examples[i].rule, ri->name) == 0)
				seen = true;
		if (!seen)
			fprintf(stderr, "rule %s has no example\n", ri->name);
		CHECK(seen);
	}
	CHECK(k == chk_default_count());
	for (i = 0; i < sizeof(stable) / sizeof(stable[0]); i++)
		norm_is(rs, stable[i], stable[i]);
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		chk_norm(rs, same[i][0], x, sizeof(x));
		chk_norm(rs, same[i][1], y, sizeof(y));
		CHECK_STR(x, y);
	}
	for (i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		chk_norm(rs, differ[i][0], x, sizeof(x));
		chk_norm(rs, differ[i][1], y, sizeof(y));
		if (strcmp(x, y) == 0)
			fprintf(stderr, "both normalise to \"%s\"\n", x);
		CHECK(strcmp(x, y) != 0);
	}
	/* the COUNTS rules are not in a default set */
	n = chk_rules_count(rs);
	for (i = 0; i < n; i++)
		CHECK(strcmp(chk_rules_name(rs, i), "stat_counts") != 0);
	CHECK(chk_rules_name(rs, n) == NULL);
	chk_rules_free(rs);
}

/* Message counts and sizes, when the baseline asks (real Dovecot lines). */
static void
test_counts(void)
{
	struct chk_rules	*rs = rules(CHK_RULES_COUNTS);

	norm_is(rs, "+OK 3 1152", "+OK <count> <size>");		/* STAT */
	norm_is(rs, "+OK 1 353", "+OK <count> <size>");		/* LIST 1 */
	norm_is(rs, "+OK 3 messages:", "+OK <count> messages:");	/* LIST */
	norm_is(rs, "+OK 2 messages (320 octets)",
	    "+OK <count> messages (<size> octets)");		/* RFC 1939 */
	norm_is(rs, "+OK 353 octets", "+OK <size> octets");		/* RETR */
	norm_is(rs, "+OK Dovecot (Debian) ready. <1896.1700000000@mx>",
	    "+OK Dovecot (Debian) ready. <stamp>");
	norm_is(rs, "250-SIZE 10240000", "250-SIZE 10240000");
	chk_rules_free(rs);
}

static void
test_ignore(void)
{
	struct chk_rules	*rs = rules(0);
	struct mt_err		 err;
	char			 out[64];
	size_t			 i;

	/* --ignore REGEX: placeholder <ignored>, after the defaults */
	CHECK(chk_rules_add(rs, NULL, "build [0-9]+", NULL, &err) == 0);
	CHECK_STR(chk_rules_name(rs, chk_rules_count(rs) - 1), "ignore");
	norm_is(rs, "+OK Dovecot build 4711 ready. <1.2@mx>",
	    "+OK Dovecot <ignored> ready. <stamp>");
	/* a group kept, a literal backslash */
	CHECK(chk_rules_add(rs, "ver", "(Postfix )[0-9.]+", "\\1<v>\\\\",
	    &err) == 0);
	norm_is(rs, "220 mx ESMTP Postfix 3.7.11", "220 mx ESMTP Postfix <v>\\");
	/* a rule matching the empty string ends and replaces nothing */
	CHECK(chk_rules_add(rs, "empty", "x*", "<e>", &err) == 0);
	CHECK(chk_rules_add(rs, "anchor", "^", "<a>", &err) == 0);
	CHECK(chk_rules_add(rs, "end", "$", "<z>", &err) == 0);
	norm_is(rs, "abc xx d", "abc <e> d");
	norm_is(rs, "", "");

	/* errors: one line, the rule's name, regerror()'s text */
	mt_err_clear(&err);
	CHECK(chk_rules_add(rs, "bad", "(unclosed", NULL, &err) ==
	    -MT_E_USAGE);
	CHECK(err.code == MT_E_USAGE);
	CHECK(strstr(err.msg, "rule bad: bad regular expression '(unclosed'")
	    != NULL);
	CHECK(strchr(err.msg, '\n') == NULL);
	printf("(expected) %s\n", err.msg);
	CHECK(chk_rules_add(rs, "bad", "a{2,1}", NULL, &err) == -MT_E_USAGE);
	CHECK(chk_rules_add(rs, "bad", "", NULL, &err) == -MT_E_USAGE);
	CHECK(strstr(err.msg, "empty pattern") != NULL);
	CHECK(chk_rules_add(rs, "br", "(a)\\1", NULL, &err) == -MT_E_USAGE);
	CHECK(strstr(err.msg, "back-references") != NULL);
	/* a backslash and a digit inside brackets are literal: allowed */
	CHECK(chk_rules_add(rs, "brk", "[\\1]z", "<b>", &err) == 0);
	norm_is(rs, "1z \\z", "<b> <b>");
	CHECK(chk_rules_add(rs, "grp", "(a)b", "\\2", &err) == -MT_E_USAGE);
	CHECK(strstr(err.msg, "names group \\2, the pattern has 1") != NULL);
	{
		char	long_re[MT_CHK_PATTERN_HARD + 2];

		memset(long_re, 'a', sizeof(long_re) - 1);
		long_re[sizeof(long_re) - 1] = '\0';
		CHECK(chk_rules_add(rs, "long", long_re, NULL, &err) ==
		    -MT_E_USAGE);
	}
	/* the set is bounded */
	for (i = chk_rules_count(rs); i < MT_CHK_RULES_HARD; i++)
		CHECK(chk_rules_add(rs, "fill", "qqq", NULL, &err) == 0);
	CHECK(chk_rules_add(rs, "over", "qqq", NULL, &err) == -MT_E_USAGE);
	CHECK(strstr(err.msg, "more than") != NULL);
	CHECK(chk_rules_count(rs) == MT_CHK_RULES_HARD);
	/* the failed adds left the set usable */
	CHECK(chk_norm(rs, "qqq", out, sizeof(out)));
	CHECK_STR(out, "<ignored>");
	chk_rules_free(rs);
}

/* Output cut at outsz, long input, a replacement that grows the text. */
static void
test_bounds(void)
{
	struct chk_rules	*rs = rules(0), *grow = rules(CHK_RULES_EMPTY);
	struct mt_err		 err;
	static char		 big[3 * MT_CHK_TEXT_HARD];
	char			 out[MT_CHK_TEXT_HARD], small[8];
	size_t			 i;

	CHECK(!chk_norm(rs, "250 2.0.0 Ok: queued as 4XyZ1n6Bz9z2x", small,
	    sizeof(small)));
	CHECK_STR(small, "250 2.0");
	CHECK(!chk_norm(rs, "x", out, 0));
	CHECK(chk_norm(rs, NULL, out, sizeof(out)));
	CHECK_STR(out, "");
	CHECK(chk_norm(NULL, "plain <1.2@mx>", out, sizeof(out)));
	CHECK_STR(out, "plain <1.2@mx>");

	/* over MT_CHK_TEXT_HARD: the head, normalised, and false */
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "+OK 10.0.0.1 ", 13);
	CHECK(!chk_norm(rs, big, out, sizeof(out)));
	CHECK(strncmp(out, "+OK <ip> aaa", 12) == 0);
	CHECK(strlen(out) < sizeof(out));

	/* every byte a match whose placeholder is 63 bytes: cut, no overrun */
	memset(out, 'P', 63);
	out[63] = '\0';
	CHECK(chk_rules_add(grow, "grow", "a", out, &err) == 0);
	memset(big, 'a', 2000);
	big[2000] = '\0';
	CHECK(!chk_norm(grow, big, out, sizeof(out)));
	CHECK(strlen(out) == sizeof(out) - 1);

	/* hostile text through every default rule ends */
	for (i = 0; i < MT_CHK_TEXT_HARD - 1; i++)
		big[i] = "0123456789abcdef:.[]<>@ "[(i * 7 + i / 13) % 24];
	big[MT_CHK_TEXT_HARD - 1] = '\0';
	(void)chk_norm(rs, big, out, sizeof(out));
	CHECK(strlen(out) < sizeof(out));
	chk_rules_free(grow);
	chk_rules_free(rs);
}

/* ---- alignment ---- */

#define NSTEPS_HARD	64

/*
 * Steps from a spec: space separated "EVENT/intf" words, EVENT in hex
 * ("8E/USER_bob": '_' stands for a space in intf).
 */
struct steps {
	struct chk_step	 s[NSTEPS_HARD];
	char		 intf[NSTEPS_HARD][32];
	size_t		 n;
};

static void
steps(struct steps *st, const char *spec)
{
	const char	*p = spec, *slash, *end;
	size_t		 k;

	memset(st, 0, sizeof(*st));
	while (*p != '\0' && st->n < NSTEPS_HARD) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		slash = memchr(p, '/', (size_t)(end - p));
		st->s[st->n].event = 0xAD00u + (unsigned)strtoul(p, NULL, 16);
		for (k = 0; slash != NULL && slash + 1 + k < end && k < 31; k++)
			st->intf[st->n][k] = slash[1 + k] == '_' ? ' ' :
			    slash[1 + k];
		st->s[st->n].intf = st->intf[st->n];
		st->n++;
		p = end;
	}
}

/* "a-b" for each pair, '.' for no step: "0-0 1-. .-1". */
static void
render(const struct chk_align *al, char *buf, size_t sz)
{
	size_t	i, len = 0;
	int	n;

	buf[0] = '\0';
	for (i = 0; i < al->npairs && len < sz; i++) {
		char	x[24], y[24];

		if (al->pairs[i].a >= 0)
			snprintf(x, sizeof(x), "%ld", al->pairs[i].a);
		else
			snprintf(x, sizeof(x), ".");
		if (al->pairs[i].b >= 0)
			snprintf(y, sizeof(y), "%ld", al->pairs[i].b);
		else
			snprintf(y, sizeof(y), ".");
		n = snprintf(buf + len, sz - len, "%s%s-%s", i ? " " : "", x,
		    y);
		if (n > 0)
			len += (size_t)n;
	}
}

static void
align_is(const struct chk_rules *rs, const char *sa, const char *sb,
    const char *want)
{
	static struct steps	 a, b;
	struct chk_align	 al;
	struct mt_err		 err;
	char			 got[1024];

	steps(&a, sa);
	steps(&b, sb);
	CHECK(chk_align(rs, a.s, a.n, b.s, b.n, &al, &err) == 0);
	CHECK(!al.greedy);
	render(&al, got, sizeof(got));
	CHECK_STR(got, want);
	chk_align_free(&al);
	CHECK(al.pairs == NULL && al.npairs == 0);
	chk_align_free(&al);		/* twice: harmless */
}

/*
 * A valid alignment: every index of a and of b once, both in order, and
 * paired steps with equal keys (here: equal event and intf).
 */
static bool
align_valid(const struct chk_align *al, const struct chk_step *a, size_t na,
    const struct chk_step *b, size_t nb)
{
	long	na_next = 0, nb_next = 0;
	size_t	i, matched = 0;

	for (i = 0; i < al->npairs; i++) {
		const struct chk_pair	*p = &al->pairs[i];

		if (p->a < 0 && p->b < 0)
			return false;
		if (p->a >= 0 && p->a != na_next++)
			return false;
		if (p->b >= 0 && p->b != nb_next++)
			return false;
		if (p->a >= 0 && p->b >= 0) {
			if (a[p->a].event != b[p->b].event ||
			    strcmp(a[p->a].intf, b[p->b].intf) != 0)
				return false;
			matched++;
		}
	}
	return (size_t)na_next == na && (size_t)nb_next == nb &&
	    matched == al->matched;
}

/* The LCS length, the plain way (full table). */
static size_t
lcs_len(const struct chk_step *a, size_t na, const struct chk_step *b,
    size_t nb)
{
	static size_t	t[NSTEPS_HARD + 1][NSTEPS_HARD + 1];
	size_t		i, j;

	for (i = 0; i <= na; i++)
		for (j = 0; j <= nb; j++) {
			if (i == 0 || j == 0)
				t[i][j] = 0;
			else if (a[i - 1].event == b[j - 1].event &&
			    strcmp(a[i - 1].intf, b[j - 1].intf) == 0)
				t[i][j] = t[i - 1][j - 1] + 1;
			else
				t[i][j] = t[i - 1][j] > t[i][j - 1] ?
				    t[i - 1][j] : t[i][j - 1];
		}
	return t[na][nb];
}

static void
test_align(void)
{
	struct chk_rules	*rs = rules(0);
	static struct steps	 a, b;
	struct chk_align	 al;
	struct mt_err		 err;
	uint32_t		 seed = 12345;
	size_t			 round, i;

	/* a POP3 session: greeting, CAPA, USER, PASS, STAT, QUIT */
	const char *pop =
	    "92/-- 93/-- 8E/CAPA 8F/CAPA 8E/USER_bob 8F/USER_bob "
	    "90/PASS 91/PASS 90/STAT 91/STAT 90/QUIT 91/QUIT";

	align_is(rs, pop, pop, "0-0 1-1 2-2 3-3 4-4 5-5 6-6 7-7 8-8 9-9 "
	    "10-10 11-11");
	/* STLS added after CAPA: two steps extra, the rest still pairs */
	align_is(rs, pop,
	    "92/-- 93/-- 8E/CAPA 8F/CAPA 8E/STLS 8F/STLS 8E/USER_bob "
	    "8F/USER_bob 90/PASS 91/PASS 90/STAT 91/STAT 90/QUIT 91/QUIT",
	    "0-0 1-1 2-2 3-3 .-4 .-5 4-6 5-7 6-8 7-9 8-10 9-11 10-12 11-13");
	/* STAT missing */
	align_is(rs, pop,
	    "92/-- 93/-- 8E/CAPA 8F/CAPA 8E/USER_bob 8F/USER_bob "
	    "90/PASS 91/PASS 90/QUIT 91/QUIT",
	    "0-0 1-1 2-2 3-3 4-4 5-5 6-6 7-7 8-. 9-. 10-8 11-9");
	/* both: CAPA missing, NOOP added before QUIT */
	align_is(rs, pop,
	    "92/-- 93/-- 8E/USER_bob 8F/USER_bob 90/PASS 91/PASS 90/STAT "
	    "91/STAT 90/NOOP 91/NOOP 90/QUIT 91/QUIT",
	    "0-0 1-1 2-. 3-. 4-2 5-3 6-4 7-5 8-6 9-7 .-8 .-9 10-10 11-11");
	/* a step that changed in place: the baseline's first */
	align_is(rs, "8E/USER_bob 8F/USER_bob 90/QUIT",
	    "8E/USER_alice 8F/USER_alice 90/QUIT",
	    "0-. 1-. .-0 .-1 2-2");
	/* "before" and "after" of one command are separate steps */
	align_is(rs, "8E/RETR_1 8F/RETR_1", "8E/RETR_1", "0-0 1-.");
	/* the key is normalised: an echoed address does not break a pair */
	align_is(rs, "08/RCPT 0A/EHLO_[10.0.0.1]", "08/RCPT 0A/EHLO_[10.0.0.2]",
	    "0-0 1-1");
	align_is(NULL, "0A/EHLO_[10.0.0.1]", "0A/EHLO_[10.0.0.2]",
	    "0-. .-0");
	/* empty sessions */
	align_is(rs, "", "", "");
	align_is(rs, "8E/CAPA 8F/CAPA", "", "0-. 1-.");
	align_is(rs, "", "8E/CAPA 8F/CAPA", ".-0 .-1");

	/* random sessions over 3 steps: valid, and of the LCS's length */
	for (round = 0; round < 300; round++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		seed = seed * 1103515245u + 12345u;
		a.n = (seed >> 16) % 40;
		seed = seed * 1103515245u + 12345u;
		b.n = (seed >> 16) % 40;
		for (i = 0; i < a.n + b.n; i++) {
			struct chk_step	*s = i < a.n ? &a.s[i] : &b.s[i - a.n];

			seed = seed * 1103515245u + 12345u;
			s->event = 0xAD8Eu + (seed >> 16) % 3;
			s->intf = "--";
		}
		CHECK(chk_align(rs, a.s, a.n, b.s, b.n, &al, &err) == 0);
		CHECK(align_valid(&al, a.s, a.n, b.s, b.n));
		CHECK(al.matched == lcs_len(a.s, a.n, b.s, b.n));
		chk_align_free(&al);
	}
	chk_rules_free(rs);
}

/*
 * Past MT_CHK_CELLS_HARD the middle is aligned greedily: still valid, and
 * an added and a removed step are found.  Common ends pair in linear time
 * whatever the length.
 */
static void
test_align_large(void)
{
	const size_t	 n = 5000;
	struct chk_step	*a, *b;
	struct chk_align al;
	struct mt_err	 err;
	char		(*txt)[16];
	size_t		 i, j;

	a = calloc(n + 1, sizeof(*a));
	b = calloc(n + 1, sizeof(*b));
	txt = calloc(n + 1, sizeof(*txt));
	if (a == NULL || b == NULL || txt == NULL)
		exit(1);
	for (i = 0; i <= n; i++)
		snprintf(txt[i], sizeof(txt[i]), "RETR %zu", i);
	/*
	 * b: a without step 10, with a NOOP before step n - 10: a middle of
	 * about 4980 x 4980 steps, over MT_CHK_CELLS_HARD.
	 */
	for (i = 0; i < n; i++) {
		a[i].event = 0xAD8E;
		a[i].intf = txt[i];
	}
	for (i = 0, j = 0; i < n; i++) {
		if (i == 10)
			continue;
		if (i == n - 10) {
			b[j].event = 0xAD8E;
			b[j++].intf = "NOOP";
		}
		b[j].event = 0xAD8E;
		b[j++].intf = txt[i];
	}
	CHECK(j == n);
	CHECK(chk_align(NULL, a, n, b, n, &al, &err) == 0);
	CHECK(al.greedy);
	CHECK(align_valid(&al, a, n, b, n));
	CHECK(al.matched == n - 1);
	CHECK(al.npairs == n + 1);
	CHECK(al.pairs[10].a == 10 && al.pairs[10].b == -1);
	CHECK(al.pairs[n - 10].a == -1 && al.pairs[n - 10].b == (long)(n - 11));
	chk_align_free(&al);

	/* identical: the common ends take it all, exactly */
	CHECK(chk_align(NULL, a, n, a, n, &al, &err) == 0);
	CHECK(!al.greedy);
	CHECK(al.matched == n && al.npairs == n);
	chk_align_free(&al);

	/* a session over the limit is refused, with a message */
	CHECK(chk_align(NULL, a, (size_t)MT_CHK_STEPS_HARD + 1, a, 1, &al,
	    &err) == -MT_E_INTERNAL);
	CHECK(strstr(err.msg, "over the comparison's limit") != NULL);
	CHECK(al.pairs == NULL);
	free(a);
	free(b);
	free(txt);
}

/* docs/check.md names every default rule as `name`. */
static void
test_doc(const char *path)
{
	const struct chk_rule_info	*ri;
	static char			 doc[256 * 1024];
	char				 want[MT_CHK_NAME_HARD + 8];
	FILE				*f;
	size_t				 n, i;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: cannot open\n", path);
		CHECK(f != NULL);
		return;
	}
	n = fread(doc, 1, sizeof(doc) - 1, f);
	doc[n] = '\0';
	fclose(f);
	for (i = 0; (ri = chk_default_rule(i)) != NULL; i++) {
		snprintf(want, sizeof(want), "| `%s` |", ri->name);
		if (strstr(doc, want) == NULL)
			fprintf(stderr, "%s does not list rule %s\n", path,
			    ri->name);
		CHECK(strstr(doc, want) != NULL);
	}
}

int
main(int argc, char **argv)
{
	test_defaults();
	test_counts();
	test_ignore();
	test_bounds();
	test_align();
	test_align_large();
	if (argc > 1)
		test_doc(argv[1]);
	return check_done();
}
