/*
 * SPDX-License-Identifier: BSD-2-Clause
 * test_lr.c - the line framer and body rule, fed whole, one byte at a time
 * and at random cuts.
 */
#include "lr.h"
#include "body.h"
#include "pop3_parse.h"

#include "check.h"

struct collect {
	char		out[8192];
	size_t		len;
};

/* Render each line as "len:flags:wire:text|". */
static void
put_line(struct collect *c, const struct lr_line *l)
{
	int	n;

	n = snprintf(c->out + c->len, sizeof(c->out) - c->len, "%zu:%x:%llu:%.*s|",
	    l->len, l->flags, (unsigned long long)l->wire,
	    (int)(l->len > 40 ? 40 : l->len), l->text);
	if (n > 0)
		c->len += (size_t)n;
}

/* Feed data in pieces given by cuts (sizes, cycling), then finish. */
static void
feed(const char *data, size_t n, const size_t *cuts, size_t ncuts,
    struct collect *c)
{
	static struct lr	lr;
	struct lr_line		l;
	bool			got;
	size_t			off = 0, k = 0;

	lr_init(&lr, NULL);
	memset(c, 0, sizeof(*c));
	while (off < n) {
		size_t	chunk = ncuts ? cuts[k++ % ncuts] : n;
		size_t	left;

		if (chunk > n - off)
			chunk = n - off;
		left = chunk;
		while (left > 0) {
			size_t used = lr_feed(&lr, (const uint8_t *)data + off,
			    left, 0, &l, &got);

			off += used;
			left -= used;
			if (got)
				put_line(c, &l);
		}
	}
	if (lr_finish(&lr, 0, &l))
		put_line(c, &l);
	lr_free(&lr);
}

static void
same_all_ways(const char *data, size_t n, const char *want)
{
	struct collect	c;
	size_t		one = 1, cuts[7];
	unsigned	seed = 12345, i, round;

	feed(data, n, NULL, 0, &c);
	CHECK_STR(c.out, want);
	feed(data, n, &one, 1, &c);
	CHECK_STR(c.out, want);
	for (round = 0; round < 20; round++) {
		for (i = 0; i < 7; i++) {
			seed = seed * 1103515245u + 12345u;
			cuts[i] = 1 + (seed >> 16) % 9;
		}
		feed(data, n, cuts, 7, &c);
		CHECK_STR(c.out, want);
	}
}

static void
test_framer(void)
{
	static const char	d1[] = "+OK hi\r\nbare\nnul\0x\r\nctl\x01\r\nend";
	static char		big[MT_LINE_HARD + 100];
	struct collect		c;

	same_all_ways(d1, sizeof(d1) - 1,
	    "6:0:8:+OK hi|4:1:5:bare|5:2:7:nul|4:4:6:ctl\x01|3:10:3:end|");
	same_all_ways("\r\n\n", 3, "0:0:2:|0:1:1:|");
	/* A CR before anything but LF is a control byte, also before a CR. */
	same_all_ways("LAST\r\r\nA\rB\r\n", 12, "5:4:7:LAST\r|3:4:5:A\rB|");

	/* An over-long line: head at once, then the counted tail. */
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 2] = '\r';
	big[sizeof(big) - 1] = '\n';
	feed(big, sizeof(big), NULL, 0, &c);
	CHECK(strstr(c.out, "65536:8:65536:") == c.out);
	CHECK(strstr(c.out, "|0:20:100:|") != NULL);

	/* Exactly the limit plus CRLF is not truncated. */
	memset(big, 'b', sizeof(big));
	big[MT_LINE_HARD] = '\r';
	big[MT_LINE_HARD + 1] = '\n';
	feed(big, MT_LINE_HARD + 2, NULL, 0, &c);
	CHECK(strstr(c.out, "65536:0:65538:") == c.out);
}

static void
body_run(const char *data, size_t n, size_t step, bool *ended,
    struct body *b, size_t *consumed)
{
	struct lr	lr;
	struct lr_line	l;
	bool		got;
	size_t		off = 0;

	lr_init(&lr, NULL);
	body_open(b);
	*ended = false;
	while (off < n && !*ended) {
		size_t	chunk = step < n - off ? step : n - off;
		size_t	used = lr_feed(&lr, (const uint8_t *)data + off, chunk, 0,
		    &l, &got);

		off += used;
		if (got && body_line(b, &l) == BODY_END)
			*ended = true;
	}
	*consumed = off;
	lr_free(&lr);
}

static void
test_body(void)
{
	static const char	d[] = "a\r\n..b\r\n.\nc\r\n.\r\nafter";
	struct body		b;
	bool			ended;
	size_t			used, step;

	for (step = 1; step <= sizeof(d); step++) {
		body_run(d, sizeof(d) - 1, step, &ended, &b, &used);
		CHECK(ended);
		CHECK(used == sizeof(d) - 1 - 5);
		CHECK(b.wire == sizeof(d) - 1 - 5);
		CHECK(b.lines == 4);
		CHECK(b.unstuffed == 1);
		CHECK((b.flags & BODY_ODD_DOT) != 0);
	}
	/* A dot after a bare-LF line does not end the body. */
	body_run("x\n.\r\n", 5, 1, &ended, &b, &used);
	CHECK(!ended);
	CHECK(b.flags & BODY_ODD_DOT);
}

static void
test_status(void)
{
	struct pop3_status	s;
	uint64_t		cnt, oct;
	const char		*st;
	size_t			sl;

	pop3_status_parse("+OK 2 320", 9, &s);
	CHECK(s.st == POP3_ST_OK);
	CHECK_STR(s.opr, "+OK");
	CHECK(s.textlen == 5 && memcmp(s.text, "2 320", 5) == 0);
	CHECK(pop3_parse_stat(s.text, s.textlen, &cnt, &oct) && cnt == 2 &&
	    oct == 320);
	pop3_status_parse("-ERR", 4, &s);
	CHECK(s.st == POP3_ST_ERR && s.textlen == 0);
	pop3_status_parse("+ ", 2, &s);
	CHECK(s.st == POP3_ST_CONT);
	CHECK_STR(s.opr, "+");
	pop3_status_parse("+OKAY", 5, &s);
	CHECK(s.st == POP3_ST_BAD);
	CHECK_STR(s.opr, "+OKA");
	pop3_status_parse("\x01\x02xyz", 5, &s);
	CHECK(s.st == POP3_ST_BAD);
	CHECK_STR(s.opr, "??xy");
	pop3_status_parse("", 0, &s);
	CHECK(s.st == POP3_ST_BAD);
	CHECK_STR(s.opr, "");
	CHECK(!pop3_parse_stat("x 3", 3, &cnt, &oct));
	CHECK(!pop3_parse_stat("99999999999999999999999 3", 25, &cnt, &oct));
	CHECK(pop3_greeting_stamp("POP3 ready <1896.697@dbc.mtview>", 32, &st,
	    &sl) && sl == 21);
	CHECK(!pop3_greeting_stamp("Dovecot ready.", 14, &st, &sl));
}

/* body_stuff() then body_line() at every cut: the terminator is found
 * exactly at the end, and unstuffing gives back the normalised message. */
static void
test_stuff(void)
{
	static const char *const msgs[] = {
		"a\nb\n", ".\n..\n.x\nend", "x\r\n.\r\n", "", "\r\rz",
		"no newline", "...\n.\r",
	};
	static const size_t wire[] = { 9, 22, 10, 3, 10, 15, 13 };
	size_t	k, step;

	for (k = 0; k < sizeof(msgs) / sizeof(msgs[0]); k++) {
		uint8_t		*w;
		size_t		 wl, used;
		struct body	 b;
		bool		 ended;

		CHECK(body_stuff((const uint8_t *)msgs[k], strlen(msgs[k]), &w,
		    &wl));
		CHECK(wl == wire[k]);
		CHECK(wl >= 3 && memcmp(w + wl - 3, ".\r\n", 3) == 0);
		for (step = 1; step <= wl; step++) {
			body_run((const char *)w, wl, step, &ended, &b, &used);
			CHECK(ended && used == wl);
			CHECK((b.flags & (BODY_ODD_DOT | BODY_BARE_LF)) == 0);
		}
		free(w);
	}
}

/*
 * A body through the models' loop: body_scan() whenever the framer is
 * idle, lr_feed() + body_line() for the rest; chunks cut at the sizes in
 * cuts (cycling).  Returns the bytes used up to the end of data.
 */
typedef size_t (*scan_fn)(struct body *, const uint8_t *, size_t, size_t,
    uint64_t);

/*
 * What body_scan() may take: whole lines, each ending in CRLF, with no
 * other byte below 0x20 but TAB, not starting with '.', and no more than
 * maxe bytes before the LF.
 */
static bool
scan_contract(const uint8_t *p, size_t n, size_t maxe)
{
	size_t	start = 0, i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			if (i == start || p[i - 1] != '\r' || i - start > maxe ||
			    p[start] == '.')
				return false;
			start = i + 1;
		} else if (p[i] < 0x20 && p[i] != '\t' &&
		    !(p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'))
			return false;
	}
	return start == n;
}

static size_t
scan_run(scan_fn scan, const uint8_t *p, size_t n, const size_t *cuts,
    size_t ncuts, size_t maxe, struct body *b, bool *ended)
{
	static struct lr	lr;
	struct lr_line		l;
	size_t			off = 0, k = 0, used, end;
	bool			got;

	lr_init(&lr, NULL);
	body_open(b);
	*ended = false;
	while (off < n && !*ended) {
		end = off + cuts[k++ % ncuts];
		if (end > n)
			end = n;
		while (off < end && !*ended) {
			if (lr_idle(&lr)) {
				used = scan(b, p + off, end - off, maxe,
				    UINT64_MAX);
				CHECK(scan_contract(p + off, used, maxe));
				off += used;
				if (off == end)
					break;
			}
			used = lr_feed(&lr, p + off, end - off, 0, &l, &got);
			off += used;
			if (got && body_line(b, &l) == BODY_END)
				*ended = true;
		}
	}
	lr_free(&lr);
	return off;
}

/* The same accounting, field by field. */
static bool
body_same(const struct body *x, const struct body *y)
{
	return x->wire == y->wire && x->lines == y->lines &&
	    x->unstuffed == y->unstuffed && x->flags == y->flags &&
	    x->prev_crlf == y->prev_crlf;
}

/*
 * body_scan() is an exact shortcut of body_line(): random bodies of plain
 * lines mixed with every kind of line it must leave to body_line() (dots,
 * control bytes, TABs, bare LF, lone CR, NUL, long lines, empty lines),
 * fed whole, byte by byte and at random cuts, give the same counts and
 * flags and end at the same byte as the framer alone.
 */
static void
test_scan(void)
{
	static const char *const kinds[] = {
		"plain text line of some length, as mail has",
		"", ".", "..stuffed", ".x", "tab\there", "bare lf",
		"lone \r cr", "nul \0 inside", "ctl \x01 byte", "\r",
		"0123456789abcdef0123456789abcdef", "end .", "..",
		"ctl last\x01", "",
	};
	/* these end in a bare LF: "bare lf", "ctl last^A", "" */
	enum { NKINDS = sizeof(kinds) / sizeof(kinds[0]), BARE = 6, NUL = 8,
	    BARE2 = 14, BARE3 = 15 };
	static uint8_t	buf[1 << 16];
	unsigned	seed = 12345, round;
	uint64_t	scanned = 0;
	size_t		n0;

	for (round = 0; round < 300; round++) {
		struct body	ref, got;
		struct lr	lr;
		struct lr_line	l;
		size_t		n = 0, i, nl, refused, gotused, cuts[8], maxe;
		bool		refend, gotend, g;
		const size_t	one = 1, whole = sizeof(buf);

		nl = 1 + (seed = seed * 1103515245 + 12345) % 60;
		if (round % 4 == 3)
			nl *= 8;
		for (i = 0; i < nl && n + 300 < sizeof(buf); i++) {
			unsigned	k = ((seed = seed * 1103515245 + 12345) >>
					    16) % (2 * NKINDS);
			const char	*t = kinds[k < NKINDS ? k : 0];
			size_t		 tl = k == NUL ? 12 : strlen(t);

			if (k == NKINDS + 1) {	/* now and then a long one */
				memset(buf + n, 'L', 200);
				n += 200;
			}
			if (round % 4 == 3 && k % 16 != 1) {
				/* long runs of plain lines of any length */
				size_t	len = (seed = seed * 1103515245 +
					    12345) >> 16 & 255, j;

				for (j = 0; j < len; j++)
					buf[n + j] = j % 37 == 36 ? '\t' :
					    (uint8_t)('a' + (j + len) % 26);
				n += len;
				buf[n++] = '\r';
				buf[n++] = '\n';
				continue;
			}
			memcpy(buf + n, t, tl);
			n += tl;
			if (k != BARE && k != BARE2 && k != BARE3)
				buf[n++] = '\r';
			buf[n++] = '\n';
		}
		memcpy(buf + n, ".\r\n", 3);
		n += 3;
		maxe = round % 2 ? 100 + round % 5 * 30 : MT_LINE_HARD;
		for (i = 0; i < 8; i++)
			cuts[i] = 1 + (seed = seed * 1103515245 + 12345) %
			    (round % 3 ? 97 : 7);
		/* the reference: the framer and body_line() only */
		lr_init(&lr, NULL);
		body_open(&ref);
		refused = 0;
		refend = false;
		while (refused < n && !refend) {
			refused += lr_feed(&lr, buf + refused, n - refused, 0,
			    &l, &g);
			if (g && body_line(&ref, &l) == BODY_END)
				refend = true;
		}
		lr_free(&lr);
		for (i = 0; i < 2; i++) {
			scan_fn	f = i == 0 ? body_scan : body_scan_plain;

			gotused = scan_run(f, buf, n, &whole, 1, maxe, &got,
			    &gotend);
			CHECK(gotend == refend && gotused == refused);
			CHECK(body_same(&got, &ref));
			gotused = scan_run(f, buf, n, &one, 1, maxe, &got,
			    &gotend);
			CHECK(gotend == refend && gotused == refused);
			CHECK(body_same(&got, &ref));
			gotused = scan_run(f, buf, n, cuts, 8, maxe, &got,
			    &gotend);
			CHECK(gotend == refend && gotused == refused);
			CHECK(body_same(&got, &ref));
		}
	}
	/* and the shortcut was taken: plain lines counted at once */
	{
		const char	*plain = "abc\r\ndef\tghi\r\n\r\n.x\r\n";
		struct body	 b;

		body_open(&b);
		scanned = body_scan(&b, (const uint8_t *)plain, strlen(plain),
		    MT_LINE_HARD, UINT64_MAX);
		CHECK(scanned == 16 && b.lines == 3 && b.wire == 16);
		body_open(&b);	/* the limits: line length, budget */
		CHECK(body_scan(&b, (const uint8_t *)plain, strlen(plain), 3,
		    UINT64_MAX) == 0);
		CHECK(body_scan(&b, (const uint8_t *)plain, strlen(plain),
		    MT_LINE_HARD, 13) == 5 && b.lines == 1);
	}
	/* a budget ends a long run of plain lines at the same byte */
	{
		struct body	 b1, b2;
		size_t		 k, j, budget;

		for (k = 0, n0 = 0; k < 200; k++) {
			for (j = 0; j < 40 + k % 50; j++)
				buf[n0++] = (uint8_t)('A' + j % 26);
			buf[n0++] = '\r';
			buf[n0++] = '\n';
		}
		for (budget = 0; budget < 2000; budget += 7) {
			body_open(&b1);
			body_open(&b2);
			CHECK(body_scan(&b1, buf, n0, MT_LINE_HARD, budget) ==
			    body_scan_plain(&b2, buf, n0, MT_LINE_HARD, budget));
			CHECK(body_same(&b1, &b2) && b1.wire <= budget);
		}
		body_open(&b1);
		CHECK(body_scan(&b1, buf, n0, MT_LINE_HARD, UINT64_MAX) == n0 &&
		    b1.lines == 200);
	}
}

/*
 * lr_give_up() for the memory budget: mid-line the head is kept and handed
 * out at the next feed, truncated and flagged, the rest of the line is
 * dropped and the next line is whole; between lines the buffer just goes.
 * Every byte taken from the account is given back.
 */
static void
test_give_up(void)
{
	struct mt_budget	 b;
	struct mt_acct		 a;
	struct lr		 lr;
	struct lr_line		 l;
	static char		 big[3000];
	bool			 got, cut;
	size_t			 n;

	mt_budget_init(&b, 1 << 20);
	a.b = &b;
	a.held = 0;
	lr_init(&lr, &a);
	memset(big, 'x', sizeof(big));
	n = lr_feed(&lr, (const uint8_t *)big, sizeof(big), 1, &l, &got);
	CHECK(n == sizeof(big) && !got && a.held == lr.cap && a.held >= 3000);
	CHECK(lr_givable(&lr) == lr.cap - LR_HEAD);
	CHECK(lr_give_up(&lr, &cut) > 0 && cut && a.held == LR_HEAD);
	CHECK(lr_give_up(&lr, &cut) == 0 && !cut);	/* once */
	n = lr_feed(&lr, (const uint8_t *)"yy\r\nNEXT\r\n", 10, 2, &l, &got);
	CHECK(n == 0 && got && l.len == LR_HEAD && l.wire == 3000 &&
	    (l.flags & (LR_TRUNCATED | LR_BUDGET | LR_GIVEN_UP)) ==
	    (LR_TRUNCATED | LR_BUDGET | LR_GIVEN_UP) && l.t_end == 2);
	n = lr_feed(&lr, (const uint8_t *)"yy\r\nNEXT\r\n", 10, 2, &l, &got);
	CHECK(n == 4 && got && (l.flags & LR_CONT) && l.wire == 4);
	n = lr_feed(&lr, (const uint8_t *)"NEXT\r\n", 6, 3, &l, &got);
	CHECK(n == 6 && got && l.len == 4 && memcmp(l.text, "NEXT", 4) == 0 &&
	    l.flags == 0);
	/* Between lines: the buffer goes, no line is cut. */
	CHECK(lr_give_up(&lr, &cut) == LR_HEAD && !cut && a.held == 0);
	lr_free(&lr);
	CHECK(a.held == 0 && b.used == 0);
}

int
main(void)
{
	test_scan();
	test_stuff();
	test_framer();
	test_body();
	test_status();
	test_give_up();
	return check_done();
}
