#!/usr/bin/env bash
# tests/decode/corpus.sh - every capture of ../shared/corpus (third-party
# POP3/SMTP traffic) decodes without a crash, and a few decodes agree with
# what the other tools beside them say.  Skips, saying so, when the corpus
# folder is missing.
# SPDX-License-Identifier: BSD-2-Clause
# usage: corpus.sh MAILTRACE CORPUSDIR OUTDIR
set -u
MT=$1 CORPUS=$2 OUT=$3/decode-corpus
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
if [ ! -d "$CORPUS" ]; then
	echo "skip: the corpus folder $CORPUS is missing; nothing to decode"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db

n=0
while IFS= read -r f; do
	n=$((n + 1))
	rel=${f#"$CORPUS"/}
	name=$(echo "$rel" | tr '/' '_')
	"$MT" decode --level advanced "$f" >"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
	T_SHOW=$OUT/$name.err
	case $rel in
	*smtp-to-comma*)	# damaged upstream after packet 18 (corpus README)
		check "$rel: damaged file: exit 1, says where" test "$rc" = 1 -a -n "$(grep 'packet 19' "$OUT/$name.err")" ;;
	*)
		# A capture that stops with a session open (no FIN or RST):
		# exit 1 and the one line that says so (issue 9 item 28).
		if [ "$rc" = 1 ] && grep -q 'still open at the end of the capture' "$OUT/$name.err"; then
			check "$rel: decodes; a session still open at the end is said (exit 1, one line)" test "$(grep -vc '^mailtrace: not decoded: ' "$OUT/$name.err")" = 1
		else
			check "$rel: decodes (exit 0)" test "$rc" = 0
		fi ;;
	esac
done < <(find "$CORPUS" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
check "the corpus had captures ($n)" test "$n" -gt 30
# What was not decoded is said in one line (issue 9 item 18).
check "pcredz realistic traffic: one line says what was not decoded" \
    has "$OUT/pcredz_realistic_network_traffic.pcap.err" '^mailtrace: not decoded: 10 packets not TCP/IP .*; 7 TCP flows not mail \(server ports 80, 6379, 443, 21, 23\); 1 TLS flow on an unlisted port \(server port 443\)$'


pairs() { awk -F'  ' '$3 ~ /^0xAD/ {print $3, $6}' "$OUT/$1.out"; }
sessions() { grep -o '  S[0-9]*#' "$OUT/$1.out" | sort -u | wc -l; }
# nDPI: EHLO refused, HELO fallback, 30 RCPT TO (corpus README).
check "ndpi smtp: 30 RCPT pairs" test "$(pairs other_ndpi_smtp.pcap | grep -c '^0xAD11 RCPT')" = 30
check "ndpi smtp: EHLO answered 500, then HELO" test -n "$(grep '0xAD11  A  rc=0  EHLO .*opr=500' "$OUT/other_ndpi_smtp.pcap.out")" -a -n "$(grep '0xAD11  A  rc=0  HELO' "$OUT/other_ndpi_smtp.pcap.out")"
check "ndpi pop3: 6 sessions (pcapng under a .pcap name)" test "$(sessions other_ndpi_pop3.pcap)" = 6
check "suricata pop3: 49 TOP n 0 envelope fetches" test "$(pairs other_suricata-verify_pop3_input.pcap | grep -c '^0xAD91 TOP [0-9]* 0')" = 49
check "zeek smtp-many-addresses: 600 RCPT pairs" test "$(pairs zeek_smtp_smtp-many-addresses.pcap | grep -c '^0xAD11 RCPT')" = 600
check "zeek smtp.pcap: AUTH LOGIN as SEND USER / SEND PASS, 235" test -n "$(grep '0xAD13  B  rc=0  SEND PASS  opr=235' "$OUT/zeek_smtp.pcap.out")"
check "zeek pop3: AUTH PLAIN continuation answered by AUTH DATA" test -n "$(grep '0xAD90  B  rc=0  AUTH DATA' "$OUT/zeek_pop3_pop3.pcap.out")"
check "STARTTLS captures: the switch to TLS is recorded" test -n "$(grep 'anomaly  encrypted  STARTTLS' "$OUT/zeek_tls_smtp-starttls.pcap.out")" -a -n "$(grep 'anomaly  encrypted  STLS' "$OUT/zeek_tls_pop3-starttls.pcap.out")"
check "SMTPS (implicit TLS): connection-level records only" test -n "$(grep 'anomaly  encrypted  implicit TLS' "$OUT/other_ndpi_smtps.pcapng.out")"
check "BDAT chunks: no unknown_command from chunk bytes" hasnt "$OUT/zeek_smtp_rfc3030-bdat-multipart-chunked.pcap.out" "unknown_command"
check "redis on 6379 is not mail: no session" test "$(sessions zeek_pop3_redis-50-pings.pcap)" = 0
check "pcredz realistic traffic: the FTP session on port 21 is not mail" test -z "$(grep ' 21 -1 -1' "$OUT/pcredz_realistic_network_traffic.pcap.out")"
check "pcredz realistic traffic: no FTP or web password recorded" \
    test -z "$(grep -rlaF -e 'P@ssw0rd2024' -e 'W!nterIsComing2024' "$OUT"/*.out)"
# No secret of the corpus's AUTH exchanges is recorded (PCredz expects these).
check "no AUTH payload recorded (base64 of user@example.com / emailpass)" \
    test -z "$(grep -rlaF -e 'dXNlckBleGFtcGxlLmNvbQ' -e 'emailpass' "$OUT"/*.out)"
t_done
