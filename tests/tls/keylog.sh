#!/usr/bin/env bash
# tests/tls/keylog.sh - the probe's key log (--keylog FILE, SSLKEYLOGFILE):
# NSS key log lines of every TLS session, the file made mode 0600, appended,
# lines whole when four probes write at once, nothing written unless asked,
# bad paths refused; and the lines really decrypt the session: tshark, an
# independent oracle, reads the POP3 commands out of a loopback capture of a
# POP3S session with the key log and none without it.
# SPDX-License-Identifier: BSD-2-Clause
# usage: keylog.sh MAILTRACE FAKESRV LCAP CERTDIR OUTDIR
set -u
MT=$1 FAKE=$2 LCAP=$3 CERTS=$4 OUT=$5/tls-keylog
here=$(cd "$(dirname "$0")" && pwd)
S=$here/../check/scripts
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD SSLKEYLOGFILE
secret=keylog-S3cret-$$
printf '%s\n' "$secret" >"$OUT/pw"
umask 022

# fake N: a POP3S fake server for N sessions; its port in $port.
fake() {
	exec {ffd}< <("$FAKE" --script "$S/pop3-same.script" --implicit-tls \
	    --cert "$CERTS/server.pem" --key "$CERTS/server.key" --connections "$1" \
	    --timeout 60 2>>"$OUT/fake.err"; echo "fakesrv-exit $?")
	read -r -t 10 -u "$ffd" port
}
probe() { "$MT" pop3 --password-file "$OUT/pw" --cafile "$CERTS/ca.pem" "$@" "pop3s://bob@localhost:$port"; }
# TLS 1.3: five secrets a session, each "LABEL <64 hex client random> <hex>".
NSS='^(CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) [0-9a-f]{64} [0-9a-f]{64,96}$'

fake 1
probe --keylog "$OUT/k1.log" >"$OUT/p1.out" 2>&1
check "--keylog: the probe exits 0" test "$?" = 0
T_SHOW=$OUT/k1.log
check "--keylog: the file is mode 0600 (umask 022)" test "$(stat -c %a "$OUT/k1.log")" = 600
check "--keylog: five NSS lines for the session" test "$(grep -cE "$NSS" "$OUT/k1.log")" = 5
check "--keylog: nothing but NSS lines" test "$(wc -l <"$OUT/k1.log")" = 5
check "--keylog: one client random in them" test "$(cut -d' ' -f2 "$OUT/k1.log" | sort -u | wc -l)" = 1

fake 1
SSLKEYLOGFILE=$OUT/env.log probe >"$OUT/p2.out" 2>&1
check "SSLKEYLOGFILE: honoured" test "$(grep -cE "$NSS" "$OUT/env.log" 2>/dev/null)" = 5
fake 1
SSLKEYLOGFILE=$OUT/env2.log probe --keylog "$OUT/k1.log" >"$OUT/p3.out" 2>&1
check "--keylog wins over SSLKEYLOGFILE (which stays unwritten)" test ! -e "$OUT/env2.log"
check "a second session appends (10 lines now)" test "$(grep -cE "$NSS" "$OUT/k1.log")" = 10
fake 1
probe >"$OUT/p4.out" 2>&1
check "without either: no key log anywhere" test -z "$(ls "$OUT" | grep -v -e '^k1.log$' -e '^env.log$' | grep '\.log$')"

# --tls-max 1.2: a TLS 1.2 session, its key log line is CLIENT_RANDOM.
fake 1
probe --tls-max 1.2 --keylog "$OUT/k12.log" >"$OUT/p12.out" 2>&1
check "--tls-max 1.2: exit 0" test "$?" = 0
T_SHOW=$OUT/p12.out
check "--tls-max 1.2: the session was TLS 1.2" has "$OUT/p12.out" '0xAD83  A  rc=0  --  .*tls="TLSv1\.2 '
T_SHOW=$OUT/k12.log
check "--tls-max 1.2: one CLIENT_RANDOM line" test "$(grep -cE '^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$' "$OUT/k12.log")" = 1 -a "$(wc -l <"$OUT/k12.log")" = 1
"$MT" pop3 --password-file "$OUT/pw" --tls-max 1.1 "pop3s://bob@localhost:9" >"$OUT/tlsmax.out" 2>&1
check "--tls-max 1.1: exit 2" test "$?" = 2 -a -n "$(grep 'is not 1.2 or 1.3' "$OUT/tlsmax.out")"

# Four probes at once into one key log: whole lines only.
fake 4
for i in 1 2 3 4; do
	probe --keylog "$OUT/many.log" >"$OUT/many$i.out" 2>&1 &
done
wait
T_SHOW=$OUT/many.log
check "four probes at once: 20 lines, every one whole" \
    test "$(grep -cE "$NSS" "$OUT/many.log")" = 20 -a "$(wc -l <"$OUT/many.log")" = 20
check "four probes at once: four sessions" test "$(cut -d' ' -f2 "$OUT/many.log" | sort -u | wc -l)" = 4

"$MT" pop3 --password-file "$OUT/pw" --keylog "$OUT/no/such/dir/k.log" "pop3s://bob@localhost:9" >"$OUT/bad.out" 2>&1
check "--keylog into a missing directory: exit 2" test "$?" = 2
check "... naming the file" has "$OUT/bad.out" "^mailtrace: key log $OUT/no/such/dir/k.log: No such file or directory$"
"$MT" pop3 --password-file "$OUT/pw" --keylog "$OUT" "pop3s://bob@localhost:9" >"$OUT/dir.out" 2>&1
check "--keylog DIRECTORY: exit 2" test "$?" = 2
SSLKEYLOGFILE=$OUT/no/such/k.log "$MT" pop3 --password-file "$OUT/pw" "pop3s://bob@localhost:9" >"$OUT/badenv.out" 2>&1
check "a bad SSLKEYLOGFILE: exit 2, said so" test "$?" = 2 -a -n "$(grep '(SSLKEYLOGFILE)' "$OUT/badenv.out")"

# The oracle: tshark decrypts a captured session with the key log.
stop=$((20000 + RANDOM % 40000))
fake 1
exec {cfd}< <("$LCAP" -i lo -w "$OUT/cap.pcap" -s "$stop" -t 60 \
    -f "tcp port $port or tcp port $stop" 2>"$OUT/lcap.err"; echo "lcap-exit $?")
read -r -t 30 -u "$cfd" ready
check "the loopback capture started" test "$ready" = ready
probe --keylog "$OUT/cap.log" >"$OUT/cap.out" 2>&1
check "the captured probe exits 0" test "$?" = 0
port13=$port
fake 1
exec {cfd2}< <("$LCAP" -i lo -w "$OUT/cap12.pcap" -s "$((stop + 1))" -t 60 \
    -f "tcp port $port or tcp port $((stop + 1))" 2>"$OUT/lcap12.err"; echo "lcap-exit $?")
read -r -t 30 -u "$cfd2" ready
probe --tls-max 1.2 --keylog "$OUT/cap12.log" >"$OUT/cap12.out" 2>&1
check "the captured TLS 1.2 probe exits 0" test "$?" = 0
(exec 3<>"/dev/tcp/127.0.0.1/$((stop + 1))") 2>/dev/null
while read -r -t 30 -u "$cfd2" l; do :; done
tshark -r "$OUT/cap12.pcap" -o "tls.keylog_file:$OUT/cap12.log" -d "tcp.port==$port,tls" \
    -d "tls.port==$port,pop" -Y pop.request.command -T fields -e pop.request.command \
    >"$OUT/tshark12.out" 2>"$OUT/tshark12.err"
T_SHOW=$OUT/tshark12.out
check "tshark with the TLS 1.2 key log reads the POP3 commands" \
    test "$(tr '\n' ' ' <"$OUT/tshark12.out")" = "CAPA USER PASS STAT QUIT "
port=$port13
(exec 3<>"/dev/tcp/127.0.0.1/$stop") 2>/dev/null
while read -r -t 30 -u "$cfd" l; do :; done
tshark -r "$OUT/cap.pcap" -o "tls.keylog_file:$OUT/cap.log" -d "tcp.port==$port,tls" \
    -d "tls.port==$port,pop" -Y pop.request.command -T fields -e pop.request.command \
    >"$OUT/tshark.out" 2>"$OUT/tshark.err"
T_SHOW=$OUT/tshark.out
check "tshark with the key log reads the POP3 commands (CAPA USER PASS STAT QUIT)" \
    test "$(tr '\n' ' ' <"$OUT/tshark.out")" = "CAPA USER PASS STAT QUIT "
tshark -r "$OUT/cap.pcap" -d "tcp.port==$port,tls" -d "tls.port==$port,pop" \
    -Y pop.request.command -T fields -e pop.request.command >"$OUT/tshark-nokey.out" \
    2>"$OUT/tshark-nokey.err"
T_SHOW=$OUT/tshark-nokey.out
check "tshark without it reads none" test ! -s "$OUT/tshark-nokey.out"
check "no password in any output or key log" \
    test -z "$(grep -rlaF "$secret" "$OUT"/*.out "$OUT"/*.log "$MAILTRACE_DB"* 2>/dev/null)"
# The captures with their key logs decrypt to the test's password: not kept.
rm -f "$OUT/cap.pcap" "$OUT/cap12.pcap" "$OUT"/*.log
t_done
