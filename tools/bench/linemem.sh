#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# tools/bench/linemem.sh - peak memory of the decoder when many flows are
# each in the middle of a long line (docs/benchmarks.md, "Memory bound").
# Run by hand, never as a test: it reports peak RSS, it checks no clock.
#
#   tools/bench/linemem.sh -B BUILD [--flows N...] [--line BYTES] [--keep]
#
# For each N (default: 1000 3000 6000) it writes with tools/mkpcap a
# capture of N POP3 connections (handshake, greeting, then a client line
# of --line bytes, default 60000, in one segment and without its LF; no
# connection ends, so every line is still held when the input ends),
# decodes it with mailtrace decode (records to /dev/null, a fresh --db)
# under /usr/bin/time -v, and prints N, the capture's size, peak RSS and
# how many lines were given up (anomaly memory_budget_exceeded).
set -u

die() { echo "linemem.sh: $*" >&2; exit 2; }

BUILD=
KEEP=0
LINE=60000
FLOWS="1000 3000 6000"
while [ $# -gt 0 ]; do
	case "$1" in
	-B) BUILD=$2; shift ;;
	--flows) FLOWS=$2; shift ;;
	--line) LINE=$2; shift ;;
	--keep) KEEP=1 ;;
	-h|--help) sed -n '3,15p' "$0"; exit 0 ;;
	*) die "unknown argument $1 (try --help)" ;;
	esac
	shift
done
[ -n "$BUILD" ] || die "-B BUILD is required"
MT=$BUILD/src/cli/mailtrace
MKPCAP=$BUILD/tools/mkpcap
[ -x "$MT" ] && [ -x "$MKPCAP" ] || die "$BUILD: mailtrace or mkpcap not built"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed"
[ "$LINE" -ge 1 ] && [ "$LINE" -le 65000 ] || die "--line: 1 to 65000"
TMP=$(mktemp -d "$BUILD/linemem.XXXXXX") || die "mktemp failed"
[ "$KEEP" = 1 ] || trap 'rm -rf "$TMP"' EXIT

# script N: the mkpcap script of N connections, each left mid-line.
script() {
	awk -v n="$1" -v len="$LINE" 'BEGIN {
		line = "x"
		while (length(line) < len)
			line = line line
		line = substr(line, 1, len)
		for (i = 0; i < n; i++) {
			printf "flow 4 10.%d.%d.%d %d 192.0.2.20 110\n",
			    int(i / 65536) % 256, int(i / 256) % 256, i % 256,
			    1024 + i % 60000
			print "syn"
			print "synack"
			print "ack"
			print "s2c \"+OK ready\\r\\n\""
			print "c2s \"USER " line "\""
		}
	}'
}

printf '%-8s %-10s %-14s %s\n' flows capture "peak RSS" "lines given up"
for n in $FLOWS; do
	script "$n" | "$MKPCAP" -o "$TMP/l$n.pcap" - || die "mkpcap failed"
	/usr/bin/time -v "$MT" decode --db "$TMP/l$n.db" "$TMP/l$n.pcap" \
	    >"$TMP/l$n.txt" 2>"$TMP/l$n.time" ||
	    die "decode of $n flows failed: $(head -3 "$TMP/l$n.time")"
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/l$n.time")
	size=$(du -m "$TMP/l$n.pcap" | cut -f1)
	cut=$(grep -c ' anomaly  memory_budget_exceeded' "$TMP/l$n.txt")
	printf '%-8s %-10s %-14s %s\n' "$n" "${size} MB" \
	    "$((rss / 1024)) MiB" "$cut"
done
