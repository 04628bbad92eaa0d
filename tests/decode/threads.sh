#!/usr/bin/env bash
# tests/decode/threads.sh - decode --threads N gives what one thread gives
# (issue 15): the same stdout byte for byte, the same stderr and exit
# status, and the same store (show --format jsonl of the run: records,
# session numbers, order), with 1, 2 and 3 threads, on gencap's normal and
# lossy captures (small: the test is quick), on every crafted capture of
# tests/decode/cases (their options and key logs, TLS decrypted) and on
# the third-party corpus; the gencap captures also in text and prf, and
# at the standard level.  Then --threads 0 and 65 are usage errors.
# SPDX-License-Identifier: BSD-2-Clause
# usage: threads.sh MAILTRACE MKPCAP GENCAP CASESDIR CORPUS OUTDIR
set -u
MT=$1 MKPCAP=$2 GENCAP=$3 CASES=$4 CORPUS=$5 OUT=$6/decode-threads
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD MAILTRACE_DB

# same NAME INPUT OPTS...: decode INPUT with 1, 2 and 3 threads; every
# run's stdout, stderr, exit status and stored run must be the first's.
same() {
	local name=$1 in=$2 t d
	shift 2
	d=$OUT/$name
	mkdir -p "$d"
	for t in 1 2 3; do
		rm -f "$d/$t.db"*
		"$MT" decode --threads "$t" --db "$d/$t.db" "$@" "$in" \
		    >"$d/$t.raw" 2>"$d/$t.err"
		echo $? >"$d/$t.rc"
		# prf names the process: its pid is the run's own
		if [ "$(head -c 4 "$d/$t.raw")" = "PRF," ]; then
			pid=$(sed -n '2s/^[A-Za-z]*,\([0-9]*\),.*/\1/p' "$d/$t.raw")
			sed "s/,$pid,/,PID,/g" "$d/$t.raw" >"$d/$t.out"
		else
			mv "$d/$t.raw" "$d/$t.out"
		fi
		if [ -f "$d/$t.db" ]; then
			"$MT" show --db "$d/$t.db" --format jsonl >"$d/$t.show" \
			    2>&1
		else
			echo "no store" >"$d/$t.show"
		fi
	done
	for t in 2 3; do
		for k in out err rc show; do
			T_SHOW=$d/$t.$k
			check "$name: --threads $t: $k as with one thread" \
			    cmp -s "$d/1.$k" "$d/$t.$k"
		done
	done
	T_SHOW=$d/1.err
}

# 1. gencap: the benchmark's captures, small; many flows at once
for v in normal lossy; do
	lossy=
	[ $v = lossy ] && lossy=--lossy
	"$GENCAP" --flows 150 --concurrent 100 --seed 7 $lossy \
	    -o "$OUT/$v.pcap" --truth "$OUT/$v.truth" 2>"$OUT/$v.gen"
	T_SHOW=$OUT/$v.gen
	check "gencap $v capture written" test -s "$OUT/$v.pcap"
	same "gencap-$v-jsonl" "$OUT/$v.pcap" --level advanced --format jsonl
	check "gencap-$v: records made" test "$(wc -l <"$OUT/gencap-$v-jsonl/1.out")" -gt 1000
	check "gencap-$v: many sessions" test "$(grep -c '"seq":1,' "$OUT/gencap-$v-jsonl/1.out")" -gt 50
	same "gencap-$v-prf" "$OUT/$v.pcap" --level advanced --format prf
	same "gencap-$v-standard" "$OUT/$v.pcap" --format jsonl
done
# two inputs in one run: the second's records after the first's end
same "gencap-two-inputs" "$OUT/normal.pcap" --level advanced --format jsonl \
    "$OUT/lossy.pcap"

# 2. what orders records across the threads' shares: eight sessions
# interleaved, all evicted idle at one later packet (their order: the idle
# list's, by their last segments), flows not mail on several ports (the
# skipped ports' order: first seen first), sessions still open at the end
# (their order: creation), a refused connection
{
	for i in 1 2 3 4 5 6 7 8; do
		echo "flow 4 192.0.2.$((10 + i)) $((40000 + i)) 192.0.2.20 110"
		echo syn; echo synack; echo ack
		echo 's2c "+OK ready\r\n"'
	done
	for i in 3 1 4 8 5 2 7 6; do
		echo "flow 4 192.0.2.$((10 + i)) $((40000 + i)) 192.0.2.20 110"
		echo 'c2s "USER u'"$i"'\r\n"'
		echo 's2c "+OK\r\n"'
	done
	for i in 1 2 3 4 5 6; do
		echo "flow 4 192.0.2.$((30 + i)) $((41000 + i)) 192.0.2.40 $((8000 + i % 4))"
		echo syn; echo synack; echo ack
		echo 'c2s "GET / HTTP/1.0\r\n\r\n"'
		echo 's2c "HTTP/1.0 200 OK\r\n\r\n"'
	done
	echo "time +301000000"
	for i in 1 2 3 4 5 6; do
		echo "flow 4 192.0.2.$((50 + i)) $((42000 + i)) 192.0.2.25 25"
		echo syn; echo synack; echo ack
		echo 's2c "220 mx ESMTP\r\n"'
	done
	echo "flow 4 192.0.2.60 43000 192.0.2.20 110"
	echo syn; echo rst-s2c
	for i in 6 2 4 1 5 3; do
		echo "flow 4 192.0.2.$((50 + i)) $((42000 + i)) 192.0.2.25 25"
		echo 'c2s "EHLO c'"$i"'\r\n"'
		echo 's2c "250 mx\r\n"'
	done
} >"$OUT/order.mk"
"$MKPCAP" -o "$OUT/order.pcap" "$OUT/order.mk" 2>"$OUT/order.mkpcap"
T_SHOW=$OUT/order.mkpcap
check "order capture made" test -s "$OUT/order.pcap"
same order "$OUT/order.pcap" --level advanced --format jsonl
T_SHOW=$OUT/order/1.out
tear=$(grep '"event":"0xAD89"' "$OUT/order/1.out" | grep -o '"session":[0-9]*' |
    tr -dc '0-9\n' | tr '\n' ' ')
check "order: the idle sessions end at one packet, in the idle list's order, then the refused one ($tear)" \
    test "$tear" = "3 1 4 8 5 2 7 6 15 "
check "order: 6 sessions still open at the end" count "$OUT/order/1.out" 'capture_ended_mid_connection' 6
check "order: the flows not mail are said with their ports, first seen first" has "$OUT/order/1.err" 'TCP flows not mail \(server ports 8001, 8002, 8003, 8000\)'

# 3. the crafted captures, with their options and key logs
n=0
for c in "$CASES"/*.mk; do
	name=$(basename "$c" .mk)
	args=$(sed -n 's/^# args: *//p' "$c" | head -1)
	keylog=$(sed -n 's/^# keylog: *//p' "$c" | head -1)
	input=$(sed -n 's/^# input: *//p' "$c" | head -1)
	cut=$(sed -n 's/^# cut: *//p' "$c" | head -1)
	p=$OUT/case-$name.pcap
	if [ "$input" = script ]; then
		cp "$c" "$p"
	else
		"$MKPCAP" -o "$p" ${keylog:+-k "$OUT/case-$name.keys"} - <"$c" \
		    2>"$OUT/case-$name.mkpcap" || {
			T_SHOW=$OUT/case-$name.mkpcap
			check "case $name: capture made" false
			continue
		}
		[ -n "$cut" ] && truncate -s $(($(stat -c %s "$p") - cut)) "$p"
	fi
	kl=()
	[ "$keylog" = yes ] && kl=(--keylog "$OUT/case-$name.keys")
	# shellcheck disable=SC2086
	same "case-$name" "$p" --level advanced --format jsonl $args "${kl[@]}"
	n=$((n + 1))
done
check "crafted captures decoded: $n" test "$n" -gt 50

# 4. the corpus
if [ -d "$CORPUS" ]; then
	m=0
	while IFS= read -r f; do
		name=corpus-$(echo "${f#"$CORPUS"/}" | tr '/' '_')
		same "$name" "$f" --level advanced --format jsonl
		m=$((m + 1))
	done < <(find "$CORPUS" -type f \( -name '*.pcap' -o -name '*.pcapng' \
	    -o -name '*.cap' \) | sort)
	check "corpus captures decoded: $m" test "$m" -gt 0
fi

# 5. the option's bounds
for t in 0 65 x; do
	"$MT" decode --threads $t "$OUT/normal.pcap" >"$OUT/bad.out" \
	    2>"$OUT/bad.err"
	rc=$?
	T_SHOW=$OUT/bad.err
	check "--threads $t: usage error (exit 2, said)" test "$rc" = 2 -a \
	    -n "$(grep -- '--threads' "$OUT/bad.err")" -a ! -s "$OUT/bad.out"
done
"$MT" decode --help >"$OUT/help.out"
T_SHOW=$OUT/help.out
check "--help names --threads" has "$OUT/help.out" '--threads N'

echo "$t_pass passed, $t_fail failed"
[ "$t_fail" = 0 ]
