#!/usr/bin/env bash
# tests/pg/same.sh - the PostgreSQL store answers every query command as
# the sqlite store does (issue 15): the same runs written to both (a POP3
# probe, a baseline of it and a check against it, an SMTP probe, a probe
# refused at connect, two decoded captures and a baseline of one of them),
# then show (three formats, --failed, --session, --event), runs (text and
# JSONL, every filter), stats, baseline list/show/export, diff, check
# --run, report (waterfall and trend) on each, compared: equal, but for
# what differs by nature between two probes of a server (wall-clock times,
# latencies, pids).  Decoded runs carry the capture's times: equal whole.
# SPDX-License-Identifier: BSD-2-Clause
# usage (tests/pg/with.sh sets PG_URL, PGPASSFILE):
#   same.sh MAILTRACE FAKESRV OUTDIR
set -u
MT=$1 FAKE=$2 OUT=$3/pg-same
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD MAILTRACE_DB
printf '%s\n' "same-S3cret-$$" >"$OUT/pw"
MKPCAP=$(dirname "$FAKE")/mkpcap
S=$here/../check/scripts

# A clean PostgreSQL store: no table of the store left.
psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" -c "DROP TABLE IF EXISTS run_servers,
    baseline_steps, baselines, records, event_kind, runs, mailtrace_schema CASCADE" \
    >"$OUT/psql.out" 2>&1
check "the PostgreSQL database is empty" test "$?" = 0
"$MKPCAP" -o "$OUT/d1.pcap" "$here/../decode/cases/pop3-sasl.mk" 2>>"$OUT/mkpcap.err" &&
    "$MKPCAP" -o "$OUT/d2.pcap" "$here/../decode/cases/smtp-pipelining.mk" 2>>"$OUT/mkpcap.err"
check "two captures made" test -s "$OUT/d2.pcap"

# fill NAME DB [PORT]: the runs into store DB; the fake server's port into
# $OUT/NAME.port (the second store's server listens on the first's port, so
# that the runs' targets are equal).
fill() {
	local name=$1 db=$2 port=${3:-0} ffd
	export MAILTRACE_DB=$db
	exec {ffd}< <("$FAKE" --script "$S/pop3-base.script" --script "$S/pop3-same.script" \
	    --script "$here/../fake/cases/smtp-auth-login.case" --connections 3 \
	    --port "$port" --timeout 60 2>"$OUT/$name.fake.err"; echo "fakesrv-exit $?")
	read -r -t 10 -u "$ffd" port
	echo "$port" >"$OUT/$name.port"
	"$MT" pop3 --password-file "$OUT/pw" --level advanced "pop3://bob@127.0.0.1:$port" >"$OUT/$name.r1" 2>&1
	ok $? "$name: run 1, a POP3 probe"
	"$MT" baseline save b1 >"$OUT/$name.b1" 2>&1
	ok $? "$name: baseline b1 saved from it"
	"$MT" check b1 --latency-min-ms 10000 >"$OUT/$name.r2" 2>&1
	ok $? "$name: run 2, a check against b1"
	"$MT" smtp --password-file "$OUT/pw" --from a@example.test --to b@example.test \
	    --helo probe.test --level advanced "smtp://bob@127.0.0.1:$port" >"$OUT/$name.r3" 2>&1
	ok $? "$name: run 3, an SMTP probe"
	read -r -t 30 -u "$ffd" fexit
	check "$name: the fake server saw what it expected ($fexit)" test "$fexit" = "fakesrv-exit 0"
	exec {ffd}<&-
	"$MT" pop3 --password-file "$OUT/pw" "pop3://bob@127.0.0.1:1" >"$OUT/$name.r4" 2>&1
	check "$name: run 4, refused at connect, exit 1" test "$?" = 1
	"$MT" decode --level advanced "$OUT/d1.pcap" >"$OUT/$name.r5" 2>&1
	check "$name: run 5, a decoded capture" test -s "$OUT/$name.r5"
	"$MT" decode --level advanced "$OUT/d2.pcap" >"$OUT/$name.r6" 2>&1
	check "$name: run 6, a decoded capture" test -s "$OUT/$name.r6"
	"$MT" baseline save d5 --run 5 >"$OUT/$name.d5" 2>&1
	ok $? "$name: baseline d5 saved from run 5"
}
fill sqlite "$OUT/store.db"
fill pg "$PG_URL" "$(cat "$OUT/sqlite.port")"
check "both fake servers on one port" test "$(cat "$OUT/sqlite.port")" = "$(cat "$OUT/pg.port")"

# What differs by nature between two probes of a server, masked: times
# (ISO, PRF's date and time, microseconds), durations, latencies, pids,
# the client's port.
mask() {
	sed -E -e "s/127\.0\.0\.1:$port\b/SERVER/g" -e 's/127\.0\.0\.1:[0-9]+/CLIENT/g' \
	    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TIME/g' \
	    -e 's#[0-9]{4}/[0-9]{2}/[0-9]{2},[0-9:]+,[0-9/]+#TIME#g' \
	    -e 's/"(time|started|finished|created)(_us)?":[^,}]*/"\1":T/g' \
	    -e 's/"(elapsed_us|elapsed_spread_us|duration_us|body_end_us|pid)":[0-9-]+/"\1":N/g' \
	    -e 's/\+[0-9]+us/+Nus/g' -e 's/[0-9]+\.[0-9]{3} s\b/N s/g' \
	    -e 's/(created|started) [0-9T:.Z-]+/\1 T/g' \
	    -e 's/data-t="[0-9]+"/data-t="T"/g' -e 's/>[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?</>HH:MM:SS</g' \
	    | awk -F, -v OFS=, '/^(Err)?Rec,/ { p = $2; for (i = 2; i <= NF; i++) if ($i == p) $i = "PID" } 1'
}
# same NAME MASK COMMAND...: the command's output and exit status equal on
# both stores (MASK: "mask" or "exact").
same() {
	local name=$1 how=$2 rc_a rc_b
	shift 2
	MAILTRACE_DB=$OUT/store.db "$@" >"$OUT/$name.sqlite" 2>&1
	rc_a=$?
	MAILTRACE_DB=$PG_URL "$@" >"$OUT/$name.pg" 2>&1
	rc_b=$?
	# (a message naming the store names it differently)
	sed -i -e "s#$OUT/store.db#STORE#g" "$OUT/$name.sqlite"
	sed -i -e "s#$PG_URL#STORE#g" "$OUT/$name.pg"
	if [ "$how" = mask ]; then
		mask <"$OUT/$name.sqlite" >"$OUT/$name.sqlite.m"
		mask <"$OUT/$name.pg" >"$OUT/$name.pg.m"
	else
		cp "$OUT/$name.sqlite" "$OUT/$name.sqlite.m"
		cp "$OUT/$name.pg" "$OUT/$name.pg.m"
	fi
	diff "$OUT/$name.sqlite.m" "$OUT/$name.pg.m" >"$OUT/$name.diff"
	local d=$?
	T_SHOW=$OUT/$name.diff
	check "$name: equal on both stores (exit $rc_a, $(wc -l <"$OUT/$name.sqlite") lines)" \
	    test "$d" = 0 -a "$rc_a" = "$rc_b" -a -s "$OUT/$name.sqlite"
}
port=$(cat "$OUT/sqlite.port")
for r in 5 6; do
	same "show-$r-text" exact "$MT" show --run "$r"
	same "show-$r-jsonl" exact "$MT" show --run "$r" --format jsonl
	same "show-$r-prf" mask "$MT" show --run "$r" --format prf
done
for r in 1 2 3 4; do
	same "show-$r-jsonl" mask "$MT" show --run "$r" --format jsonl
	same "show-$r-text" mask "$MT" show --run "$r"
done
same show-last exact "$MT" show
same show-failed mask "$MT" show --run 4 --failed
same show-session exact "$MT" show --run 6 --session 2
same show-event mask "$MT" show --run 1 --run 2 --run 5 --event 0xAD93
same show-nosuch exact "$MT" show --run 99
same runs-text mask "$MT" runs
same runs-jsonl mask "$MT" runs --format jsonl
same runs-failed mask "$MT" runs --failed
same runs-pcap mask "$MT" runs --source pcap
same runs-probe mask "$MT" runs --source probe --limit 2
same runs-proto mask "$MT" runs --proto pop3
same runs-baseline mask "$MT" runs --baseline b1
same runs-server mask "$MT" runs --server "127.0.0.1:$port"
same runs-host mask "$MT" runs --server 127.0.0.1
same runs-since mask "$MT" runs --since 1h --until 2999-01-01
same runs-none exact "$MT" runs --until 2000-01-01
# the decoded servers' steps carry the capture's times: equal whole
same stats-d1 exact "$MT" stats --server 192.0.2.20
same stats-d-jsonl exact "$MT" stats --source pcap --format jsonl
same stats-step exact "$MT" stats --source pcap --step greeting
# the probes' steps: counts, failures and exceptions equal; latencies masked
same stats-probe mask sh -c '"$0" stats --source probe --format jsonl |
    sed -E "s/\"(min|median|p95|p99|max)_us\":[0-9]+/\"\1_us\":N/g"' "$MT"
same baseline-list mask "$MT" baseline list
same baseline-show-d5 mask "$MT" baseline show d5
same baseline-show-b1 mask "$MT" baseline show b1
same baseline-export-d5 mask "$MT" baseline export d5
same diff-5-6 exact "$MT" diff 5 6
same diff-1-2 mask "$MT" diff 1 2
same check-d5-6 exact "$MT" check d5 --run 6
same check-d5-5 exact "$MT" check d5 --run 5
same report-5 mask "$MT" report --run 5 -o -
same report-trend mask "$MT" report --server 192.0.2.20 -o -
# the baseline file of one store imported into the other, and back out
MAILTRACE_DB=$OUT/store.db "$MT" baseline export d5 "$OUT/d5.json" >/dev/null 2>&1
MAILTRACE_DB=$PG_URL "$MT" baseline import "$OUT/d5.json" --name d5i >"$OUT/import.out" 2>&1
ok $? "baseline import into PostgreSQL"
MAILTRACE_DB=$PG_URL "$MT" baseline export d5i "$OUT/d5i.json" >/dev/null 2>&1
check "the imported baseline exports as it was" sh -c \
    'sed "s/\"d5i\"/\"d5\"/" "$1" | cmp -s - "$2"' sh "$OUT/d5i.json" "$OUT/d5.json"
MAILTRACE_DB=$PG_URL "$MT" baseline delete d5i >/dev/null 2>&1
ok $? "baseline delete on PostgreSQL"
same baseline-list-after mask "$MT" baseline list

# the schema: the same tables and columns in both
sqlite3 "$OUT/store.db" "SELECT m.name || '.' || p.name FROM sqlite_master m,
    pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1" >"$OUT/cols.sqlite" 2>&1
psql -X -A -t "$PG_URL" -c "SELECT table_name || '.' || column_name FROM
    information_schema.columns WHERE table_schema = 'public' AND column_name != 'rowid'
    AND table_name != 'mailtrace_schema' ORDER BY table_name || '.' || column_name COLLATE \"C\"" >"$OUT/cols.pg" 2>&1
T_SHOW=$OUT/cols.pg
check "the same tables and columns ($(wc -l <"$OUT/cols.sqlite"))" cmp -s "$OUT/cols.sqlite" "$OUT/cols.pg"
sqlite3 "$OUT/store.db" "SELECT name FROM sqlite_master WHERE type = 'index' AND
    sql IS NOT NULL ORDER BY 1" >"$OUT/idx.sqlite" 2>&1
psql -X -A -t "$PG_URL" -c "SELECT indexname FROM pg_indexes WHERE schemaname =
    'public' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'
    ORDER BY indexname COLLATE \"C\"" >"$OUT/idx.pg" 2>&1
T_SHOW=$OUT/idx.pg
check "the same indexes ($(tr '\n' ' ' <"$OUT/idx.sqlite"))" cmp -s "$OUT/idx.sqlite" "$OUT/idx.pg"
check "no password in any output" sh -c '! grep -rl "same-S3cret" "$1"/*.sqlite "$1"/*.pg "$1"/pg.r* "$1"/sqlite.r*' sh "$OUT"
t_done
