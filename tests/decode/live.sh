#!/usr/bin/env bash
# tests/decode/live.sh - mailtrace decode -i lo: a live capture of a probe
# session against the real Dovecot decodes into the probe's records.  The
# decoder says when it listens and flushes each session as it ends, so the
# test waits on its output, never on a clock.
# SPDX-License-Identifier: BSD-2-Clause
# usage: live.sh MAILTRACE DOVECOT_WORKDIR OUTDIR
set -u
MT=$1 DWORK=$2 OUT=$3/decode-live
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$DWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
P3=$DOVECOT_POP3_PORT
mkfifo "$OUT/fifo" "$OUT/efifo"
"$MT" decode -i lo --filter "tcp port $P3" --port "pop3=$P3" --level advanced \
    --format jsonl --duration 60 >"$OUT/fifo" 2>"$OUT/efifo" &
dpid=$!
exec {fd}<"$OUT/fifo" {efd}<"$OUT/efifo"
# The "listening" line comes on stderr (a FIFO too): wait for it.
read -r -t 30 -u "$efd" listening
echo "$listening" >"$OUT/decode.err"
check "decode -i lo says it listens" has "$OUT/decode.err" "listening on lo"
"$MT" pop3 --password-file "$DOVECOT_PASSWORD_FILE" --level advanced --format jsonl \
    --retr 1 "pop3://bob@127.0.0.1:$P3" >"$OUT/probe.jsonl" 2>"$OUT/probe.err"
check "the probe session exits 0" test $? = 0
# Read the decoder's records until the session's Folder.close exit.
: >"$OUT/decoded.jsonl"
while read -r -t 30 -u "$fd" line; do
	printf '%s\n' "$line" >>"$OUT/decoded.jsonl"
	case $line in *'"event":"0xAD87"'*) break ;; esac
done
kill -INT "$dpid"
while read -r -t 30 -u "$fd" line; do printf '%s\n' "$line" >>"$OUT/decoded.jsonl"; done
wait "$dpid"
check "decode -i stops cleanly on SIGINT (exit 0)" test $? = 0
fields() { sed -n 's/^{"run":[0-9]*,\("event":.*,"opt":"[^"]*"\),"time".*/\1/p'; }
client=$(grep -o '"client":"[^"]\+"' "$OUT/probe.jsonl" | head -1)
fields <"$OUT/probe.jsonl" | no_timeouts >"$OUT/want"
grep -F -- "$client" "$OUT/decoded.jsonl" | fields >"$OUT/got"
T_SHOW=$OUT/diff
diff "$OUT/want" "$OUT/got" >"$OUT/diff" 2>&1
check "the live capture decodes into the probe's records ($(wc -l <"$OUT/want"))" test -s "$OUT/want" -a ! -s "$OUT/diff"
check "decoded live records say source pcap" has "$OUT/decoded.jsonl" '"source":"pcap"'
t_done
