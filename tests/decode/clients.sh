#!/usr/bin/env bash
# tests/decode/clients.sh - the decoder on real third-party clients: capture
# loopback (tools/lcap, a stop-marker SYN ends it) while curl (POP3),
# swaks (SMTP, with and without AUTH), python3's poplib and smtplib and
# fetchmail (POP3, --keep) talk to the test Dovecot and Postfix, decode the
# capture and check, per client session, the exact sequence of
# command/response records (event, int, opr) that client sends, no anomaly,
# and no password or SASL payload in any output.  The messages sent go to
# rcpt@ and are fetched and deleted again; bob's 3 messages are only read.
# SPDX-License-Identifier: BSD-2-Clause
# usage: clients.sh MAILTRACE LCAP DOVECOT_WORKDIR POSTFIX_WORKDIR OUTDIR
set -u
MT=$1 LCAP=$2 DWORK=$3 PWORK=$4 OUT=$5/decode-clients
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/steps.sh"
. "$DWORK/env"
. "$PWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD
export MAILTRACE_DB=$OUT/store.db
PW=$DOVECOT_PASSWORD_FILE
P3=$DOVECOT_POP3_PORT
SM=$POSTFIX_SMTP_PORT
H=127.0.0.1
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

for t in curl swaks "$PY" fetchmail; do
	check "$t is installed (tests/decode/packages.txt)" command -v "$t"
done

sent() { grep -c "to=<rcpt@$POSTFIX_DOMAIN>,.* status=sent " "$POSTFIX_LOG" 2>/dev/null; }
drain() {
	"$MT" pop3 --db "$OUT/pop3.db" --password-file "$PW" --retr all --dele \
	    "pop3://rcpt@$H:$P3" >"$OUT/$1.out" 2>"$OUT/$1.err"
	echo $? >"$OUT/$1.rc"
	grep -Ec '0xAD8F  A  rc=0  RETR [0-9]+  opr=\+OK' "$OUT/$1.out"
}
drain drain0 >/dev/null
base=$(sent)

# curl reads the password from a config file (mode 600), deleted at the end.
(umask 077 && printf 'user = "bob:%s"\n' "$(cat "$PW")" >"$OUT/curl.cfg")
# fetchmail reads it from its rc file (mode 600, deleted at the end; the
# password is hex, no quoting needed), in a private FETCHMAILHOME/HOME with
# its own idfile (empty: every message is new) and pidfile.  Options pinned
# for a fixed sequence: CRAM-MD5, UIDL, no STLS (sslproto ''), keep (bob's
# messages stay), no fetchall (TOP rather than RETR); a 30 s timeout.
FMH=$OUT/fetchmail.home
mkdir -p "$FMH"
(umask 077 && printf 'poll %s service %s protocol pop3 timeout 30 auth cram-md5 uidl\n  user bob password "%s" keep sslproto ""\n' \
    "$H" "$P3" "$(cat "$PW")" >"$FMH/fetchmailrc")

stop=$((20000 + RANDOM % 40000))
exec {cfd}< <("$LCAP" -i lo -w "$OUT/cap.pcap" -s "$stop" -t 120 \
    -f "tcp port $P3 or tcp port $SM" 2>"$OUT/lcap.err"; echo "lcap-exit $?")
read -r -t 30 -u "$cfd" ready
check "the loopback capture started" test "$ready" = ready

# Each client run is one TCP session, in this order: session k of the
# decoded run is clients[k-1].
clients=()
run() {
	local name=$1
	shift
	"$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
	clients+=("$name")
}
run curl-retr curl -s -K "$OUT/curl.cfg" "pop3://$H:$P3/1"
run curl-list curl -s -K "$OUT/curl.cfg" "pop3://$H:$P3/"
run swaks-plain swaks --server "$H:$SM" --to "$POSTFIX_RCPT" \
    --from a@example.test --helo swaks.test
# swaks takes the password on its command line only: its transcript (which
# shows the AUTH exchange) goes nowhere.
run swaks-auth swaks --server "$H:$SM" --to "$POSTFIX_RCPT" \
    --from "$POSTFIX_RCPT" --helo swaks.test --auth LOGIN \
    --auth-user rcpt --auth-password "$(cat "$PW")"
: >"$OUT/swaks-auth.out"
pyrun() {
	PWFILE=$PW P3=$P3 SM=$SM RCPT=$POSTFIX_RCPT "$PY" -c "$1"
}
run py-poplib pyrun '
import os, poplib
pw = open(os.environ["PWFILE"]).read()
p = poplib.POP3("127.0.0.1", int(os.environ["P3"]), timeout=30)
p.user("bob"); p.pass_(pw); p.stat(); p.list(); p.retr(1); p.quit()
'
run py-smtplib pyrun '
import os, smtplib
pw = open(os.environ["PWFILE"]).read()
r = os.environ["RCPT"]
s = smtplib.SMTP("127.0.0.1", int(os.environ["SM"]), local_hostname="py.test", timeout=30)
s.ehlo(); s.login("rcpt", pw)
s.sendmail(r, [r], "Subject: decode.clients\r\n\r\nhello\r\n.dot line\r\n")
s.quit()
'
# The MDA (run as the calling user: FETCHMAILUSER) appends to fetchmail.mbox.
run fetchmail env -u FETCHMAIL_POP3_FORCE_RETR -u HOME_ETC HOME="$FMH" \
    FETCHMAILHOME="$FMH" FETCHMAILUSER="$(id -un)" LC_ALL=C \
    fetchmail --fetchmailrc "$FMH/fetchmailrc" --idfile "$FMH/fetchids" \
    --pidfile "$FMH/fetchmail.pid" --nosyslog --nodetach \
    --mda "cat >>'$OUT/fetchmail.mbox'"
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

"$MT" decode --level advanced --port "pop3=$P3" --port "smtp=$SM" \
    "$OUT/cap.pcap" >"$OUT/decoded.txt" 2>"$OUT/decoded.err"
check "decode exits 0" test $? = 0
"$MT" decode --level advanced --format jsonl --db "$OUT/store2.db" \
    --port "pop3=$P3" --port "smtp=$SM" "$OUT/cap.pcap" \
    >"$OUT/decoded.jsonl" 2>>"$OUT/decoded.err"
T_SHOW=$OUT/decoded.err
check "decode wrote nothing on stderr" test ! -s "$OUT/decoded.err"
check "one session per client run (${#clients[@]})" \
    test "$(sed -n 's/^[^ ]*  S\([0-9]*\)#.*/\1/p' "$OUT/decoded.txt" | sort -un | wc -l)" = ${#clients[@]}

# What each client sends: "event int opr" of every command/response record.
declare -A want
ENV5() { echo "0xAD10 MAIL FROM:<$1>$2|0xAD11 MAIL FROM:<$1>$2 250|0xAD10 RCPT TO:<$POSTFIX_RCPT>|0xAD11 RCPT TO:<$POSTFIX_RCPT> 250|0xAD10 DATA|0xAD11 DATA 354|0xAD12 .|0xAD13 . 250"; }
# curl 7.88: CAPA, the strongest SASL mechanism offered (CRAM-MD5), then
# RETR n or LIST, QUIT.
want[curl-retr]="$G3|$CAPA|$CRAM3|0xAD8E RETR 1|0xAD8F RETR 1 +OK|$Q3"
want[curl-list]="$G3|$CAPA|$CRAM3|0xAD8E LIST|0xAD8F LIST +OK|$Q3"
want[swaks-plain]="$G5|0xAD10 EHLO swaks.test|0xAD11 EHLO swaks.test 250|$(ENV5 a@example.test "")|$Q5"
want[swaks-auth]="$G5|0xAD10 EHLO swaks.test|0xAD11 EHLO swaks.test 250|0xAD10 AUTH LOGIN|0xAD11 AUTH LOGIN 334|0xAD12 SEND USER|0xAD13 SEND USER 334|0xAD12 SEND PASS|0xAD13 SEND PASS 235|$(ENV5 "$POSTFIX_RCPT" "")|$Q5"
want[py-poplib]="$G3|0xAD8E USER bob|0xAD8F USER bob +OK|0xAD90 PASS|0xAD91 PASS +OK|0xAD90 STAT|0xAD91 STAT +OK|0xAD8E LIST|0xAD8F LIST +OK|0xAD8E RETR 1|0xAD8F RETR 1 +OK|$Q3"
# smtplib: login() picks CRAM-MD5 first; sendmail() adds SIZE in lower case.
want[py-smtplib]="$G5|0xAD10 EHLO py.test|0xAD11 EHLO py.test 250|0xAD10 AUTH CRAM-MD5|0xAD11 AUTH CRAM-MD5 334|0xAD12 SEND USER PASS|0xAD13 SEND USER PASS 235|$(ENV5 "$POSTFIX_RCPT" " size=45")|$Q5"
# fetchmail 6.4 (auth cram-md5, uidl, keep, sslproto '', no fetchall):
# CAPA, AUTH CRAM-MD5, STAT, UIDL, then for each of bob's 3 messages LIST n
# (single-line: 0xAD90) and TOP n 99999999 (the whole message, without
# marking it seen), QUIT.
FM="$G3|$CAPA|$CRAM3|0xAD90 STAT|0xAD91 STAT +OK|0xAD8E UIDL|0xAD8F UIDL +OK"
for n in 1 2 3; do
	FM="$FM|0xAD90 LIST $n|0xAD91 LIST $n +OK|0xAD8E TOP $n 99999999|0xAD8F TOP $n 99999999 +OK"
done
want[fetchmail]="$FM|$Q3"
# Anomalies these clients are known to cause (extended regex; none so far).
KNOWN_ANOMALIES='^$'

k=0
for c in "${clients[@]}"; do
	k=$((k + 1))
	pairs "$OUT/decoded.txt" $k >"$OUT/$c.got"
	tr '|' '\n' <<<"${want[$c]}" >"$OUT/$c.want"
	diff "$OUT/$c.want" "$OUT/$c.got" >"$OUT/$c.diff" 2>&1
	T_SHOW=$OUT/$c.diff
	check "$c (S$k): commands and replies as the client sent them ($(wc -l <"$OUT/$c.want") records)" \
	    test ! -s "$OUT/$c.diff"
	grep -E "^[^ ]*  S$k#[0-9]+  anomaly  " "$OUT/decoded.txt" |
	    awk -F '  ' '{print $4}' | grep -Ev "$KNOWN_ANOMALIES" >"$OUT/$c.anomalies"
	T_SHOW=$OUT/$c.anomalies
	check "$c (S$k): no anomaly" test ! -s "$OUT/$c.anomalies"
	check "$c (S$k): every step rc=0" \
	    test -z "$(grep -E "^[^ ]*  S$k#[0-9]+  0x" "$OUT/decoded.txt" | grep -v '  rc=0  ')"
done
T_SHOW=
check "fetchmail handed bob's 3 messages to its MDA, each once" \
    test "$(grep -Ec '^Message-ID: <bob-[123]@mailtrace\.test>' "$OUT/fetchmail.mbox")" = 3 \
    -a "$(grep -E '^Message-ID: <bob-[123]@' "$OUT/fetchmail.mbox" | sort -u | wc -l)" = 3
check "show gives back the decoded run" \
    cmp -s "$OUT/decoded.txt" <("$MT" show --db "$OUT/store.db" --run 1)

# Every message sent went to rcpt@: wait (bounded, 30 s) for the three
# deliveries, then fetch and delete them (the mailbox is empty again).
for ((i = 0; i < 300; i++)); do
	[ "$(sent)" -ge $((base + 3)) ] && break
	sleep 0.1
done
check "Postfix delivered the 3 messages" test "$(sent)" = $((base + 3))
check "rcpt's mailbox held them; deleted again" test "$(drain drain)" = 3

# No secret in any output: the password, its base64, the PLAIN and LOGIN
# responses, a CRAM-MD5 response.  The capture itself holds them (plaintext
# logins), the curl config and fetchmail's rc file the password: deleted.
secret=$(cat "$PW")
b64() { printf '%s' "$1" | base64 -w0; }
rm -f "$OUT/curl.cfg" "$FMH/fetchmailrc" "$OUT/cap.pcap"
bad=$(grep -rlaF -e "$secret" -e "$(b64 "$secret")" \
    -e "$(printf '\0rcpt\0%s' "$secret" | base64 -w0)" \
    -e "$(printf '\0bob\0%s' "$secret" | base64 -w0)" "$OUT")
T_SHOW=
check "no password or SASL payload in any output (${bad:-none})" test -z "$bad"
# A CRAM-MD5 response (curl, smtplib, fetchmail) depends on the challenge:
# look for any base64 token that decodes to "user <32 hex>", and for that
# form itself; name the files, not the tokens.
bad=$( (grep -rhoaE '[A-Za-z0-9+/]{40,}={0,2}' "$OUT" | sort -u | while read -r tok; do
	printf '%s' "$tok" | base64 -d 2>/dev/null | grep -aEq '^(bob|rcpt) [0-9a-f]{32}$' &&
	    grep -rlaF -e "$tok" "$OUT"
done
grep -rlaE '(bob|rcpt) [0-9a-f]{32}' "$OUT") | sort -u | paste -sd ' ')
check "no CRAM-MD5 response in any output (${bad:-none})" test -z "$bad"
check "the curl config, fetchmail's rc file and the capture are gone" \
    test ! -e "$OUT/curl.cfg" -a ! -e "$FMH/fetchmailrc" -a ! -e "$OUT/cap.pcap"
t_done
