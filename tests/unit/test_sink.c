/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_sink.c - exact output of the text, prf and jsonl sinks.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink/sink.h"
#include "trace.h"

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #c);					\
		exit(1);						\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	if (strcmp((got), (want)) != 0) {				\
		fprintf(stderr, "%s:%d: output differs\n--- want\n%s"	\
		    "--- got\n%s---\n", __FILE__, __LINE__, (want),	\
		    (got));						\
		exit(1);						\
	}								\
} while (0)

#define T0	((mt_time)1795428000 * 1000000)	/* 2026-11-23T10:00:00Z */
#define NRECS	6

static void	set(char *, size_t, const char *);
static void	make_recs(struct trace_rec *);
static char	*render(enum sink_format, const struct run_info *,
		    const struct trace_rec *, size_t);
static void	test_formats(void);
static void	test_empty(void);
static void	test_write_error(void);
static void	test_async(void);
static void	test_tls(void);
static void	tls_facts(struct rec_tls *);
static void	*time_iso_thread(void *);
static void	test_time_iso(void);

static const struct run_info test_ri = {
	.run = 7,
	.proto = "pop3",
	.target = "pop3://bob@127.0.0.1:110",
	.level = "standard",
	.started = T0,
	.pid = 4242,
};

static void
set(char *dst, size_t sz, const char *s)
{
	CHECK(strlen(s) < sz);
	memcpy(dst, s, strlen(s) + 1);
}

#define SET(field, s)	set((field), sizeof(field), (s))

static void
make_recs(struct trace_rec *r)
{
	int	i;

	memset(r, 0, NRECS * sizeof(*r));
	for (i = 0; i < NRECS; i++) {
		r[i].run = 7;
		r[i].level = 'A';
		r[i].session = 1;
		r[i].seq = (uint32_t)(9 + i);
		r[i].source = REC_PROBE;
		SET(r[i].client, "127.0.0.1:40312");
		SET(r[i].server, "127.0.0.1:110");
	}
	/* a normal record */
	r[0].event = EV_POP3_CMD_BEFORE;
	r[0].time = T0 + 123456;
	SET(r[0].intf, "RETR 3");
	SET(r[0].opr, "+OK");
	/* a failed one: rc and the exception class */
	r[1].event = EV_POP3_FETCH_AFTER;
	r[1].time = T0 + 1000007;
	r[1].rc = MT_E_CONNREFUSED;
	SET(r[1].intf, "--");
	SET(r[1].opt, mt_exc_class(MT_E_CONNREFUSED));
	/* its explanation (issue 13): text and JSONL, not PRF */
	SET(r[1].explanation, "the connection was refused; check the port");
	/* elapsed and bytes */
	r[2].event = EV_POP3_CMD_AFTER;
	r[2].time = T0 + 2500000;
	SET(r[2].intf, "RETR 3");
	SET(r[2].opr, "+OK");
	r[2].has_elapsed = true;
	r[2].elapsed_us = 1500;
	r[2].has_bytes = true;
	r[2].bytes = 2048;
	r[2].body_end = T0 + 2600001;
	SET(r[2].reply, "2048 octets \"x\" \\x01");
	/* an anomaly */
	r[3].event = EV_NONE;
	r[3].time = T0 + 3000000;
	r[3].anomaly = AN_BARE_LF;
	SET(r[3].intf, "--");
	SET(r[3].detail, "line 3");
	/* CSV quoting; a new session seen by the decoder */
	r[4].event = EV_SMTP_CMD_BEFORE;
	r[4].time = T0 + 4000000;
	r[4].session = 2;
	r[4].seq = 1;
	r[4].source = REC_PCAP;
	SET(r[4].client, "[::1]:5000");
	SET(r[4].server, "[::1]:25");
	SET(r[4].intf, "RCPT TO:<\"a,b\"@x>");
	SET(r[4].opr, "250");
	SET(r[4].opt, "a,\"b\"");
	/* JSON escaping: control, high byte, quote, backslash, DEL */
	r[5] = r[4];
	r[5].event = EV_SMTP_CMD_AFTER;
	r[5].time = T0 + 5000000;
	r[5].seq = 2;
	SET(r[5].intf, "X\x01\xe9\"\\");
	SET(r[5].opr, "");
	SET(r[5].opt, "\x7f");
}

/* Render records through a fresh sink and close it; caller frees. */
static char *
render(enum sink_format f, const struct run_info *ri,
    const struct trace_rec *r, size_t n)
{
	struct mt_err	 err;
	struct sink	*s;
	FILE		*fp;
	char		*buf = NULL;
	size_t		 len = 0, i;

	CHECK((fp = open_memstream(&buf, &len)) != NULL);
	mt_err_clear(&err);
	CHECK((s = sink_new(f, fp, ri, &err)) != NULL);
	for (i = 0; i < n; i++)
		CHECK(s->rec(s, &r[i], &err) == 0);
	CHECK(s->flush(s, &err) == 0);
	s->close(s);
	CHECK(fclose(fp) == 0);
	return buf;
}

static void
test_formats(void)
{
	struct trace_rec	 r[NRECS];
	char			*out;

	make_recs(r);

	out = render(SINK_TEXT, &test_ri, r, NRECS);
	CHECK_STR(out,
	    "# mailtrace text 1 run=7 proto=pop3 "
	    "target=pop3://bob@127.0.0.1:110 level=standard\n"
	    "2026-11-23T10:00:00.123456Z  S1#9  0xAD8E  A  rc=0  RETR 3  "
	    "opr=+OK\n"
	    "2026-11-23T10:00:01.000007Z  S1#10  0xAD83  A  rc=1  --  "
	    "opt=java.net.ConnectException  explanation=\"the connection was "
	    "refused; check the port\"\n"
	    "2026-11-23T10:00:02.500000Z  S1#11  0xAD8F  A  rc=0  RETR 3  "
	    "opr=+OK  +1500us  bytes=2048  reply=\"2048 octets \"x\" \\x01\"\n"
	    "2026-11-23T10:00:03.000000Z  S1#12  anomaly  bare_lf  line 3\n"
	    "2026-11-23T10:00:04.000000Z  S2#1  0xAD10  A  rc=0  "
	    "RCPT TO:<\"a,b\"@x>  opr=250  opt=a,\"b\"\n"
	    "2026-11-23T10:00:05.000000Z  S2#2  0xAD11  A  rc=0  "
	    "X\x01\xe9\"\\  opt=\x7f\n");
	free(out);

	out = render(SINK_PRF, &test_ri, r, NRECS);
	CHECK_STR(out,
	    "PRF,Process,Thread,Trace,ProcessName,Event,Date,Time,"
	    "Time(msec/usec/nsec),Rc,ClientAP IP,ClientAP PID,"
	    "ClientAP CommNo.,RootAP IP,RootAP PID,RootAP CommNo.,INT,OPR,OPT,"
	    "ASCII\r\n"
	    "Rec,4242,1,9,mailtrace,0xAD8E,2026/11/23,10:00:00,123/456/000,0,"
	    "127.0.0.1,4242,1,127.0.0.1,4242,1,RETR 3,+OK,,\r\n"
	    "ErrRec,4242,1,10,mailtrace,0xAD83,2026/11/23,10:00:01,"
	    "000/007/000,1,127.0.0.1,4242,1,127.0.0.1,4242,1,--,,"
	    "6A6176612E6E65742E436F6E6E656374457863657074696F6E,"
	    "java.net.ConnectException\r\n"
	    "Rec,4242,1,11,mailtrace,0xAD8F,2026/11/23,10:00:02,500/000/000,0,"
	    "127.0.0.1,4242,1,127.0.0.1,4242,1,RETR 3,+OK,,\r\n"
	    "Rec,4242,2,1,mailtrace,0xAD10,2026/11/23,10:00:04,000/000/000,0,"
	    "::1,4242,2,::1,4242,2,\"RCPT TO:<\"\"a,b\"\"@x>\",250,612C226222,"
	    "\"a,\"\"b\"\"\"\r\n"
	    "Rec,4242,2,2,mailtrace,0xAD11,2026/11/23,10:00:05,000/000/000,0,"
	    "::1,4242,2,::1,4242,2,\"X\x01\xe9\"\"\\\",,7F,?\r\n");
	free(out);

	/* no header line: every line is a record */
	out = render(SINK_JSONL, &test_ri, r, NRECS);
	CHECK_STR(out,
	    "{\"run\":7,\"event\":\"0xAD8E\",\"level\":\"A\",\"rc\":0,"
	    "\"int\":\"RETR 3\",\"opr\":\"+OK\",\"opt\":\"\","
	    "\"time\":\"2026-11-23T10:00:00.123456Z\",\"session\":1,\"seq\":9,"
	    "\"client\":\"127.0.0.1:40312\",\"server\":\"127.0.0.1:110\","
	    "\"source\":\"probe\"}\n"
	    "{\"run\":7,\"event\":\"0xAD83\",\"level\":\"A\",\"rc\":1,"
	    "\"int\":\"--\",\"opr\":\"\",\"opt\":\"java.net.ConnectException\","
	    "\"time\":\"2026-11-23T10:00:01.000007Z\",\"session\":1,"
	    "\"seq\":10,\"client\":\"127.0.0.1:40312\","
	    "\"server\":\"127.0.0.1:110\",\"source\":\"probe\","
	    "\"explanation\":\"the connection was refused; check the port\"}\n"
	    "{\"run\":7,\"event\":\"0xAD8F\",\"level\":\"A\",\"rc\":0,"
	    "\"int\":\"RETR 3\",\"opr\":\"+OK\",\"opt\":\"\","
	    "\"time\":\"2026-11-23T10:00:02.500000Z\",\"session\":1,"
	    "\"seq\":11,\"client\":\"127.0.0.1:40312\","
	    "\"server\":\"127.0.0.1:110\",\"source\":\"probe\","
	    "\"elapsed_us\":1500,\"bytes\":2048,"
	    "\"body_end\":\"2026-11-23T10:00:02.600001Z\","
	    "\"reply\":\"2048 octets \\\"x\\\" \\\\x01\"}\n"
	    "{\"run\":7,\"event\":\"anomaly\",\"level\":\"A\",\"rc\":0,"
	    "\"int\":\"--\",\"opr\":\"\",\"opt\":\"\","
	    "\"time\":\"2026-11-23T10:00:03.000000Z\",\"session\":1,"
	    "\"seq\":12,\"client\":\"127.0.0.1:40312\","
	    "\"server\":\"127.0.0.1:110\",\"source\":\"probe\","
	    "\"anomaly\":\"bare_lf\",\"detail\":\"line 3\"}\n"
	    "{\"run\":7,\"event\":\"0xAD10\",\"level\":\"A\",\"rc\":0,"
	    "\"int\":\"RCPT TO:<\\\"a,b\\\"@x>\",\"opr\":\"250\","
	    "\"opt\":\"a,\\\"b\\\"\",\"time\":\"2026-11-23T10:00:04.000000Z\","
	    "\"session\":2,\"seq\":1,\"client\":\"[::1]:5000\","
	    "\"server\":\"[::1]:25\",\"source\":\"pcap\"}\n"
	    "{\"run\":7,\"event\":\"0xAD11\",\"level\":\"A\",\"rc\":0,"
	    "\"int\":\"X\\u0001\\u00E9\\\"\\\\\",\"opr\":\"\","
	    "\"opt\":\"\\u007F\",\"time\":\"2026-11-23T10:00:05.000000Z\","
	    "\"session\":2,\"seq\":2,\"client\":\"[::1]:5000\","
	    "\"server\":\"[::1]:25\",\"source\":\"pcap\"}\n");
	free(out);
}

/* Facts of a handshake: a certificate, the connect of the same step. */
static void
tls_facts(struct rec_tls *t)
{
	memset(t, 0, sizeof(*t));
	SET(t->version, "TLSv1.3");
	SET(t->cipher, "TLS_AES_256_GCM_SHA384");
	SET(t->group, "x25519");
	t->connect_us = 210;
	t->handshake_us = 1234;
	t->has_cert = true;
	SET(t->subject, "CN=localhost,O=a\\,b \"c\"");
	SET(t->issuer, "CN=mailtrace test CA");
	SET(t->sans, "DNS:localhost, IP:127.0.0.1, IP:::1");
	SET(t->serial, "3A89");
	t->not_before = 1795000000;	/* 2026-11-18T11:06:40Z */
	t->not_after = 2110000000;	/* 2036-11-11T07:06:40Z */
	t->days_left = 3641;
	t->chain_len = 1;
	t->verified = true;
	SET(t->verify, "ok");
}

/*
 * The facts after the other fields: text (docs/formats.md), JSONL keys
 * in their order; connect only when set, certificate fields only with a
 * certificate; prf unchanged.
 */
static void
test_tls(void)
{
	struct trace_rec	 r[NRECS];
	char			*out;

	make_recs(r);
	r[0].event = EV_POP3_FETCH_AFTER;
	SET(r[0].intf, "--");
	SET(r[0].opr, "");
	r[0].has_elapsed = true;
	r[0].elapsed_us = 1500;
	r[0].has_tls = true;
	tls_facts(&r[0].tls);
	r[1] = r[0];
	r[1].event = EV_POP3_CMD_AFTER;
	r[1].seq = 10;
	SET(r[1].intf, "STLS");
	SET(r[1].opr, "+OK");
	r[1].tls.connect_us = -1;
	r[1].tls.has_cert = false;
	SET(r[1].tls.group, "");
	r[1].tls.verified = false;
	SET(r[1].tls.verify, "self-signed certificate, hostname mismatch");
	out = render(SINK_TEXT, &test_ri, r, 2);
	CHECK_STR(out,
	    "# mailtrace text 1 run=7 proto=pop3 "
	    "target=pop3://bob@127.0.0.1:110 level=standard\n"
	    "2026-11-23T10:00:00.123456Z  S1#9  0xAD83  A  rc=0  --  "
	    "+1500us  tls=\"TLSv1.3 TLS_AES_256_GCM_SHA384 x25519\"  "
	    "connect=+210us  handshake=+1234us  "
	    "cert_subject=\"CN=localhost,O=a\\,b \"c\"\"  "
	    "cert_issuer=\"CN=mailtrace test CA\"  "
	    "cert_sans=\"DNS:localhost, IP:127.0.0.1, IP:::1\"  "
	    "cert_serial=3A89  cert_not_before=2026-11-18T11:06:40Z  "
	    "cert_not_after=2036-11-11T07:06:40Z  cert_days=3641  chain=1  "
	    "verify=\"ok\"\n"
	    "2026-11-23T10:00:00.123456Z  S1#10  0xAD8F  A  rc=0  STLS  "
	    "opr=+OK  +1500us  tls=\"TLSv1.3 TLS_AES_256_GCM_SHA384\"  "
	    "handshake=+1234us  "
	    "verify=\"self-signed certificate, hostname mismatch\"\n");
	free(out);
	out = render(SINK_JSONL, &test_ri, r, 2);
	CHECK_STR(out,
	    "{\"run\":7,\"event\":\"0xAD83\",\"level\":\"A\",\"rc\":0,"
	    "\"int\":\"--\",\"opr\":\"\",\"opt\":\"\","
	    "\"time\":\"2026-11-23T10:00:00.123456Z\",\"session\":1,\"seq\":9,"
	    "\"client\":\"127.0.0.1:40312\",\"server\":\"127.0.0.1:110\","
	    "\"source\":\"probe\",\"elapsed_us\":1500,"
	    "\"tls_version\":\"TLSv1.3\","
	    "\"tls_cipher\":\"TLS_AES_256_GCM_SHA384\",\"tls_group\":\"x25519\","
	    "\"tcp_connect_us\":210,\"tls_handshake_us\":1234,"
	    "\"cert_subject\":\"CN=localhost,O=a\\\\,b \\\"c\\\"\","
	    "\"cert_issuer\":\"CN=mailtrace test CA\","
	    "\"cert_sans\":\"DNS:localhost, IP:127.0.0.1, IP:::1\","
	    "\"cert_serial\":\"3A89\","
	    "\"cert_not_before\":\"2026-11-18T11:06:40Z\","
	    "\"cert_not_after\":\"2036-11-11T07:06:40Z\","
	    "\"cert_days_left\":3641,\"cert_chain_len\":1,"
	    "\"tls_verified\":true,\"tls_verify\":\"ok\"}\n"
	    "{\"run\":7,\"event\":\"0xAD8F\",\"level\":\"A\",\"rc\":0,"
	    "\"int\":\"STLS\",\"opr\":\"+OK\",\"opt\":\"\","
	    "\"time\":\"2026-11-23T10:00:00.123456Z\",\"session\":1,"
	    "\"seq\":10,\"client\":\"127.0.0.1:40312\","
	    "\"server\":\"127.0.0.1:110\",\"source\":\"probe\","
	    "\"elapsed_us\":1500,\"tls_version\":\"TLSv1.3\","
	    "\"tls_cipher\":\"TLS_AES_256_GCM_SHA384\",\"tls_group\":\"\","
	    "\"tls_handshake_us\":1234,\"tls_verified\":false,"
	    "\"tls_verify\":\"self-signed certificate, hostname mismatch\"}\n");
	free(out);
	/* prf: the catalog's fields only */
	out = render(SINK_PRF, &test_ri, r, 2);
	CHECK(out != NULL && strstr(out, "TLSv1") == NULL &&
	    strstr(out, "x25519") == NULL);
	free(out);
}

/*
 * A run without records: text and prf still get their header, jsonl
 * writes nothing; a NULL run_info works.
 */
static void
test_empty(void)
{
	char	*out;

	out = render(SINK_TEXT, &test_ri, NULL, 0);
	CHECK_STR(out, "# mailtrace text 1 run=7 proto=pop3 "
	    "target=pop3://bob@127.0.0.1:110 level=standard\n");
	free(out);
	out = render(SINK_TEXT, NULL, NULL, 0);
	CHECK_STR(out, "# mailtrace text 1 run=0 proto= target= level=\n");
	free(out);
	out = render(SINK_PRF, &test_ri, NULL, 0);
	CHECK(strncmp(out, "PRF,Process,", 12) == 0);
	CHECK(strstr(out, "\r\n") == out + strlen(out) - 2);
	free(out);
	/* jsonl: nothing at all (no line that is not a record) */
	out = render(SINK_JSONL, &test_ri, NULL, 0);
	CHECK_STR(out, "");
	free(out);
}

/* Output failures come back as MT_E_INTERNAL with a message. */
static void
test_write_error(void)
{
	struct trace_rec	 r[NRECS];
	struct mt_err		 err;
	struct sink		*s;
	FILE			*fp;
	int			 f, rc;
	size_t			 i;

	if ((fp = fopen("/dev/full", "w")) == NULL) {
		fprintf(stderr, "no /dev/full: write-error test skipped\n");
		return;
	}
	fclose(fp);
	make_recs(r);
	for (f = SINK_TEXT; f <= SINK_JSONL; f++) {
		CHECK((fp = fopen("/dev/full", "w")) != NULL);
		mt_err_clear(&err);
		CHECK((s = sink_new((enum sink_format)f, fp, &test_ri,
		    &err)) != NULL);
		rc = 0;
		for (i = 0; i < NRECS && rc == 0; i++)
			rc = s->rec(s, &r[i], &err);
		if (rc == 0)
			rc = s->flush(s, &err);
		CHECK(rc != 0);
		CHECK(err.code == MT_E_INTERNAL);
		CHECK(strstr(err.msg, "output") != NULL);
		s->close(s);
		fclose(fp);
	}
}

/* An inner sink for the async tests: counts, fails on demand. */
struct probe_sink {
	struct sink	base;
	unsigned	recs;
	unsigned	flushes;
	unsigned	fail_at;	/* rec() number that fails; 0: never */
	bool		closed;
};

static int
probe_rec(struct sink *sk, const struct trace_rec *r, struct mt_err *err)
{
	struct probe_sink	*p = (struct probe_sink *)sk;

	(void)r;
	if (++p->recs == p->fail_at) {
		mt_err_set(err, MT_E_STORE, "record %u refused", p->recs);
		return -1;
	}
	return 0;
}

static int
probe_flush(struct sink *sk, struct mt_err *err)
{
	(void)err;
	((struct probe_sink *)sk)->flushes++;
	return 0;
}

static void
probe_close(struct sink *sk)
{
	((struct probe_sink *)sk)->closed = true;
}

/*
 * The writer-thread sink: every format's output through it is byte for
 * byte the direct output, across many wraps of its ring (records with
 * long fields, far more than the ring holds); flush() waits for the inner
 * flushes; an inner failure comes back from rec() and flush(); close()
 * closes the inner sinks.
 */
static void
test_async(void)
{
	enum { N = 3000 };
	static struct trace_rec	 r[N];
	struct probe_sink	 ps;
	struct mt_err		 err;
	struct sink		*a, *inner[2];
	enum sink_format	 f;
	FILE			*fp;
	char			*want, *got = NULL;
	size_t			 len = 0, i;
	int			 rc;

	for (i = 0; i < N; i++) {
		trace_rec_clear(&r[i]);
		r[i].event = i % 2 ? EV_SMTP_CMD_AFTER : EV_SMTP_CMD_BEFORE;
		r[i].level = 'A';
		r[i].session = 1 + i / 100;
		r[i].seq = (uint32_t)(1 + i % 100);
		r[i].time = T0 + (mt_time)i * 1000;
		r[i].source = REC_PCAP;
		SET(r[i].client, "10.0.0.1:1234");
		SET(r[i].server, "10.0.0.2:25");
		memset(r[i].intf, 'a' + (int)(i % 26), 300 + i % 211);
		r[i].intf[300 + i % 211] = '\0';
		SET(r[i].opr, "250");
		if (i % 7 == 0)
			SET(r[i].opt, "javax.mail.MessagingException");
		if (i % 11 == 0) {
			r[i].has_bytes = true;
			r[i].bytes = i * 1000;
			r[i].body_end = r[i].time + 5;
		}
		if (i % 13 == 0) {
			r[i].has_elapsed = true;
			r[i].elapsed_us = -(int64_t)i;
		}
		if (i % 17 == 0)
			SET(r[i].detail, "x\x01\"y");
		if (i % 19 == 0) {
			r[i].has_tls = true;
			tls_facts(&r[i].tls);
			r[i].tls.has_cert = i % 38 == 0;
			r[i].tls.handshake_us = (int64_t)i;
		}
	}
	for (f = SINK_TEXT; f <= SINK_JSONL; f++) {
		want = render(f, &test_ri, r, N);
		CHECK((fp = open_memstream(&got, &len)) != NULL);
		mt_err_clear(&err);
		CHECK((inner[0] = sink_new(f, fp, &test_ri, &err)) != NULL);
		CHECK((a = sink_async_new(inner, 1, &err)) != NULL);
		for (i = 0; i < N; i++)
			CHECK(a->rec(a, &r[i], &err) == 0);
		CHECK(a->flush(a, &err) == 0);
		a->close(a);
		CHECK(fclose(fp) == 0);
		CHECK(got != NULL && strcmp(got, want) == 0);
		free(want);
		free(got);
		got = NULL;
	}

	/* two inner sinks; the second fails at its 1000th record */
	memset(&ps, 0, sizeof(ps));
	ps.base.rec = probe_rec;
	ps.base.flush = probe_flush;
	ps.base.close = probe_close;
	ps.fail_at = 1000;
	CHECK((fp = open_memstream(&got, &len)) != NULL);
	CHECK((inner[0] = sink_new(SINK_JSONL, fp, &test_ri, &err)) != NULL);
	inner[1] = &ps.base;
	CHECK((a = sink_async_new(inner, 2, &err)) != NULL);
	for (i = 0; i < 500; i++)
		CHECK(a->rec(a, &r[i], &err) == 0);
	CHECK(a->flush(a, &err) == 0);
	CHECK(ps.flushes == 1 && ps.recs == 500);	/* flush waited */
	rc = 0;
	for (i = 500; i < N; i++)
		if (a->rec(a, &r[i], &err) != 0 && rc == 0)
			rc = -1;
	if (rc == 0)
		rc = a->flush(a, &err);
	CHECK(rc != 0 && err.code == MT_E_STORE &&
	    strstr(err.msg, "record 1000 refused") != NULL);
	mt_err_clear(&err);
	CHECK(a->flush(a, &err) != 0 && err.code == MT_E_STORE);
	a->close(a);
	CHECK(ps.closed && ps.recs == N);	/* the others still went */
	CHECK(fclose(fp) == 0);
	CHECK(got != NULL && strstr(got, "\"seq\":100,") != NULL);
	free(got);
}

/*
 * mt_time_iso caches the date part per thread: the first time a thread
 * formats may be any second, the one the empty cache used to stand for
 * ((time_t)-1, a pcap ts_sec of 0xFFFFFFFF) included.
 */
static void *
time_iso_thread(void *arg)
{
	static const struct {
		mt_time		 t;
		const char	*want;
	} tv[] = {
		{ -1000000 + 999999,	"1969-12-31T23:59:59.999999Z" },
		{ -1000000,		"1969-12-31T23:59:59.000000Z" },
		{ -1,			"1969-12-31T23:59:59.999999Z" },
		{ 0,			"1970-01-01T00:00:00.000000Z" },
		{ T0 + 123,		"2026-11-23T10:00:00.000123Z" },
		{ -1000000 + 5,		"1969-12-31T23:59:59.000005Z" },
		{ (mt_time)0xFFFFFFFF * 1000000, "2106-02-07T06:28:15.000000Z" },
	};
	char	buf[64];
	size_t	i;

	(void)arg;
	for (i = 0; i < sizeof(tv) / sizeof(tv[0]); i++) {
		mt_time_iso(tv[i].t, buf, sizeof(buf));
		if (strcmp(buf, tv[i].want) != 0) {
			fprintf(stderr, "%s:%d: time %lld: got %s, want %s\n",
			    __FILE__, __LINE__, (long long)tv[i].t, buf,
			    tv[i].want);
			exit(1);
		}
	}
	return NULL;
}

static void
test_time_iso(void)
{
	pthread_t	th;

	/* A fresh thread: its cache is empty. */
	CHECK(pthread_create(&th, NULL, time_iso_thread, NULL) == 0);
	CHECK(pthread_join(th, NULL) == 0);
}

int
main(void)
{
	enum sink_format	 f;
	struct mt_err		 err;

	CHECK(sink_format_parse("text", &f) == 0 && f == SINK_TEXT);
	CHECK(sink_format_parse("prf", &f) == 0 && f == SINK_PRF);
	CHECK(sink_format_parse("jsonl", &f) == 0 && f == SINK_JSONL);
	CHECK(sink_format_parse("csv", &f) != 0 && f == SINK_JSONL);
	CHECK(strcmp(sink_format_name(SINK_PRF), "prf") == 0);
	CHECK(sink_new((enum sink_format)99, stdout, NULL, &err) == NULL);
	CHECK(err.code == MT_E_USAGE);

	test_time_iso();
	test_formats();
	test_empty();
	test_write_error();
	test_async();
	test_tls();
	printf("ok\n");
	return 0;
}
