#!/usr/bin/env bash
# tests/decode/same.sh - the proof of "same records": run the POP3 and SMTP
# probes against the real Dovecot and Postfix while capturing loopback with
# libpcap (tools/lcap), decode the capture, and require every probe
# session's records (event, level, rc, int, opr, opt, reply) to come back
# from the capture.
# SPDX-License-Identifier: BSD-2-Clause
# usage: same.sh MAILTRACE LCAP DOVECOT_WORKDIR POSTFIX_WORKDIR CERTDIR OUTDIR
set -u
MT=$1 LCAP=$2 DWORK=$3 PWORK=$4 CERTS=$5 OUT=$6/decode-same
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$DWORK/env"
. "$PWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD
PW=$DOVECOT_PASSWORD_FILE
P3=$DOVECOT_POP3_PORT
SM=$POSTFIX_SMTP_PORT

# A free port for the stop marker: nothing listens there, nor on the two
# after it (refused connections, decoded as POP3 and SMTP ports).
stop=$((20000 + RANDOM % 40000))
R3=$((stop + 1)) RS=$((stop + 2))
exec {cfd}< <("$LCAP" -i lo -w "$OUT/cap.pcap" -s "$stop" -t 120 \
    -f "tcp port $P3 or tcp port $SM or tcp port $R3 or tcp port $RS" \
    2>"$OUT/lcap.err"; echo "lcap-exit $?")
read -r -t 30 -u "$cfd" ready
check "the loopback capture started" test "$ready" = ready

runs=()
probe() {
	local name=$1
	shift
	"$MT" "$@" --level advanced --format jsonl >"$OUT/$name.jsonl" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
	runs+=("$name")
}
# Refused connections (a SYN answered by RST): the connection fetch fails.
probe pop3-refused pop3 --password-file "$PW" "pop3://bob@127.0.0.1:$R3"
probe smtp-refused smtp --from a@example.test --to "$POSTFIX_RCPT" "smtp://127.0.0.1:$RS"
probe pop3-plain pop3 --password-file "$PW" "pop3://bob@127.0.0.1:$P3"
probe pop3-fetch pop3 --password-file "$PW" --uidl --top 1 --retr all --noop "pop3://bob@127.0.0.1:$P3"
probe pop3-dots pop3 --password-file "$PW" --retr all "pop3://dots@127.0.0.1:$P3"
probe pop3-apop pop3 --password-file "$PW" --auth apop "pop3://bob@127.0.0.1:$P3"
probe pop3-plainsasl pop3 --password-file "$PW" --auth plain --top 0 "pop3://bob@127.0.0.1:$P3"
probe pop3-cram pop3 --password-file "$PW" --auth cram-md5 "pop3://bob@127.0.0.1:$P3"
bash "$here/../dovecot/reset-user.sh" "$DWORK" dele >/dev/null
probe pop3-dele pop3 --password-file "$PW" --rset --dele --retr 2 "pop3://dele@127.0.0.1:$P3"
bash "$here/../dovecot/reset-user.sh" "$DWORK" dele >/dev/null
echo wrong >"$OUT/wrong.pw"
probe pop3-wrong pop3 --password-file "$OUT/wrong.pw" "pop3://bob@127.0.0.1:$P3"
probe pop3-nosuch pop3 --password-file "$PW" --retr 9 "pop3://bob@127.0.0.1:$P3"
probe smtp-plain smtp --from a@example.test --to "$POSTFIX_RCPT" --helo probe.test "smtp://127.0.0.1:$SM"
probe smtp-partial smtp --from a@example.test --to "$POSTFIX_RCPT" --to "$POSTFIX_BAD_RCPT" --helo probe.test "smtp://127.0.0.1:$SM"
probe smtp-allrefused smtp --from a@example.test --to "$POSTFIX_BAD_RCPT" --helo probe.test "smtp://127.0.0.1:$SM"
probe smtp-badsender smtp --from "$POSTFIX_BAD_SENDER" --to "$POSTFIX_RCPT" --helo probe.test "smtp://127.0.0.1:$SM"
for m in plain login cram-md5; do
	probe "smtp-auth-$m" smtp --password-file "$PW" --auth "$m" --from rcpt@example.test \
	    --to "$POSTFIX_RCPT" --helo probe.test "smtp://rcpt@127.0.0.1:$SM"
done
probe smtp-wrongpw smtp --password-file "$OUT/wrong.pw" --from rcpt@example.test \
    --to "$POSTFIX_RCPT" --helo probe.test "smtp://rcpt@127.0.0.1:$SM"

# The stop marker: a SYN to a port nobody listens on.
(exec 3<>"/dev/tcp/127.0.0.1/$stop") 2>/dev/null
lcap_status=""
while read -r -t 30 -u "$cfd" l; do
	case $l in "lcap-exit "*) lcap_status=${l#lcap-exit } ;; esac
done
check "the capture ended at the stop marker (lcap exit 0)" test "$lcap_status" = 0

"$MT" decode --level advanced --format jsonl --port "pop3=$P3" --port "smtp=$SM" \
    --port "pop3=$R3" --port "smtp=$RS" "$OUT/cap.pcap" >"$OUT/decoded.jsonl" 2>"$OUT/decoded.err"
check "decode exits 0" test $? = 0
check "decoded records say source pcap" has "$OUT/decoded.jsonl" '"source":"pcap"'

# The comparable part of a record (tests/lib.sh, rec_fields).
fields() { rec_fields; }
for r in "${runs[@]}"; do
	client=$(grep -o '"client":"[^"]\+"' "$OUT/$r.jsonl" | head -1)
	# a refused connection has no client address: its server port is its own
	[ -n "$client" ] || client=$(grep -o '"server":"[^"]\+"' "$OUT/$r.jsonl" | head -1)
	fields <"$OUT/$r.jsonl" | no_timeouts >"$OUT/$r.want"
	grep -F -- "$client" "$OUT/decoded.jsonl" | fields >"$OUT/$r.got"
	T_SHOW=$OUT/$r.diff
	diff "$OUT/$r.want" "$OUT/$r.got" >"$OUT/$r.diff" 2>&1
	check "$r: the capture decodes into the probe's own records ($(wc -l <"$OUT/$r.want") records)" \
	    test -s "$OUT/$r.want" -a ! -s "$OUT/$r.diff"
done
secret=$(cat "$PW")
check "the password is in no output" test -z "$(grep -rlaF -e "$secret" "$OUT"/*.jsonl "$OUT"/*.err "$OUT/store.db")"
rm -f "$OUT/wrong.pw"
t_done
