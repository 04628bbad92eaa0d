/*
 * mt_limits.h - every bound mailtrace enforces, in one place.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Hard limits size buffers and tables: exceeding one truncates or drops and
 * records an anomaly.  Soft limits are RFC values: exceeding one is only
 * recorded.  Options may lower hard limits, never raise them.
 */
#ifndef MT_MT_LIMITS_H
#define MT_MT_LIMITS_H

#define MT_LINE_HARD		(64 * 1024)	/* framer buffer, each direction */
#define MT_CMD_HARD		1024		/* longest command the probe will format */
#define MT_FIELD_HARD		512		/* int / opt text in one record */
#define MT_OPR_HARD		8		/* opr: "+OK", "-ERR", "250", 4 chars */
#define MT_REPLY_SHOW		440		/* reply text octets a record keeps (the
						   rest as "...(+N)"); the field is
						   MT_FIELD_HARD */
#define MT_EXPLAIN_HARD		384		/* a failed record's explanation
						   (events/explain.def: a code, a
						   meaning and a hint) */
#define MT_ADDR_HARD		64		/* "[ffff:...]:65535" */
#define MT_PENDING_HARD		64		/* unanswered commands per session */
#define MT_REPLY_LINES_HARD	512		/* lines in one multi-line SMTP reply */
#define MT_BODY_DEFAULT		(64ULL * 1024 * 1024)	/* --max-body default */
#define MT_BODY_HARD		(1024ULL * 1024 * 1024)	/* --max-body ceiling */
#define MT_SECRET_HARD		1024		/* password bytes */
#define MT_FLOWS_HARD		65536		/* decoder flow table entries */
#define MT_FLOWS_DEFAULT	16384		/* flows tracked at once by default */
#define MT_REASM_HOLD_HARD	(1024 * 1024)	/* out-of-order bytes held per direction */
#define MT_REASM_HOLD_DEFAULT	(256 * 1024)
/*
 * Every byte the decoder's flows hold, all flows together (one shared
 * budget, src/trace/budget.h): out-of-order and held-back TCP segments,
 * line buffers, pending command queues.  Flow table entries are bounded
 * by MT_FLOWS_HARD on their own.
 */
#define MT_FLOW_BYTES_TOTAL	(32 * 1024 * 1024)
#define MT_REASM_HOLD_TOTAL	MT_FLOW_BYTES_TOTAL	/* reasm without a shared budget */
#define MT_REASM_SEGS_HARD	4096		/* out-of-order segments held per direction */
#define MT_FLOW_IDLE_DEFAULT	(300LL * 1000000)	/* evict a flow idle 5 min (us) */

#define MT_POP3_RESP_SOFT	512	/* RFC 2449 4: response line, with CRLF */
#define MT_POP3_CMD_SOFT	255	/* RFC 2449 4: command line, with CRLF */
#define MT_SMTP_LINE_SOFT	512	/* RFC 5321 4.5.3.1.4-5: command / reply line, with CRLF */
#define MT_SMTP_TEXT_SOFT	1000	/* RFC 5321 4.5.3.1.6: text line, with CRLF */
#define MT_MSG_LINE_SOFT	80	/* RFC 5322 2.1.1: a message line SHOULD keep to, with CRLF */

#define MT_CONNECT_TIMEOUT_DEFAULT	10000	/* ms, --connect-timeout unset */
#define MT_READ_TIMEOUT_DEFAULT		30000	/* ms, --timeout unset */
#define MT_MAX_TIME_DEFAULT		300	/* s, --max-time unset: a whole session */
#define MT_MAX_TIME_HARD		86400	/* s, --max-time at most */

/* TLS facts of a handshake in a record (issue 11; trace.h struct rec_tls). */
#define MT_TLS_WORD_HARD	64		/* version, cipher, group, verify word; with NUL */
#define MT_TLS_NAME_HARD	256		/* a certificate's subject or issuer, RFC 2253; with NUL */
#define MT_TLS_SANS_HARD	512		/* its subjectAltNames, "DNS:a, IP:1.2.3.4"; with NUL */
#define MT_TLS_SERIAL_HARD	72		/* its serial in hex (RFC 5280: 20 octets); with NUL */

/* The decoder's TLS layer (src/tls, docs/tls.md). */
#define MT_TLS_LIST_HARD	64		/* offered versions / suites kept of a ClientHello */
#define MT_TLS_KEYS_HARD	65536		/* sessions one key log holds (~280 bytes each) */
#define MT_TLS_KEYLOG_FILE_HARD	(64 * 1024 * 1024)	/* bytes of one key log file */
#define MT_TLS_KEYLOG_LINE_HARD	512		/* a key log line; longer is malformed */
#define MT_TLS_REC13_HARD	(16384 + 256)	/* RFC 8446 5.2: TLSCiphertext.length */
#define MT_TLS_REC12_HARD	(16384 + 2048)	/* RFC 5246 6.2.3: TLSCiphertext.length */
#define MT_TLS_HS_HARD		(64 * 1024)	/* a handshake message's body kept for parsing */

/* The comparison (src/check). */
#define MT_CHK_TEXT_HARD	4096		/* text normalised at once; longer is cut */
#define MT_CHK_RULES_HARD	64		/* normalisation rules, defaults and added */
#define MT_CHK_PATTERN_HARD	1024		/* one rule's pattern, bytes */
#define MT_CHK_NAME_HARD	64		/* one rule's name, with NUL */
#define MT_CHK_REPL_HARD	64		/* one rule's placeholder, with NUL */
#define MT_CHK_STEPS_HARD	(1024 * 1024)	/* steps of one session compared */
#define MT_CHK_CELLS_HARD	(4096 * 4096)	/* exact alignment: m * n steps */
#define MT_CHK_WINDOW		64		/* greedy alignment's look-ahead */
#define MT_CHK_VALUE_HARD	512		/* one value of a difference, with NUL */
#define MT_CHK_CAPS_HARD	128		/* capability lines of one step compared */
#define MT_CHK_DIFFS_HARD	65536		/* differences listed; the rest counted */
#define MT_CHK_RUNS_HARD	100		/* runs one step's latency is taken over */

#endif
