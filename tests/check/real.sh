#!/usr/bin/env bash
# tests/check/real.sh - the regression check against the real servers: a
# baseline of real Dovecot with APOP (a new stamp every session) and one of
# real Postfix (a new queue id every message) each check clean three times
# in a row.  Latency is left out here (--latency-min-ms 2000): the suite
# runs two builds' tests at once on a small machine, and this test is about
# the servers' words; the latency rule has tests of its own (unit.diff).
# SPDX-License-Identifier: BSD-2-Clause
# usage: real.sh MAILTRACE DOVECOT_WORKDIR POSTFIX_WORKDIR OUTDIR
set -u
MT=$1 DWORK=$2 PWORK=$3 OUT=$4/check-real
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$DWORK/env"
. "$PWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD

T_SHOW=$OUT/dovecot.out
"$MT" pop3 --password-file "$DOVECOT_PASSWORD_FILE" --auth apop --level advanced \
    "pop3://bob@127.0.0.1:$DOVECOT_POP3_PORT" >"$OUT/dovecot.out" 2>&1
check "Dovecot with APOP: the baseline's probe exits 0" test "$?" = 0
check "Dovecot's greeting carries an APOP stamp" has "$OUT/dovecot.out" '0xAD93  B  rc=0  connect-mail-server  opr=\+OK .*reply=".*<[^>]*@[^>]*>"'
"$MT" baseline save dovecot-apop >/dev/null 2>&1
for i in 1 2 3; do
	"$MT" check dovecot-apop --latency-min-ms 2000 >"$OUT/dovecot$i.out" 2>&1
	rc=$?
	T_SHOW=$OUT/dovecot$i.out
	check "Dovecot check $i: clean (exit $rc)" test "$rc" = 0 -a "$(cat "$OUT/dovecot$i.out")" = "no difference"
done

T_SHOW=$OUT/postfix.out
"$MT" smtp --helo probe.example.test --from mailtrace@example.test --to "$POSTFIX_RCPT" \
    --level advanced "smtp://127.0.0.1:$POSTFIX_SMTP_PORT" >"$OUT/postfix.out" 2>&1
check "Postfix: the baseline's probe exits 0" test "$?" = 0
check "Postfix names a queue id" has "$OUT/postfix.out" 'reply=".*queued as [0-9A-Za-z]+'
"$MT" baseline save postfix >/dev/null 2>&1
for i in 1 2 3; do
	"$MT" check postfix --latency-min-ms 2000 >"$OUT/postfix$i.out" 2>&1
	rc=$?
	T_SHOW=$OUT/postfix$i.out
	check "Postfix check $i: clean (exit $rc)" test "$rc" = 0 -a "$(cat "$OUT/postfix$i.out")" = "no difference"
done
"$MT" baseline export dovecot-apop "$OUT/dovecot-apop.json" >/dev/null 2>&1 &&
	"$MT" baseline export postfix "$OUT/postfix.json" >/dev/null 2>&1
check "both baselines export" test "$?" = 0
pw=$(cat "$DOVECOT_PASSWORD_FILE")
check "the password is in no output, export or the store" \
    test -n "$pw" -a -z "$(grep -rlaF "$pw" "$OUT"/*.out "$OUT"/*.json "$MAILTRACE_DB"* 2>/dev/null)"
bash "$here/../postfix/settle.sh" "$PWORK" "$DWORK"
check "every message this test sent left Postfix's queue; the mailboxes emptied" test "$?" = 0
t_done
