#!/usr/bin/env bash
# tests/check/baseline.sh - what a baseline carries beyond one run: saved
# from several runs of the same probe (--runs N), each step's latency is
# their median, so one slow run does not become the reference; and the
# check's rules of its own (--ignore-counts, --ignore REGEX), applied at
# every check against it; both through export and import.
#   connections of the fake server: 1 fast (another option: not the same
#   probe), 2-3 fast, 4 slow STAT (the newest of the baseline's runs),
#   5 slow STAT (a check), 6 counts and greeting changed (a check).
# Latency: --latency-min-ms 300 (the slow STAT is ~0.5 s) or 1000 where only
# the words matter, so that a loaded machine's stall is not a difference.
# SPDX-License-Identifier: BSD-2-Clause
# usage: baseline.sh MAILTRACE FAKESRV OUTDIR
set -u
MT=$1 FAKE=$2 OUT=$3/check-baseline
here=$(cd "$(dirname "$0")" && pwd)
S=$here/scripts
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
secret=baseline-S3cret-$$
printf '%s\n' "$secret" >"$OUT/pw"

exec {ffd}< <("$FAKE" --script "$S/pop3-same.script" --script "$S/pop3-same.script" \
    --script "$S/pop3-same.script" --script "$S/pop3-slow.script" \
    --script "$S/pop3-slow.script" --script "$S/pop3-counts.script" \
    --connections 6 --timeout 30 2>"$OUT/fake.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$ffd" port
check "the fake server listens" test -n "${port##*[!0-9]*}"
probe() { "$MT" pop3 --password-file "$OUT/pw" --level advanced "$@" "pop3://bob@127.0.0.1:$port"; }

probe --timeout 9000 >"$OUT/run1.out" 2>&1
check "run 1 (another --timeout): exit 0" test "$?" = 0
for i in 2 3 4; do
	probe >"$OUT/run$i.out" 2>&1
	check "run $i: exit 0" test "$?" = 0
done
T_SHOW=$OUT/run4.out
check "run 4's STAT is slow (the trickled reply)" \
    has "$OUT/run4.out" '0xAD91  B  rc=0  STAT  opr=\+OK  \+[0-9]{6}us'

# --- --runs N ----------------------------------------------------------------
"$MT" baseline save med --runs 3 >"$OUT/save-med.out" 2>&1
rc=$?
T_SHOW=$OUT/save-med.out
check "save med --runs 3: exit 0 (got $rc)" test "$rc" = 0
check "save med --runs 3: from runs 2 to 4 (run 1 is another probe)" \
    test "$(cat "$OUT/save-med.out")" = "baseline med saved from runs 2 to 4 (3 runs, 22 steps)"
"$MT" baseline save four --runs 4 >"$OUT/save-four.out" 2>&1
rc=$?
T_SHOW=$OUT/save-four.out
check "save --runs 4 with 3 runs of the probe: exit 2 (got $rc)" test "$rc" = 2
check "save --runs 4: says how many there are" has "$OUT/save-four.out" \
    '^mailtrace: baseline save: --runs 4: the store has 3 runs of this probe up to run 4 \(the same command, target, level and options\)$'
"$MT" baseline save zero --runs 0 >"$OUT/save-zero.out" 2>&1
check "save --runs 0: exit 2" test "$?" = 2
"$MT" baseline save one >/dev/null 2>&1
check "save one (run 4 alone, the slow one)" test "$?" = 0
"$MT" baseline list >"$OUT/list.out" 2>&1
T_SHOW=$OUT/list.out
check "list: med says runs=3" has "$OUT/list.out" '^med  run=4  pop3 .*  steps=22  saved=[^ ]+  runs=3$'
check "list: one says nothing of runs" has "$OUT/list.out" '^one  run=4  pop3 .*  steps=22  saved=[^ ]+$'
"$MT" baseline show med >"$OUT/show-med.out" 2>&1
T_SHOW=$OUT/show-med.out
check "show med: STAT's time is the median (a fast one), not run 4's" \
    has "$OUT/show-med.out" '0xAD91  B  rc=0  STAT  opr=\+OK  \+[0-9]{1,5}us'

# A check against a slow server: flagged against the median, with figures.
"$MT" check med --latency-min-ms 300 >"$OUT/slow-med.out" 2>&1
rc=$?
T_SHOW=$OUT/slow-med.out
check "check med (slow STAT): exit 1 (got $rc)" test "$rc" = 1
check "check med: STAT slower than the median, its spread shown" has "$OUT/slow-med.out" \
    '^latency step 15/15 0xAD91 "STAT": median [0-9]+\.[0-9]{3} ms \(spread [0-9]+\.[0-9]{3} ms\) -> [0-9]+\.[0-9]{3} ms \(x[0-9.]+, \+[0-9.]+ ms\)$'
check "check med: only latency" test "$(tail -1 "$OUT/slow-med.out")" = "2 differences: 2 latency"
"$MT" check med --latency-min-ms 300 --format jsonl >"$OUT/slow-med.jsonl" 2>&1 --run 5
T_SHOW=$OUT/slow-med.jsonl
check "check med --format jsonl: baseline_median and baseline_spread_us" has "$OUT/slow-med.jsonl" \
    '^\{"kind":"latency","step":"STAT",.*"baseline_median":true,"baseline_spread_us":[0-9]+'
"$MT" check one --latency-min-ms 300 --run 5 >"$OUT/slow-one.out" 2>&1
rc=$?
T_SHOW=$OUT/slow-one.out
check "the slow run 4 alone as the reference: the slow check is clean (exit $rc)" \
    test "$rc" = 0 -a "$(cat "$OUT/slow-one.out")" = "no difference"
"$MT" check med --latency-min-ms 300 --run 2 >"$OUT/fast-med.out" 2>&1
rc=$?
T_SHOW=$OUT/fast-med.out
check "check med --run 2 (a fast run): clean (exit $rc)" \
    test "$rc" = 0 -a "$(cat "$OUT/fast-med.out")" = "no difference"

# --- the baseline's own rules --------------------------------------------------
"$MT" baseline save bad --run 3 --ignore '(' >"$OUT/save-bad.out" 2>&1
rc=$?
T_SHOW=$OUT/save-bad.out
check "save --ignore '(': exit 2 (got $rc)" test "$rc" = 2
check "save --ignore '(': says what is wrong" has "$OUT/save-bad.out" '^mailtrace: --ignore: .*\('
"$MT" baseline show bad >/dev/null 2>&1
check "save --ignore '(': nothing saved" test "$?" = 2
"$MT" baseline save cnt --run 3 --ignore-counts --ignore 'other|fake' >/dev/null 2>&1
check "save cnt --ignore-counts --ignore 'other|fake'" test "$?" = 0
"$MT" baseline save plain --run 3 >/dev/null 2>&1
"$MT" baseline list >"$OUT/list2.out" 2>&1
T_SHOW=$OUT/list2.out
check "list: cnt says ignore-counts and its pattern" has "$OUT/list2.out" '^cnt  run=3 .*  ignore-counts  ignore=1$'
"$MT" check cnt --latency-min-ms 1000 >"$OUT/counts-cnt.out" 2>&1
rc=$?
T_SHOW=$OUT/counts-cnt.out
check "check cnt (STAT counts and a greeting word changed): clean (exit $rc)" \
    test "$rc" = 0 -a "$(cat "$OUT/counts-cnt.out")" = "no difference"
"$MT" check plain --latency-min-ms 1000 --run 6 >"$OUT/counts-plain.out" 2>&1
rc=$?
T_SHOW=$OUT/counts-plain.out
check "the same run against a baseline without the rules: exit 1 (got $rc)" test "$rc" = 1
check "... the greeting word" has "$OUT/counts-plain.out" \
    '^greeting step 5/5 0xAD93 "connect-mail-server": "\+OK fake POP3 ready <stamp>" -> "\+OK other POP3 ready <stamp>"$'
check "... the STAT counts" has "$OUT/counts-plain.out" '^text step 15/15 0xAD91 "STAT": "\+OK 0 0" -> "\+OK 2 320"$'
"$MT" check plain --latency-min-ms 1000 --run 6 --ignore-counts --ignore 'other|fake' >"$OUT/counts-opts.out" 2>&1
rc=$?
T_SHOW=$OUT/counts-opts.out
check "... and clean with --ignore-counts --ignore on the command line (exit $rc)" \
    test "$rc" = 0 -a "$(cat "$OUT/counts-opts.out")" = "no difference"

# --- export, delete, import ---------------------------------------------------
for b in med cnt; do
	"$MT" baseline export "$b" "$OUT/$b.json" >/dev/null 2>&1
	check "export $b" test "$?" = 0
done
T_SHOW=$OUT/med.json
check "med.json: version 2, runs 3" has "$OUT/med.json" '^\{"baseline":\{"format":"mailtrace-baseline","version":2,.*,"runs":3,"ignore_counts":false,"ignore":\[\]\},$'
check "med.json: STAT's median and spread" has "$OUT/med.json" \
    '"event":"0xAD91",.*"int":"STAT",.*"elapsed_us":[0-9]{1,5},"elapsed_spread_us":[0-9]{5,}'
T_SHOW=$OUT/cnt.json
check "cnt.json: its rules" has "$OUT/cnt.json" '"runs":1,"ignore_counts":true,"ignore":\["other\|fake"\]\},$'
"$MT" check med --latency-min-ms 300 --run 5 >"$OUT/before.out" 2>&1
"$MT" baseline delete med >/dev/null 2>&1 && "$MT" baseline delete cnt >/dev/null 2>&1
check "delete med and cnt" test "$?" = 0
"$MT" baseline import "$OUT/med.json" >/dev/null 2>&1 && "$MT" baseline import "$OUT/cnt.json" >/dev/null 2>&1
check "import med.json and cnt.json" test "$?" = 0
"$MT" check med --latency-min-ms 300 --run 5 >"$OUT/after.out" 2>&1
T_SHOW=$OUT/after.out
check "imported med: the same latency lines as before" cmp -s "$OUT/before.out" "$OUT/after.out"
"$MT" check cnt --latency-min-ms 1000 --run 6 >"$OUT/counts-imp.out" 2>&1
rc=$?
T_SHOW=$OUT/counts-imp.out
check "imported cnt: its rules still apply (exit $rc)" \
    test "$rc" = 0 -a "$(cat "$OUT/counts-imp.out")" = "no difference"
# A version 1 file (before runs and rules): read as one run, no rules.
python3 - "$OUT/cnt.json" "$OUT/v1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["baseline"]["version"] = 1
for k in ("runs", "ignore_counts", "ignore"):
    del d["baseline"][k]
for s in d["steps"]:
    del s["elapsed_spread_us"]
json.dump(d, open(sys.argv[2], "w"))
PY
"$MT" baseline import "$OUT/v1.json" --name v1 >"$OUT/v1.out" 2>&1
check "a version 1 file imports" test "$?" = 0
"$MT" check v1 --latency-min-ms 1000 --run 6 >"$OUT/v1-check.out" 2>&1
check "... without rules of its own: the counts differ again" test "$?" = 1
# A pattern that does not compile: refused, nothing stored.
sed 's/"ignore":\["other|fake"\]/"ignore":["("]/' "$OUT/cnt.json" >"$OUT/badrule.json"
"$MT" baseline import "$OUT/badrule.json" --name badrule >"$OUT/badrule.out" 2>&1
rc=$?
T_SHOW=$OUT/badrule.out
check "import of a pattern that does not compile: exit 2 (got $rc)" test "$rc" = 2
check "... says which pattern" has "$OUT/badrule.out" '^mailtrace: .*badrule\.json: not imported: baseline badrule: its --ignore pattern 1: '
"$MT" baseline show badrule >/dev/null 2>&1
check "... and stores nothing" test "$?" = 2

while read -r -t 10 -u "$ffd" l; do
	case $l in "fakesrv-exit "*) st=${l#fakesrv-exit } ;; esac
done
check "the fake server played its six sessions (exit ${st:-?})" test "${st:-}" = 0
check "no secret in any output, export or the store" \
    test -z "$(grep -rlaF "$secret" "$OUT"/*.out "$OUT"/*.json "$MAILTRACE_DB"* 2>/dev/null)"
t_done
