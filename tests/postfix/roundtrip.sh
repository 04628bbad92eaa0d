#!/usr/bin/env bash
# tests/postfix/roundtrip.sh - mailtrace roundtrip through the real Postfix
# (LMTP delivery) and the real Dovecot (POP3).
# SPDX-License-Identifier: BSD-2-Clause
# usage: roundtrip.sh MAILTRACE DOVECOT_WORKDIR POSTFIX_WORKDIR CERTDIR OUTDIR
set -u
MT=$1 DWORK=$2 PWORK=$3 CERTS=$4 OUT=$5/roundtrip
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$DWORK/env"
. "$PWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD
PW=$DOVECOT_PASSWORD_FILE
SMTP=smtp://127.0.0.1:$POSTFIX_SMTP_PORT
POP=pop3://rcpt@127.0.0.1:$DOVECOT_POP3_PORT

run() {
	local name=$1
	shift
	"$MT" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
	T_SHOW=$OUT/$name.out
}
rc_is() { [ "$(cat "$OUT/$1.rc")" = "$2" ]; }
empty_mailbox() {
	for u in rcpt rcpt2; do
		bash "$here/../dovecot/reset-user.sh" "$DWORK" "$u" >/dev/null
	done
}

empty_mailbox
# Two messages already there: the round trip must leave them alone.
for i in 1 2; do
	MAILTRACE_DB=$OUT/side.db "$MT" smtp --from old@example.test --to "$POSTFIX_RCPT" "$SMTP" >/dev/null 2>&1
done
run before pop3 --password-file "$PW" --db "$OUT/side.db" "$POP"
check "two messages wait in rcpt's mailbox before the round trip" has "$OUT/before.out" "0xAD85  A  rc=0"

run ok roundtrip --password-file "$PW" --level advanced --smtp "$SMTP" --pop3 "$POP" \
    --from a@example.test --to "$POSTFIX_RCPT" --interval 100 --deadline 20 --helo probe.test
check "round trip: exit 0" rc_is ok 0
check "round trip: nothing on stderr" test ! -s "$OUT/ok.err"
check "session 1 is the POP3 baseline (two messages)" has "$OUT/ok.out" "S1#[0-9]+  0xAD8B  A  rc=0  --  .*detail=baseline: 2 messages"
check "session 2 is the SMTP send, queued" has "$OUT/ok.out" "S2#[0-9]+  0xAD13  B  rc=0  \\.  opr=250"
check "a later POP3 session found the token and says the latency" \
    has "$OUT/ok.out" "S[3-9]#[0-9]+  0xAD8B  A  rc=0  --  .*detail=token found in message 3 \\(UID [0-9a-f]+\\); delivery latency [0-9]+us"
check "only the new message's headers were fetched (one TOP n 0)" test "$(grep -c '0xAD91  B  rc=0  TOP [0-9]* 0' "$OUT/ok.out")" = 1
check "no message was downloaded whole (no RETR)" hasnt "$OUT/ok.out" "RETR"
check "the probe message was deleted (DELE 3), nothing else" \
    test "$(grep -c '0xAD91  B  rc=0  DELE' "$OUT/ok.out")" = 1 -a -n "$(grep '0xAD91  B  rc=0  DELE 3' "$OUT/ok.out")"
run after pop3 --password-file "$PW" --db "$OUT/side.db" --retr all "$POP"
check "afterwards exactly the two old messages are still there" test "$(grep -c '0xAD8F  A  rc=0  RETR' "$OUT/after.out")" = 2
"$MT" show >"$OUT/ok.show"
check "the whole round trip is one stored run; show gives it back" cmp "$OUT/ok.out" "$OUT/ok.show"

run tls roundtrip --password-file "$PW" --smtp "smtp://localhost:$POSTFIX_SMTP_PORT" --starttls \
    --pop3 "pop3://rcpt@localhost:$DOVECOT_POP3_PORT" --stls --cafile "$CERTS/ca.pem" \
    --from a@example.test --to "$POSTFIX_RCPT" --interval 100 --deadline 20 --static-send
check "round trip over STARTTLS and STLS: exit 0" rc_is tls 0
check "--static-send: the SMTP session (2) opens with 0xAD0E and ends with 0xAD0F, rc 0" \
    test -n "$(grep -E 'S2#1  0xAD0E  A  rc=0  --$' "$OUT/tls.out")" -a \
    "$(grep -E '  S2#' "$OUT/tls.out" | tail -1 | grep -Ec '0xAD0F  A  rc=0  --  \+[0-9]+us$')" = 1
check "--static-send: only the SMTP session has them" test "$(grep -c '0xAD0[EF]' "$OUT/tls.out")" = 2
check "STARTTLS and STLS were used" test -n "$(grep '0xAD11  A  rc=0  STARTTLS  opr=220' "$OUT/tls.out")" -a -n "$(grep '0xAD8F  A  rc=0  STLS' "$OUT/tls.out")"

run auth roundtrip --password-file "$PW" --smtp "smtp://rcpt@127.0.0.1:$POSTFIX_SMTP_PORT" \
    --smtp-auth plain --pop3 "$POP" --pop3-auth cram-md5 --level advanced --format jsonl \
    --from rcpt@example.test --to "$POSTFIX_RCPT" --interval 100 --deadline 20
check "round trip with SMTP AUTH PLAIN and POP3 CRAM-MD5: exit 0" rc_is auth 0
check "the SMTP password came from the POP3 one (SEND USER PASS 235)" has "$OUT/auth.out" '"int":"SEND USER PASS","opr":"235"'

run lost roundtrip --password-file "$PW" --smtp "$SMTP" --pop3 "$POP" \
    --from a@example.test --to "$POSTFIX_RCPT2" --interval 200 --deadline 2
check "a message that never reaches the mailbox: exit 1" rc_is lost 1
check "lost: stderr says it did not arrive, with the polls" has "$OUT/lost.err" "did not arrive in pop3://rcpt@127.0.0.1:[0-9]+ within 2 s \\([0-9]+ polls?(; the last one: [a-z]+: session time limit reached \\(--deadline 2 s\\))?\\)$"
check "lost: the polls say the token was not found" has "$OUT/lost.out" "0xAD8B  A  rc=0  --  .*detail=token not found"

run refused roundtrip --password-file "$PW" --smtp "$SMTP" --pop3 "$POP" \
    --from a@example.test --to "$POSTFIX_BAD_RCPT" --interval 100 --deadline 5
check "a refused recipient: exit 1" rc_is refused 1
check "refused: no POP3 poll after the failed send (sessions 1 and 2 only)" hasnt "$OUT/refused.out" "  S3#"
check "refused: stderr names the SMTP target and the refusal" has "$OUT/refused.err" "smtp://127.0.0.1:[0-9]+: RCPT TO:<nobody@example.test>: 550"

echo wrong-password >"$OUT/wrong.pw"
run wrong roundtrip --password-file "$OUT/wrong.pw" --smtp "$SMTP" --pop3 "$POP" \
    --from a@example.test --to "$POSTFIX_RCPT" --interval 100 --deadline 5
check "a wrong POP3 password: exit 1 before anything is sent" rc_is wrong 1
check "wrong: no SMTP session" hasnt "$OUT/wrong.out" "  S2#"

run usage roundtrip --smtp "$SMTP" --pop3 "$POP" --from a@example.test
check "roundtrip without --to: exit 2" rc_is usage 2

secret=$(cat "$PW")
rm -f "$OUT/wrong.pw"
check "the password is in no output, error or store file" test -z "$(grep -rlaF -e "$secret" -e "$(printf '\0rcpt\0%s' "$secret" | base64 -w0)" "$OUT")"
empty_mailbox
t_done
