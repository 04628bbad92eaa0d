#!/usr/bin/env bash
# tests/pg/concurrent.sh - many writers, one PostgreSQL store (issue 15):
# eight probes started at once against a fake server serving them at once,
# each run stored whole (every record a probe printed is there, in order,
# and nothing else); eight decoders of a generated capture at once (a few
# thousand records each, the decoder's writer thread and its mid-run
# commits), every record there; a batch of 24 sessions, 8 in flight, with
# its group commit: every run ended with all of its records; the exporter
# answering four /probe requests at once (a connection each), every run
# stored.
# SPDX-License-Identifier: BSD-2-Clause
# usage (tests/pg/with.sh sets PG_URL, PGPASSFILE):
#   concurrent.sh MAILTRACE FAKESRV OUTDIR
set -u
MT=$1 FAKE=$2 OUT=$3/pg-concurrent
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD
export MAILTRACE_DB=$PG_URL
printf '%s\n' "conc-S3cret-$$" >"$OUT/pw"
GENCAP=$(dirname "$FAKE")/gencap
S=$here/../check/scripts
N=8

psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" -c "DROP TABLE IF EXISTS run_servers,
    baseline_steps, baselines, records, event_kind, runs, mailtrace_schema CASCADE" \
    >"$OUT/psql.out" 2>&1
check "the PostgreSQL database is empty" test "$?" = 0
q() { psql -X -A -t -v ON_ERROR_STOP=1 "$PG_URL" -c "$1" 2>&1; }

# --- eight probes at once (the first use of the store too: its tables) ---
exec {ffd}< <("$FAKE" --script "$S/pop3-base.script" --connections $N --parallel $N \
    --timeout 60 2>"$OUT/fake.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$ffd" port
check "the fake server listens" test -n "${port##*[!0-9]*}"
pids=()
for i in $(seq 1 $N); do
	"$MT" pop3 --password-file "$OUT/pw" --level advanced --format jsonl \
	    "pop3://bob@127.0.0.1:$port" >"$OUT/p$i.jsonl" 2>"$OUT/p$i.err" &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
check "$N probes at once: every one exit 0" test "$failed" = 0
read -r -t 30 -u "$ffd" fexit
check "the fake server served them all ($fexit)" test "$fexit" = "fakesrv-exit 0"
check "$N runs stored, each ended with status 0" test \
    "$(q "SELECT count(*) FROM runs WHERE exit_status = 0 AND summarized = 1")" = $N
lost=0
for i in $(seq 1 $N); do
	run=$(sed -n '1s/^{"run":\([0-9]*\),.*/\1/p' "$OUT/p$i.jsonl")
	"$MT" show --run "$run" --format jsonl >"$OUT/s$i.jsonl" 2>&1
	cmp -s "$OUT/p$i.jsonl" "$OUT/s$i.jsonl" || { lost=$((lost + 1)); T_SHOW=$OUT/s$i.jsonl; }
done
check "each probe's records stored, exactly as printed ($(wc -l <"$OUT/p1.jsonl") each)" test "$lost" = 0
check "no other record" test "$(q "SELECT count(*) FROM records")" = \
    "$(cat "$OUT"/p*.jsonl | wc -l)"

# --- eight decoders at once: thousands of records each ---
"$GENCAP" --flows 60 --concurrent 20 --seed 15 -o "$OUT/g.pcap" --truth "$OUT/g.truth" \
    >"$OUT/gencap.out" 2>&1
check "a capture generated" test -s "$OUT/g.pcap"
"$MT" decode --db "$OUT/one.db" --level advanced "$OUT/g.pcap" >/dev/null 2>&1
want=$(sqlite3 "$OUT/one.db" "SELECT count(*) FROM records")
pids=()
for i in $(seq 1 $N); do
	"$MT" decode --level advanced "$OUT/g.pcap" >"$OUT/d$i.out" 2>"$OUT/d$i.err" &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
check "$N decoders at once: every one done" test "$failed" = 0
got=$(q "SELECT string_agg(n::text, ' ') FROM (SELECT count(r.rowid) AS n FROM runs u
    LEFT JOIN records r ON r.run = u.id WHERE u.proto = 'decode' GROUP BY u.id ORDER BY u.id) c")
check "$N decoded runs of $want records each (got: $got)" test \
    "$got" = "$(printf "$want%.0s " $(seq 1 $N) | sed 's/ $//')" -a "$want" -gt 1000
check "each decoded run's records in seq order within its sessions" test \
    "$(q "SELECT count(*) FROM (SELECT run, session, seq, lag(seq) OVER (PARTITION BY run,
        session ORDER BY rowid) AS prev FROM records) x WHERE prev >= seq")" = 0

# --- a batch: 24 sessions, 8 at once, group commit ---
for i in $(seq 1 24); do
	echo "pop3 --password-file $OUT/pw --level advanced pop3://bob@127.0.0.1:PORT"
done >"$OUT/batch.tmpl"
exec {ffd}< <("$FAKE" --script "$S/pop3-base.script" --connections 24 --parallel $N \
    --timeout 60 2>"$OUT/fakeb.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$ffd" port
sed "s/PORT/$port/" "$OUT/batch.tmpl" >"$OUT/batch.txt"
before=$(q "SELECT coalesce(max(id), 0) FROM runs")
"$MT" batch --concurrency $N --per-login 0 -q "$OUT/batch.txt" >"$OUT/batch.out" 2>&1
ok $? "a batch of 24 sessions, $N at once" "$OUT/batch.out"
read -r -t 30 -u "$ffd" fexit
check "the fake server served them all ($fexit)" test "$fexit" = "fakesrv-exit 0"
per=$(wc -l <"$OUT/p1.jsonl")
check "24 runs, each ended ok with its $per records" test "$(q "SELECT count(*) FROM runs u
    WHERE u.id > $before AND u.exit_status = 0 AND u.steps = $per AND
    (SELECT count(*) FROM records r WHERE r.run = u.id) = $per")" = 24
# --- the exporter: each /probe a run of its own in the store ---
exec {ffd}< <("$FAKE" --script "$S/pop3-base.script" --connections 4 --parallel 4 \
    --timeout 60 2>"$OUT/fakee.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$ffd" port
before=$(q "SELECT coalesce(max(id), 0) FROM runs")
mkfifo "$OUT/exporter.fifo"
"$MT" exporter --listen 127.0.0.1:0 --db "$PG_URL" --password-file "$OUT/pw" \
    --level advanced >"$OUT/exporter.out" 2>"$OUT/exporter.fifo" &
epid=$!
exec {efd}<"$OUT/exporter.fifo"
read -r -t 10 -u "$efd" line
eport=$(printf '%s\n' "$line" | sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p')
check "the exporter listens ($line)" test -n "$eport"
pids=()
for i in 1 2 3 4; do
	curl -s -o "$OUT/probe$i.txt" "http://127.0.0.1:$eport/probe?target=pop3%3A%2F%2Fbob%40127.0.0.1%3A$port" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
check "four /probe answers at once, each a success" test \
    "$(cat "$OUT"/probe?.txt | grep -c '^mailtrace_probe_success 1$')" = 4
kill -TERM "$epid"
wait "$epid"
ok $? "the exporter stops at SIGTERM, exit 0"
exec {efd}<&-
check "four runs stored, each with its $per records" test "$(q "SELECT count(*) FROM runs u
    WHERE u.id > $before AND u.exit_status = 0 AND
    (SELECT count(*) FROM records r WHERE r.run = u.id) = $per")" = 4
check "no password in the store" test "$(q "SELECT count(*) FROM records WHERE
    intf LIKE '%S3cret%' OR opt LIKE '%S3cret%' OR reply LIKE '%S3cret%'")" = 0
t_done
