#!/usr/bin/env bash
# tests/batch/same.sh - a batch traces each session as the probe alone
# does: every line below runs once as its own command and once in one
# batch (all at once), against the real Dovecot and Postfix, and each
# batch run's records must equal the single run's (tests/batch/norm.py:
# all fields but the times, the client port and what the server makes new
# per session).
# SPDX-License-Identifier: BSD-2-Clause
# usage: same.sh MAILTRACE DOVECOT_WORKDIR POSTFIX_WORKDIR CERTDIR OUTDIR
set -u
MT=$1 DWORK=$2 PWORK=$3 CERTS=$4 OUT=$5/batch-same
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$DWORK/env"
. "$PWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD MAILTRACE_DB SSLKEYLOGFILE
PW=$DOVECOT_PASSWORD_FILE
P3=$DOVECOT_POP3_PORT P3S=$DOVECOT_POP3S_PORT SM=$POSTFIX_SMTP_PORT
echo wrong >"$OUT/wrong.pw"
A="--level advanced"
cat >"$OUT/lines.txt" <<LINES
pop3 $A --password-file $PW --uidl --top 1 --retr all --noop pop3://bob@127.0.0.1:$P3
pop3 $A --password-file $PW --stls --cafile $CERTS/ca.pem --retr 2 pop3://bob@localhost:$P3
pop3 $A --password-file $PW --cafile $CERTS/ca.pem --uidl pop3s://bob@localhost:$P3S
pop3 $A --password-file $PW --auth apop pop3://bob@127.0.0.1:$P3
pop3 $A --password-file $PW --auth cram-md5 --retr all pop3://dots@127.0.0.1:$P3
pop3 $A --password-file $OUT/wrong.pw pop3://bob@127.0.0.1:$P3
pop3 $A --password-file $PW --retr 9 pop3://bob@127.0.0.1:$P3
smtp $A --from a@example.test --to $POSTFIX_RCPT --helo probe.test smtp://127.0.0.1:$SM
smtp $A --starttls --cafile $CERTS/ca.pem --from a@example.test --to $POSTFIX_RCPT --to $POSTFIX_BAD_RCPT --helo probe.test smtp://localhost:$SM
smtp $A --password-file $PW --auth plain --from rcpt@example.test --to $POSTFIX_RCPT --helo probe.test smtp://rcpt@127.0.0.1:$SM
smtp $A --from $POSTFIX_BAD_SENDER --to $POSTFIX_RCPT --helo probe.test smtp://127.0.0.1:$SM
LINES
n=$(grep -c . "$OUT/lines.txt")

# Each line alone, in order: runs 1..n of single.db.
i=0
while read -r -a words; do
	i=$((i + 1))
	"$MT" "${words[@]}" --db "$OUT/single.db" >"$OUT/single.$i.out" 2>"$OUT/single.$i.err"
	echo $? >"$OUT/single.$i.rc"
done <"$OUT/lines.txt"
# All at once.
"$MT" batch --db "$OUT/batch.db" -c "$n" --per-login 0 "$OUT/lines.txt" >"$OUT/batch.out" 2>"$OUT/batch.err"
echo $? >"$OUT/batch.rc"
T_SHOW=$OUT/batch.out
check "the batch ran $n sessions at once" has "$OUT/batch.out" "^batch: $n sessions .* at most $n at once"
check "the batch's exit status is 1 (some lines fail by design)" test "$(cat "$OUT/batch.rc")" = 1

for i in $(seq "$n"); do
	run=$(sed -n "s/^[a-zA-Z]* *line $i  round 1  run \([0-9]*\) .*/\1/p" "$OUT/batch.out")
	"$MT" show --db "$OUT/single.db" --run "$i" --format jsonl 2>/dev/null |
	    python3 "$here/norm.py" >"$OUT/$i.want"
	"$MT" show --db "$OUT/batch.db" --run "${run:-0}" --format jsonl 2>/dev/null |
	    python3 "$here/norm.py" >"$OUT/$i.got"
	brc=$(sed -n "s/^[a-zA-Z]* *line $i  round 1  run [0-9]*  .*(exit \([0-9]*\))$/\1/p" "$OUT/batch.out")
	T_SHOW=$OUT/$i.diff
	diff "$OUT/$i.want" "$OUT/$i.got" >"$OUT/$i.diff" 2>&1
	check "line $i: the batch's records are the probe's own ($(wc -l <"$OUT/$i.want") records; $(sed -n "${i}p" "$OUT/lines.txt" | cut -c1-60)...)" \
	    test -n "$run" -a -s "$OUT/$i.want" -a ! -s "$OUT/$i.diff"
	check "line $i: the same outcome (exit ${brc:-0})" test "${brc:-0}" = "$(cat "$OUT/single.$i.rc")"
done
# A round trip is a line too: sent through Postfix, found over POP3.
echo "roundtrip --smtp smtp://127.0.0.1:$SM --pop3 pop3://rcpt@127.0.0.1:$P3 --password-file $PW --from a@example.test --to $POSTFIX_RCPT --interval 100 --deadline 30" >"$OUT/rt.txt"
"$MT" batch --db "$OUT/rt.db" "$OUT/rt.txt" >"$OUT/rt.out" 2>"$OUT/rt.err"
echo $? >"$OUT/rt.rc"
T_SHOW=$OUT/rt.out
check "roundtrip in a batch: exit 0" test "$(cat "$OUT/rt.rc")" = 0
check "roundtrip in a batch: ok" has "$OUT/rt.out" "^ok +line 1  round 1  run 1  .* roundtrip smtp://127.0.0.1:$SM -> pop3://rcpt@127.0.0.1:$P3$"
"$MT" show --db "$OUT/rt.db" --run 1 >"$OUT/rt.show" 2>&1
T_SHOW=$OUT/rt.show
check "roundtrip in a batch: the message was found" has "$OUT/rt.show" "  0xAD8B  A  rc=0  --  .*detail=token found in message [0-9]+ .*delivery latency [0-9]+us"
secret=$(cat "$PW")
check "the password is in no output or store" test -z "$(grep -rlaF -e "$secret" "$OUT"/*.out "$OUT"/*.err "$OUT"/*.db "$OUT"/*.got)"
bash "$here/../postfix/settle.sh" "$PWORK" "$DWORK"
check "Postfix delivered what the test sent" test $? = 0
t_done
