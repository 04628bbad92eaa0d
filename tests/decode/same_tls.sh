#!/usr/bin/env bash
# tests/decode/same_tls.sh - "same records" through TLS (issue 12): run the
# probes' TLS sessions against the real Dovecot and Postfix (POP3S; POP3
# with --stls; SMTPS with AUTH LOGIN; submission with --starttls and AUTH
# PLAIN) with --keylog while capturing loopback, decode the capture with
# the key log, and require every session's records to equal the probe's
# under decode.same's rule (event, level, rc, int, opr, opt, reply), and
# the TLS facts the decoder can know (version, cipher, group) to equal the
# probe's on the same records.  The same capture without the key log gives
# the old encrypted records; tshark with the key log is the oracle for the
# decrypted commands.
# Each session twice: TLS 1.3, and TLS 1.2 (--tls-max 1.2).
# SPDX-License-Identifier: BSD-2-Clause
# usage: same_tls.sh MAILTRACE LCAP DOVECOT_WORKDIR POSTFIX_WORKDIR CERTDIR OUTDIR
set -u
MT=$1 LCAP=$2 DWORK=$3 PWORK=$4 CERTS=$5 OUT=$6/decode-same-tls
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$DWORK/env"
. "$PWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD SSLKEYLOGFILE
PW=$DOVECOT_PASSWORD_FILE
P3=$DOVECOT_POP3_PORT P3S=$DOVECOT_POP3S_PORT
SM=$POSTFIX_SMTP_PORT SMS=$POSTFIX_SMTPS_PORT SUB=$POSTFIX_SUBMISSION_PORT
KL=$OUT/keys.log

stop=$((20000 + RANDOM % 40000))
exec {cfd}< <("$LCAP" -i lo -w "$OUT/cap.pcap" -s "$stop" -t 120 \
    -f "tcp port $P3 or tcp port $P3S or tcp port $SM or tcp port $SMS or tcp port $SUB or tcp port $stop" \
    2>"$OUT/lcap.err"; echo "lcap-exit $?")
read -r -t 30 -u "$cfd" ready
check "the loopback capture started" test "$ready" = ready

runs=()
probe() {
	local name=$1
	shift
	"$MT" "$@" --keylog "$KL" --cafile "$CERTS/ca.pem" --level advanced \
	    --format jsonl >"$OUT/$name.jsonl" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
	runs+=("$name")
}
probe pop3s pop3 --password-file "$PW" --uidl --top 1 --retr 1 "pop3s://bob@127.0.0.1:$P3S"
probe pop3-stls pop3 --password-file "$PW" --stls "pop3://bob@127.0.0.1:$P3"
probe smtps-login smtp --password-file "$PW" --auth login --from rcpt@example.test \
    --to "$POSTFIX_RCPT" --helo probe.test "smtps://rcpt@127.0.0.1:$SMS"
probe sub-starttls-plain smtp --password-file "$PW" --auth plain --starttls \
    --from rcpt@example.test --to "$POSTFIX_RCPT" --helo probe.test "smtp://rcpt@127.0.0.1:$SUB"
# The same four over TLS 1.2 (--tls-max 1.2: CLIENT_RANDOM master secrets).
probe pop3s-12 pop3 --tls-max 1.2 --password-file "$PW" --uidl --top 1 --retr 1 "pop3s://bob@127.0.0.1:$P3S"
probe pop3-stls-12 pop3 --tls-max 1.2 --password-file "$PW" --stls "pop3://bob@127.0.0.1:$P3"
probe smtps-login-12 smtp --tls-max 1.2 --password-file "$PW" --auth login --from rcpt@example.test \
    --to "$POSTFIX_RCPT" --helo probe.test "smtps://rcpt@127.0.0.1:$SMS"
probe sub-starttls-plain-12 smtp --tls-max 1.2 --password-file "$PW" --auth plain --starttls \
    --from rcpt@example.test --to "$POSTFIX_RCPT" --helo probe.test "smtp://rcpt@127.0.0.1:$SUB"

(exec 3<>"/dev/tcp/127.0.0.1/$stop") 2>/dev/null
lcap_status=""
while read -r -t 30 -u "$cfd" l; do
	case $l in "lcap-exit "*) lcap_status=${l#lcap-exit } ;; esac
done
check "the capture ended at the stop marker (lcap exit 0)" test "$lcap_status" = 0
for r in "${runs[@]}"; do
	check "$r: the probe exits 0" test "$(cat "$OUT/$r.rc")" = 0
done

ports=(--port "pop3=$P3" --port "pop3s=$P3S" --port "smtp=$SM" --port "smtps=$SMS" --port "smtp=$SUB")
"$MT" decode --level advanced --format jsonl "${ports[@]}" --keylog "$KL" "$OUT/cap.pcap" \
    >"$OUT/decoded.jsonl" 2>"$OUT/decoded.err"
check "decode --keylog exits 0" test $? = 0
"$MT" decode --level advanced --format jsonl "${ports[@]}" "$OUT/cap.pcap" \
    >"$OUT/nokey.jsonl" 2>"$OUT/nokey.err"
check "decode without the key log exits 0" test $? = 0

# The key log inside the capture (a pcapng Decryption Secrets Block, as
# editcap --inject-secrets writes it): the same records, no --keylog.
editcap -F pcapng --inject-secrets "tls,$KL" "$OUT/cap.pcap" "$OUT/dsb.pcapng" 2>"$OUT/editcap.err"
check "editcap made a pcapng with the secrets" test -s "$OUT/dsb.pcapng"
"$MT" decode --level advanced --format jsonl "${ports[@]}" "$OUT/dsb.pcapng" \
    >"$OUT/dsb.jsonl" 2>"$OUT/dsb.err"
check "decode of the pcapng with its DSB exits 0" test $? = 0
# No port named at all: with the key log, TLS on those ports is found by
# its first plaintext lines, and cleartext by its own (sniff.h).
"$MT" decode --level advanced --format jsonl --keylog "$KL" "$OUT/cap.pcap" \
    >"$OUT/unlisted.jsonl" 2>"$OUT/unlisted.err"
check "decode --keylog with no --port exits 0" test $? = 0
dropmeta() { sed 's/"run":[0-9]*,//; s/"time":"[^"]*",//'; }
T_SHOW=$OUT/dsb.diff
diff <(dropmeta <"$OUT/decoded.jsonl") <(dropmeta <"$OUT/dsb.jsonl") >"$OUT/dsb.diff" 2>&1
check "... its records equal those decoded with --keylog" test ! -s "$OUT/dsb.diff"

# decode.same's comparable part, and the TLS facts' version, cipher and group
fields() { rec_fields; }
facts() {
	sed -n 's/^.*\("event":"[^"]*"\).*\("tls_version":"[^"]*","tls_cipher":"[^"]*","tls_group":"[^"]*"\).*/\1 \2/p'
}
for r in "${runs[@]}"; do
	client=$(grep -o '"client":"[^"]\+"' "$OUT/$r.jsonl" | head -1)
	fields <"$OUT/$r.jsonl" | no_timeouts >"$OUT/$r.want"
	grep -F -- "$client" "$OUT/decoded.jsonl" | fields >"$OUT/$r.got"
	T_SHOW=$OUT/$r.diff
	diff "$OUT/$r.want" "$OUT/$r.got" >"$OUT/$r.diff" 2>&1
	check "$r: decrypted, the capture decodes into the probe's own records ($(wc -l <"$OUT/$r.want") records)" \
	    test -s "$OUT/$r.want" -a ! -s "$OUT/$r.diff"
	facts <"$OUT/$r.jsonl" >"$OUT/$r.fwant"
	grep -F -- "$client" "$OUT/decoded.jsonl" | facts >"$OUT/$r.fgot"
	T_SHOW=$OUT/$r.fdiff
	diff "$OUT/$r.fwant" "$OUT/$r.fgot" >"$OUT/$r.fdiff" 2>&1
	check "$r: the TLS facts' version, cipher and group on the probe's record" \
	    test -s "$OUT/$r.fwant" -a ! -s "$OUT/$r.fdiff"
	check "$r: ... the group named ($(grep -o '"tls_group":"[^"]*"' "$OUT/$r.fwant" | head -1))" \
	    hasnt "$OUT/$r.fwant" '"tls_group":""'
	grep -F -- "$client" "$OUT/unlisted.jsonl" | fields >"$OUT/$r.ugot"
	T_SHOW=$OUT/$r.udiff
	diff "$OUT/$r.want" "$OUT/$r.ugot" >"$OUT/$r.udiff" 2>&1
	check "$r: on ports no option names, the same records" \
	    test -s "$OUT/$r.want" -a ! -s "$OUT/$r.udiff"
	grep -F -- "$client" "$OUT/nokey.jsonl" >"$OUT/$r.nokey"
	T_SHOW=$OUT/$r.nokey
	check "$r: without the key log, encrypted as before" \
	    has "$OUT/$r.nokey" '"anomaly":"encrypted"'
	check "$r: ... and no tls_ anomaly" test -z "$(grep '"anomaly":"tls_' "$OUT/$r.nokey")"
done
T_SHOW=$OUT/decoded.jsonl
check "no tls_ anomaly with the key log" test -z "$(grep '"anomaly":"tls_' "$OUT/decoded.jsonl")"
T_SHOW=$OUT/unlisted.err
check "with the key log and no --port, nothing was left undecoded" test ! -s "$OUT/unlisted.err"
check "the -12 runs were TLS 1.2, the others TLS 1.3" \
    test "$(cat "$OUT"/*-12.jsonl | grep -c '"tls_version":"TLSv1.2"')" = 4 \
    -a "$(cat "$OUT"/pop3s.jsonl "$OUT"/pop3-stls.jsonl "$OUT"/smtps-login.jsonl "$OUT"/sub-starttls-plain.jsonl | grep -c '"tls_version":"TLSv1.3"')" = 4
bash "$here/../postfix/settle.sh" "$PWORK" "$DWORK"
check "the messages left Postfix's queue; the mailboxes emptied" test "$?" = 0

# The oracle: tshark's decrypted commands equal the decoder's.
tshark -r "$OUT/cap.pcap" -o "tls.keylog_file:$KL" -d "tcp.port==$P3S,tls" \
    -d "tls.port==$P3S,pop" -Y pop.request.command -T fields -e pop.request.command \
    >"$OUT/tshark-pop3s.out" 2>"$OUT/tshark.err"
# the decoder's commands: the "before" records' first word (not the SASL
# and end-of-data lines, which are no commands to tshark)
cmds() {
	local client
	client=$(grep -o '"client":"[^"]\+"' "$OUT/$1.jsonl" | head -1)
	grep -F -- "$client" "$OUT/decoded.jsonl" |
	    sed -n 's/.*"event":"0xAD\(8E\|8C\|90\|10\|12\)","level":"[AB]","rc":[0-9]*,"int":"\([A-Z]*\).*/\2/p' |
	    grep -v -x -e SEND -e '' | tr '\n' ' '
}
T_SHOW=$OUT/tshark-pop3s.out
check "tshark with the key log: the POP3S commands are the decoder's ($(cmds pop3s)$(cmds pop3s-12))" \
    test "$(tr '\n' ' ' <"$OUT/tshark-pop3s.out")" = "$(cmds pop3s)$(cmds pop3s-12)"
tshark -r "$OUT/cap.pcap" -o "tls.keylog_file:$KL" -d "tcp.port==$SMS,tls" \
    -d "tls.port==$SMS,smtp" -Y smtp.req.command -T fields -e smtp.req.command \
    >"$OUT/tshark-smtps.out" 2>>"$OUT/tshark.err"
T_SHOW=$OUT/tshark-smtps.out
check "tshark with the key log: the SMTPS commands are the decoder's ($(cmds smtps-login)$(cmds smtps-login-12))" \
    test "$(tr '\n' ' ' <"$OUT/tshark-smtps.out")" = "$(cmds smtps-login)$(cmds smtps-login-12)"
secret=$(cat "$PW")
check "the password is in no output" \
    test -z "$(grep -rlaF -e "$secret" "$OUT"/*.jsonl "$OUT"/*.err "$OUT"/*.out "$OUT/store.db" 2>/dev/null)"
# The capture with its key logs decrypts to the password: not kept.
rm -f "$OUT/cap.pcap" "$OUT/dsb.pcapng" "$KL"
t_done
