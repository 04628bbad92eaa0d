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
P3=$DOVECOT_POP3_PORT
# One thread, and three (the reader, two more and the writer: the live
# path hands every packet on at once and commits as the records merge).
for t in 1 3; do
	O=$OUT/threads-$t
	mkdir -p "$O"
	export MAILTRACE_DB=$O/store.db
	mkfifo "$O/fifo" "$O/efifo"
	"$MT" decode --threads "$t" -i lo --filter "tcp port $P3" --port "pop3=$P3" --level advanced \
	    --format jsonl --duration 60 >"$O/fifo" 2>"$O/efifo" &
	dpid=$!
	exec {fd}<"$O/fifo" {efd}<"$O/efifo"
	# The "listening" line comes on stderr (a FIFO too): wait for it.
	read -r -t 30 -u "$efd" listening
	echo "$listening" >"$O/decode.err"
	check "--threads $t: decode -i lo says it listens" has "$O/decode.err" "listening on lo"
	"$MT" pop3 --password-file "$DOVECOT_PASSWORD_FILE" --level advanced --format jsonl \
	    --retr 1 "pop3://bob@127.0.0.1:$P3" >"$O/probe.jsonl" 2>"$O/probe.err"
	check "--threads $t: the probe session exits 0" test $? = 0
	# Read the decoder's records until the session's Folder.close exit.
	: >"$O/decoded.jsonl"
	while read -r -t 30 -u "$fd" line; do
		printf '%s\n' "$line" >>"$O/decoded.jsonl"
		case $line in *'"event":"0xAD87"'*) break ;; esac
	done
	kill -INT "$dpid"
	while read -r -t 30 -u "$fd" line; do printf '%s\n' "$line" >>"$O/decoded.jsonl"; done
	wait "$dpid"
	check "--threads $t: decode -i stops cleanly on SIGINT (exit 0)" test $? = 0
	fields() { sed -n 's/^{"run":[0-9]*,\("event":.*,"opt":"[^"]*"\),"time".*/\1/p'; }
	client=$(grep -o '"client":"[^"]\+"' "$O/probe.jsonl" | head -1)
	fields <"$O/probe.jsonl" | no_timeouts >"$O/want"
	grep -F -- "$client" "$O/decoded.jsonl" | fields >"$O/got"
	T_SHOW=$O/diff
	diff "$O/want" "$O/got" >"$O/diff" 2>&1
	check "--threads $t: the live capture decodes into the probe's records ($(wc -l <"$O/want"))" test -s "$O/want" -a ! -s "$O/diff"
	check "--threads $t: decoded live records say source pcap" has "$O/decoded.jsonl" '"source":"pcap"'
	exec {fd}<&- {efd}<&-
done
t_done
