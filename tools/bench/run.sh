#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# tools/bench/run.sh - the decoder benchmark (docs/benchmarks.md).  Run by
# hand, never as a test: speed and memory are reported as ratios measured
# side by side in one run, not checked against a clock.
#
#   tools/bench/run.sh -B BUILD [--keep] [--reps N] [--size MB]
#                      [--small MB] [--concurrent K] [--seed S]
#                      [--threads N] [--no-tshark] [--no-callgrind]
#
# BUILD is a configured and built tree (cmake -S . -B BUILD
# -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build BUILD).  The script:
#  1. writes with gencap a normal and a lossy capture of --size MB (default
#     300; same seed, so the same sessions and ground truth), a --small MB
#     one (default 60) and a 10 MB one, into a temporary directory of BUILD
#     (removed at the end unless --keep);
#  2. reads each file once to have it in the page cache, then for the normal
#     and the lossy capture runs, --reps times (default 3) in alternation,
#     the bare libpcap loop (tools/bench/bare.c; also, for comparison only,
#     with the decoder's 256 KiB read buffer: bare --bufsize), the decoder
#     (mailtrace decode --level advanced --format jsonl, records stored in a
#     fresh --db) with --threads 1 and with --threads N (--threads, default
#     nproc), and tshark (-Y 'pop || smtp' -T fields -e frame.number),
#     measuring wall time (date +%s%N around the command) and peak RSS
#     (/usr/bin/time -v);
#  3. checks every decoder output against the ground truth (truthcheck),
#     and that N threads wrote what one did (output and store);
#  4. runs the decoder --reps times on the small capture (peak RSS must not
#     grow with the capture's size);
#  5. counts instructions of the decoder (--threads 1) and of bare on the
#     10 MB capture with valgrind --tool=callgrind (a repeatable second
#     figure) and keeps the decoder's top functions;
#  6. prints a summary, also written to BUILD/bench-results.txt.
# Requirements checked: decoder throughput at N threads >= 0.60 x bare,
# decoder peak RSS < 64 MiB and not growing with size, 100% of the ground
# truth in both variants, N threads' output and store identical to one
# thread's.  Exit 0 when all are met, 1 when one is not, 2 on errors.
set -u

die() { echo "run.sh: $*" >&2; exit 2; }

BUILD=
KEEP=0
REPS=3
SIZE=300
SMALL=60
CONC=400
SEED=1
TSHARK=1
CALLGRIND=1
NT=$(nproc)
while [ $# -gt 0 ]; do
	case "$1" in
	-B) BUILD=$2; shift ;;
	--keep) KEEP=1 ;;
	--reps) REPS=$2; shift ;;
	--size) SIZE=$2; shift ;;
	--small) SMALL=$2; shift ;;
	--concurrent) CONC=$2; shift ;;
	--seed) SEED=$2; shift ;;
	--threads) NT=$2; shift ;;
	--no-tshark) TSHARK=0 ;;
	--no-callgrind) CALLGRIND=0 ;;
	-h|--help) sed -n '3,30p' "$0"; exit 0 ;;
	*) die "unknown argument $1 (try --help)" ;;
	esac
	shift
done
[ -n "$BUILD" ] || die "give the build tree: -B BUILD"
BUILD=$(cd "$BUILD" && pwd) || die "no build tree $BUILD"
MT=$BUILD/src/cli/mailtrace
GENCAP=$BUILD/tools/gencap
BARE=$BUILD/tools/bare
TRUTHCHECK=$BUILD/tools/truthcheck
for b in "$MT" "$GENCAP" "$BARE" "$TRUTHCHECK"; do
	[ -x "$b" ] || die "$b is not built (cmake --build $BUILD)"
done

# /usr/bin/time (package time); tshark installed non-interactively.
if [ ! -x /usr/bin/time ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y time >/dev/null ||
	    die "cannot install time"
fi
if [ "$TSHARK" = 1 ] && ! command -v tshark >/dev/null; then
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
	    debconf-set-selections
	DEBIAN_FRONTEND=noninteractive apt-get install -y tshark >/dev/null ||
	    die "cannot install tshark (or use --no-tshark)"
fi
if [ "$CALLGRIND" = 1 ] && ! command -v valgrind >/dev/null; then
	die "valgrind is missing (or use --no-callgrind)"
fi

T=$(mktemp -d "$BUILD/bench.XXXXXX") || die "cannot make a temp dir"
cleanup() { [ "$KEEP" = 1 ] && echo "kept $T" >&2 || rm -rf "$T"; }
trap cleanup EXIT
OUT=$BUILD/bench-results.txt
: > "$T/summary"
say() { echo "$*" | tee -a "$T/summary"; }

# run NAME OUT ERR CMD... : the command's stdout to OUT, stderr to ERR;
# wall seconds (date +%s%N around it) in $T/wall, peak RSS KB (from
# /usr/bin/time -v) in $T/rss.
run() {
	local name=$1 out=$2 err=$3 t0 t1 rc
	shift 3
	t0=$(date +%s%N)
	/usr/bin/time -v -o "$T/time.$name" "$@" > "$out" 2> "$err"
	rc=$?
	t1=$(date +%s%N)
	[ $rc -le 1 ] || echo "run.sh: $name failed ($rc): $*" >&2
	awk '/Maximum resident set size/ { print $NF }' "$T/time.$name" \
	    > "$T/rss"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }' \
	    > "$T/wall"
}

med() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
maxof() { sort -g | tail -1; }

say "# mailtrace decoder benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
say "libpcap: $(pkg-config --modversion libpcap 2>/dev/null || echo ?), tshark: $( [ "$TSHARK" = 1 ] && tshark --version 2>/dev/null | head -1 || echo skipped)"
say "build: $BUILD ($(awk -F= '/^CMAKE_BUILD_TYPE/ { print $2 }' "$BUILD/CMakeCache.txt")); decoder at --threads 1 and --threads $NT"

# 1. captures
gen() {	# NAME MB [--lossy]
	local name=$1 mb=$2
	shift 2
	"$GENCAP" --size "$mb" --concurrent "$CONC" --seed "$SEED" "$@" \
	    -o "$T/$name.pcap" --truth "$T/$name.truth" 2> "$T/$name.gen" ||
	    die "gencap $name failed: $(cat "$T/$name.gen")"
	say "capture $name: $(cat "$T/$name.gen")"
}
g0=$(date +%s%N)
gen normal "$SIZE"
g1=$(date +%s%N)
gen lossy "$SIZE" --lossy
gen small "$SMALL"
gen cg 10
say "gencap wrote the $SIZE MB normal capture in $(awk -v a="$g0" -v b="$g1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }') s"
cmp -s "$T/normal.truth" "$T/lossy.truth" &&
    say "ground truth: identical for normal and lossy ($(wc -l < "$T/normal.truth") steps)"
cat "$T"/*.pcap > /dev/null	# into the page cache: the runs read from memory

# 2. + 3. side by side
fail=0
for v in normal lossy; do
	f=$T/$v.pcap
	mb=$(stat -c %s "$f" | awk '{ printf "%.2f", $1 / 1e6 }')
	: > "$T/$v.bare.t"; : > "$T/$v.dec.t"; : > "$T/$v.tsh.t"
	: > "$T/$v.bare.m"; : > "$T/$v.dec.m"; : > "$T/$v.tsh.m"
	: > "$T/$v.ratio"; : > "$T/$v.bbuf.t"; : > "$T/$v.ratio.bbuf"
	: > "$T/$v.dec1.t"; : > "$T/$v.dec1.m"; : > "$T/$v.ratio1"
	for r in $(seq 1 "$REPS"); do
		run bare "$T/$v.bare.out" "$T/$v.bare.err" "$BARE" "$f"
		tb=$(cat "$T/wall")
		echo "$tb" >> "$T/$v.bare.t"; cat "$T/rss" >> "$T/$v.bare.m"
		# one thread, then N, on the same file, one after the other
		rm -f "$T/$v.db1" "$T/$v.db1-wal" "$T/$v.db1-shm"
		run dec1 "$T/$v.$r.t1.jsonl" "$T/$v.dec1.err" "$MT" decode \
		    --threads 1 --level advanced --format jsonl \
		    --db "$T/$v.db1" "$f"
		td1=$(cat "$T/wall")
		echo "$td1" >> "$T/$v.dec1.t"; cat "$T/rss" >> "$T/$v.dec1.m"
		awk -v b="$tb" -v d="$td1" 'BEGIN { printf "%.4f\n", b / d }' \
		    >> "$T/$v.ratio1"
		rm -f "$T/$v.db" "$T/$v.db-wal" "$T/$v.db-shm"
		run dec "$T/$v.$r.jsonl" "$T/$v.dec.err" "$MT" decode \
		    --threads "$NT" --level advanced --format jsonl \
		    --db "$T/$v.db" "$f"
		td=$(cat "$T/wall")
		echo "$td" >> "$T/$v.dec.t"; cat "$T/rss" >> "$T/$v.dec.m"
		awk -v b="$tb" -v d="$td" 'BEGIN { printf "%.4f\n", b / d }' \
		    >> "$T/$v.ratio"
		# beside it, the bare loop with the decoder's read buffer
		run bbuf "$T/$v.bbuf.out" "$T/$v.bbuf.err" "$BARE" \
		    --bufsize 262144 "$f"
		tbb=$(cat "$T/wall")
		echo "$tbb" >> "$T/$v.bbuf.t"
		awk -v b="$tbb" -v d="$td" 'BEGIN { printf "%.4f\n", b / d }' \
		    >> "$T/$v.ratio.bbuf"
		if [ "$TSHARK" = 1 ]; then
			run tshark /dev/null "$T/$v.tsh.err" tshark -r "$f" \
			    -Y 'pop || smtp' -T fields -e frame.number
			tt=$(cat "$T/wall")
			echo "$tt" >> "$T/$v.tsh.t"
			cat "$T/rss" >> "$T/$v.tsh.m"
		fi
		if [ "$r" = 1 ]; then
			"$MT" show --db "$T/$v.db1" --format jsonl > "$T/$v.show1"
			"$MT" show --db "$T/$v.db" --format jsonl > "$T/$v.showN"
			if cmp -s "$T/$v.1.t1.jsonl" "$T/$v.1.jsonl" &&
			    cmp -s "$T/$v.show1" "$T/$v.showN"; then
				same=met
			else
				same="NOT met"; fail=1
			fi
			say "$v: $NT threads' output and store identical to one thread's: $same"
			rm -f "$T/$v.show1" "$T/$v.showN"
		fi
		rm -f "$T/$v.$r.t1.jsonl"
		say "$v rep $r: bare ${tb}s, decoder --threads 1 ${td1}s, --threads $NT ${td}s, bare with a 256 KiB buffer ${tbb}s$( [ "$TSHARK" = 1 ] && echo ", tshark ${tt}s")"
	done
	say "$v: bare read $(cat "$T/$v.bare.out")"
	bt=$(med < "$T/$v.bare.t"); dt=$(med < "$T/$v.dec.t")
	ratio=$(med < "$T/$v.ratio")
	dt1=$(med < "$T/$v.dec1.t"); ratio1=$(med < "$T/$v.ratio1")
	say "$v ($mb MB): bare median ${bt}s = $(awk -v m="$mb" -v t="$bt" 'BEGIN { printf "%.0f", m / t }') MB/s, peak RSS $(maxof < "$T/$v.bare.m") KB"
	say "$v ($mb MB): decoder --threads 1 median ${dt1}s = $(awk -v m="$mb" -v t="$dt1" 'BEGIN { printf "%.0f", m / t }') MB/s, peak RSS $(maxof < "$T/$v.dec1.m") KB"
	say "$v ($mb MB): decoder --threads $NT median ${dt}s = $(awk -v m="$mb" -v t="$dt" 'BEGIN { printf "%.0f", m / t }') MB/s, peak RSS $(maxof < "$T/$v.dec.m") KB, records $(wc -l < "$T/$v.1.jsonl")"
	say "$v: throughput decoder/bare at --threads 1, median of the $REPS paired runs: $ratio1; per run: $(tr '\n' ' ' < "$T/$v.ratio1")"
	say "$v: speed of --threads $NT relative to --threads 1 (median wall times, 1 thread / $NT): $(awk -v a="$dt1" -v b="$dt" 'BEGIN { printf "%.3f", a / b }')x"
	if [ "$TSHARK" = 1 ]; then
		tt=$(med < "$T/$v.tsh.t")
		say "$v ($mb MB): tshark median ${tt}s = $(awk -v m="$mb" -v t="$tt" 'BEGIN { printf "%.1f", m / t }') MB/s, peak RSS $(maxof < "$T/$v.tsh.m") KB (reference)"
	fi
	ok=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.60) ? "met" : "NOT met" }')
	say "$v: throughput decoder/bare at --threads $NT, median of the $REPS paired runs: $ratio (>= 0.60: $ok); per run: $(tr '\n' ' ' < "$T/$v.ratio")"
	[ "$ok" = met ] || fail=1
	say "$v: for comparison (not the requirement): bare with the decoder's 256 KiB read buffer, median $(med < "$T/$v.bbuf.t")s; decoder/that, median $(med < "$T/$v.ratio.bbuf")"
	rss=$(maxof < "$T/$v.dec.m")
	ok=$(awk -v r="$rss" 'BEGIN { print (r < 65536) ? "met" : "NOT met" }')
	say "$v: decoder peak RSS $rss KB = $(awk -v r="$rss" 'BEGIN { printf "%.1f", r / 1024 }') MiB (< 64 MiB: $ok)"
	[ "$ok" = met ] || fail=1
	for r in $(seq 1 "$REPS"); do
		"$TRUTHCHECK" "$T/$v.truth" "$T/$v.$r.jsonl" 20 \
		    > "$T/$v.$r.truthcheck"
		trc=$?
		[ $trc = 0 ] || fail=1
		[ "$r" = 1 ] && { sed 's/^/  /' "$T/$v.$r.truthcheck" | \
		    tee -a "$T/summary"; }
		[ "$r" != 1 ] && [ $trc != 0 ] && say "  rep $r: $(tail -1 "$T/$v.$r.truthcheck")"
	done
	say "$v: ground truth 100% found: $( [ "$(tail -1 "$T/$v.1.truthcheck" | awk '{ print $3 == $5 }')" = 1 ] && echo met || echo "NOT met")"
	rm -f "$T/$v".[2-9]*.jsonl
done

# 4. size does not change the peak RSS
: > "$T/small.m"
for r in $(seq 1 "$REPS"); do
	rm -f "$T/small.db"*
	run dec /dev/null "$T/small.err" "$MT" decode --threads "$NT" \
	    --level advanced --format jsonl --db "$T/small.db" "$T/small.pcap"
	cat "$T/rss" >> "$T/small.m"
done
rs=$(maxof < "$T/small.m"); rn=$(maxof < "$T/normal.dec.m")
say "peak RSS by size: $(stat -c %s "$T/small.pcap" | awk '{ printf "%.0f", $1 / 1e6 }') MB: $rs KB; $(stat -c %s "$T/normal.pcap" | awk '{ printf "%.0f", $1 / 1e6 }') MB: $rn KB; growth $(awk -v a="$rs" -v b="$rn" 'BEGIN { printf "%+.1f%%", 100 * (b - a) / a }') ($(awk -v a="$rs" -v b="$rn" 'BEGIN { print (b <= a * 1.10) ? "does not grow: met" : "GROWS: NOT met" }'))"
awk -v a="$rs" -v b="$rn" 'BEGIN { exit !(b <= a * 1.10) }' || fail=1

# 5. instruction counts
if [ "$CALLGRIND" = 1 ]; then
	rm -f "$T/cg.db"*
	valgrind --tool=callgrind --callgrind-out-file="$T/cg.dec" "$MT" \
	    decode --threads 1 --level advanced --format jsonl --db "$T/cg.db" \
	    "$T/cg.pcap" > /dev/null 2> "$T/cg.dec.err"
	valgrind --tool=callgrind --callgrind-out-file="$T/cg.bare" "$BARE" \
	    "$T/cg.pcap" > /dev/null 2> "$T/cg.bare.err"
	id=$(awk '/Collected/ { print $NF }' "$T/cg.dec.err")
	ib=$(awk '/Collected/ { print $NF }' "$T/cg.bare.err")
	say "callgrind, $(stat -c %s "$T/cg.pcap" | awk '{ printf "%.1f", $1 / 1e6 }') MB capture: decoder $id Ir, bare $ib Ir, decoder/bare $(awk -v a="$id" -v b="$ib" 'BEGIN { printf "%.1f", a / b }')x"
	say "callgrind: decoder functions by inclusive instructions (top 25):"
	callgrind_annotate --inclusive=yes "$T/cg.dec" 2>/dev/null |
	    grep -E '^ *[0-9,]+ \(' |
	    grep -E 'src/|sqlite3_step|vfprintf-internal|pcap_next_ex' |
	    sed -E 's/ \[[^]]*\]$//; s#[^ ]*/(src/)#\1#' |
	    awk '!seen[$NF]++' | head -25 | sed 's/^/  /' | tee -a "$T/summary"
	say "callgrind: decoder functions by own instructions (top 12):"
	callgrind_annotate "$T/cg.dec" 2>/dev/null |
	    grep -E '^ *[0-9,]+ \(' | grep -v 'PROGRAM TOTALS' |
	    sed -E 's/ \[[^]]*\]$//; s#[^ ]*/(src/)#\1#' |
	    awk '!seen[$NF]++' | head -12 | sed 's/^/  /' | tee -a "$T/summary"
fi

say "result: $( [ $fail = 0 ] && echo "every requirement met" || echo "some requirement NOT met (above)")"
cp "$T/summary" "$OUT"
echo "summary written to $OUT" >&2
exit $fail
