#!/usr/bin/env bash
# tests/fake/roundtrip.sh - mailtrace roundtrip against two fake servers
# (docs/fakesrv.md): the SMTP side accepts the message; the POP3 side
# answers the baseline (an empty mailbox), then trickles the first poll's
# UIDL listing.  --deadline bounds everything after the send, the poll in
# progress included: the run ends near the deadline, not when the trickle
# would end.
# SPDX-License-Identifier: BSD-2-Clause
# usage: roundtrip.sh MAILTRACE FAKESRV OUTDIR
set -u
MT=$1 FAKE=$2 OUT=$3/roundtrip-deadline
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
S=$here/roundtrip
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD
secret=fake-rt-S3cret-$$
printf '%s\n' "$secret" >"$OUT/pw"

# Each fake server prints its port once it listens: read it, no sleeping.
exec {sfd}< <("$FAKE" --script "$S/smtp.script" --timeout 30 2>"$OUT/smtp.err"; echo "fakesrv-exit $?")
exec {pfd}< <("$FAKE" --script "$S/pop3-baseline.script" --script "$S/pop3-poll.script" \
    --connections 2 --timeout 30 2>"$OUT/pop3.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$sfd" sport
read -r -t 10 -u "$pfd" pport
check "both fake servers listen" test -n "${sport##*[!0-9]*}" -a -n "${pport##*[!0-9]*}"

t0=$(date +%s%N)
"$MT" roundtrip --password-file "$OUT/pw" --level advanced --helo probe.test \
    --smtp "smtp://127.0.0.1:$sport" --pop3 "pop3://bob@127.0.0.1:$pport" \
    --from a@example.test --to b@example.test --deadline 2 --interval 100 \
    >"$OUT/rt.out" 2>"$OUT/rt.err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
T_SHOW=$OUT/rt.out
check "the poll cut off by the deadline: exit 1 (got $rc)" test "$rc" = 1
check "the run ends near the deadline (2 s), not with the trickle (~14 s): took $ms ms" test "$ms" -lt 7000
check "session 1 is the baseline, closed with QUIT" has "$OUT/rt.out" "S1#[0-9]+  0xAD91  B  rc=0  QUIT  opr=\\+OK"
check "session 2 queued the message" has "$OUT/rt.out" "S2#[0-9]+  0xAD13  B  rc=0  \\.  opr=250"
check "the poll's UIDL fails with SocketTimeoutException" \
    has "$OUT/rt.out" "S3#[0-9]+  0xAD8F  A  rc=2  UIDL  opt=java.net.SocketTimeoutException"
check "the poll's fetch block and Folder.close fail with it" \
    test -n "$(grep -E 'S3#[0-9]+  0xAD8B  A  rc=2  --  opt=java.net.SocketTimeoutException' "$OUT/rt.out")" \
    -a -n "$(grep -E 'S3#[0-9]+  0xAD87  A  rc=2  --  opt=java.net.SocketTimeoutException' "$OUT/rt.out")"
check "the poll sends nothing after UIDL (no TOP, no QUIT)" hasnt "$OUT/rt.out" "S3#[0-9]+  0xAD(8E|90)  [AB]  rc=0  (TOP|QUIT)"
check "the poll is torn down" has "$OUT/rt.out" "S3#[0-9]+  0xAD89  B  rc=0"
check "no second poll" hasnt "$OUT/rt.out" "  S4#"
T_SHOW=$OUT/rt.err
check "stderr names the POP3 target and the deadline" \
    has "$OUT/rt.err" "^mailtrace: roundtrip: the message \\(token [0-9a-f]+\\) did not arrive in pop3://bob@127.0.0.1:[0-9]+ within 2 s \\(1 poll; the last one: read: session time limit reached \\(--deadline 2 s\\)\\)$"
"$MT" show >"$OUT/rt.show" 2>"$OUT/show.err"
T_SHOW=$OUT/show.err
check "the store kept every record (show = printed)" cmp "$OUT/rt.out" "$OUT/rt.show"

for side in smtp:$sfd pop3:$pfd; do
	st=""
	while read -r -t 30 -u "${side#*:}" l; do
		case $l in "fakesrv-exit "*) st=${l#fakesrv-exit } ;; esac
	done
	T_SHOW=$OUT/${side%%:*}.err
	check "fake ${side%%:*} server exits 0 (got $st)" test "$st" = 0
done
rm -f "$OUT/pw"
check "the password is in no output" test -z "$(grep -rlaF -- "$secret" "$OUT")"
t_done
