#!/usr/bin/env bash
# tests/query/runs.sh - mailtrace runs, stats and show's filters (issue 14)
# over real runs: two probes of the fake server (the second a check held
# against a baseline), a probe refused at connect, a decoded capture; every
# filter, relative and ISO times, JSONL, bad options (exit 2), an empty and
# a missing store, no secret in any output.
# SPDX-License-Identifier: BSD-2-Clause
# usage: runs.sh MAILTRACE FAKESRV MKPCAP OUTDIR
set -u
MT=$1 FAKE=$2 MKPCAP=$3 OUT=$4/query-runs
here=$(cd "$(dirname "$0")" && pwd)
S=$here/../check/scripts
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
secret=runs-S3cret-$$
printf '%s\n' "$secret" >"$OUT/pw"

exec {ffd}< <("$FAKE" --script "$S/pop3-base.script" --script "$S/pop3-same.script" \
    --connections 2 --timeout 30 2>"$OUT/fake.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$ffd" port
check "the fake server listens" test -n "${port##*[!0-9]*}"

"$MT" pop3 --password-file "$OUT/pw" --level advanced "pop3://bob@127.0.0.1:$port" >"$OUT/r1.out" 2>&1
check "run 1: a probe, exit 0" test "$?" = 0
"$MT" baseline save b1 >/dev/null 2>&1
"$MT" check b1 --latency-min-ms 1000 >"$OUT/r2.out" 2>&1
check "run 2: a check against b1, exit 0" test "$?" = 0
"$MT" pop3 --password-file "$OUT/pw" "pop3://bob@127.0.0.1:1" >"$OUT/r3.out" 2>&1
check "run 3: refused at connect, exit 1" test "$?" = 1
"$MKPCAP" -o "$OUT/p.pcap" "$here/../decode/cases/end-not-captured-two.mk" 2>"$OUT/mkpcap.err"
"$MT" decode --level advanced "$OUT/p.pcap" >"$OUT/r4.out" 2>&1
check "run 4: a decoded capture" test -s "$OUT/r4.out"

# runs RUNS... ARGS: the ids listed, in order, are exactly RUNS ("-": none).
ids() {
	local want=$1 name=$2
	shift 2
	"$MT" runs "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	local rc=$?
	local got
	got=$(awk 'NR > 1 { printf "%s%s", sep, $1; sep = " " }' "$OUT/$name.out")
	[ -z "$got" ] && got=-
	T_SHOW=$OUT/$name.out
	check "runs $* (exit $rc): runs $want (got $got)" test "$rc" = 0 -a "$got" = "$want"
}
ids "4 3 2 1" all
check "runs: the header" has "$OUT/all.out" '^RUN +STARTED +COMMAND +SESS +STEPS +DURATION +OUTCOME +TARGET$'
check "runs: run 1 ok, 1 session, its target" has "$OUT/all.out" "^1 +[0-9T:-]+Z +pop3 +1 +[0-9]+ +[0-9.]+ s +ok +pop3://bob@127.0.0.1:$port\$"
check "runs: run 2 is a check" has "$OUT/all.out" '^2 +[0-9T:-]+Z +check +1 '
check "runs: run 3 failed at connect, with its exception" has "$OUT/all.out" \
    '^3 .* pop3 .* failed +pop3://bob@127.0.0.1:1  at connect \(0xAD83, session 1 #3\): java.net.ConnectException$'
# the capture ends before its sessions do: decode exits 1, with no failed record
check "runs: run 4 is a decode of the capture, 2 sessions, exit 1" has "$OUT/all.out" "^4 .* decode +2 +28 .* failed +.*/p.pcap  exit 1\$"
ids "4 3" failed --failed
ids "4" pcap --source pcap
ids "3 2 1" probe --source probe
ids "2" baseline --baseline b1
ids "-" baseline-none --baseline nosuch
ids "4" proto-decode --proto decode
ids "3 2 1" proto-pop3 --proto pop3
ids "2 1" server-port --server "127.0.0.1:$port"
ids "3" server-1 --server 127.0.0.1:1
ids "3 2 1" server-host --server 127.0.0.1 --proto pop3
ids "-" server-other --server 127.0.0.2
ids "4 3 2 1" since-1h --since 1h
ids "4 3 2 1" since-iso --since 2000-01-01
ids "-" until-iso --until 2000-01-01T00:00:00Z
ids "-" since-tz --since "2999-01-01T00:00:00+02:00"
ids "-" until-rel --until 1d
ids "4" limit --limit 1
ids "3" combined --failed --since 30m --server 127.0.0.1 --source probe

"$MT" runs --format jsonl >"$OUT/all.jsonl" 2>&1
check "runs --format jsonl: exit 0" test "$?" = 0
check "runs --format jsonl: 4 lines of valid JSON, kind run, newest first" python3 -c '
import json, sys
l = [json.loads(x) for x in open(sys.argv[1])]
assert [x["run"] for x in l] == [4, 3, 2, 1], l
assert all(x["kind"] == "run" for x in l)
assert l[1]["outcome"] == "failed" and l[1]["fail"]["step"] == "connect"
assert l[1]["fail"]["exception"] == "java.net.ConnectException"
assert l[2]["command"] == "check" and l[2]["baseline"] == "b1"
assert l[3]["outcome"] == "ok" and l[3]["fail"] is None and l[3]["sessions"] == 1
' "$OUT/all.jsonl"

# show's filters
"$MT" show --run 3 --failed >"$OUT/show-failed.out" 2>&1
T_SHOW=$OUT/show-failed.out
check "show --failed: the failed points with their before point and API entry" test \
    "$(awk '!/^#/ { print $3 }' "$OUT/show-failed.out" | tr '\n' ' ')" = "0xAD80 0xAD82 0xAD83 0xAD81 "
"$MT" show --run 1 --failed >"$OUT/show-ok.out" 2>&1
check "show --failed of a run that did not fail: no record" test "$(grep -vc '^#' "$OUT/show-ok.out")" = 0
"$MT" show --run 1 --run 2 --event 0xAD93 >"$OUT/show-ev.out" 2>&1
T_SHOW=$OUT/show-ev.out
check "show --run 1 --run 2 --event 0xAD93: both runs' greetings" test \
    "$(grep -c '0xAD93' "$OUT/show-ev.out"):$(grep -c '^# mailtrace' "$OUT/show-ev.out")" = "2:2"
"$MT" show --run 4 --session 2 --format jsonl >"$OUT/show-s.jsonl" 2>&1
check "show --session 2: only session 2's records" python3 -c '
import json, sys
l = [json.loads(x) for x in open(sys.argv[1])]
assert l and all(x["session"] == 2 for x in l), l
' "$OUT/show-s.jsonl"

# stats
"$MT" stats --server "127.0.0.1:$port" >"$OUT/stats.out" 2>&1
T_SHOW=$OUT/stats.out
check "stats: exit 0, a header" has "$OUT/stats.out" '^SERVER +STEP +COUNT +FAIL +MIN ms +MEDIAN ms +P95 ms +P99 ms +MAX ms +FAILURES$'
check "stats: the greeting twice (runs 1 and 2)" has "$OUT/stats.out" "^127.0.0.1:$port +greeting +2 +0 "
check "stats: only that server" hasnt "$OUT/stats.out" '^127.0.0.1:1 '
"$MT" stats --server 127.0.0.1:1 --step connect --format jsonl >"$OUT/stats.jsonl" 2>&1
check "stats --step connect --format jsonl: one failure, ConnectException" python3 -c '
import json, sys
l = [json.loads(x) for x in open(sys.argv[1])]
assert len(l) == 1, l
s = l[0]
assert s["kind"] == "stat" and s["step"] == "connect" and s["count"] == 1
assert s["failures"] == 1 and s["exceptions"] == {"java.net.ConnectException": 1}
assert s["min_us"] <= s["median_us"] <= s["p95_us"] <= s["p99_us"] <= s["max_us"]
' "$OUT/stats.jsonl"
"$MT" stats --until 2000-01-01 >"$OUT/stats-none.out" 2>&1
check "stats over no runs: no steps" test "$(cat "$OUT/stats-none.out")" = "no steps"

# bad options: exit 2 and a clear message
bad() {
	local name=$1 re=$2
	shift 2
	"$MT" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	local rc=$?
	T_SHOW=$OUT/$name.err
	check "$* : exit 2 (got $rc)" test "$rc" = 2
	check "$* : says $re" has "$OUT/$name.err" "$re"
}
bad since '--since: "yesterday" is not a time' runs --since yesterday
bad until '--until: "2026-02-30" is not a time' stats --until 2026-02-30
bad proto '--proto: "imap" is not pop3, smtp, roundtrip or decode' runs --proto imap
bad source '--source: "disk" is not probe or pcap' runs --source disk
bad server '--server: "a:b" is not HOST or HOST:PORT' runs --server 'a:b'
bad limit '--limit: "-1" is not a number' runs --limit -1
bad fmt '--format: "prf" is not text or jsonl' runs --format prf
bad unknown 'unknown option' runs --frob
bad step 'unknown option "--step"' runs --step greeting
bad stlimit 'unknown option "--limit"' stats --limit 3
bad arg 'unexpected argument "extra"' runs extra
bad event 'is not an event of the catalog' show --event 0xFFFF
bad norun 'no run 99' show --run 99
bad missing 'does not exist' runs --db "$OUT/none.db"

: >"$OUT/empty.db"
"$MT" runs --db "$OUT/empty.db" >"$OUT/empty.out" 2>&1
check "runs of an empty store: exit 0, no runs" test "$?:$(cat "$OUT/empty.out")" = "0:no runs"
"$MT" runs --db "$OUT/empty.db" --format jsonl >"$OUT/empty.jsonl" 2>&1
check "runs --format jsonl of an empty store: nothing" test ! -s "$OUT/empty.jsonl"

check "help: runs --help names every option" bash -c \
    "\"$MT\" runs --help | grep -q -- --baseline && \"$MT\" runs --help | grep -q -- --limit"
check "no secret in any output" bash -c "! grep -rqF --exclude=pw -- '$secret' '$OUT'"
read -r -t 10 -u "$ffd" _
t_done
