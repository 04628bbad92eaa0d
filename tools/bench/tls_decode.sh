#!/usr/bin/env bash
# tools/bench/tls_decode.sh - what decryption costs the decoder (issue 12):
# one POP3 session of N RETRs of a 52 KB message (default 4000: ~208 MB),
# written by mkpcap twice, in clear on port 110 and as POP3S (TLS 1.3,
# AES-128-GCM) with its key log; `mailtrace decode --format jsonl` of the
# clear capture, of the TLS one with the key log and without it, REPS times
# alternating (median of each), beside `openssl speed -evp aes-128-gcm` on
# 16 KiB blocks (OpenSSL's own AEAD throughput) for the same bytes.
# Reports: TLS-with-keys / (clear + AEAD alone), and the layer's cost over
# the AEAD.  Speed claims come from here, never from timed tests.
# SPDX-License-Identifier: BSD-2-Clause
# usage: tls_decode.sh BUILD [N] [REPS]
set -eu
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
secs() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
: >"$T/c"; : >"$T/k"; : >"$T/n"
for ((i = 0; i < REPS; i++)); do
	rm -f "$T"/*.db
	secs "$MT" decode --db "$T/a.db" --format jsonl "$T/clear.pcap" >>"$T/c"
	secs "$MT" decode --db "$T/b.db" --format jsonl --keylog "$T/keys.log" "$T/tls.pcap" >>"$T/k"
	secs "$MT" decode --db "$T/c.db" --format jsonl "$T/tls.pcap" >>"$T/n"
done
med() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
c=$(med "$T/c") k=$(med "$T/k") n=$(med "$T/n")
# OpenSSL's AES-128-GCM on 16 KiB blocks, in kB/s (1000 bytes) as it prints.
kbs=$(openssl speed -evp aes-128-gcm -bytes 16384 -seconds 3 2>/dev/null | awk '/AES-128-GCM/ {sub("k", "", $2); print $2}')
aead=$(awk -v b="$bytes" -v k="$kbs" 'BEGIN {printf "%d", b / (k * 1000) * 1e6}')
echo "capture: $N RETRs, $bytes bytes (TLS), $(stat -c %s "$T/clear.pcap") (clear)"
echo "decode medians of $REPS: clear ${c} us, TLS with keys ${k} us, TLS without keys ${n} us"
echo "openssl speed aes-128-gcm 16 KiB: ${kbs} kB/s: ${aead} us for the capture's bytes"
awk -v c="$c" -v k="$k" -v a="$aead" 'BEGIN {
	printf "TLS with keys / (clear + AEAD alone): %.3f\n", k / (c + a)
	printf "decryption cost over the clear decode / AEAD alone: %.2f\n", (k - c) / a }'
