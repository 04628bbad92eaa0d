#!/usr/bin/env bash
# tests/check/check.sh - mailtrace check NAME probing again: a baseline from a
# probe of the fake server, checked against the same server (a new APOP
# stamp only: clean, exit 0) and against a changed one (greeting text,
# a capability gone, SIZE changed: exit 1, each reported); the check's runs
# are stored, marked with the baseline; no secret anywhere.
# SPDX-License-Identifier: BSD-2-Clause
# usage: check.sh MAILTRACE FAKESRV OUTDIR
set -u
MT=$1 FAKE=$2 OUT=$3/check-probe
here=$(cd "$(dirname "$0")" && pwd)
S=$here/scripts
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
secret=check-S3cret-$$
printf '%s\n' "$secret" >"$OUT/pw"

exec {ffd}< <("$FAKE" --script "$S/pop3-base.script" --script "$S/pop3-same.script" \
    --script "$S/pop3-same.script" --script "$S/pop3-changed.script" \
    --script "$S/pop3-same.script" --script "$S/pop3-slow.script" \
    --connections 6 --timeout 30 2>"$OUT/fake.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$ffd" port
check "the fake server listens" test -n "${port##*[!0-9]*}"

"$MT" pop3 --password-file "$OUT/pw" --level advanced "pop3://bob@127.0.0.1:$port" >"$OUT/base.out" 2>&1
check "the baseline's probe: exit 0" test "$?" = 0
"$MT" baseline save mx >/dev/null 2>&1
check "baseline saved" test "$?" = 0

for i in 1 2; do
	"$MT" check mx --latency-min-ms 1000 >"$OUT/same$i.out" 2>"$OUT/same$i.err"
	rc=$?
	T_SHOW=$OUT/same$i.out
	check "check against the same server ($i): exit 0 (got $rc)" test "$rc" = 0
	check "check against the same server ($i): only 'no difference'" test "$(cat "$OUT/same$i.out")" = "no difference"
done

"$MT" check mx --latency-min-ms 1000 >"$OUT/changed.out" 2>"$OUT/changed.err"
rc=$?
T_SHOW=$OUT/changed.out
check "check against a changed server: exit 1 (got $rc)" test "$rc" = 1
check "the greeting text changed" has "$OUT/changed.out" '^greeting step 5/5 0xAD93 "connect-mail-server": "\+OK fake POP3 ready <stamp>" -> "\+OK Dovecot ready <stamp>"$'
check "UIDL is no longer offered" has "$OUT/changed.out" '^capability .*"UIDL" -> \(none\)$'
check "SIZE changed: one difference of SIZE" has "$OUT/changed.out" '^capability .*"SIZE 10240000" -> "SIZE 5242880"$'
check "the summary: 3 differences" has "$OUT/changed.out" '^3 differences: 1 greeting, 2 capability$'

# Probe options after -- are added to the baseline's (the later wins).
"$MT" check mx --latency-min-ms 1000 -- --timeout 5000 >"$OUT/opts.out" 2>"$OUT/opts.err"
rc=$?
T_SHOW=$OUT/opts.out
check "check -- --timeout 5000: clean again (exit $rc)" test "$rc" = 0
check "check -- --timeout 5000: the probe ran with it" \
    has "$OUT/opts.out" "^no difference$"
"$MT" show >"$OUT/opts.show" 2>&1
check "check -- --timeout 5000: the stored run has the option's timeout" \
    has "$OUT/opts.show" "0xAD82  A  rc=0  --  opt=127.0.0.1 $port 10000 5000$"
# check --password-file F: the probe reads F (here one that is not there:
# the probe says so and does not start; no connection is used).
"$MT" check mx --password-file "$OUT/no-such-pw" >"$OUT/pwfile.out" 2>&1
rc=$?
T_SHOW=$OUT/pwfile.out
check "check --password-file MISSING: exit 2 (got $rc)" test "$rc" = 2
check "check --password-file MISSING: the probe names the file" \
    has "$OUT/pwfile.out" "^mailtrace: password file $OUT/no-such-pw: No such file or directory$"
"$MT" check mx --password-file "$OUT/pw" --run 1 >"$OUT/pwrun.out" 2>&1
check "check --password-file with --run: exit 2" test "$?" = 2
"$MT" check mx --run 1 -- --timeout 5 >/dev/null 2>"$OUT/runopts.err"
check "check --run with probe options: exit 2" test "$?" = 2

# A slow step (the server trickles its STAT reply over about 0.5 s), with
# the latency rule (MS 300, not 100: a loaded machine stalls): flagged, and
# nothing else.
"$MT" check mx --latency-min-ms 300 >"$OUT/slow.out" 2>"$OUT/slow.err"
rc=$?
T_SHOW=$OUT/slow.out
check "check against a slow STAT: exit 1 (got $rc)" test "$rc" = 1
check "the slow STAT is a latency difference" has "$OUT/slow.out" '^latency step [0-9]+/[0-9]+ 0xAD91 "STAT": '
check "only latency changed (STAT, and Folder.open around it)" \
    test "$(tail -1 "$OUT/slow.out")" = "2 differences: 2 latency"

while read -r -t 10 -u "$ffd" l; do
	case $l in "fakesrv-exit "*) st=${l#fakesrv-exit } ;; esac
done
check "the fake server played its six sessions (exit ${st:-?})" test "${st:-}" = 0

python3 - "$MAILTRACE_DB" >"$OUT/runs.out" 2>&1 <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for r in db.execute("SELECT id, coalesce(baseline, '-') FROM runs ORDER BY id"):
    print(*r)
PY
T_SHOW=$OUT/runs.out
check "each check's run is stored, marked with its baseline" \
    test "$(cat "$OUT/runs.out" | tr '\n' ' ')" = "1 - 2 mx 3 mx 4 mx 5 mx 6 mx "
check "no secret in any output or the store" \
    test -z "$(grep -rlaF "$secret" "$OUT"/*.out "$OUT"/*.err "$MAILTRACE_DB"* 2>/dev/null)"
t_done
