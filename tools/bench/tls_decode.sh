#!/usr/bin/env bash
# tools/bench/tls_decode.sh - what decryption costs the decoder (issue 12):
# one POP3 session of N RETRs of a 52 KB message (default 4000: ~208 MB),
# written by mkpcap twice, in clear on port 110 and as POP3S (TLS 1.3,
# AES-128-GCM) with its key log; `mailtrace decode --format jsonl` of the
# clear capture, of the TLS one with the key log and without it, REPS times
# alternating with `openssl speed -decrypt -aead -evp aes-128-gcm` on 16 KiB
# records (OpenSSL's own AEAD decryption throughput, each record with its
# nonce, additional data and tag) for the same bytes;
# wall and CPU times (openssl speed's is CPU time).
# Reports: TLS-with-keys / (clear + AEAD alone), and the layer's cost over
# the AEAD.  Speed claims come from here, never from timed tests.
# SPDX-License-Identifier: BSD-2-Clause
# usage: tls_decode.sh BUILD [N] [REPS]
set -eu
# perf stat (package linux-perf) times each run
if ! command -v perf >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y linux-perf >/dev/null ||
	    { echo "tls_decode.sh: cannot install linux-perf" >&2; exit 2; }
fi
B=${1:?usage: tls_decode.sh BUILD [N] [REPS]} N=${2:-4000} REPS=${3:-5}
MT=$B/src/cli/mailtrace MK=$B/tools/mkpcap
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 - "$T" "$N" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
body = "".join("Line %05d of the message body, some text to fill it up nicely.\\r\\n" % i for i in range(800))
def script(tls):
    out = ["flow 4 192.0.2.10 41000 192.0.2.110 %d" % (995 if tls else 110), "syn", "synack", "ack"]
    if tls:
        out.append("tls 1.3 TLS_AES_128_GCM_SHA256")
    out += ['s2c "+OK ready\\r\\n"', 'c2s "USER bob\\r\\n"', 's2c "+OK\\r\\n"', 'c2s "PASS x\\r\\n"', 's2c "+OK\\r\\n"']
    for i in range(1, n + 1):
        out += ['c2s "RETR %d\\r\\n"' % i, 's2c "+OK\\r\\n%s.\\r\\n"' % body]
    out += ['c2s "QUIT\\r\\n"', 's2c "+OK\\r\\n"', "fin-c2s", "fin-s2c"]
    return "\n".join(out) + "\n"
open(d + "/clear.mk", "w").write(script(False))
open(d + "/tls.mk", "w").write(script(True))
PY
"$MK" -o "$T/clear.pcap" "$T/clear.mk"
"$MK" -k "$T/keys.log" -o "$T/tls.pcap" "$T/tls.mk"
bytes=$(stat -c %s "$T/tls.pcap")
# run CMD...: "WALL_US CPU_US" of it, from perf stat (duration_time, and
# task-clock: every thread of it; rusage's figures are tick-rounded on this
# kind of VM; openssl speed's figure is CPU time too)
run() {
	perf stat -x, -e task-clock,duration_time -o "$T/perf" "$@" >/dev/null 2>&1 || true
	awk -F, '/task-clock/ {cpu = $1 * 1000} /duration_time/ {wall = $1 / 1000}
	    END {printf "%d %d\n", wall, cpu}' "$T/perf"
}
# OpenSSL's AES-128-GCM AEAD decryption of 16 KiB records (what the
# decoder does) in kB/s (1000 bytes) as it prints (per CPU second): the
# time it takes for the capture's bytes, in us.  -aead: "in TLS-like
# sequence", each record with its own nonce, additional data and tag (the
# AEAD's whole work; without it, speed times one endless stream with no
# tag, which is not an AEAD's throughput); -decrypt: decryption (a few
# per cent slower than encryption).
aead() {
	openssl speed -decrypt -aead -evp aes-128-gcm -bytes 16384 -seconds 1 2>/dev/null |
	    awk -v b="$bytes" '/AES-128-GCM/ {sub("k", "", $2); printf "%d\n", b / ($2 * 1000) * 1e6}'
}
: >"$T/c"; : >"$T/k"; : >"$T/n"; : >"$T/a"
for ((i = 0; i < REPS; i++)); do
	rm -f "$T"/*.db
	run "$MT" decode --db "$T/a.db" --format jsonl "$T/clear.pcap" >>"$T/c"
	run "$MT" decode --db "$T/b.db" --format jsonl --keylog "$T/keys.log" "$T/tls.pcap" >>"$T/k"
	run "$MT" decode --db "$T/c.db" --format jsonl "$T/tls.pcap" >>"$T/n"
	aead >>"$T/a"
done
# med FILE COLUMN: the median of a column
med() { awk -v k="$2" '{print $k}' "$1" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# ratio COLUMN: the median over the repetitions of k / (c + a), each
# repetition's own (side by side, so the machine's load is shared)
ratio() {
	paste -d ' ' "$T/c" "$T/k" "$T/a" | awk -v k="$1" '{print $(k + 2) / ($k + $5)}' |
	    sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}
a=$(med "$T/a" 1)
echo "capture: $N RETRs, $bytes bytes (TLS), $(stat -c %s "$T/clear.pcap") (clear)"
for col in 1 2; do
	what=$([ "$col" = 1 ] && echo "wall" || echo "CPU (user+system)")
	c=$(med "$T/c" "$col") k=$(med "$T/k" "$col") n=$(med "$T/n" "$col")
	echo "decode medians of $REPS, $what: clear ${c} us, TLS with keys ${k} us, TLS without keys ${n} us"
	echo "  TLS with keys / (clear + AEAD alone), median of the repetitions' own: $(ratio "$col")"
	awk -v c="$c" -v k="$k" -v a="$a" 'BEGIN {
		printf "  decryption cost over the clear decode / AEAD alone (medians): %.2f\n", (k - c) / a }'
done
echo "openssl speed -decrypt -aead aes-128-gcm 16 KiB, median of $REPS: ${a} us for the capture's bytes"
