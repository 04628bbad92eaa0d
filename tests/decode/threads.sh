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

# 2. the crafted captures, with their options and key logs
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

# 3. the corpus
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

# 4. the option's bounds
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
