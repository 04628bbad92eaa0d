#!/usr/bin/env bash
# tests/tls/clients.sh - third-party clients' TLS sessions decrypted with
# their own key logs (SSLKEYLOGFILE): python3's poplib over POP3S and
# smtplib with STARTTLS and AUTH, curl over POP3S, against the test Dovecot
# and Postfix; loopback captured (tools/lcap), decoded with the clients' key
# log, and per session the exact command/response records (event, int,
# opr) the client sends, no anomaly, every step rc=0; tshark, with the same
# key log, reads the same commands; no password or SASL payload anywhere.
# SPDX-License-Identifier: BSD-2-Clause
# usage: clients.sh MAILTRACE LCAP DOVECOT_WORKDIR POSTFIX_WORKDIR CERTDIR OUTDIR
set -u
MT=$1 LCAP=$2 DWORK=$3 PWORK=$4 CERTS=$5 OUT=$6/tls-clients
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../decode/steps.sh"
. "$DWORK/env"
. "$PWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD
export MAILTRACE_DB=$OUT/store.db
PW=$DOVECOT_PASSWORD_FILE
PS=$DOVECOT_POP3S_PORT
SM=$POSTFIX_SMTP_PORT
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export SSLKEYLOGFILE=$OUT/keys.log

(umask 077 && printf 'user = "bob:%s"\n' "$(cat "$PW")" >"$OUT/curl.cfg")
stop=$((20000 + RANDOM % 40000))
exec {cfd}< <("$LCAP" -i lo -w "$OUT/cap.pcap" -s "$stop" -t 120 \
    -f "tcp port $PS or tcp port $SM" 2>"$OUT/lcap.err"; echo "lcap-exit $?")
read -r -t 30 -u "$cfd" ready
check "the loopback capture started" test "$ready" = ready

clients=()
run() {
	local name=$1
	shift
	"$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
	clients+=("$name")
}
pyrun() {
	PWFILE=$PW PS=$PS SM=$SM RCPT=$POSTFIX_RCPT CA=$CERTS/ca.pem "$PY" -c "$1"
}
run py-pop3s pyrun '
import os, poplib, ssl
pw = open(os.environ["PWFILE"]).read()
ctx = ssl.create_default_context(cafile=os.environ["CA"])
p = poplib.POP3_SSL("localhost", int(os.environ["PS"]), context=ctx, timeout=30)
p.user("bob"); p.pass_(pw); p.stat(); p.list(); p.retr(1); p.quit()
'
run py-starttls pyrun '
import os, smtplib, ssl
pw = open(os.environ["PWFILE"]).read()
r = os.environ["RCPT"]
ctx = ssl.create_default_context(cafile=os.environ["CA"])
s = smtplib.SMTP("localhost", int(os.environ["SM"]), local_hostname="py.test", timeout=30)
s.ehlo(); s.starttls(context=ctx); s.ehlo(); s.login("rcpt", pw)
s.sendmail(r, [r], "Subject: tls.clients\r\n\r\nhello\r\n")
s.quit()
'
run curl-pop3s curl -s --cacert "$CERTS/ca.pem" -K "$OUT/curl.cfg" "pop3s://localhost:$PS/1"
# The last connection's FINs in the capture before the stop marker (curl
# exits before Dovecot's FIN has always come: 1 run in 10 lost it).  Other
# tests may use these ports meanwhile: a wait, bounded, not a check.
tcp_quiet "$PS" "$SM" || echo "# note: connections on $PS/$SM still open after 10 s"
(exec 3<>"/dev/tcp/127.0.0.1/$stop") 2>/dev/null
lcap_status=""
while read -r -t 30 -u "$cfd" l; do
	case $l in "lcap-exit "*) lcap_status=${l#lcap-exit } ;; esac
done
check "the capture ended at the stop marker (lcap exit 0)" test "$lcap_status" = 0
for c in "${clients[@]}"; do
	T_SHOW=$OUT/$c.err
	check "$c: the client exits 0" test "$(cat "$OUT/$c.rc")" = 0
done
T_SHOW=$OUT/keys.log
check "the clients wrote a key log (SSLKEYLOGFILE)" test -s "$OUT/keys.log"

unset SSLKEYLOGFILE
"$MT" decode --level advanced --keylog "$OUT/keys.log" --port "pop3s=$PS" \
    --port "smtp=$SM" "$OUT/cap.pcap" >"$OUT/decoded.txt" 2>"$OUT/decoded.err"
check "decode exits 0" test $? = 0
T_SHOW=$OUT/decoded.err
check "decode wrote nothing on stderr" test ! -s "$OUT/decoded.err"
check "one session per client run (${#clients[@]})" \
    test "$(sed -n 's/^[^ ]*  S\([0-9]*\)#.*/\1/p' "$OUT/decoded.txt" | sort -un | wc -l)" = ${#clients[@]}

declare -A want
want[py-pop3s]="$G3|0xAD8E USER bob|0xAD8F USER bob +OK|0xAD90 PASS|0xAD91 PASS +OK|0xAD90 STAT|0xAD91 STAT +OK|0xAD8E LIST|0xAD8F LIST +OK|0xAD8E RETR 1|0xAD8F RETR 1 +OK|$Q3"
# smtplib: EHLO, STARTTLS, EHLO again, login() with CRAM-MD5, the message.
want[py-starttls]="$G5|0xAD10 EHLO py.test|0xAD11 EHLO py.test 250|0xAD10 STARTTLS|0xAD11 STARTTLS 220|0xAD10 EHLO py.test|0xAD11 EHLO py.test 250|0xAD10 AUTH CRAM-MD5|0xAD11 AUTH CRAM-MD5 334|0xAD12 SEND USER PASS|0xAD13 SEND USER PASS 235|0xAD10 MAIL FROM:<$POSTFIX_RCPT> size=31|0xAD11 MAIL FROM:<$POSTFIX_RCPT> size=31 250|0xAD10 RCPT TO:<$POSTFIX_RCPT>|0xAD11 RCPT TO:<$POSTFIX_RCPT> 250|0xAD10 DATA|0xAD11 DATA 354|0xAD12 .|0xAD13 . 250|$Q5"
want[curl-pop3s]="$G3|$CAPA|$CRAM3|0xAD8E RETR 1|0xAD8F RETR 1 +OK|$Q3"
k=0
for c in "${clients[@]}"; do
	k=$((k + 1))
	pairs "$OUT/decoded.txt" $k >"$OUT/$c.got"
	tr '|' '\n' <<<"${want[$c]}" >"$OUT/$c.want"
	diff "$OUT/$c.want" "$OUT/$c.got" >"$OUT/$c.diff" 2>&1
	T_SHOW=$OUT/$c.diff
	check "$c (S$k): decrypted, the commands and replies as the client sent them ($(wc -l <"$OUT/$c.want") records)" \
	    test ! -s "$OUT/$c.diff"
	T_SHOW=$OUT/decoded.txt
	check "$c (S$k): no anomaly" test -z "$(grep -E "^[^ ]*  S$k#[0-9]+  anomaly  " "$OUT/decoded.txt")"
	check "$c (S$k): every step rc=0" \
	    test -z "$(grep -E "^[^ ]*  S$k#[0-9]+  0x" "$OUT/decoded.txt" | grep -v '  rc=0  ')"
done

# tshark, an independent oracle, with the same key log: the same POP3S commands.
# (tshark shows a SASL response as a "command": only command words are
# kept, so that no AUTH payload reaches a file; the decoder's AUTH DATA
# continuations are left out on our side likewise)
tshark -r "$OUT/cap.pcap" -o "tls.keylog_file:$OUT/keys.log" -d "tcp.port==$PS,tls" \
    -d "tls.port==$PS,pop" -Y pop.request.command -T fields -e pop.request.command \
    2>"$OUT/tshark.err" | grep -E '^[A-Z]{3,8}$' >"$OUT/tshark.out"
grep -E '  0xAD(8E|90)  ' "$OUT/decoded.txt" | grep -E '  S(1|3)#' | grep -v '  AUTH DATA$' |
    awk -F '  ' '{split($6, w, " "); print w[1]}' >"$OUT/ours.cmds"
T_SHOW=$OUT/tshark.out
check "tshark reads the POP3S commands the decoder records" diff -q "$OUT/tshark.out" "$OUT/ours.cmds"

bash "$here/../postfix/settle.sh" "$PWORK" "$DWORK"
check "the message left Postfix's queue; the mailboxes emptied" test "$?" = 0
pw=$(cat "$PW")
rm -f "$OUT/curl.cfg"
check "no password or SASL payload in any output" \
    test -n "$pw" -a -z "$(grep -rlaF "$pw" "$OUT"/*.out "$OUT"/*.txt "$OUT"/*.got "$MAILTRACE_DB"* 2>/dev/null)" \
    -a -z "$(grep -laE '^[A-Za-z0-9+/]{40,}=*$' "$OUT"/*.out "$OUT"/*.txt "$OUT"/*.got 2>/dev/null)"
# The capture with the key log decrypts to the password: not kept.
rm -f "$OUT/cap.pcap" "$OUT/keys.log"
t_done
