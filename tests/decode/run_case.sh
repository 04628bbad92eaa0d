#!/usr/bin/env bash
# tests/decode/run_case.sh - one crafted-capture case of the decoder: build
# the capture from CASE (a tools/mkpcap script, docs/capture.md), decode it
# with `mailtrace decode --level advanced`, render the text output
# canonically (time column and +NNNus elapsed dropped) and compare it with
# the case's .rec file; then check that `mailtrace show` gives back the same
# output, that its JSONL output is records only (tests/jsonl_check.py), and
# decode the same capture cut to a small snap length (must not crash; with
# "# snap: N gaps" it must report gaps).
# SPDX-License-Identifier: BSD-2-Clause
# usage: run_case.sh MAILTRACE MKPCAP OUTDIR CASE.mk
#
# Directives: comment lines "# KEY: VALUE" in the .mk file:
#   args: OPTS      extra decode options (word-split; no quoting)
#   exit: N         expected exit status (default 0)
#   stderr: REGEX   stderr must match (default: stderr must be empty)
#   cut: N          drop the last N bytes of the capture (a file cut short)
#   input: script   decode the .mk file itself (not a capture)
#   snap: N [gaps]  the snapped run uses snap length N (default 72); with
#                   "gaps" it must report the cut payload as gap anomalies
#   absent: TEXT    TEXT (fixed string) in no output (secrets); repeatable
#   partial: yes    with exit 2: records were made before the input was
#                   refused; they are kept (show gives them back)
#   has: REGEX      a line of the text output matches, time column and
#                   elapsed included (what the .rec leaves out); repeatable
#   keylog: yes     the capture's TLS keys (mkpcap -k, made with it: a TLS
#                   capture is new each time) go to decode --keylog
# The test never writes the .rec file: tests/decode/regen.sh does.
set -u
MT=$1 MKPCAP=$2 OUT=$3 CASE=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
name=$(basename "$CASE" .mk)
dir=$(cd "$(dirname "$CASE")" && pwd)
O=$OUT/$name
rm -rf "$O"
mkdir -p "$O"
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD

directive() { sed -n "s/^# $1: *//p" "$CASE"; }
args=$(directive args | head -1)
want_exit=$(directive exit | head -1)
want_exit=${want_exit:-0}
want_err=$(directive stderr | head -1)
cut=$(directive cut | head -1)
input=$(directive input | head -1)
snap=$(directive snap | head -1)
partial=$(directive partial | head -1)
keylog=$(directive keylog | head -1)
# kl VARIANT: the decode option of the variant's key log, if the case has one
kl() { [ "$keylog" = yes ] && printf '%s\n' "--keylog" "$O/$1.keys"; }
snap_gaps=
case $snap in *" gaps") snap_gaps=1 snap=${snap% gaps} ;; esac

# canon < text > canonical: no header line, no time column, no +NNNus; a
# TLS client random (new in every TLS capture mkpcap makes) as <random>, and
# the TLS handshake's and connect's times (their packet counts vary with the
# handshake's size) as +<us>.
canon() {
	sed -E -e 's/client random [0-9a-f]{64}/client random <random>/' \
	    -e 's/  (handshake|connect)=\+[0-9]+us/  \1=+<us>/g' | awk -F '  ' '
	/^#/ { next }
	{
		out = $2
		for (i = 3; i <= NF; i++) {
			if ($3 != "anomaly" && i >= 6 && $i ~ /^\+-?[0-9]+us$/)
				continue
			out = out "  " $i
		}
		print out
	}'
}

# build VARIANT [SNAPLEN]: the capture for this case.
build() {
	local v=$1 sl=${2:-}
	if [ "$input" = script ]; then
		cp "$CASE" "$O/$v.pcap"
		return 0
	fi
	rm -f "$O/$v.keys"
	{ [ -n "$sl" ] && echo "snaplen $sl"; cat "$CASE"; } |
	    "$MKPCAP" -o "$O/$v.pcap" ${keylog:+-k "$O/$v.keys"} - \
	    2>"$O/$v.mkpcap.err" || return 1
	if [ -n "$cut" ]; then
		local size
		size=$(stat -c %s "$O/$v.pcap")
		truncate -s $((size - cut)) "$O/$v.pcap"
	fi
}

# decode VARIANT: text output, stderr, exit status; then show it back.
decode() {
	local v=$1
	# shellcheck disable=SC2086
	"$MT" decode --db "$O/$v.db" --level advanced $args $(kl "$v") "$O/$v.pcap" \
	    >"$O/$v.txt" 2>"$O/$v.err"
	echo $? >"$O/$v.rc"
	canon <"$O/$v.txt" >"$O/$v.got"
	if [ -f "$O/$v.db" ]; then
		"$MT" show --db "$O/$v.db" >"$O/$v.show" 2>"$O/$v.show.err"
	fi
}

check "$name: mkpcap builds the capture" build full
decode full
cp "$O/full.got" "$O/$name.got"
T_SHOW=$O/full.err
check "$name: decode exits $want_exit" test "$(cat "$O/full.rc")" = "$want_exit"
if [ -n "$want_err" ]; then
	check "$name: stderr matches /$want_err/" has "$O/full.err" "$want_err"
	check "$name: stderr is one line" test "$(wc -l <"$O/full.err")" = 1
else
	check "$name: stderr is empty" test ! -s "$O/full.err"
fi
T_SHOW=$O/full.txt
check "$name: no elapsed time is negative" hasnt "$O/full.txt" '  \+-[0-9]+us'
T_SHOW=$O/full.diff
if [ -f "$dir/$name.rec" ]; then
	diff -u "$dir/$name.rec" "$O/full.got" >"$O/full.diff" 2>&1
	check "$name: the records are exactly $name.rec" test ! -s "$O/full.diff"
else
	ok 1 "$name: $name.rec exists (tests/decode/regen.sh writes it)"
fi
if [ "$want_exit" != 2 ] || [ "$partial" = yes ]; then
	T_SHOW=$O/show.diff
	diff "$O/full.txt" "$O/full.show" >"$O/show.diff" 2>&1
	check "$name: show gives back the same output" test ! -s "$O/show.diff"
else
	check "$name: no output and no run stored" test ! -s "$O/full.txt"
fi
# The decoder's JSONL: every line a record with the documented keys.
# shellcheck disable=SC2086
"$MT" decode --db "$O/jsonl.db" --level advanced --format jsonl $args $(kl full) \
    "$O/full.pcap" >"$O/full.jsonl" 2>/dev/null
python3 "$here/../jsonl_check.py" "$O/full.jsonl" 2>"$O/jsonl.check"
ok $? "$name: every jsonl line is a record with the documented keys" "$O/jsonl.check"

# The same capture cut to a small snap length.
if [ "$input" != script ]; then
	sl=${snap:-72}
	T_SHOW=$O/snap.err
	check "$name: mkpcap builds the capture at snap length $sl" build snap "$sl"
	decode snap
	src=$(cat "$O/snap.rc")
	check "$name: snap $sl: decode does not crash (exit $src)" test "$src" -le 2
	check "$name: snap $sl: exit status as unsnapped ($want_exit)" test "$src" = "$want_exit"
	if [ -n "$snap_gaps" ]; then
		T_SHOW=$O/snap.txt
		check "$name: snap $sl: the cut payload is reported as gaps" has "$O/snap.txt" ' anomaly  gap  '
	fi
	if [ "$src" != 2 ] || [ "$partial" = yes ]; then
		diff "$O/snap.txt" "$O/snap.show" >"$O/snap.showdiff" 2>&1
		T_SHOW=$O/snap.showdiff
		check "$name: snap $sl: show gives back the same output" test ! -s "$O/snap.showdiff"
	fi
fi
while IFS= read -r want; do
	[ -n "$want" ] || continue
	T_SHOW=$O/full.txt
	check "$name: the output matches /$want/" has "$O/full.txt" "$want"
done < <(directive has)
while IFS= read -r secret; do
	[ -n "$secret" ] || continue
	check "$name: \"${secret:0:2}...\" is in no output" \
	    test -z "$(grep -rlaF -e "$secret" "$O"/{full,snap}.{txt,err,show,db,got} 2>/dev/null)"
done < <(directive absent)
t_done
