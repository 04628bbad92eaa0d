#!/usr/bin/env bash
# tests/dns/dns.sh - finding the servers (issue 13) through a real DNS
# server (tests/dns/start.sh: dnsmasq with the test zone) into the suite's
# real Postfix and Dovecot.
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: dns.sh MAILTRACE DNS_WORKDIR DOVECOT_WORKDIR POSTFIX_WORKDIR CERTDIR
#        OUTDIR GROUP FAKESRV
#   GROUP: mx (MX order, fallback, --mx-all, the implicit MX) |
#          srv (RFC 6186 SRV for POP3 and submission, a closed first port,
#               a first server that greets 421: the fake server) |
#          fail (null MX, NXDOMAIN, no address, a timeout, bad options)
# Mail goes to rcpt@example.test: hold RESOURCE_LOCK mailbox-rcpt and
# postfix-rcpt; settle.sh empties the mailboxes at the end.
set -u
MT=$1 NWORK=$2 DWORK=$3 PWORK=$4 CERTS=$5 OUT=$6 GROUP=$7 FAKE=${8:-}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$NWORK/env"
. "$DWORK/env"
. "$PWORK/env"

OUT=$OUT/$GROUP
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
PW=$POSTFIX_PASSWORD_FILE
FROM=mailtrace@example.test
R1=$POSTFIX_RCPT
NS=(--dns-server "$DNS_SERVER")

# run NAME CMD ARGS...: mailtrace CMD ARGS, output in $OUT/NAME.out/.err/.rc
run() {
	local name=$1
	shift
	"$MT" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
	T_SHOW=$OUT/$name.out
}
rc_is() { [ "$(cat "$OUT/$1.rc")" = "$2" ]; }
# dns NAME: the DNS records of a text trace, "TYPE NAME ANSWER rc=N" a line
dns() { sed -n 's/^[^ ]*  S0#[0-9]*  dns  \([A-Z]*\)  \(rc=[0-9]*\)  \([^ ]*\)  answer=\([A-Z_]*\)  .*/\1 \3 \4 \2/p' "$OUT/$1.out"; }
# dns_is NAME WANT...: the DNS records are exactly WANT (one a line)
dns_is() {
	local n=$1
	shift
	[ "$(dns "$n")" = "$(printf '%s\n' "$@")" ]
}
# connects NAME: where each session connected, "S1 127.0.0.1:PORT" a line
connects() { sed -n 's/^[^ ]*  \(S[1-9][0-9]*\)#[0-9]*  0xAD\(06\|82\)  A  rc=0  --  opt=\([^ ]*\) \([0-9]*\) .*/\1 \3:\4/p' "$OUT/$1.out"; }
connects_is() {
	local n=$1
	shift
	[ "$(connects "$n")" = "$(printf '%s\n' "$@")" ]
}
# every DNS record is timed and names the resolver
timed() { ! grep '  dns  ' "$OUT/$1.out" | grep -vq "resolver=$DNS_SERVER  +[0-9]*us"; }
one_line() { [ "$(grep -c . "$OUT/$1.err")" = 1 ] && grep -Eq -- "$2" "$OUT/$1.err"; }
# stored NAME: show gives the run back as printed (text), and its JSONL
# holds the DNS records as "event":"dns" lines with their keys
stored() {
	"$MT" show >"$OUT/$1.show" 2>&1
	"$MT" show --format jsonl >"$OUT/$1.jsonl" 2>&1
	check "$1: show gives back what the probe printed (DNS records too)" \
	    cmp "$OUT/$1.out" "$OUT/$1.show"
	check "$1: JSONL has each DNS record with its type, name, answer, resolver and time" \
	    test "$(grep -c '  dns  ' "$OUT/$1.out")" = "$(grep -Ec '^\{"run":[0-9]+,"event":"dns","level":"A","rc":[0-9]+,"int":"[^"]+","opr":"[A-Z_]+","opt":"'"$DNS_SERVER"'",.*"elapsed_us":[0-9]+.*,"dns":"(MX|A|AAAA|SRV)"' "$OUT/$1.jsonl")"
	check "$1: every JSONL line is a record" python3 "$here/../jsonl_check.py" "$OUT/$1.jsonl"
}

mx() {
	# 1: MX 10 mx1 (127.0.0.1) first, and it accepts: one session
	run mx_first smtp "${NS[@]}" --mx-port "$POSTFIX_SMTP_PORT" --from "$FROM" --to "$R1"
	check "MX: exits 0 (the first MX accepted)" rc_is mx_first 0
	check "MX: the lookups in order: MX, then each host's A and AAAA by preference" \
	    dns_is mx_first "MX example.test NOERROR rc=0" "A mx1.example.test NOERROR rc=0" \
	    "AAAA mx1.example.test NODATA rc=0" "A localhost NOERROR rc=0" "AAAA localhost NODATA rc=0"
	check "MX: the answer lists both records" has "$OUT/mx_first.out" 'dns  MX  rc=0  example.test  .*records="(10 mx1.example.test., 20 localhost.|20 localhost., 10 mx1.example.test.)"'
	check "MX: one session, to mx1's address and --mx-port" connects_is mx_first "S1 127.0.0.1:$POSTFIX_SMTP_PORT"
	check "MX: the message was queued" has "$OUT/mx_first.out" 'S1#[0-9]*  0xAD0B  A  rc=0'
	check "MX: every lookup is timed with its resolver" timed mx_first
	check "MX: the run's target is the domain" has "$OUT/mx_first.out" '^# mailtrace text 1 .* target=mx:example.test '
	stored mx_first
	# A baseline of it keeps the lookups (export, import), and check
	# compares the server's steps only: no difference, exit 0.
	"$MT" baseline save mxb >"$OUT/mxb.save" 2>&1
	check "MX baseline: saved" test $? = 0
	"$MT" baseline export mxb "$OUT/mxb.json" >"$OUT/mxb.export" 2>&1
	check "MX baseline: the exported file has the lookups with their types" \
	    test "$(grep -o '"event":null,[^}]*"dns":"\(MX\|A\|AAAA\)"' "$OUT/mxb.json" | wc -l)" = 5
	"$MT" baseline import "$OUT/mxb.json" --name mxb2 >"$OUT/mxb.import" 2>&1
	check "MX baseline: the file imports" test $? = 0
	"$MT" baseline export mxb2 "$OUT/mxb2.json" >/dev/null 2>&1
	check "MX baseline: imported, it exports the same lookups" \
	    test "$(grep -o '"dns":"[A-Z]*"' "$OUT/mxb.json")" = "$(grep -o '"dns":"[A-Z]*"' "$OUT/mxb2.json")"
	"$MT" check mxb --latency-min-ms 1000 >"$OUT/mxb.check" 2>&1
	rc=$?
	T_SHOW=$OUT/mxb.check
	check "MX baseline: check probes by MX again and finds no difference (exit 0, got $rc)" test "$rc" = 0
	T_SHOW=
	run mx_prf smtp "${NS[@]}" --mx-port "$POSTFIX_SMTP_PORT" --format prf --from "$FROM" --to "$R1"
	check "MX: PRF output has only catalog events (no DNS row)" \
	    test "$(grep -c ',0x0000,' "$OUT/mx_prf.out")" = 0 -a "$(grep -c ',0xAD00,' "$OUT/mx_prf.out")" = 1

	# 2: with --starttls and the CA, mx1's certificate does not name it:
	# the TLS failure moves on to MX 20 (localhost), which is verified
	run mx_fallback smtp "${NS[@]}" --mx-port "$POSTFIX_SMTP_PORT" --starttls --cafile "$CERTS/ca.pem" \
	    --from "$FROM" --to "$R1"
	check "MX fallback: exits 0 (the second MX accepted)" rc_is mx_fallback 0
	check "MX fallback: two sessions, in preference order" connects_is mx_fallback \
	    "S1 127.0.0.1:$POSTFIX_SMTP_PORT" "S2 127.0.0.1:$POSTFIX_SMTP_PORT"
	check "MX fallback: mx1's STARTTLS handshake failed on the host name" has "$OUT/mx_fallback.out" \
	    'S1#[0-9]*  0xAD01  A  rc=4  --  opt=javax.net.ssl.SSLHandshakeException  .*hostname mismatch'
	check "MX fallback: the failure is said once on stderr, naming the MX" one_line mx_fallback \
	    '^mailtrace: mx1.example.test 127.0.0.1:[0-9]+: .*SSLHandshakeException'
	check "MX fallback: localhost's session queued the message, verified" has "$OUT/mx_fallback.out" \
	    'S2#[0-9]*  0xAD11  A  rc=0  STARTTLS  .*verify="ok"'

	# 3: --mx-all probes every MX (both accept)
	run mx_all smtp "${NS[@]}" --mx-port "$POSTFIX_SMTP_PORT" --mx-all --from "$FROM" --to "$R1"
	check "--mx-all: exits 0 (every MX accepted)" rc_is mx_all 0
	check "--mx-all: a session for each MX" test "$(connects mx_all | wc -l)" = 2
	check "--mx-all: both queued the message" count "$OUT/mx_all.out" '0xAD0B  A  rc=0' 2

	# 4: the implicit MX (RFC 5321 5.1): localhost has no MX, so its own
	# address is the server; Postfix refuses the other domain, which ends
	# the search (the server answered for the domain)
	run mx_implicit smtp "${NS[@]}" --mx-port "$POSTFIX_SMTP_PORT" --from "$FROM" --to rcpt@localhost
	check "implicit MX: the MX lookup said NODATA, then the domain's own A and AAAA" \
	    dns_is mx_implicit "MX localhost NODATA rc=0" "A localhost NOERROR rc=0" "AAAA localhost NODATA rc=0"
	check "implicit MX: one session to the domain's address" connects_is mx_implicit "S1 127.0.0.1:$POSTFIX_SMTP_PORT"
	check "implicit MX: Postfix's refusal fails the run (exit 1)" rc_is mx_implicit 1

	# 5: roundtrip without --smtp: the MX lookups (session 0), the POP3
	# baseline, the send to the first MX, the polls until it arrived
	run rt_mx roundtrip "${NS[@]}" --mx-port "$POSTFIX_SMTP_PORT" --from "$FROM" --to "$R1" \
	    --pop3 "pop3://$POSTFIX_RCPT_USER@127.0.0.1:$DOVECOT_POP3_PORT" --password-file "$PW" \
	    --deadline 30 --interval 200
	check "roundtrip by MX: exits 0 (the message arrived)" rc_is rt_mx 0
	check "roundtrip by MX: the lookups come first" dns_is rt_mx "MX example.test NOERROR rc=0" \
	    "A mx1.example.test NOERROR rc=0" "AAAA mx1.example.test NODATA rc=0" "A localhost NOERROR rc=0" \
	    "AAAA localhost NODATA rc=0"
	check "roundtrip by MX: the POP3 baseline, then the send to mx1 on --mx-port" test \
	    "$(connects rt_mx | sed -n 1,2p)" = "$(printf 'S1 127.0.0.1:%s\nS2 127.0.0.1:%s' "$DOVECOT_POP3_PORT" "$POSTFIX_SMTP_PORT")"
	check "roundtrip by MX: the target names the domain" has "$OUT/rt_mx.out" 'target=mx:example.test -> pop3://'
	check "roundtrip by MX: the token was found" has "$OUT/rt_mx.out" 'detail=token found in message'
	run u_rt roundtrip --mx-port 25 --smtp "smtp://127.0.0.1:$POSTFIX_SMTP_PORT" --from "$FROM" --to "$R1" \
	    --pop3 "pop3://$POSTFIX_RCPT_USER@127.0.0.1:$DOVECOT_POP3_PORT"
	check "roundtrip --mx-port with --smtp: exit 2" rc_is u_rt 2

	bash "$here/../postfix/settle.sh" "$PWORK" "$DWORK"
	ok $? "the deliveries settled"
}

srv() {
	# POP3: _pop3s priority 0 is a closed port, priority 10 Dovecot's POP3S
	run pop3_srv pop3 "${NS[@]}" --srv --cafile "$CERTS/ca.pem" --password-file "$PW" \
	    pop3://rcpt@example.test
	check "pop3 --srv: exits 0" rc_is pop3_srv 0
	check "pop3 --srv: SRV _pop3s then _pop3, then the targets' addresses" \
	    dns_is pop3_srv "SRV _pop3s._tcp.example.test NOERROR rc=0" "SRV _pop3._tcp.example.test NOERROR rc=0" \
	    "A localhost NOERROR rc=0" "AAAA localhost NODATA rc=0" "A localhost NOERROR rc=0" "AAAA localhost NODATA rc=0" \
	    "A localhost NOERROR rc=0" "AAAA localhost NODATA rc=0"
	check "pop3 --srv: the records list the ports" has "$OUT/pop3_srv.out" \
	    "records=\"(0 10 $DNS_CLOSED_PORT localhost., 10 10 $DOVECOT_POP3S_PORT localhost.|10 10 $DOVECOT_POP3S_PORT localhost., 0 10 $DNS_CLOSED_PORT localhost.)\""
	check "pop3 --srv: priority 0's closed port first, then Dovecot's POP3S" connects_is pop3_srv \
	    "S1 127.0.0.1:$DNS_CLOSED_PORT" "S2 127.0.0.1:$DOVECOT_POP3S_PORT"
	check "pop3 --srv: the closed port was refused" has "$OUT/pop3_srv.out" 'S1#[0-9]*  0xAD83  A  rc=1  --  opt=java.net.ConnectException'
	check "pop3 --srv: POP3S with implicit TLS, verified, and logged in" has "$OUT/pop3_srv.out" \
	    'S2#[0-9]*  0xAD83  A  rc=0 .*verify="ok"'
	check "pop3 --srv: Store.connect succeeded" has "$OUT/pop3_srv.out" 'S2#[0-9]*  0xAD81  A  rc=0'
	check "pop3 --srv: the target is the domain" has "$OUT/pop3_srv.out" 'target=srv:pop3://rcpt@example.test '
	stored pop3_srv

	# _pop3s not offered (target "."): _pop3 with STLS
	run pop3_plain pop3 "${NS[@]}" --srv --stls --cafile "$CERTS/ca.pem" --password-file "$PW" \
	    pop3://rcpt@plain.test
	check "pop3 --srv, _pop3s not offered: exits 0" rc_is pop3_plain 0
	check "pop3 --srv, _pop3s not offered: NOT_OFFERED (no failure: _pop3 follows)" \
	    dns_is pop3_plain "SRV _pop3s._tcp.plain.test NOT_OFFERED rc=0" "SRV _pop3._tcp.plain.test NOERROR rc=0" \
	    "A localhost NOERROR rc=0" "AAAA localhost NODATA rc=0"
	check "pop3 --srv: _pop3's port with STLS" connects_is pop3_plain "S1 127.0.0.1:$DOVECOT_POP3_PORT"
	check "pop3 --srv: STLS verified" has "$OUT/pop3_plain.out" 'S1#[0-9]*  0xAD8F  A  rc=0  STLS  opr=\+OK.*verify="ok"'

	# submission: _submissions (Postfix's SMTPS, implicit TLS)
	run smtp_srv smtp "${NS[@]}" --srv --cafile "$CERTS/ca.pem" --from "$FROM" --to "$R1" smtp://example.test
	check "smtp --srv: exits 0" rc_is smtp_srv 0
	check "smtp --srv: _submissions then _submission" \
	    dns_is smtp_srv "SRV _submissions._tcp.example.test NOERROR rc=0" "SRV _submission._tcp.example.test NOERROR rc=0" \
	    "A localhost NOERROR rc=0" "AAAA localhost NODATA rc=0" "A localhost NOERROR rc=0" "AAAA localhost NODATA rc=0"
	check "smtp --srv: Postfix's SMTPS port, implicit TLS, verified" connects_is smtp_srv "S1 127.0.0.1:$POSTFIX_SMTPS_PORT"
	check "smtp --srv: the connection fetch made the handshake" has "$OUT/smtp_srv.out" 'S1#[0-9]*  0xAD07  A  rc=0 .*verify="ok"'
	check "smtp --srv: queued" has "$OUT/smtp_srv.out" 'S1#[0-9]*  0xAD0B  A  rc=0'

	# A first server that turns the session away with 421 (the fake
	# server on the busy port, priority 0): as an MTA, the next one is
	# tried (RFC 5321 3.8), Postfix's submission with STARTTLS.
	printf 'send "421 4.3.2 busy, try again later\\r\\n"\nclose\n' >"$OUT/busy.script"
	exec {bfd}< <("$FAKE" --script "$OUT/busy.script" --listen 127.0.0.1 --port "$DNS_BUSY_PORT" \
	    --timeout 30 2>"$OUT/busy.err"; echo "fakesrv-exit $?")
	read -r -t 10 -u "$bfd" bport
	check "the busy fake server listens on the SRV's port" test "$bport" = "$DNS_BUSY_PORT"
	run smtp_busy smtp "${NS[@]}" --srv --starttls --cafile "$CERTS/ca.pem" --password-file "$PW" \
	    --from "$FROM" --to "$R1" smtp://rcpt@busy.test
	check "smtp --srv, a 421 greeting first: exits 0 (the next server queued it)" rc_is smtp_busy 0
	check "smtp --srv, a 421 greeting first: the busy port, then Postfix's submission" connects_is smtp_busy \
	    "S1 127.0.0.1:$DNS_BUSY_PORT" "S2 127.0.0.1:$POSTFIX_SUBMISSION_PORT"
	check "smtp --srv, a 421 greeting first: Transport.connect failed on it" has "$OUT/smtp_busy.out" \
	    'S1#[0-9]*  0xAD01  A  rc=8  --  opt=javax.mail.MessagingException'
	check "smtp --srv, a 421 greeting first: queued by the second" has "$OUT/smtp_busy.out" 'S2#[0-9]*  0xAD0B  A  rc=0'
	check "smtp --srv, a 421 greeting first: the refusal said once on stderr" one_line smtp_busy \
	    "^mailtrace: localhost 127.0.0.1:$DNS_BUSY_PORT: greeting: 421 4.3.2 busy"
	read -r -t 10 -u "$bfd" bend
	check "the busy fake server exits 0 ($bend)" test "$bend" = "fakesrv-exit 0"

	# no SRV record at all: both names NXDOMAIN, the second fails
	run srv_none pop3 "${NS[@]}" --srv --password-file "$PW" pop3://rcpt@nosrv.test
	check "no SRV: exit 1" rc_is srv_none 1
	check "no SRV: the second lookup fails with its explanation" has "$OUT/srv_none.out" \
	    'dns  SRV  rc=3  _pop3._tcp.nosrv.test  answer=NXDOMAIN  .*explanation="NXDOMAIN: '
	check "no SRV: the first does not (a second name followed)" has "$OUT/srv_none.out" 'dns  SRV  rc=0  _pop3s._tcp.nosrv.test  answer=NXDOMAIN'
	check "no SRV: no session" test -z "$(connects srv_none)"
	check "no SRV: one stderr line" one_line srv_none 'srv:pop3://rcpt@nosrv.test: SRV _pop3._tcp.nosrv.test: .*NXDOMAIN.*UnknownHostException'

	bash "$here/../postfix/settle.sh" "$PWORK" "$DWORK"
	ok $? "the deliveries settled"
}

fail() {
	run nullmx smtp "${NS[@]}" --from "$FROM" --to someone@nomail.test
	check "null MX: exit 1" rc_is nullmx 1
	check "null MX: the record says NULL_MX with its explanation" has "$OUT/nullmx.out" \
	    'dns  MX  rc=3  nomail.test  answer=NULL_MX  .*records="0 ."  explanation="NULL_MX: this domain accepts no mail'
	check "null MX: no session" test -z "$(connects nullmx)"
	check "null MX: one clear stderr line" one_line nullmx 'mx:nomail.test: MX nomail.test: this domain accepts no mail \(null MX, RFC 7505\)'
	stored nullmx

	run nx smtp "${NS[@]}" --from "$FROM" --to someone@nx.test
	check "NXDOMAIN: exit 1" rc_is nx 1
	check "NXDOMAIN: the MX lookup failed, explained" has "$OUT/nx.out" \
	    'dns  MX  rc=3  nx.test  answer=NXDOMAIN  resolver=[^ ]*  \+[0-9]*us  explanation="NXDOMAIN: the domain or host name does not exist'
	check "NXDOMAIN: one stderr line" one_line nx 'MX nx.test: the name does not exist \(NXDOMAIN'

	run noaddr smtp "${NS[@]}" --from "$FROM" --to someone@noaddr.test
	check "no address: exit 1" rc_is noaddr 1
	check "no address: A NODATA, then AAAA NODATA fails (no address)" \
	    dns_is noaddr "MX noaddr.test NOERROR rc=0" "A ghost.example.test NODATA rc=0" "AAAA ghost.example.test NODATA rc=3"
	check "no address: explained" has "$OUT/noaddr.out" 'AAAA  rc=3  ghost.example.test  answer=NODATA  .*explanation="NODATA: the name has no records'
	check "no address: one stderr line" one_line noaddr 'AAAA ghost.example.test: the host has no address'

	# slow.test goes to a listener that never answers: a DNS timeout
	run slow smtp "${NS[@]}" --dns-timeout 400 --from "$FROM" --to someone@slow.test
	check "timeout: exit 1" rc_is slow 1
	check "timeout: the MX lookup is a TIMEOUT step of its own (rc 2), explained" has "$OUT/slow.out" \
	    'dns  MX  rc=2  slow.test  answer=TIMEOUT  .*explanation="TIMEOUT: the DNS lookup got no answer in time'
	us=$(sed -n 's/.*dns  MX  rc=2  slow.test  .*  +\([0-9]*\)us.*/\1/p' "$OUT/slow.out")
	check "timeout: it took the timeout (400 ms, within 2 s)" test "${us:-0}" -ge 400000 -a "${us:-0}" -lt 2000000
	check "timeout: one stderr line, SocketTimeoutException" one_line slow 'MX slow.test: no answer came in time \(--dns-timeout.*SocketTimeoutException'
	stored slow

	# --max-time bounds the lookups too
	run slow_max smtp "${NS[@]}" --max-time 1 --from "$FROM" --to someone@slow.test
	us=$(sed -n 's/.*dns  MX  rc=2  slow.test  .*  +\([0-9]*\)us.*/\1/p' "$OUT/slow_max.out")
	check "--max-time 1 ends a 5 s lookup at 1 s" test "${us:-0}" -ge 900000 -a "${us:-0}" -lt 2500000

	# usage errors: exit 2, one line
	run u_port smtp --mx-port 0 --from "$FROM" --to "$R1"
	check "--mx-port 0: exit 2" rc_is u_port 2
	run u_url smtp --mx-all --from "$FROM" --to "$R1" "smtp://127.0.0.1:$POSTFIX_SMTP_PORT"
	check "--mx-all with a URL: exit 2, says why" one_line u_url '--mx-all and --mx-port are for MX lookups'
	run u_two smtp --from "$FROM" --to a@one.test --to b@two.test
	check "two --to domains without a URL: exit 2" rc_is u_two 2
	run u_ns smtp --dns-server localhost --from "$FROM" --to "$R1"
	check "--dns-server localhost: exit 2, not an address" one_line u_ns 'not an IPv4 or IPv6 address'
	run u_tls pop3 --srv pop3s://rcpt@example.test
	check "--srv with pop3s://: exit 2" rc_is u_tls 2
	run u_srvport pop3 --srv pop3://rcpt@example.test:110
	check "--srv with a port: exit 2" one_line u_srvport 'without a port'
	run u_dnst pop3 --dns-timeout 0 --srv pop3://rcpt@example.test
	check "--dns-timeout 0: exit 2" rc_is u_dnst 2
	run u_nosrv pop3 --dns-server 127.0.0.1 pop3://rcpt@example.test
	check "--dns-server without --srv: exit 2" rc_is u_nosrv 2
	# a resolver nobody serves: refused, said as a failed lookup
	run closed smtp --dns-server "127.0.0.1:$DNS_CLOSED_PORT" --dns-timeout 2000 --from "$FROM" --to "$R1"
	check "a closed resolver port: exit 1, the MX lookup failed" has "$OUT/closed.out" 'dns  MX  rc=[23]  example.test  answer=(UNREACHABLE|TIMEOUT)'
}

case $GROUP in
mx) mx ;;
srv) srv ;;
fail) fail ;;
*) echo "dns.sh: unknown group $GROUP" >&2; exit 2 ;;
esac
t_done
