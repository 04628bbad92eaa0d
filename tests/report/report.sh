#!/usr/bin/env bash
# tests/report/report.sh - mailtrace report's waterfall, rendered by a real
# headless Chromium (no network: file:// URLs of files made here): a POP3
# run against the suite's Dovecot (STLS, RETR) and an SMTP run against its
# Postfix, each a screenshot that is not blank and a DOM with one labelled
# element per step of the run, in the records' order on the time axis;
# nothing in the HTML loads from anywhere; a fake server's greeting
# carrying <script> shows as text.  The screenshots are kept in OUTDIR
# (docs/report.md's pictures come from them).
# SPDX-License-Identifier: BSD-2-Clause
# usage: report.sh MAILTRACE FAKESRV DOVECOT_WORKDIR POSTFIX_WORKDIR CERTS OUTDIR
set -u
MT=$1 FAKE=$2 DWORK=$3 PWORK=$4 CERTS=$5 OUT=$6/report
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$DWORK/env"
. "$PWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
CHK="python3 $here/html_check.py"

# chrome WHAT URL-FILE ARGS...: Chromium headless, its profile in OUT, no
# sandbox (the suite runs as root), nothing fetched in the background.
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

# draw NAME RUN: report --run RUN -o NAME.html, its DOM, its screenshot
draw() {
	"$MT" report --run "$2" -o "$OUT/$1.html" 2>"$OUT/$1.err"
	check "$1: report exits 0" test "$?" = 0
	chrome "$OUT/$1.html" --dump-dom >"$OUT/$1.dom"
	check "$1: Chromium dumps the DOM" test -s "$OUT/$1.dom"
	chrome "$OUT/$1.html" --window-size=1200,"$3" \
	    --screenshot="$OUT/$1.png" >/dev/null
	T_SHOW=$OUT/chrome.err
	check "$1: Chromium takes a screenshot that is not blank" $CHK png "$OUT/$1.png"
	"$MT" show --run "$2" --format jsonl >"$OUT/$1.jsonl" 2>/dev/null
	T_SHOW=$OUT/$1.steps
	check "$1: one labelled element per step, in the records' order" \
	    sh -c "$CHK steps '$OUT/$1.dom' '$OUT/$1.jsonl' >'$T_SHOW' 2>&1"
	T_SHOW=$OUT/$1.safe
	check "$1: nothing in the HTML or its DOM loads from anywhere" \
	    sh -c "$CHK safe '$OUT/$1.html' >'$T_SHOW' 2>&1 && $CHK safe '$OUT/$1.dom' >>'$T_SHOW' 2>&1"
}

"$MT" pop3 --password-file "$DOVECOT_PASSWORD_FILE" --stls --cafile "$CERTS/ca.pem" \
    --retr 1 --level advanced "pop3://bob@localhost:$DOVECOT_POP3_PORT" >"$OUT/pop3.out" 2>&1
rc=$?
T_SHOW=$OUT/pop3.out
check "Dovecot: the probe (STLS, RETR 1) exits 0" test "$rc" = 0
draw pop3 1 780
check "pop3: the STLS step is drawn with its TLS handshake" $CHK has "$OUT/pop3.dom" STLS tls
check "pop3: RETR 1 is drawn with its body" $CHK has "$OUT/pop3.dom" "RETR 1" body
check "pop3: the API blocks are brackets" $CHK blocks "$OUT/pop3.dom" Store.connect Folder.open Folder.close

"$MT" smtp --helo probe.example.test --from mailtrace@example.test --to "$POSTFIX_RCPT" \
    --level advanced "smtp://127.0.0.1:$POSTFIX_SMTP_PORT" >"$OUT/smtp.out" 2>&1
rc=$?
T_SHOW=$OUT/smtp.out
check "Postfix: the probe exits 0" test "$rc" = 0
draw smtp 2 720
check "smtp: the API blocks are brackets" $CHK blocks "$OUT/smtp.dom" \
    Transport.connect sendMessage recipients message Transport.close
check "smtp: the end of data is drawn with its message body" $CHK has "$OUT/smtp.dom" . body

# A greeting with markup: text in the page, no element of it in the DOM.
printf 'not-the-password\n' >"$OUT/pw"
exec {ffd}< <("$FAKE" --script "$here/inject.script" --timeout 30 2>"$OUT/fake.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$ffd" port
check "the fake server listens" test -n "${port##*[!0-9]*}"
"$MT" pop3 --password-file "$OUT/pw" --level advanced "pop3://bob@127.0.0.1:$port" >"$OUT/inject.out" 2>&1
check "the probe of the fake server fails at PASS (exit 1)" test "$?" = 1
read -r -t 10 -u "$ffd" l
check "the fake server played its script ($l)" test "$l" = "fakesrv-exit 0"
draw inject 3 620
T_SHOW=$OUT/inject.chk
check "inject: the greeting's <script> shows as text; the DOM holds our script alone" \
    sh -c "$CHK inject '$OUT/inject.dom' '<script>alert(1)</script><img src=x onerror=alert(2)> ready' >'$T_SHOW' 2>&1"
check "inject: the greeting is shown in the session's line" \
    grep -q '<q class="greeting">&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x' "$OUT/inject.dom"
check "inject: no img element from the greeting" hasnt "$OUT/inject.dom" '<img'
check "inject: the refused PASS is marked without colour (NEG) and hatched" \
    sh -c "$CHK has '$OUT/inject.dom' PASS NEG && grep -q 'class=\"step neg\"[^>]*data-label=\"PASS\"' '$OUT/inject.dom'"
check "the password is in no report" hasnt "$OUT/pop3.html" "$(cat "$DOVECOT_PASSWORD_FILE")"

# 150 sessions (the fake server's, copied with sqlite3 as a decoder's
# sessions would come, each later and slower than the one before): rows
# for all, waterfalls for the first 100 (RPT_DRAWN_HARD), a bounded file.
sqlite3 "$MAILTRACE_DB" "WITH RECURSIVE n(k) AS (SELECT 2 UNION ALL SELECT k + 1 FROM n WHERE k < 150)
    INSERT INTO records SELECT r.run, n.k, r.seq, r.event, r.level, r.rc, r.intf, r.opr, r.opt,
    r.time + n.k * 5000 + (CASE WHEN r.elapsed_us IS NULL THEN 0 ELSE n.k * 10 END), r.client, r.server, r.source,
    r.elapsed_us + n.k * 10, r.bytes, r.body_end, r.anomaly, r.detail, r.reply, r.tls, r.explanation, r.dns
    FROM records r, n WHERE r.run = 3 AND r.session = 1 ORDER BY n.k, r.rowid" 2>"$OUT/many.sql"
check "150 sessions made in the store" test "$?" = 0
"$MT" report --run 3 -o "$OUT/many.html" 2>"$OUT/many.err"
check "many: report exits 0" test "$?" = 0
check "many: 150 rows in the overview" test "$(grep -c '^<tr class="[a-z]*" data-start=' "$OUT/many.html")" = 150
check "many: 100 sessions drawn" test "$(grep -c '^<section class="sess"' "$OUT/many.html")" = 100
check "many: says the rest are listed, not drawn" has "$OUT/many.html" "Sessions past session 100 are listed above, not drawn"
T_SHOW=$OUT/many.bound
check "many: at most 2 MB and 30,000 elements" sh -c "$CHK bound '$OUT/many.html' 2000000 30000 >'$T_SHOW' 2>&1"
chrome "$OUT/many.html" --dump-dom >"$OUT/many.dom"
check "many: Chromium dumps the DOM, 150 rows" test "$(grep -c 'data-dur=' "$OUT/many.dom")" = 150
chrome "$OUT/many.html" --window-size=1200,900 --screenshot="$OUT/many.png" >/dev/null
check "many: the screenshot is not blank" $CHK png "$OUT/many.png"

# Ghost bars (issue 14): run 1 saved as a baseline, a check of Dovecot
# against it; its report draws, by default, the baseline's time of each
# step beside it, at the times of run 1's own report.
T_SHOW=$OUT/ghost-save.out
"$MT" baseline save pop3base --run 1 >"$OUT/ghost-save.out" 2>&1
check "ghost: run 1 saved as baseline pop3base" test "$?" = 0
"$MT" check pop3base --password-file "$DOVECOT_PASSWORD_FILE" >"$OUT/ghost-check.out" 2>&1
rc=$?
T_SHOW=$OUT/ghost-check.out
check "ghost: the check of Dovecot against pop3base ran (exit 0 or 1)" test "$rc" -le 1
gid=$(sqlite3 "$MAILTRACE_DB" "SELECT max(id) FROM runs WHERE baseline = 'pop3base'")
check "ghost: the check run is stored with its baseline" test -n "$gid"
"$MT" report -o "$OUT/ghost.html" 2>"$OUT/ghost.err"
check "ghost: report (the check run, its baseline by default) exits 0" test "$?" = 0
chrome "$OUT/ghost.html" --dump-dom >"$OUT/ghost.dom"
T_SHOW=$OUT/ghost.chk
check "ghost: every step has one ghost labelled baseline, at run 1's time of the step" \
    sh -c "$CHK ghosts '$OUT/ghost.dom' '$OUT/pop3.dom' >'$T_SHOW' 2>&1"
"$MT" show --run "$gid" --format jsonl >"$OUT/ghost.jsonl" 2>/dev/null
T_SHOW=$OUT/ghost.steps
check "ghost: the run's steps are still one element each, in order" \
    sh -c "$CHK steps '$OUT/ghost.dom' '$OUT/ghost.jsonl' >'$T_SHOW' 2>&1"
chrome "$OUT/ghost.html" --window-size=1200,780 --screenshot="$OUT/ghost.png" >/dev/null
check "ghost: the screenshot is not blank" $CHK png "$OUT/ghost.png"
"$MT" report --run 1 --baseline pop3base -o "$OUT/ghost1.html" 2>"$OUT/ghost1.err"
check "ghost: report --run 1 --baseline pop3base exits 0" test "$?" = 0
check "ghost: a ghost per step, each at its own step's time (the same run)" \
    test "$(grep -c 'class="ghost" x=' "$OUT/ghost1.html")" = "$(grep -c 'class="step ' "$OUT/pop3.html")"
check "ghost: no ghost without a baseline" hasnt "$OUT/pop3.html" 'class="ghost"'
T_SHOW=$OUT/noghost.err
"$MT" report --run 1 --baseline nosuch -o "$OUT/noghost.html" 2>"$OUT/noghost.err"
check "report --baseline of no such baseline: exit 2, one line, no file" \
    test "$?" = 2 -a "$(wc -l <"$OUT/noghost.err")" = 1 -a ! -e "$OUT/noghost.html"
T_SHOW=

# usage errors: exit 2 with one line
"$MT" report --run 99 -o "$OUT/none.html" 2>"$OUT/none.err"
check "report of no such run: exit 2, one line, no file" \
    test "$?" = 2 -a "$(wc -l <"$OUT/none.err")" = 1 -a ! -e "$OUT/none.html"
"$MT" report --db "$OUT/missing.db" 2>/dev/null
check "report of a missing store: exit 2" test "$?" = 2

bash "$here/../postfix/settle.sh" "$PWORK" "$DWORK"
check "every message this test sent left Postfix's queue; the mailboxes emptied" test "$?" = 0
t_done
