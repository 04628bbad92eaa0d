#!/usr/bin/env bash
# tests/check/diff.sh - mailtrace diff and check --run on stored runs: two
# decoded crafted captures (tests/decode/cases: pipelining with every
# recipient accepted, and with one refused), their differences exactly, a
# run against itself, a baseline held against a run, JSONL, --ignore, and
# the usage errors.  Needs no server.
# SPDX-License-Identifier: BSD-2-Clause
# usage: diff.sh MAILTRACE MKPCAP OUTDIR
set -u
MT=$1 MKPCAP=$2 OUT=$3/check-diff
here=$(cd "$(dirname "$0")" && pwd)
cases=$here/../decode/cases
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db

for c in smtp-pipelining smtp-pipelining-refused; do
	"$MKPCAP" -o "$OUT/$c.pcap" "$cases/$c.mk" 2>"$OUT/$c.mkpcap.err"
	"$MT" decode --level advanced "$OUT/$c.pcap" >/dev/null 2>&1
done
check "two runs stored" test "$("$MT" show --run 2 | grep -c 'S1#')" -gt 20

"$MT" diff 1 2 >"$OUT/d12.out" 2>"$OUT/d12.err"
rc=$?
T_SHOW=$OUT/d12.out
check "diff: a refused recipient: exit 1" test "$rc" = 1
check "diff: nothing on stderr" test ! -s "$OUT/d12.err"
check "diff: the accepted recipient is missing" \
    has "$OUT/d12.out" '^missing_step step 13/- 0xAD10 "RCPT TO:<c@example.test>": "RCPT TO:<c@example.test>" -> \(none\)$'
check "diff: the refused recipient is extra, with its reply" \
    has "$OUT/d12.out" '^extra_step step -/17 0xAD11 "RCPT TO:<nobody@example.test>": \(none\) -> "550 5.1.1 <nobody@example.test>: User unknown"$'
check "diff: the recipient block and sendMessage now fail" \
    has "$OUT/d12.out" '^outcome step 18/18 0xAD09 "--": "ok" -> "rc=9 javax.mail.SendFailedException"$'
check "diff: the summary line last" \
    test "$(tail -1 "$OUT/d12.out")" = "6 differences: 2 outcome, 2 missing_step, 2 extra_step"
check "diff: the later steps are not shifted into differences" \
    test "$(grep -c . "$OUT/d12.out")" = 7

"$MT" diff 2 2 >"$OUT/d22.out" 2>&1
rc=$?
T_SHOW=$OUT/d22.out
check "diff: a run against itself: exit 0" test "$rc" = 0
check "diff: a run against itself: only the summary" test "$(cat "$OUT/d22.out")" = "no difference"

# --ignore: the addresses are volatile, so the RCPT steps pair up and the
# refusal shows as the reply and outcome it is.
"$MT" diff 1 2 --ignore '<(c|nobody)@example\.test>' >"$OUT/dign.out" 2>&1
T_SHOW=$OUT/dign.out
check "diff --ignore: the recipients pair up: no missing or extra step" hasnt "$OUT/dign.out" "missing_step|extra_step"
check "diff --ignore: the refusal is a reply difference" \
    has "$OUT/dign.out" '^reply step 17/17 0xAD11 "RCPT TO:<c@example.test>": "250 2.1.5 Ok" -> "550 5.1.1 <ignored>: User unknown"$'

"$MT" diff 1 2 --format jsonl >"$OUT/d12.jsonl" 2>&1
T_SHOW=$OUT/d12.jsonl
check "diff --format jsonl: every line is a JSON object" python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    n += 1
assert o == {"summary": "6 differences: 2 outcome, 2 missing_step, 2 extra_step", "differences": 6}, o
assert n == 7
' "$OUT/d12.jsonl"

"$MT" baseline save pipelining --run 1 >/dev/null 2>&1
"$MT" check pipelining --run 2 >"$OUT/c.out" 2>&1
rc=$?
T_SHOW=$OUT/c.out
check "check --run: exit 1, the same differences as diff" test "$rc" = 1 -a "$(cat "$OUT/c.out")" = "$(cat "$OUT/d12.out")"
"$MT" check pipelining --run 1 >"$OUT/c1.out" 2>&1
check "check --run: the baseline's own run: exit 0, no difference" test "$?" = 0 -a "$(cat "$OUT/c1.out")" = "no difference"

usage() {
	local name=$1
	shift
	"$MT" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	local rc=$?
	T_SHOW=$OUT/$name.err
	check "$name: exit 2 (got $rc)" test "$rc" = 2
	check "$name: one line on stderr" test "$(grep -c . "$OUT/$name.err")" = 1
}
usage no-run diff 1 99
usage one-run diff 1
usage bad-ignore diff 1 2 --ignore '('
usage bad-factor diff 1 2 --latency-factor 0.5
usage no-baseline check nosuch --run 1
usage check-decode check pipelining
check "check: a baseline of a decoded run cannot be probed again" has "$OUT/check-decode.err" "cannot be probed again"
t_done
