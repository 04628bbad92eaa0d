#!/usr/bin/env bash
# tests/dovecot/probe.sh - the POP3 probe against a real Dovecot.
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: probe.sh MAILTRACE WORKDIR CERTDIR OUTDIR GROUP
#   GROUP: basic | tls | tlsfacts | auth | fetch | formats | secrets | explain
# Needs the dovecot fixture (start.sh) running in WORKDIR.
set -u
MT=$1 WORK=$2 CERTS=$3 OUT=$4 GROUP=$5
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$WORK/env"

OUT=$OUT/$GROUP
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
PW=$DOVECOT_PASSWORD_FILE
H=127.0.0.1
P=$DOVECOT_POP3_PORT
PS=$DOVECOT_POP3S_PORT

# run NAME ARGS...: mailtrace pop3 ARGS, output in $OUT/NAME.out/.err/.rc
run() {
	local name=$1
	shift
	"$MT" pop3 "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
	T_SHOW=$OUT/$name.out
}
rc_is() { [ "$(cat "$OUT/$1.rc")" = "$2" ]; }
# The records of a text trace, without time and seq: "0xAD8E A rc=0 USER bob ..."
events() { sed -n 's/^[^ ]*  S[0-9]*#[0-9]*  //p' "$OUT/$1.out" | sed 's/  +[0-9]*us//; s/  / /g'; }
# pairs NAME: "event int" of each record, on one line
pairs() { awk -F'  ' '$2 ~ /^S[0-9]+#/ {printf "%s %s ", $3, $6} END {print ""}' "$OUT/$1.out"; }
# seq: the event ids in order, one line
seq_of() { events "$1" | awk '{printf "%s ", $1} END {print ""}'; }

basic() {
	run plain --password-file "$PW" "pop3://bob@$H:$P"
	check "plain session exits 0" rc_is plain 0
	check "standard order: connect, fetch conn, CAPA, USER, connect exit, open, close" \
	    test "$(seq_of plain)" = "0xAD80 0xAD82 0xAD83 0xAD8E 0xAD8F 0xAD8E 0xAD8F 0xAD81 0xAD84 0xAD85 0xAD86 0xAD87 "
	check "0xAD82 opt is host port connect-timeout read-timeout (the defaults in force)" \
	    has "$OUT/plain.out" "0xAD82  A  rc=0  --  opt=$H $P 10000 30000\$"
	check "USER int is the bare command with its user, opr +OK" \
	    has "$OUT/plain.out" "0xAD8F  A  rc=0  USER bob  opr=\\+OK  \\+[0-9]+us\$"
	check "CAPA after point carries bytes" has "$OUT/plain.out" "0xAD8F  A  rc=0  CAPA  opr=\\+OK  \\+[0-9]+us  bytes=[0-9]+"
	check "CAPA after point keeps the capabilities (detail)" has "$OUT/plain.out" "CAPA  opr=\\+OK .*detail=.*STLS.*SASL PLAIN LOGIN CRAM-MD5"
	check "nothing on stderr for a good session" test ! -s "$OUT/plain.err"

	run adv --password-file "$PW" --level advanced --connect-timeout 5000 --timeout 7000 "pop3://bob@$H:$P"
	check "advanced level exits 0" rc_is adv 0
	check "advanced order has greeting, PASS, STAT, QUIT and teardown" \
	    test "$(seq_of adv)" = "0xAD80 0xAD82 0xAD83 0xAD92 0xAD93 0xAD8E 0xAD8F 0xAD8E 0xAD8F 0xAD90 0xAD91 0xAD81 0xAD84 0xAD90 0xAD91 0xAD85 0xAD86 0xAD90 0xAD91 0xAD88 0xAD89 0xAD87 "
	check "greeting int connect-mail-server, opr +OK" has "$OUT/adv.out" "0xAD93  B  rc=0  connect-mail-server  opr=\\+OK"
	check "PASS int is the bare command" has "$OUT/adv.out" "0xAD91  B  rc=0  PASS  opr=\\+OK"
	check "timeouts given are recorded in ms" has "$OUT/adv.out" "opt=$H $P 5000 7000\$"
	check "level filters records, not the wire: same A records at both levels" \
	    test "$(events plain | grep ' A ' | cut -d' ' -f1-5)" = "$(events adv | grep ' A ' | cut -d' ' -f1-5)"

	run empty --password-file "$PW" --retr all --dele "pop3://empty@$H:$P"
	check "empty mailbox: exit 0" rc_is empty 0
	check "empty mailbox: no fetch block, no DELE block" \
	    test "$(seq_of empty)" = "0xAD80 0xAD82 0xAD83 0xAD8E 0xAD8F 0xAD8E 0xAD8F 0xAD81 0xAD84 0xAD85 0xAD86 0xAD87 "

	echo wrong-password >"$OUT/wrong.pw"
	run wrong --password-file "$OUT/wrong.pw" --level advanced "pop3://bob@$H:$P"
	check "wrong password exits 1" rc_is wrong 1
	check "PASS after point: rc 7, -ERR, AuthenticationFailedException" \
	    has "$OUT/wrong.out" "0xAD91  B  rc=7  PASS  opr=-ERR  opt=javax.mail.AuthenticationFailedException"
	check "connect exit carries the exception" \
	    has "$OUT/wrong.out" "0xAD81  A  rc=7  --  opt=javax.mail.AuthenticationFailedException"
	check "QUIT is still sent politely, then teardown" has "$OUT/wrong.out" "0xAD91  B  rc=0  QUIT  opr=\\+OK"
	check "no Folder.open after a failed login" hasnt "$OUT/wrong.out" "0xAD84"
	check "one-line message on stderr names the step and exception" \
	    test "$(grep -c . "$OUT/wrong.err")" = 1 -a -n "$(grep 'PASS: -ERR.*AuthenticationFailedException' "$OUT/wrong.err")"

	run nouser --password-file "$PW" "pop3://nosuchuser@$H:$P"
	check "unknown user fails with exit 1" rc_is nouser 1

	if [ "$DOVECOT_IPV6" = 1 ]; then
		run v6 --password-file "$PW" --level advanced "pop3://bob@[::1]:$P"
		check "IPv6 ::1 session exits 0" rc_is v6 0
		check "IPv6 server endpoint is [::1]:port in records" has "$OUT/v6.out" "opt=::1 $P 10000 30000"
	fi
	run refused --password-file "$PW" --level advanced "pop3://bob@$H:1"
	check "refused connection exits 1" rc_is refused 1
	check "refused: 0xAD83 rc 1 ConnectException, teardown, 0xAD81" \
	    test "$(seq_of refused)" = "0xAD80 0xAD82 0xAD83 0xAD88 0xAD89 0xAD81 "
	check "refused: exception class on 0xAD83" has "$OUT/refused.out" "0xAD83  A  rc=1  --  opt=java.net.ConnectException"
}

tls() {
	run stls --password-file "$PW" --stls --cafile "$CERTS/ca.pem" --level advanced "pop3://bob@localhost:$P"
	check "STLS session verified against the CA exits 0" rc_is stls 0
	check "STLS pair is standard with opr +OK" has "$OUT/stls.out" "0xAD8F  A  rc=0  STLS  opr=\\+OK"
	check "CAPA is sent again after STLS (RFC 2595 4)" count "$OUT/stls.out" "0xAD8F  A  rc=0  CAPA" 2
	check "no anomaly after a clean STLS" hasnt "$OUT/stls.out" "anomaly"

	run stls_ip --password-file "$PW" --stls --cafile "$CERTS/ca.pem" "pop3://bob@$H:$P"
	check "STLS to 127.0.0.1 verifies the IP SAN" rc_is stls_ip 0

	run pop3s --password-file "$PW" --cafile "$CERTS/ca.pem" --retr 1 "pop3s://bob@localhost:$PS"
	check "POP3S (implicit TLS) exits 0" rc_is pop3s 0
	check "POP3S RETR 1 fetched" has "$OUT/pop3s.out" "0xAD8F  A  rc=0  RETR 1  opr=\\+OK"

	run untrusted --password-file "$PW" "pop3s://bob@localhost:$PS"
	check "POP3S without the CA fails: exit 1" rc_is untrusted 1
	check "untrusted: 0xAD83 SSLHandshakeException" has "$OUT/untrusted.out" "0xAD83  A  rc=4  --  opt=javax.net.ssl.SSLHandshakeException"
	check "untrusted: stderr says why" has "$OUT/untrusted.err" "certificate verify failed"

	run insecure --password-file "$PW" --insecure "pop3s://bob@localhost:$PS"
	check "--insecure skips verification" rc_is insecure 0

	run stls_untrusted --password-file "$PW" --stls "pop3://bob@localhost:$P"
	check "STLS with an untrusted certificate: exit 1" rc_is stls_untrusted 1
	check "STLS handshake failure on 0xAD81" has "$OUT/stls_untrusted.out" "0xAD81  A  rc=4  --  opt=javax.net.ssl.SSLHandshakeException"
	check "no USER sent in clear after a failed STLS" hasnt "$OUT/stls_untrusted.out" "  USER bob"
}

# facts NAME EVENT INT VERIFY CONNECT: the TLS facts of run NAME (the last
# run) are on EVENT INT and equal what openssl says of the server's
# certificate; in JSONL too (tests/tls_check.py); and show gives the run
# back as it was printed.
facts() {
	"$MT" show --format jsonl >"$OUT/$1.jsonl" 2>&1
	"$MT" show >"$OUT/$1.show" 2>&1
	check "$1: the facts on $2 $3 are the certificate's (openssl x509), verify $4" \
	    python3 "$here/../tls_check.py" "$OUT/$1.out" "$OUT/$1.jsonl" "$CERTS/server.pem" "$2" "$3" "$4" "$5"
	check "$1: show gives back what the probe printed" cmp "$OUT/$1.out" "$OUT/$1.show"
	check "$1: every JSONL line is a record with typed TLS keys" python3 "$here/../jsonl_check.py" "$OUT/$1.jsonl"
}

# TLS facts (issue 11): implicit TLS and STLS, verified or under --insecure.
tlsfacts() {
	local f secret
	run f_pop3s --password-file "$PW" --cafile "$CERTS/ca.pem" "pop3s://bob@localhost:$PS"
	check "POP3S with the CA exits 0" rc_is f_pop3s 0
	facts f_pop3s 0xAD83 -- ok yes
	run f_stls --password-file "$PW" --stls --cafile "$CERTS/ca.pem" "pop3://bob@localhost:$P"
	check "STLS with the CA exits 0" rc_is f_stls 0
	facts f_stls 0xAD8F STLS ok no
	check "STLS: the after record keeps its place (CAPA again right after it)" \
	    test -n "$(pairs f_stls | grep -F '0xAD8E STLS 0xAD8F STLS 0xAD8E CAPA 0xAD8F CAPA')"
	# --insecure: the system store does not know the test CA.
	run f_insecure --password-file "$PW" --insecure "pop3s://bob@localhost:$PS"
	check "POP3S --insecure exits 0" rc_is f_insecure 0
	facts f_insecure 0xAD83 -- "unable to get local issuer certificate" yes
	run f_stls_insecure --password-file "$PW" --stls --insecure "pop3://bob@$H:$P"
	check "STLS --insecure exits 0" rc_is f_stls_insecure 0
	facts f_stls_insecure 0xAD8F STLS "unable to get local issuer certificate" no
	# A failed handshake records nothing new.
	run f_untrusted --password-file "$PW" "pop3s://bob@localhost:$PS"
	check "POP3S without the CA: exit 1, no facts" \
	    test "$(cat "$OUT/f_untrusted.rc")" = 1 -a -z "$(grep -E 'tls=|cert_' "$OUT/f_untrusted.out")"
	# Every format replays (show = printed).
	for f in text prf jsonl; do
		run "f_fmt_$f" --password-file "$PW" --cafile "$CERTS/ca.pem" --format "$f" "pop3s://bob@localhost:$PS"
		"$MT" show --format "$f" >"$OUT/f_show_$f.out" 2>&1
		check "POP3S --format $f: show gives back exactly what the probe printed" \
		    cmp "$OUT/f_fmt_$f.out" "$OUT/f_show_$f.out"
	done
	check "POP3S: prf has no TLS facts" hasnt "$OUT/f_fmt_prf.out" "TLSv1|cert_"
	secret=$(cat "$PW")
	check "the password is in no output or store" \
	    test -z "$(grep -rlaF -e "$secret" "$OUT")"
}

auth() {
	local m
	for m in user apop plain login cram-md5; do
		run "auth_$m" --password-file "$PW" --auth "$m" --level advanced "pop3://bob@$H:$P"
		check "--auth $m exits 0" rc_is "auth_$m" 0
		check "--auth $m reaches Folder.open" has "$OUT/auth_$m.out" "0xAD85  A  rc=0"
	done
	check "APOP int is APOP user (no digest)" has "$OUT/auth_apop.out" "0xAD8F  A  rc=0  APOP bob  opr=\\+OK\\s"
	check "AUTH PLAIN: standard pair answered by a continuation" has "$OUT/auth_plain.out" "0xAD8F  A  rc=0  AUTH PLAIN  opr=\\+  "
	check "AUTH PLAIN: the SASL response is AUTH DATA (advanced)" has "$OUT/auth_plain.out" "0xAD91  B  rc=0  AUTH DATA  opr=\\+OK"
	check "AUTH LOGIN: two AUTH DATA exchanges" count "$OUT/auth_login.out" "0xAD91  B  rc=0  AUTH DATA" 2
	check "AUTH CRAM-MD5 recorded" has "$OUT/auth_cram-md5.out" "0xAD8F  A  rc=0  AUTH CRAM-MD5  opr=\\+"
	check "no base64 SASL payload in any trace" hasnt "$OUT/auth_plain.out" "AUTH DATA [A-Za-z0-9+/=]"

	echo wrong-password >"$OUT/wrong.pw"
	run cram_wrong --password-file "$OUT/wrong.pw" --auth cram-md5 --level advanced "pop3://bob@$H:$P"
	check "wrong CRAM-MD5 password: exit 1" rc_is cram_wrong 1
	check "wrong CRAM-MD5: AUTH DATA -ERR AuthenticationFailedException" \
	    has "$OUT/cram_wrong.out" "0xAD91  B  rc=7  AUTH DATA  opr=-ERR  opt=javax.mail.AuthenticationFailedException"

	MAILTRACE_PASSWORD=$(cat "$PW") run envpw "pop3://bob@$H:$P"
	check "MAILTRACE_PASSWORD works too" rc_is envpw 0
	run stdinpw --password-file - "pop3://bob@$H:$P" <"$PW"
	check "--password-file - reads stdin" rc_is stdinpw 0
}

fetch() {
	run fetch --password-file "$PW" --level advanced --uidl --top 1 --retr all --noop "pop3://bob@$H:$P"
	check "fetch session exits 0" rc_is fetch 0
	check "fetch block: 0xAD8A, UIDL, LIST n as envelope (0xAD90), 0xAD8B" \
	    test "$(pairs fetch | sed 's/.*\(0xAD8A.*0xAD8B --\).*/\1/')" = \
	    "0xAD8A -- 0xAD8E UIDL 0xAD8F UIDL 0xAD90 LIST 1 0xAD91 LIST 1 0xAD90 LIST 2 0xAD91 LIST 2 0xAD90 LIST 3 0xAD91 LIST 3 0xAD8B --"
	check "UIDL after point has the listing's bytes" has "$OUT/fetch.out" "0xAD8F  A  rc=0  UIDL  opr=\\+OK  \\+[0-9]+us  bytes=[0-9]+"
	# LIST sizes from Dovecot: 353 384 415; the wire body adds ".\r\n".
	check "RETR 1 bytes = message size + terminator (356)" has "$OUT/fetch.out" "RETR 1  opr=\\+OK  \\+[0-9]+us  bytes=356  reply=\"353 octets\"\$"
	check "RETR 3 bytes = 418" has "$OUT/fetch.out" "RETR 3  opr=\\+OK  \\+[0-9]+us  bytes=418  reply=\"415 octets\"\$"
	check "TOP n 1 is a plain fetch (standard pair)" has "$OUT/fetch.out" "0xAD8F  A  rc=0  TOP 2 1  opr=\\+OK"
	check "NOOP is an advanced pair" has "$OUT/fetch.out" "0xAD91  B  rc=0  NOOP  opr=\\+OK"

	run top0 --password-file "$PW" --level advanced --top 0 --retr 2 "pop3://bob@$H:$P"
	check "TOP 2 0 is an envelope fetch (advanced pair)" has "$OUT/top0.out" "0xAD91  B  rc=0  TOP 2 0  opr=\\+OK"
	check "--retr N fetches only message N" test "$(grep -c 'RETR' "$OUT/top0.out")" = 2

	run dots --password-file "$PW" --retr all "pop3://dots@$H:$P"
	check "dot-stuffed message: exit 0" rc_is dots 0
	check "dot-stuffed message: no odd-dot anomaly" hasnt "$OUT/dots.out" "anomaly"
	# 394 octets; Dovecot stuffs the 6 lines that start with '.', + ".\r\n".
	check "dot-stuffed RETR bytes count the stuffing (394 + 6 + 3)" has "$OUT/dots.out" "RETR 1  opr=\\+OK  \\+[0-9]+us  bytes=403  reply=\"394 octets\"\$"

	run big --password-file "$PW" --retr 1 "pop3://big@$H:$P"
	check "2 MB message: exit 0" rc_is big 0
	run bigmax --password-file "$PW" --retr 1 --max-body 100000 "pop3://big@$H:$P"
	check "--max-body smaller than the message: exit 1" rc_is bigmax 1
	check "body over the limit: MessagingException and body_too_large" \
	    has "$OUT/bigmax.out" "RETR 1  opr=\\+OK  opt=javax.mail.MessagingException"
	check "body_too_large anomaly recorded" has "$OUT/bigmax.out" "anomaly  body_too_large"

	run nosuch --password-file "$PW" --level advanced --retr 9 "pop3://bob@$H:$P"
	check "RETR of a missing message: exit 1" rc_is nosuch 1
	check "LIST 9 (envelope): -ERR MessagingException" has "$OUT/nosuch.out" "0xAD91  B  rc=8  LIST 9  opr=-ERR  opt=javax.mail.MessagingException"
	check "the fetch block exit carries the failure" has "$OUT/nosuch.out" "0xAD8B  A  rc=8  --  opt=javax.mail.MessagingException"
	check "no RETR after the failed envelope fetch" hasnt "$OUT/nosuch.out" "RETR 9"
	check "RETR 9: QUIT still sent and folder closed" has "$OUT/nosuch.out" "0xAD87"

	bash "$here/reset-user.sh" "$WORK" dele >/dev/null
	run dele --password-file "$PW" --level advanced --rset --dele "pop3://dele@$H:$P"
	check "DELE all: exit 0" rc_is dele 0
	check "close block: 0xAD86, RSET, 0xAD8C, DELE 1..3, 0xAD8D, QUIT, teardown, 0xAD87" \
	    test "$(pairs dele | sed 's/.*\(0xAD86 \)/\1/')" = \
	    "0xAD86 -- 0xAD8E RSET 0xAD8F RSET 0xAD8C -- 0xAD90 DELE 1 0xAD91 DELE 1 0xAD90 DELE 2 0xAD91 DELE 2 0xAD90 DELE 3 0xAD91 DELE 3 0xAD8D -- 0xAD90 QUIT 0xAD91 QUIT 0xAD88 -- 0xAD89 -- 0xAD87 -- "
	run after_dele --password-file "$PW" --level advanced "pop3://dele@$H:$P"
	check "after DELE + QUIT the mailbox is empty" has "$OUT/after_dele.out" "0xAD91  B  rc=0  STAT  opr=\\+OK"
	check "after DELE: no fetch possible (STAT 0)" rc_is after_dele 0
	bash "$here/reset-user.sh" "$WORK" dele >/dev/null
	run dele_one --password-file "$PW" --level advanced --retr 2 --dele "pop3://dele@$H:$P"
	check "DELE with --retr 2 deletes only message 2" test "$(grep -c 'DELE' "$OUT/dele_one.out")" = 2
	bash "$here/reset-user.sh" "$WORK" dele >/dev/null
}

formats() {
	local f
	for f in text prf jsonl; do
		run "fmt_$f" --password-file "$PW" --format "$f" --level advanced --retr 1 "pop3://bob@$H:$P"
		check "--format $f exits 0" rc_is "fmt_$f" 0
		"$MT" show --format "$f" >"$OUT/show_$f.out" 2>"$OUT/show_$f.err"
		check "show --format $f gives back exactly what the probe printed" cmp "$OUT/fmt_$f.out" "$OUT/show_$f.out"
	done
	check "text starts with its format line" has "$OUT/fmt_text.out" "^# mailtrace text 1 run=[0-9]+ proto=pop3 target=pop3://bob@$H:$P level=advanced\$"
	check "prf header row is the PRF column list" \
	    test "$(head -1 "$OUT/fmt_prf.out" | tr -d '\r')" = "PRF,Process,Thread,Trace,ProcessName,Event,Date,Time,Time(msec/usec/nsec),Rc,ClientAP IP,ClientAP PID,ClientAP CommNo.,RootAP IP,RootAP PID,RootAP CommNo.,INT,OPR,OPT,ASCII"
	check "prf rows are Rec with event, date and sub-second columns" \
	    has "$OUT/fmt_prf.out" "^Rec,[0-9]+,1,[0-9]+,mailtrace,0xAD8F,[0-9]{4}/[0-9]{2}/[0-9]{2},[0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}/[0-9]{3}/000,0,127\\.0\\.0\\.1,"
	check "prf OPT is hex and ASCII its printable form" \
	    has "$OUT/fmt_prf.out" ",3132372E302E302E31 [0-9]+|,3132372E302E302E31[0-9A-F]+,127\\.0\\.0\\.1 $P 10000 30000"
	check "jsonl: every line is a record with the documented keys (no header line)" \
	    python3 "$here/../jsonl_check.py" "$OUT/fmt_jsonl.out"
	check "jsonl: the first line is the first record" has "$OUT/fmt_jsonl.out" '^\{"run":[0-9]+,"event":"0xAD80",.*"seq":1,'
	check "jsonl records carry every required key" \
	    has "$OUT/fmt_jsonl.out" '^\{"run":[0-9]+,"event":"0xAD8F","level":"A","rc":0,"int":"RETR 1","opr":"\+OK","opt":"","time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z","session":1,"seq":[0-9]+,"client":"127\.0\.0\.1:[0-9]+","server":"127\.0\.0\.1:'"$P"'","source":"probe","elapsed_us":[0-9]+,"bytes":356,'
	check "jsonl: before points have no elapsed_us" hasnt "$OUT/fmt_jsonl.out" '"event":"0xAD8E".*elapsed_us'
	if command -v python3 >/dev/null 2>&1; then
		check "jsonl: every line is valid JSON" python3 -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$OUT/fmt_jsonl.out"
	fi
	"$MT" show --run 1 >"$OUT/show_run1.out" 2>&1
	check "show --run 1 shows the first run" has "$OUT/show_run1.out" "^# mailtrace text 1 run=1 "
	"$MT" show --run 99999 >"$OUT/show_none.out" 2>&1
	check "show of a missing run: exit 2 with a message" test $? = 2 -a -n "$(grep 'no run 99999' "$OUT/show_none.out")"
}

secrets() {
	local secret m
	secret=$(cat "$PW")
	for m in user apop plain login cram-md5; do
		run "s_$m" --password-file "$PW" --auth "$m" --level advanced --format jsonl "pop3://bob@$H:$P"
		run "s_${m}_stls" --password-file "$PW" --auth "$m" --stls --cafile "$CERTS/ca.pem" --level advanced --format prf "pop3://bob@localhost:$P"
	done
	echo "$secret-wrong" >"$OUT/wrong.pw"
	run s_wrong --password-file "$OUT/wrong.pw" --level advanced "pop3://bob@$H:$P"
	run s_wrongplain --password-file "$OUT/wrong.pw" --auth plain --level advanced "pop3://bob@$H:$P"
	for f in text prf jsonl; do "$MT" show --format $f >"$OUT/show_$f.out" 2>&1; done
	# The password and its base64 forms, as PLAIN/LOGIN would send them.
	b64pass=$(printf '%s' "$secret" | base64 -w0)
	b64plain=$(printf '\0bob\0%s' "$secret" | base64 -w0)
	rm -f "$OUT/wrong.pw"
	check "the password is in no output, error or store file" \
	    test -z "$(grep -rlaF -e "$secret" -e "$b64pass" -e "$b64plain" "$OUT")"
	check "the secret never reached the store (sqlite dump)" \
	    test -z "$(sqlite3 "$OUT/store.db" .dump 2>/dev/null | grep -F -e "$secret" -e "$b64pass" -e "$b64plain")"
	run urlpw "pop3://bob:$secret@$H:$P"
	check "a password in the URL is refused with exit 2" rc_is urlpw 2
	check "the refusal points to --password-file and does not echo it" \
	    test -n "$(grep -- '--password-file' "$OUT/urlpw.err")" -a -z "$(grep -F -- "$secret" "$OUT/urlpw.err")"
	run clipw --password "$secret" "pop3://bob@$H:$P"
	check "--password is refused with exit 2" rc_is clipw 2
	check "--password refusal does not echo it" test -z "$(grep -F -- "$secret" "$OUT/clipw.err")"
}

# Each failed step says what it means and what to try (issue 13,
# events/explain.def): Dovecot's own words, in text, JSONL and the store.
explain() {
	echo wrong-password >"$OUT/wrong.pw"
	run wrongpw --password-file "$OUT/wrong.pw" --level advanced "pop3://bob@$H:$P"
	check "wrong password: exit 1" rc_is wrongpw 1
	check "wrong password: PASS explained by Dovecot's words" \
	    has "$OUT/wrongpw.out" "0xAD91  B  rc=7  PASS  opr=-ERR  .*reply=\"\\[AUTH\\] Authentication failed\\.\"  explanation=\"the user name or the password was not accepted \\(Dovecot says this for both\\); check the password \\(--password-file\\)[^\"]*\"\$"
	check "wrong password: the connect exit by its class" \
	    has "$OUT/wrongpw.out" "0xAD81  A  rc=7  .*explanation=\"authentication was refused; [^\"]*\"\$"
	check "steps that did not fail have none" \
	    test -z "$(grep 'rc=0 .*explanation=' "$OUT/wrongpw.out")"
	"$MT" show --format jsonl >"$OUT/wrongpw.jsonl" 2>"$OUT/wrongpw.jsonl.err"
	check "the store keeps it: JSONL after the reply" \
	    has "$OUT/wrongpw.jsonl" '"int":"PASS",.*"reply":"\[AUTH\] Authentication failed\.","explanation":"the user name or the password was not accepted '
	check "the explanation never holds the password" \
	    test -z "$(grep -F -e wrong-password "$OUT/wrongpw.out" "$OUT/wrongpw.jsonl")"

	# Plaintext refused: Dovecot refuses a password without TLS to a client
	# not on its own address (start.sh: remote 127.0.0.2).
	local fd rport
	exec {fd}< <(python3 "$here/relay.py" "$P" 2>"$OUT/relay.err")
	read -r -t 10 -u "$fd" rport
	run plain --password-file "$PW" --level advanced "pop3://bob@$H:$rport"
	exec {fd}<&-
	check "plaintext disallowed: exit 1" rc_is plain 1
	check "plaintext disallowed: USER explained, enable TLS" \
	    has "$OUT/plain.out" "0xAD8F  A  rc=7  USER bob  opr=-ERR  .*reply=\"\\[AUTH\\] Plaintext authentication disallowed on non-secure \\(SSL/TLS\\) connections\\.\"  explanation=\"the server refuses a password over an unencrypted connection \\(Dovecot\\); enable TLS: --stls on port 110, or pop3s:// on port 995\"\$"
	check "plaintext disallowed: no PASS sent" hasnt "$OUT/plain.out" "0xAD90  B  rc=0  PASS"
}

case $GROUP in
basic | tls | tlsfacts | auth | fetch | formats | secrets | explain) "$GROUP" ;;
*) echo "unknown group $GROUP" >&2; exit 2 ;;
esac
t_done
