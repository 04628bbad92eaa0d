#!/usr/bin/env bash
# tests/report/trend.sh - mailtrace report --server: latency over time,
# rendered by a real headless Chromium.  A small real store (four probes
# of the suite's Dovecot, the third with a wrong password): one point per
# run, the failed one a labelled cross.  A 10,000-run store (copies of a
# real run made as tools/bench/manyruns.py makes them, every 97th failed):
# at most 500 points per series, a bounded file and DOM, the time axis in
# order, failures marked.  The screenshots are kept in OUTDIR (docs/report.md).
# SPDX-License-Identifier: BSD-2-Clause
# usage: trend.sh MAILTRACE DOVECOT_WORKDIR CERTS OUTDIR
set -u
MT=$1 DWORK=$2 CERTS=$3 OUT=$4/trend
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$DWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
CHK="python3 $here/html_check.py"
SRV=127.0.0.1:$DOVECOT_POP3_PORT

chrome() {
	local f=$1
	shift
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$OUT/chrome" --no-first-run \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --disable-extensions --hide-scrollbars \
	    "$@" "file://$f" 2>>"$OUT/chrome.err"
}

check "chromium is installed (tools/install-deps.sh --test)" command -v chromium

# probe PWFILE: one POP3 probe of Dovecot (STLS, STAT); its exit status
probe() {
	"$MT" pop3 --password-file "$1" --stls --cafile "$CERTS/ca.pem" \
	    "pop3://bob@127.0.0.1:$DOVECOT_POP3_PORT" >>"$OUT/probes.out" 2>&1
}

printf 'not-the-password\n' >"$OUT/badpw"
probe "$DOVECOT_PASSWORD_FILE"; r1=$?
probe "$DOVECOT_PASSWORD_FILE"; r2=$?
cp "$MAILTRACE_DB" "$OUT/many.db"	# one good run: the 10,000's template
probe "$OUT/badpw"; r3=$?
probe "$DOVECOT_PASSWORD_FILE"; r4=$?
T_SHOW=$OUT/probes.out
check "four probes of Dovecot: ok, ok, wrong password (exit 1), ok" \
    test "$r1$r2$r3$r4" = 0010

"$MT" report --server "$SRV" --step store_connect --step user -o "$OUT/small.html" 2>"$OUT/small.err"
T_SHOW=$OUT/small.err
check "small: report --server exits 0" test "$?" = 0
chrome "$OUT/small.html" --dump-dom >"$OUT/small.dom"
check "small: Chromium dumps the DOM" test -s "$OUT/small.dom"
T_SHOW=$OUT/small.chk
check "small: one point per run, the failed one a labelled cross, in time order" \
    sh -c "$CHK trend '$OUT/small.dom' session 4 1 >'$T_SHOW' 2>&1"
check "small: the store_connect chart (the failed login): four points, one failed" \
    sh -c "$CHK trend '$OUT/small.dom' store_connect 4 1 >>'$T_SHOW' 2>&1"
check "small: the failed run's hover names its step" \
    grep -q 'failed at store_connect' "$OUT/small.dom"
T_SHOW=$OUT/small.safe
check "small: nothing in the HTML loads from anywhere" \
    sh -c "$CHK safe '$OUT/small.html' >'$T_SHOW' 2>&1"
chrome "$OUT/small.html" --window-size=1200,760 --screenshot="$OUT/small.png" >/dev/null
T_SHOW=$OUT/chrome.err
check "small: the screenshot is not blank" $CHK png "$OUT/small.png"
check "small: the password is in no report" hasnt "$OUT/small.html" "$(cat "$DOVECOT_PASSWORD_FILE")"

# 10,000 runs over 7 days, copies of the good run; every 97th failed and
# slower, the session times growing with the run id.
nrec=$(sqlite3 "$OUT/many.db" "SELECT count(*) FROM records WHERE run = (SELECT max(id) FROM runs)")
python3 "$here/../../tools/bench/manyruns.py" "$OUT/many.db" $((nrec * 9998)) 7 >"$OUT/many.out" 2>&1
T_SHOW=$OUT/many.out
check "many: manyruns.py made the runs" test "$?" = 0
sqlite3 "$OUT/many.db" "UPDATE runs SET exit_status = 1 WHERE id % 97 = 0;
    UPDATE records SET time = time + (run % 100) * 300 * seq WHERE run > 2;
    DELETE FROM runs WHERE id > 10000 AND id NOT IN (SELECT max(id) FROM runs WHERE id <= 10000)" 2>"$OUT/many.sql"
nruns=$(sqlite3 "$OUT/many.db" "SELECT count(*) FROM runs")
check "many: 10,000 runs in the store ($nruns)" test "$nruns" -ge 10000
start=$(date +%s%N)
"$MT" report --db "$OUT/many.db" --server "$SRV" --step user -o "$OUT/many.html" 2>"$OUT/many.err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
T_SHOW=$OUT/many.err
check "many: report --server exits 0 ($ms ms)" test "$rc" = 0
T_SHOW=$OUT/many.bound
check "many: at most 400 KB and 5,000 elements" \
    sh -c "$CHK bound '$OUT/many.html' 400000 5000 >'$T_SHOW' 2>&1"
chrome "$OUT/many.html" --dump-dom >"$OUT/many.dom"
T_SHOW=$OUT/many.chk
check "many: at most 500 points, failures marked, the time axis in order" \
    sh -c "$CHK trend '$OUT/many.dom' session '<=500' '>=50' >'$T_SHOW' 2>&1"
check "many: the user step's chart too" \
    sh -c "$CHK trend '$OUT/many.dom' user '<=500' '>=0' >>'$T_SHOW' 2>&1"
check "many: says the points are buckets" grep -q 'each point the median of the runs in one of 500' "$OUT/many.dom"
chrome "$OUT/many.html" --window-size=1200,760 --screenshot="$OUT/many.png" >/dev/null
T_SHOW=$OUT/chrome.err
check "many: the screenshot is not blank" $CHK png "$OUT/many.png"

# No run matching; usage errors.
T_SHOW=$OUT/none.err
"$MT" report --server 127.0.0.1:1 -o "$OUT/none.html" 2>"$OUT/none.err"
check "no run of the server: exit 1, one line, no file" \
    test "$?" = 1 -a "$(wc -l <"$OUT/none.err")" = 1 -a ! -e "$OUT/none.html"
"$MT" report --server "$SRV" --since 1h --until 2h -o "$OUT/none2.html" 2>"$OUT/none2.err"
check "no run in the time given: exit 1, no file" test "$?" = 1 -a ! -e "$OUT/none2.html"
for bad in "--server 127.0.0.1:99999" "--server $SRV --since yesterday" \
    "--server $SRV --run 1" "--step pass" "--since 1h" "--server $SRV --baseline x" \
    "--server $SRV -s 1 -s 2 -s 3 -s 4 -s 5 -s 6 -s 7 -s 8 -s 9"; do
	T_SHOW=$OUT/bad.err
	# shellcheck disable=SC2086
	"$MT" report $(echo "$bad" | sed 's/ -s / --step /g') -o "$OUT/bad.html" 2>"$OUT/bad.err"
	check "report $bad: exit 2, one line, no file" \
	    test "$?" = 2 -a "$(wc -l <"$OUT/bad.err")" = 1 -a ! -e "$OUT/bad.html"
done
T_SHOW=
t_done
