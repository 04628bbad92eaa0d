#!/usr/bin/env bash
# tests/postfix/probe.sh - the SMTP probe against a real Postfix.
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: probe.sh MAILTRACE DOVECOT_WORKDIR POSTFIX_WORKDIR CERTDIR OUTDIR GROUP
#   GROUP: basic | tls | tlsfacts | auth | formats | secrets | explain
# Needs the dovecot and postfix fixtures (tests/dovecot/start.sh,
# tests/postfix/start.sh) running. Messages go to rcpt@ / rcpt2@example.test
# (Dovecot users rcpt, rcpt2); each group starts by emptying both mailboxes
# and ends by checking over POP3 that exactly the messages the probe reported
# as queued arrived, deleting them again. Hold RESOURCE_LOCK postfix-rcpt.
set -u
MT=$1 DWORK=$2 PWORK=$3 CERTS=$4 OUT=$5 GROUP=$6
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$DWORK/env"
. "$PWORK/env"

OUT=$OUT/$GROUP
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
PW=$POSTFIX_PASSWORD_FILE
U=$POSTFIX_AUTH_USER
H=127.0.0.1
P=$POSTFIX_SMTP_PORT
PS=$POSTFIX_SMTPS_PORT
PSUB=$POSTFIX_SUBMISSION_PORT
FROM=mailtrace@example.test
R1=$POSTFIX_RCPT
R2=$POSTFIX_RCPT2

# run NAME ARGS...: mailtrace smtp ARGS, output in $OUT/NAME.out/.err/.rc
run() {
	local name=$1
	shift
	"$MT" smtp "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
	T_SHOW=$OUT/$name.out
}
rc_is() { [ "$(cat "$OUT/$1.rc")" = "$2" ]; }
# The records of a text trace, without time and seq: "0xAD11 A rc=0 EHLO vm ..."
events() { sed -n 's/^[^ ]*  S[0-9]*#[0-9]*  //p' "$OUT/$1.out" | sed 's/  +[0-9]*us//; s/  / /g'; }
# pairs NAME: "event int" of each record, on one line
pairs() { awk -F'  ' '$2 ~ /^S[0-9]+#/ {printf "%s %s ", $3, $6} END {print ""}' "$OUT/$1.out"; }
# seq_of NAME: the event ids in order, one line
seq_of() { events "$1" | awk '{printf "%s ", $1} END {print ""}'; }
# one_line NAME REGEX: stderr is exactly one line and it matches REGEX
one_line() { [ "$(grep -c . "$OUT/$1.err")" = 1 ] && grep -Eq -- "$2" "$OUT/$1.err"; }

# --- deliveries ------------------------------------------------------------
# want USER: one more message for USER is expected (the run reported it
# queued). settle_and_drain checks that exactly that many arrived.
declare -A want=([rcpt]=0 [rcpt2]=0) base=()
want() { want[$1]=$((${want[$1]} + 1)); }
# sent USER: Postfix's count of "status=sent" deliveries to USER so far
sent() { grep -c "to=<$1@$POSTFIX_DOMAIN>,.* status=sent " "$POSTFIX_LOG" 2>/dev/null; }
# pop_drain USER NAME: RETR and DELE everything in USER's mailbox over POP3
# (own store, so `mailtrace show` in this group is not affected); prints the
# number of messages fetched.
pop_drain() {
	"$MT" pop3 --db "$OUT/pop3.db" --password-file "$PW" --retr all --dele \
	    "pop3://$1@$H:$DOVECOT_POP3_PORT" >"$OUT/$2.out" 2>"$OUT/$2.err"
	echo $? >"$OUT/$2.rc"
	grep -Ec '0xAD8F  A  rc=0  RETR [0-9]+  opr=\+OK' "$OUT/$2.out"
}
# Start from empty mailboxes; remember the log's delivery counts.
begin_mail() {
	local u
	for u in rcpt rcpt2; do
		pop_drain "$u" "drain0_$u" >/dev/null
		base[$u]=$(sent "$u")
	done
}
# For each user: wait (bounded, 30 s) until Postfix has logged the expected
# deliveries, then fetch and delete them over POP3 and compare the count.
end_mail() {
	local u i n
	for u in rcpt rcpt2; do
		for ((i = 0; i < 300; i++)); do
			[ "$(sent "$u")" -ge $((${base[$u]} + ${want[$u]})) ] && break
			sleep 0.1
		done
		check "Postfix delivered the ${want[$u]} message(s) queued for $u" \
		    test "$(sent "$u")" = $((${base[$u]} + ${want[$u]}))
		n=$(pop_drain "$u" "drain_$u")
		T_SHOW=$OUT/drain_$u.out
		check "POP3: $u's mailbox held exactly those ${want[$u]} message(s); deleted again" \
		    test "$n" = "${want[$u]}" -a "$(cat "$OUT/drain_$u.rc")" = 0
	done
}

# The standard and advanced event orders of a plain, successful send.
STD_ORDER="0xAD00 0xAD06 0xAD07 0xAD10 0xAD11 0xAD01 0xAD02 0xAD10 0xAD11 0xAD08 0xAD10 0xAD11 0xAD09 0xAD10 0xAD11 0xAD0A 0xAD0B 0xAD03 0xAD04 0xAD05 "
ADV_PAIRS="0xAD00 -- 0xAD06 -- 0xAD07 -- 0xAD14 connect-mail-server 0xAD15 connect-mail-server 0xAD10 EHLO probe.example.test 0xAD11 EHLO probe.example.test 0xAD01 -- 0xAD02 -- 0xAD10 MAIL FROM:<$FROM> 0xAD11 MAIL FROM:<$FROM> 0xAD08 -- 0xAD10 RCPT TO:<$R1> 0xAD11 RCPT TO:<$R1> 0xAD09 -- 0xAD10 DATA 0xAD11 DATA 0xAD0A SEND MAIL 0xAD12 . 0xAD13 . 0xAD0B SEND MAIL 0xAD03 -- 0xAD04 -- 0xAD12 QUIT 0xAD13 QUIT 0xAD0C -- 0xAD0D -- 0xAD05 -- "

# stuffed_size FILE: octets of FILE on the wire after DATA: every line ends
# in CRLF (any line ending in the file), lines starting with "." get one more,
# plus the ".\r\n" terminator.
stuffed_size() {
	awk '{ sub(/\r$/, ""); n += length($0) + 2 + (substr($0, 1, 1) == ".") }
	    END { print n + 3 }' "$1"
}
# body_of FILE: the lines after the first empty line, CR removed
body_of() { tr -d '\r' <"$1" | sed '1,/^$/d'; }

basic() {
	begin_mail
	run plain --helo probe.example.test --from "$FROM" --to "$R1" "smtp://$H:$P"
	check "plain send to $R1 exits 0" rc_is plain 0
	want rcpt
	check "standard order: connect, fetch conn, EHLO, connect exit, send, MAIL, RCPT block, DATA, mail block, close" \
	    test "$(seq_of plain)" = "$STD_ORDER"
	check "0xAD06 opt is host port connect-timeout read-timeout (the defaults in force)" \
	    has "$OUT/plain.out" "0xAD06  A  rc=0  --  opt=$H $P 10000 30000\$"
	check "0xAD07 after point with elapsed time" has "$OUT/plain.out" "0xAD07  A  rc=0  --  \\+[0-9]+us\$"
	check "EHLO after point: 250, detail lists PIPELINING and STARTTLS" \
	    has "$OUT/plain.out" "0xAD11  A  rc=0  EHLO probe\\.example\\.test  opr=250  \\+[0-9]+us  reply=\"mx\\.example\\.test\"  detail=PIPELINING, .*STARTTLS, AUTH PLAIN LOGIN CRAM-MD5, .*CHUNKING\$"
	check "--helo NAME is the EHLO argument in int" has "$OUT/plain.out" "0xAD10  A  rc=0  EHLO probe\\.example\\.test\$"
	check "MAIL int is MAIL FROM:<addr>, opr 250" has "$OUT/plain.out" "0xAD11  A  rc=0  MAIL FROM:<$FROM>  opr=250  \\+[0-9]+us  reply=\"2\\.1\\.0 Ok\"\$"
	check "RCPT int is RCPT TO:<addr>, opr 250" has "$OUT/plain.out" "0xAD11  A  rc=0  RCPT TO:<$R1>  opr=250  \\+[0-9]+us  reply=\"2\\.1\\.5 Ok\"\$"
	check "DATA answered 354" has "$OUT/plain.out" "0xAD11  A  rc=0  DATA  opr=354  \\+[0-9]+us  reply=\"End data with <CR><LF>\\.<CR><LF>\"\$"
	check "mail block int is SEND MAIL" has "$OUT/plain.out" "0xAD0B  A  rc=0  SEND MAIL  \\+[0-9]+us\$"
	check "nothing on stderr for a good session" test ! -s "$OUT/plain.err"

	# --static-send: Transport.send(msg)'s entry and exit around the rest
	run static --static-send --helo probe.example.test --from "$FROM" --to "$R1" "smtp://$H:$P"
	check "--static-send exits 0" rc_is static 0
	want rcpt
	check "--static-send: 0xAD0E first, 0xAD0F last, the standard order between" \
	    test "$(seq_of static)" = "0xAD0E ${STD_ORDER}0xAD0F "
	check "--static-send: entry and exit rc 0, the exit with the whole call's time" \
	    test -n "$(grep '0xAD0E  A  rc=0  --$' "$OUT/static.out")" -a -n "$(grep -E '0xAD0F  A  rc=0  --  \+[0-9]+us$' "$OUT/static.out")"
	run static_partial --static-send --from "$FROM" --to "$R1" --to "$POSTFIX_BAD_RCPT" "smtp://$H:$P"
	check "--static-send, a recipient refused: exit 1, 0xAD0F rc 9 SendFailedException after close's exit" \
	    test "$(cat "$OUT/static_partial.rc")" = 1 -a "$(seq_of static_partial | awk '{print $(NF-1), $NF}')" = "0xAD05 0xAD0F" -a \
	    -n "$(grep '0xAD0F  A  rc=9  --  opt=javax\.mail\.SendFailedException' "$OUT/static_partial.out")"
	want rcpt
	run static_refused --static-send --from "$FROM" --to "$R1" "smtp://$H:1"
	check "--static-send, connection refused: 0xAD0F carries the connect failure, after the connect exit" \
	    test "$(seq_of static_refused)" = "0xAD0E 0xAD00 0xAD06 0xAD07 0xAD01 0xAD0F " -a \
	    -n "$(grep '0xAD0F  A  rc=[1-9][0-9]*  --  opt=java' "$OUT/static_refused.out")"

	run adv --helo probe.example.test --level advanced --connect-timeout 5000 --timeout 7000 \
	    --from "$FROM" --to "$R1" "smtp://$H:$P"
	check "advanced level exits 0" rc_is adv 0
	want rcpt
	check "advanced order adds greeting, '.', QUIT and teardown" test "$(pairs adv)" = "$ADV_PAIRS"
	check "greeting int connect-mail-server, opr 220" has "$OUT/adv.out" "0xAD15  B  rc=0  connect-mail-server  opr=220  \\+[0-9]+us  reply=\"mx\\.example\\.test ESMTP mailtrace-test\"\$"
	check "'.' after point: 250 and bytes" has "$OUT/adv.out" "0xAD13  B  rc=0  \\.  opr=250  \\+[0-9]+us  bytes=[0-9]+  reply=\"2\\.0\\.0 Ok: queued as [0-9A-F]+\"\$"
	check "QUIT answered 221" has "$OUT/adv.out" "0xAD13  B  rc=0  QUIT  opr=221  \\+[0-9]+us  reply=\"2\\.0\\.0 Bye\"\$"
	check "timeouts given are recorded in ms" has "$OUT/adv.out" "0xAD06  A  rc=0  --  opt=$H $P 5000 7000\$"
	check "level filters records, not the wire: same A records at both levels" \
	    test "$(events plain | grep ' A ' | cut -d' ' -f1-5)" = "$(events adv | grep ' A ' | cut -d' ' -f1-5)"

	run two --level advanced --from "$FROM" --to "$R1" --to "$R2" "smtp://$H:$P"
	check "two good recipients: exit 0, one RCPT pair each" \
	    test "$(cat "$OUT/two.rc")" = 0 -a "$(grep -c '0xAD11  A  rc=0  RCPT TO:<.*>  opr=250' "$OUT/two.out")" = 2
	want rcpt
	want rcpt2

	run partial --level advanced --from "$FROM" --to "$R1" --to "$POSTFIX_BAD_RCPT" "smtp://$H:$P"
	check "partial delivery (good + unknown recipient) exits 1" rc_is partial 1
	want rcpt
	check "partial: good RCPT rc 0 opr 250" has "$OUT/partial.out" "0xAD11  A  rc=0  RCPT TO:<$R1>  opr=250  "
	check "partial: refused RCPT rc 9 opr 550 SendFailedException" \
	    has "$OUT/partial.out" "0xAD11  A  rc=9  RCPT TO:<$POSTFIX_BAD_RCPT>  opr=550  opt=javax\\.mail\\.SendFailedException  \\+[0-9]+us  reply=\"5\\.1\\.1 <$POSTFIX_BAD_RCPT>: Recipient address rejected: [^\"]*\"  explanation=\"5\\.1\\.1: bad destination mailbox: the recipient does not exist there; check the recipient address for typos\"\$"
	check "partial: 0xAD09 carries rc 9" has "$OUT/partial.out" "0xAD09  A  rc=9  --  opt=javax\\.mail\\.SendFailedException"
	check "partial: DATA still sent, message queued ('.' 250)" \
	    has "$OUT/partial.out" "0xAD13  B  rc=0  \\.  opr=250  "
	check "partial: mail block itself succeeded" has "$OUT/partial.out" "0xAD0B  A  rc=0  SEND MAIL"
	check "partial: 0xAD03 carries rc 9" has "$OUT/partial.out" "0xAD03  A  rc=9  --  opt=javax\\.mail\\.SendFailedException"
	check "partial: no RSET" hasnt "$OUT/partial.out" "  RSET"
	check "partial: one stderr line naming the refused recipient" \
	    one_line partial "RCPT TO:<$POSTFIX_BAD_RCPT>: 550 .*SendFailedException"

	run allbad --level advanced --from "$FROM" --to "$POSTFIX_BAD_RCPT" --to "$POSTFIX_RELAY_RCPT" "smtp://$H:$P"
	check "all recipients refused: exit 1" rc_is allbad 1
	check "all refused: RSET instead of DATA, no mail block" \
	    test "$(pairs allbad | sed 's/.*\(0xAD08 \)/\1/')" = \
	    "0xAD08 -- 0xAD10 RCPT TO:<$POSTFIX_BAD_RCPT> 0xAD11 RCPT TO:<$POSTFIX_BAD_RCPT> 0xAD10 RCPT TO:<$POSTFIX_RELAY_RCPT> 0xAD11 RCPT TO:<$POSTFIX_RELAY_RCPT> 0xAD09 -- 0xAD10 RSET 0xAD11 RSET 0xAD03 -- 0xAD04 -- 0xAD12 QUIT 0xAD13 QUIT 0xAD0C -- 0xAD0D -- 0xAD05 -- "
	check "all refused: relay to another domain refused 554 (no AUTH)" \
	    has "$OUT/allbad.out" "0xAD11  A  rc=9  RCPT TO:<$POSTFIX_RELAY_RCPT>  opr=554  opt=javax\\.mail\\.SendFailedException"
	check "all refused: RSET answered 250, 0xAD03 rc 9" \
	    test -n "$(grep '0xAD11  A  rc=0  RSET  opr=250' "$OUT/allbad.out")" -a -n "$(grep '0xAD03  A  rc=9' "$OUT/allbad.out")"

	run relay --from "$FROM" --to "$POSTFIX_RELAY_RCPT" "smtp://$H:$P"
	check "relay to another domain: exit 1" rc_is relay 1
	check "relay: stderr says Relay access denied" one_line relay "RCPT TO:<$POSTFIX_RELAY_RCPT>: 554 .*Relay access denied.*SendFailedException"

	run badsender --level advanced --from "$POSTFIX_BAD_SENDER" --to "$R1" "smtp://$H:$P"
	check "refused sender: exit 1" rc_is badsender 1
	check "refused sender: MAIL rc 9 opr 5xx SendFailedException" \
	    has "$OUT/badsender.out" "0xAD11  A  rc=9  MAIL FROM:<$POSTFIX_BAD_SENDER>  opr=5[0-9][0-9]  opt=javax\\.mail\\.SendFailedException"
	check "refused sender: no RCPT block, no DATA; 0xAD03 rc 9; QUIT" \
	    test "$(pairs badsender | sed 's/.*\(0xAD02 \)/\1/')" = \
	    "0xAD02 -- 0xAD10 MAIL FROM:<$POSTFIX_BAD_SENDER> 0xAD11 MAIL FROM:<$POSTFIX_BAD_SENDER> 0xAD03 -- 0xAD04 -- 0xAD12 QUIT 0xAD13 QUIT 0xAD0C -- 0xAD0D -- 0xAD05 -- "
	check "refused sender: stderr names MAIL FROM" one_line badsender "MAIL FROM:<$POSTFIX_BAD_SENDER>: 554 "

	run nullsender --from "" --to "$R1" "smtp://$H:$P"
	check "null sender: MAIL FROM:<> accepted, exit 0" \
	    test "$(cat "$OUT/nullsender.rc")" = 0 -a -n "$(grep '0xAD11  A  rc=0  MAIL FROM:<>  opr=250' "$OUT/nullsender.out")"
	want rcpt

	# --data: LF line endings, lines that need dot-stuffing, no final newline.
	local token
	token=dots-$$-$RANDOM
	printf 'From: <%s>\nTo: <%s>\nSubject: %s\n\nfirst line\n.leading dot line\n.\n..\n.x\n...three dots\n\n \n.\nlast line without newline' \
	    "$FROM" "$R1" "$token" >"$OUT/dots.eml"
	run dots --level advanced --data "$OUT/dots.eml" --from "$FROM" --to "$R1" "smtp://$H:$P"
	check "--data FILE with dot lines: exit 0" rc_is dots 0
	want rcpt
	check "'.' bytes = the file with CRLF, dot-stuffed, + '.\\r\\n' ($(stuffed_size "$OUT/dots.eml"))" \
	    has "$OUT/dots.out" "0xAD13  B  rc=0  \\.  opr=250  \\+[0-9]+us  bytes=$(stuffed_size "$OUT/dots.eml")  reply=\"2\\.0\\.0 Ok: queued as [0-9A-F]+\"\$"
	check "no anomaly for a well-formed message" hasnt "$OUT/dots.out" "anomaly"
	# The delivered file (maildir) has the body exactly, dot-stuffing undone.
	local i f=
	for ((i = 0; i < 300; i++)); do
		f=$(grep -lF "Subject: $token" "$DOVECOT_WORKDIR/mail/rcpt/new/"* "$DOVECOT_WORKDIR/mail/rcpt/cur/"* 2>/dev/null | head -1)
		[ -n "$f" ] && break
		sleep 0.1
	done
	body_of "$OUT/dots.eml" >"$OUT/dots.sent"
	[ -n "$f" ] && body_of "$f" >"$OUT/dots.got"
	T_SHOW=$OUT/dots.got
	check "the delivered body equals the file's (dots unstuffed)" \
	    test -n "$f" -a "$(cat "$OUT/dots.sent")" = "$(cat "$OUT/dots.got" 2>/dev/null)"

	# CRLF file: sizes must not double the CR.
	printf 'Subject: crlf\r\n\r\n.one\r\ntwo\r\n' >"$OUT/crlf.eml"
	run crlf --level advanced --data "$OUT/crlf.eml" --from "$FROM" --to "$R1" "smtp://$H:$P"
	check "--data with CRLF line endings: exit 0, bytes $(stuffed_size "$OUT/crlf.eml")" \
	    has "$OUT/crlf.out" "0xAD13  B  rc=0  \\.  opr=250  \\+[0-9]+us  bytes=$(stuffed_size "$OUT/crlf.eml")  reply=\"2\\.0\\.0 Ok: queued as [0-9A-F]+\"\$"
	want rcpt

	# Over Postfix's message_size_limit (SIZE 10240000): 552 at end of data.
	{
		printf 'Subject: too big\n\n'
		yes 'big line 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789' | head -n 130000
	} >"$OUT/big.eml"
	run big --level advanced --data "$OUT/big.eml" --from "$FROM" --to "$R1" "smtp://$H:$P"
	check "message over SIZE: exit 1" rc_is big 1
	check "over SIZE: '.' rc 9 opr 552 with the bytes sent" \
	    has "$OUT/big.out" "0xAD13  B  rc=9  \\.  opr=552  opt=javax\\.mail\\.SendFailedException  \\+[0-9]+us  bytes=$(stuffed_size "$OUT/big.eml")  reply=\"5\\.3\\.4 Error: message file too big\"  explanation=\"5\\.3\\.4: the message is too big for the system; [^\"]*\"\$"
	check "over SIZE: mail block and 0xAD03 carry rc 9" \
	    test -n "$(grep '0xAD0B  A  rc=9  SEND MAIL  opt=javax.mail.SendFailedException' "$OUT/big.out")" -a -n "$(grep '0xAD03  A  rc=9' "$OUT/big.out")"
	check "over SIZE: stderr names the end of data" one_line big "end of data: 552 "
	rm -f "$OUT/big.eml"

	if [ "$POSTFIX_IPV6" = 1 ]; then
		run v6 --level advanced --from "$FROM" --to "$R1" "smtp://[::1]:$P"
		check "IPv6 [::1] session exits 0" rc_is v6 0
		want rcpt
		check "IPv6: 0xAD06 opt host is ::1" has "$OUT/v6.out" "0xAD06  A  rc=0  --  opt=::1 $P 10000 30000\$"
		run v6j --format jsonl --from "$FROM" --to "$R1" "smtp://[::1]:$P"
		want rcpt
		check "IPv6: jsonl client and server are [::1]:port" \
		    has "$OUT/v6j.out" "\"client\":\"\\[::1\\]:[0-9]+\",\"server\":\"\\[::1\\]:$P\""
	else
		echo "# skip: Postfix does not listen on ::1 (POSTFIX_IPV6=0)"
	fi

	run refused --level advanced --from "$FROM" --to "$R1" "smtp://$H:1"
	check "refused connection exits 1" rc_is refused 1
	check "refused: 0xAD00, 0xAD06, 0xAD07 rc 1, teardown, 0xAD01" \
	    test "$(seq_of refused)" = "0xAD00 0xAD06 0xAD07 0xAD0C 0xAD0D 0xAD01 "
	check "refused: ConnectException on 0xAD07 and 0xAD01" \
	    test -n "$(grep '0xAD07  A  rc=1  --  opt=java.net.ConnectException' "$OUT/refused.out")" -a -n "$(grep '0xAD01  A  rc=1  --  opt=java.net.ConnectException' "$OUT/refused.out")"
	check "refused: one stderr line" one_line refused "Connection refused.*java\\.net\\.ConnectException"

	end_mail
}

# facts NAME EVENT INT VERIFY CONNECT: the TLS facts of run NAME (the last
# run) are on EVENT INT and equal what openssl says of the server's
# certificate; in JSONL too (tests/tls_check.py); and show gives the run
# back as it was printed.
facts() {
	"$MT" show --format jsonl >"$OUT/$1.jsonl" 2>&1
	"$MT" show >"$OUT/$1.show" 2>&1
	check "$1: the facts on $2 $3 are the certificate's (openssl x509), verify $4" \
	    python3 "$here/../tls_check.py" "$OUT/$1.out" "$OUT/$1.jsonl" "$CERTS/server.pem" "$2" "$3" "$4" "$5"
	check "$1: show gives back what the probe printed" cmp "$OUT/$1.out" "$OUT/$1.show"
	check "$1: every JSONL line is a record with typed TLS keys" python3 "$here/../jsonl_check.py" "$OUT/$1.jsonl"
}

# TLS facts (issue 11): SMTPS and STARTTLS, verified or under --insecure.
tlsfacts() {
	local f secret
	begin_mail
	run f_smtps --cafile "$CERTS/ca.pem" --from "$FROM" --to "$R1" "smtps://localhost:$PS"
	check "SMTPS with the CA exits 0" rc_is f_smtps 0
	want rcpt
	facts f_smtps 0xAD07 -- ok yes
	run f_stls --starttls --cafile "$CERTS/ca.pem" --from "$FROM" --to "$R1" "smtp://localhost:$P"
	check "STARTTLS with the CA exits 0" rc_is f_stls 0
	want rcpt
	facts f_stls 0xAD11 STARTTLS ok no
	check "STARTTLS: the after record keeps its place (EHLO again right after it)" \
	    test -n "$(pairs f_stls | grep -F '0xAD10 STARTTLS 0xAD11 STARTTLS 0xAD10 EHLO')"
	run f_insecure --starttls --insecure --password-file "$PW" --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
	check "STARTTLS --insecure (AUTH inside) exits 0" rc_is f_insecure 0
	want rcpt
	facts f_insecure 0xAD11 STARTTLS "unable to get local issuer certificate" no
	run f_smtps_insecure --insecure --from "$FROM" --to "$R1" "smtps://$H:$PS"
	check "SMTPS --insecure exits 0" rc_is f_smtps_insecure 0
	want rcpt
	facts f_smtps_insecure 0xAD07 -- "unable to get local issuer certificate" yes
	run f_untrusted --starttls --from "$FROM" --to "$R1" "smtp://localhost:$P"
	check "STARTTLS without the CA: exit 1, no facts" \
	    test "$(cat "$OUT/f_untrusted.rc")" = 1 -a -z "$(grep -E 'tls=|cert_' "$OUT/f_untrusted.out")"
	for f in text prf jsonl; do
		run "f_fmt_$f" --cafile "$CERTS/ca.pem" --format "$f" --from "$FROM" --to "$R1" "smtps://localhost:$PS"
		want rcpt
		"$MT" show --format "$f" >"$OUT/f_show_$f.out" 2>&1
		check "SMTPS --format $f: show gives back exactly what the probe printed" \
		    cmp "$OUT/f_fmt_$f.out" "$OUT/f_show_$f.out"
	done
	secret=$(cat "$PW")
	check "the password is in no output or store" \
	    test -z "$(grep -rlaF -e "$secret" "$OUT")"
	end_mail
}

tls() {
	begin_mail
	run stls --helo probe.example.test --starttls --cafile "$CERTS/ca.pem" --level advanced --from "$FROM" --to "$R1" "smtp://localhost:$P"
	check "STARTTLS on the plain port verified against the CA exits 0" rc_is stls 0
	want rcpt
	check "STARTTLS pair is standard with opr 220" has "$OUT/stls.out" "0xAD11  A  rc=0  STARTTLS  opr=220  "
	check "EHLO, STARTTLS 220, EHLO again, then 0xAD01" \
	    test -n "$(pairs stls | grep -F '0xAD11 EHLO probe.example.test 0xAD10 STARTTLS 0xAD11 STARTTLS 0xAD10 EHLO probe.example.test 0xAD11 EHLO probe.example.test 0xAD01 --')"
	check "second EHLO no longer offers STARTTLS" \
	    test "$(grep '0xAD11  A  rc=0  EHLO' "$OUT/stls.out" | grep -c 'STARTTLS')" = 1
	check "STARTTLS session queued the message" has "$OUT/stls.out" "0xAD13  B  rc=0  \\.  opr=250"
	check "no anomaly after a clean STARTTLS" hasnt "$OUT/stls.out" "anomaly"

	run stls_ip --starttls --cafile "$CERTS/ca.pem" --from "$FROM" --to "$R1" "smtp://$H:$P"
	check "STARTTLS to 127.0.0.1 verifies the IP SAN" rc_is stls_ip 0
	want rcpt

	run stls_untrusted --level advanced --starttls --password-file "$PW" --from "$FROM" --to "$R1" "smtp://$U@localhost:$P"
	check "STARTTLS with an untrusted certificate: exit 1" rc_is stls_untrusted 1
	check "STARTTLS handshake failure on 0xAD01 (rc 4)" \
	    has "$OUT/stls_untrusted.out" "0xAD01  A  rc=4  --  opt=javax\\.net\\.ssl\\.SSLHandshakeException"
	check "nothing sent in clear after the failed handshake (no AUTH, MAIL)" \
	    test -z "$(grep -E '  (AUTH|MAIL|SEND USER)' "$OUT/stls_untrusted.out")"
	check "untrusted: stderr says why" one_line stls_untrusted "STARTTLS: certificate verify failed"

	# Submission: STARTTLS, then AUTH required.
	run sub_clear --level advanced --from "$FROM" --to "$R1" "smtp://$H:$PSUB"
	check "submission without STARTTLS, no user: exit 1" rc_is sub_clear 1
	check "submission without STARTTLS: MAIL refused 530, rc 9" \
	    has "$OUT/sub_clear.out" "0xAD11  A  rc=9  MAIL FROM:<$FROM>  opr=530  opt=javax\\.mail\\.SendFailedException"
	check "submission without STARTTLS: stderr says STARTTLS first" one_line sub_clear "530 .*STARTTLS"
	check "submission EHLO before STARTTLS offers no AUTH" \
	    test -z "$(grep '0xAD11  A  rc=0  EHLO' "$OUT/sub_clear.out" | grep 'AUTH')"

	run sub_clear_auth --level advanced --password-file "$PW" --from "$FROM" --to "$R1" "smtp://$U@$H:$PSUB"
	check "submission without STARTTLS, with a user: exit 1" rc_is sub_clear_auth 1
	check "no AUTH offered: 0xAD01 rc 8 MessagingException, no AUTH sent" \
	    test -n "$(grep '0xAD01  A  rc=8  --  opt=javax.mail.MessagingException' "$OUT/sub_clear_auth.out")" -a -z "$(grep -E '  (AUTH|SEND USER)' "$OUT/sub_clear_auth.out")"
	check "no AUTH offered: QUIT still sent, no sendMessage" \
	    test -n "$(grep '0xAD13  B  rc=0  QUIT  opr=221' "$OUT/sub_clear_auth.out")" -a -z "$(grep '0xAD02' "$OUT/sub_clear_auth.out")"
	check "no AUTH offered: stderr says so" one_line sub_clear_auth "offers no AUTH mechanism"

	run sub_noauth --starttls --cafile "$CERTS/ca.pem" --from "$FROM" --to "$R1" "smtp://localhost:$PSUB"
	check "submission with STARTTLS but no AUTH: RCPT refused 554, exit 1" \
	    test "$(cat "$OUT/sub_noauth.rc")" = 1 -a -n "$(grep "0xAD11  A  rc=9  RCPT TO:<$R1>  opr=554" "$OUT/sub_noauth.out")"

	run sub --starttls --cafile "$CERTS/ca.pem" --password-file "$PW" --level advanced --from "$FROM" --to "$R1" "smtp://$U@localhost:$PSUB"
	check "submission with STARTTLS and AUTH: exit 0" rc_is sub 0
	want rcpt
	check "submission: STARTTLS, EHLO, AUTH, SASL 235 in that order" \
	    test -n "$(pairs sub | grep -E '0xAD11 STARTTLS 0xAD10 EHLO [^ ]+ 0xAD11 EHLO [^ ]+ 0xAD10 AUTH CRAM-MD5 0xAD11 AUTH CRAM-MD5 0xAD12 SEND USER PASS 0xAD13 SEND USER PASS 0xAD01 --')"
	check "submission: SASL step answered 235" has "$OUT/sub.out" "0xAD13  B  rc=0  SEND USER PASS  opr=235  "

	run smtps --cafile "$CERTS/ca.pem" --level advanced --from "$FROM" --to "$R1" "smtps://localhost:$PS"
	check "SMTPS (implicit TLS) verified against the CA exits 0" rc_is smtps 0
	want rcpt
	check "SMTPS: no STARTTLS, EHLO offers none" \
	    test -z "$(grep 'STARTTLS' "$OUT/smtps.out")"
	check "SMTPS: greeting 220 over TLS" has "$OUT/smtps.out" "0xAD15  B  rc=0  connect-mail-server  opr=220"

	run smtps_auth --cafile "$CERTS/ca.pem" --password-file "$PW" --auth plain --from "$FROM" --to "$R1" "smtps://$U@localhost:$PS"
	check "SMTPS with AUTH PLAIN exits 0" rc_is smtps_auth 0
	want rcpt

	run untrusted --level advanced --from "$FROM" --to "$R1" "smtps://localhost:$PS"
	check "SMTPS without the CA fails: exit 1" rc_is untrusted 1
	check "untrusted: 0xAD07 rc 4 SSLHandshakeException" \
	    has "$OUT/untrusted.out" "0xAD07  A  rc=4  --  opt=javax\\.net\\.ssl\\.SSLHandshakeException"
	check "untrusted: teardown and 0xAD01 rc 4, nothing else" \
	    test "$(seq_of untrusted)" = "0xAD00 0xAD06 0xAD07 0xAD0C 0xAD0D 0xAD01 "
	check "untrusted: stderr says why" one_line untrusted "certificate verify failed.*SSLHandshakeException"

	run insecure --insecure --from "$FROM" --to "$R1" "smtps://localhost:$PS"
	check "--insecure skips verification (SMTPS)" rc_is insecure 0
	want rcpt
	run insecure_stls --insecure --starttls --from "$FROM" --to "$R1" "smtp://localhost:$P"
	check "--insecure skips verification (STARTTLS)" rc_is insecure_stls 0
	want rcpt

	# Both: verified against the CA and recorded, not enforced.
	run both --insecure --cafile "$CERTS/ca.pem" --from "$FROM" --to "$R1" "smtps://localhost:$PS"
	check "--insecure with --cafile: the session runs (exit 0)" rc_is both 0
	check "--insecure with --cafile: verified against that CA (verify=\"ok\")" \
	    has "$OUT/both.out" '0xAD07  A  rc=0  .*verify="ok"'
	want rcpt

	end_mail
}

auth() {
	local m
	begin_mail
	for m in plain login cram-md5; do
		run "auth_$m" --password-file "$PW" --auth "$m" --level advanced --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
		check "--auth $m exits 0" rc_is "auth_$m" 0
		want rcpt
		check "--auth $m: AUTH pair is standard, opr 334" \
		    has "$OUT/auth_$m.out" "0xAD11  A  rc=0  AUTH ${m^^}  opr=334  "
		check "--auth $m: 0xAD01 rc 0 and the message queued" \
		    test -n "$(grep '0xAD01  A  rc=0' "$OUT/auth_$m.out")" -a -n "$(grep '0xAD13  B  rc=0  \.  opr=250' "$OUT/auth_$m.out")"
	done
	check "PLAIN: one SASL step SEND USER PASS, 235" \
	    test "$(pairs auth_plain | grep -o '0xAD1[23] SEND [A-Z ]*[A-Z]' | tr '\n' '|')" = "0xAD12 SEND USER PASS|0xAD13 SEND USER PASS|"
	check "PLAIN: no initial response on the AUTH line" has "$OUT/auth_plain.out" "0xAD10  A  rc=0  AUTH PLAIN\$"
	check "LOGIN: SEND USER (334) then SEND PASS (235)" \
	    test -n "$(grep '0xAD13  B  rc=0  SEND USER  opr=334' "$OUT/auth_login.out")" -a -n "$(grep '0xAD13  B  rc=0  SEND PASS  opr=235' "$OUT/auth_login.out")"
	check "LOGIN: exactly two SASL steps" test "$(grep -c '0xAD12  B  rc=0  SEND ' "$OUT/auth_login.out")" = 2
	check "CRAM-MD5: one SASL step SEND USER PASS, 235" \
	    test "$(pairs auth_cram-md5 | grep -o '0xAD1[23] SEND [A-Z ]*[A-Z]' | tr '\n' '|')" = "0xAD12 SEND USER PASS|0xAD13 SEND USER PASS|"

	run auth_default --password-file "$PW" --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
	check "no --auth: exit 0" rc_is auth_default 0
	want rcpt
	check "no --auth picks CRAM-MD5 (the strongest offered)" has "$OUT/auth_default.out" "0xAD10  A  rc=0  AUTH CRAM-MD5\$"
	check "standard level hides the SASL steps, keeps AUTH" hasnt "$OUT/auth_default.out" "SEND (USER|PASS)"

	run auth_relay --password-file "$PW" --level advanced --from "$FROM" --to "$POSTFIX_RELAY_RCPT" "smtp://$U@$H:$P"
	check "authenticated relay: 550 (remote delivery disabled), RSET, exit 1" \
	    test "$(cat "$OUT/auth_relay.rc")" = 1 -a -n "$(grep "0xAD11  A  rc=9  RCPT TO:<$POSTFIX_RELAY_RCPT>  opr=550" "$OUT/auth_relay.out")" -a -n "$(grep '0xAD11  A  rc=0  RSET' "$OUT/auth_relay.out")"

	echo wrong-password >"$OUT/wrong.pw"
	for m in plain login cram-md5; do
		run "wrong_$m" --password-file "$OUT/wrong.pw" --auth "$m" --level advanced --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
		check "wrong password, $m: exit 1" rc_is "wrong_$m" 1
		check "wrong password, $m: 0xAD01 rc 7 AuthenticationFailedException" \
		    has "$OUT/wrong_$m.out" "0xAD01  A  rc=7  --  opt=javax\\.mail\\.AuthenticationFailedException"
		check "wrong password, $m: no sendMessage, QUIT still sent" \
		    test -z "$(grep -E '0xAD02|MAIL FROM' "$OUT/wrong_$m.out")" -a -n "$(grep '0xAD13  B  rc=0  QUIT  opr=221' "$OUT/wrong_$m.out")"
		check "wrong password, $m: one stderr line with AUTH ${m^^}: 535" \
		    one_line "wrong_$m" "AUTH ${m^^}: 535 .*AuthenticationFailedException"
	done
	check "wrong password, plain: SASL step rc 7 opr 535" \
	    has "$OUT/wrong_plain.out" "0xAD13  B  rc=7  SEND USER PASS  opr=535  opt=javax\\.mail\\.AuthenticationFailedException  \\+[0-9]+us  reply=\"5\\.7\\.8 Error: authentication failed: [^\"]*\"  explanation=\"5\\.7\\.8: authentication credentials invalid; check the user name and the password\"\$"
	check "wrong password, login: SEND USER 334, SEND PASS rc 7 opr 535" \
	    test -n "$(grep '0xAD13  B  rc=0  SEND USER  opr=334' "$OUT/wrong_login.out")" -a -n "$(grep '0xAD13  B  rc=7  SEND PASS  opr=535  opt=javax.mail.AuthenticationFailedException' "$OUT/wrong_login.out")"
	check "wrong password, cram-md5: SASL step rc 7 opr 535" \
	    has "$OUT/wrong_cram-md5.out" "0xAD13  B  rc=7  SEND USER PASS  opr=535  opt=javax\\.mail\\.AuthenticationFailedException"
	# Dovecot delays a failed authentication by about 2 s (docs/testing.md).
	check "the 535 came after the server's failure delay (>= 1 s)" \
	    test -n "$(grep -E '0xAD13  B  rc=7  SEND USER PASS  opr=535  opt=[^ ]+  \+[0-9]{7,}us' "$OUT/wrong_cram-md5.out")"

	run wrong_std --password-file "$OUT/wrong.pw" --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
	check "wrong password at standard level: AUTH pair then 0xAD01 rc 7" \
	    test "$(seq_of wrong_std)" = "0xAD00 0xAD06 0xAD07 0xAD10 0xAD11 0xAD10 0xAD11 0xAD01 "

	run nouser --password-file "$PW" --from "$FROM" --to "$R1" "smtp://nosuchuser@$H:$P"
	check "unknown user: exit 1, rc 7" \
	    test "$(cat "$OUT/nouser.rc")" = 1 -a -n "$(grep '0xAD01  A  rc=7' "$OUT/nouser.out")"

	MAILTRACE_PASSWORD=$(cat "$PW") run envpw --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
	check "MAILTRACE_PASSWORD works too" rc_is envpw 0
	want rcpt
	run stdinpw --password-file - --from "$FROM" --to "$R1" "smtp://$U@$H:$P" <"$PW"
	check "--password-file - reads stdin" rc_is stdinpw 0
	want rcpt
	run nopw --from "$FROM" --to "$R1" "smtp://$U@$H:$P" </dev/null
	check "user without a password: exit 2" rc_is nopw 2
	run authnouser --auth plain --from "$FROM" --to "$R1" "smtp://$H:$P"
	check "--auth without USER@: exit 2" rc_is authnouser 2
	run badmech --auth digest-md5 --password-file "$PW" --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
	check "unknown --auth mechanism: exit 2" rc_is badmech 2
	# A port without AUTH: submission before STARTTLS (tls group, sub_clear_auth).
	end_mail
}

formats() {
	local f
	begin_mail
	for f in text prf jsonl; do
		run "fmt_$f" --password-file "$PW" --format "$f" --level advanced --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
		check "--format $f exits 0" rc_is "fmt_$f" 0
		want rcpt
		"$MT" show --format "$f" >"$OUT/show_$f.out" 2>"$OUT/show_$f.err"
		check "show --format $f gives back exactly what the probe printed" cmp "$OUT/fmt_$f.out" "$OUT/show_$f.out"
	done
	# A failed run round-trips too.
	run fmt_fail --format jsonl --level advanced --from "$FROM" --to "$R1" --to "$POSTFIX_BAD_RCPT" "smtp://$H:$P"
	want rcpt
	"$MT" show --format jsonl >"$OUT/show_fail.out" 2>&1
	check "show of a partly refused run is byte-identical" cmp "$OUT/fmt_fail.out" "$OUT/show_fail.out"
	"$MT" show --format text >"$OUT/show_fail_text.out" 2>&1
	check "a jsonl run shown as text has the refused RCPT" \
	    has "$OUT/show_fail_text.out" "0xAD11  A  rc=9  RCPT TO:<$POSTFIX_BAD_RCPT>  opr=550  opt=javax\\.mail\\.SendFailedException"

	check "text starts with its format line" \
	    has "$OUT/fmt_text.out" "^# mailtrace text 1 run=[0-9]+ proto=smtp target=smtp://$U@$H:$P level=advanced\$"
	check "prf header row is the PRF column list" \
	    test "$(head -1 "$OUT/fmt_prf.out" | tr -d '\r')" = "PRF,Process,Thread,Trace,ProcessName,Event,Date,Time,Time(msec/usec/nsec),Rc,ClientAP IP,ClientAP PID,ClientAP CommNo.,RootAP IP,RootAP PID,RootAP CommNo.,INT,OPR,OPT,ASCII"
	check "prf rows are Rec with event, date and sub-second columns" \
	    has "$OUT/fmt_prf.out" "^Rec,[0-9]+,1,[0-9]+,mailtrace,0xAD11,[0-9]{4}/[0-9]{2}/[0-9]{2},[0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}/[0-9]{3}/000,0,127\\.0\\.0\\.1,[0-9]+,1,127\\.0\\.0\\.1,[0-9]+,1,RCPT TO:<$R1>,250,,"
	check "prf 0xAD06 OPT is hex and ASCII its printable form" \
	    has "$OUT/fmt_prf.out" ",0xAD06,.*,--,,$(printf '%s' "$H $P 10000 30000" | od -An -tx1 | tr -d ' \n' | tr a-f A-F),$H $P 10000 30000"
	check "prf: the '.' after point with opr 250" has "$OUT/fmt_prf.out" ",0xAD13,.*,\\.,250,,"
	check "jsonl: every line is a record with the documented keys (no header line)" \
	    python3 "$here/../jsonl_check.py" "$OUT/fmt_jsonl.out" "$OUT/fmt_fail.out"
	check "jsonl records carry every required key (RCPT after point)" \
	    has "$OUT/fmt_jsonl.out" '^\{"run":[0-9]+,"event":"0xAD11","level":"A","rc":0,"int":"RCPT TO:<'"$R1"'>","opr":"250","opt":"","time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z","session":1,"seq":[0-9]+,"client":"127\.0\.0\.1:[0-9]+","server":"127\.0\.0\.1:'"$P"'","source":"probe","elapsed_us":[0-9]+,"reply":"2\.1\.5 Ok"\}$'
	check "jsonl: the '.' after point has bytes and body_end" \
	    has "$OUT/fmt_jsonl.out" '"event":"0xAD13","level":"B","rc":0,"int":".","opr":"250",.*"elapsed_us":[0-9]+,"bytes":[0-9]+,"body_end":"[0-9T:.-]+Z","reply":"2\.0\.0 Ok: queued as [0-9A-F]+"\}$'
	check "jsonl: EHLO after point has the detail" \
	    has "$OUT/fmt_jsonl.out" '"event":"0xAD11",.*"int":"EHLO [^"]+","opr":"250",.*"detail":"PIPELINING, .*STARTTLS'
	check "jsonl: 0xAD06 has opt host port ct rt and an empty client" \
	    has "$OUT/fmt_jsonl.out" '"event":"0xAD06","level":"A","rc":0,"int":"--","opr":"","opt":"'"$H $P"' 10000 30000",.*"client":"","server":"'"$H:$P"'"'
	check "jsonl: before points have no elapsed_us" \
	    test -z "$(grep -E '"event":"0xAD(00|02|04|06|08|0A|0C|10|12|14)"' "$OUT/fmt_jsonl.out" | grep elapsed_us)"
	check "jsonl: every after point has elapsed_us" \
	    test -z "$(grep -E '"event":"0xAD(01|03|05|07|09|0B|0D|11|13|15)"' "$OUT/fmt_jsonl.out" | grep -v elapsed_us)"
	check "jsonl: the failure is rc 9 with the exception in opt" \
	    has "$OUT/fmt_fail.out" '"event":"0xAD11","level":"A","rc":9,"int":"RCPT TO:<'"$POSTFIX_BAD_RCPT"'>","opr":"550","opt":"javax.mail.SendFailedException"'
	if command -v python3 >/dev/null 2>&1; then
		check "jsonl: every line is valid JSON" python3 -c 'import json,sys
for f in sys.argv[1:]:
    for l in open(f): json.loads(l)' "$OUT/fmt_jsonl.out" "$OUT/fmt_fail.out"
	fi
	check "seq counts 1.. without gaps within the session" \
	    test "$(grep -o '"seq":[0-9]*' "$OUT/fmt_jsonl.out" | cut -d: -f2 | tr '\n' ' ')" = "$(seq 1 "$(grep -c '"seq":' "$OUT/fmt_jsonl.out")" | tr '\n' ' ')"
	"$MT" show --run 1 >"$OUT/show_run1.out" 2>&1
	check "show --run 1 shows the first run" has "$OUT/show_run1.out" "^# mailtrace text 1 run=1 proto=smtp "
	check "show --run 1 is byte-identical to the first (text) run" cmp "$OUT/fmt_text.out" "$OUT/show_run1.out"
	"$MT" show --run 99999 >"$OUT/show_none.out" 2>&1
	check "show of a missing run: exit 2 with a message" test $? = 2 -a -n "$(grep 'no run 99999' "$OUT/show_none.out")"
	end_mail
}

secrets() {
	local secret m f n
	begin_mail
	secret=$(cat "$PW")
	n=0
	for m in plain login cram-md5; do
		run "s_$m" --password-file "$PW" --auth "$m" --level advanced --format jsonl --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
		run "s_${m}_stls" --password-file "$PW" --auth "$m" --starttls --cafile "$CERTS/ca.pem" --level advanced --format prf --from "$FROM" --to "$R1" "smtp://$U@localhost:$P"
		run "s_${m}_sub" --password-file "$PW" --auth "$m" --starttls --cafile "$CERTS/ca.pem" --level advanced --format text --from "$FROM" --to "$R1" "smtp://$U@localhost:$PSUB"
		run "s_${m}_smtps" --password-file "$PW" --auth "$m" --cafile "$CERTS/ca.pem" --format text --from "$FROM" --to "$R1" "smtps://$U@localhost:$PS"
		for f in "s_$m" "s_${m}_stls" "s_${m}_sub" "s_${m}_smtps"; do
			rc_is "$f" 0 && n=$((n + 1))
			want rcpt
		done
	done
	check "all 12 authenticated sessions (3 mechanisms x clear/STARTTLS/submission/SMTPS) exit 0" test "$n" = 12
	echo "$secret-wrong" >"$OUT/wrong.pw"
	for m in plain login cram-md5; do
		run "s_wrong_$m" --password-file "$OUT/wrong.pw" --auth "$m" --level advanced --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
	done
	run s_wrong_stls --password-file "$OUT/wrong.pw" --auth plain --starttls --cafile "$CERTS/ca.pem" --level advanced --format jsonl --from "$FROM" --to "$R1" "smtp://$U@localhost:$P"
	check "the wrong-password sessions fail with exit 1" \
	    test "$(cat "$OUT"/s_wrong_*.rc | tr '\n' ' ')" = "1 1 1 1 "
	rm -f "$OUT/wrong.pw"
	for f in text prf jsonl; do "$MT" show --format $f >"$OUT/show_$f.out" 2>&1; done
	for f in $(seq 1 16); do "$MT" show --run "$f" --format jsonl >>"$OUT/show_all.out" 2>&1; done
	sqlite3 "$OUT/store.db" .dump >"$OUT/store.dump" 2>&1
	check "the store dump has the runs (sanity)" has "$OUT/store.dump" "SEND USER PASS"
	# Let the deliveries settle, then the servers' logs join the out dir.
	end_mail
	cp "$POSTFIX_LOG" "$OUT/postfix.log"
	cp "$DOVECOT_LOG" "$OUT/dovecot.log"

	# The password and its encodings: PLAIN's response (with and without an
	# authorization identity), the password alone in base64 (LOGIN's second
	# response); the same for the wrong password. LOGIN's user is no secret.
	local pats=() w
	for w in "$secret" "$secret-wrong"; do
		pats+=(-e "$w"
		    -e "$(printf '%s' "$w" | base64 -w0)"
		    -e "$(printf '\0%s\0%s' "$U" "$w" | base64 -w0)"
		    -e "$(printf '%s\0%s\0%s' "$U" "$U" "$w" | base64 -w0)")
	done
	check "the password and its base64 forms are in no output, error, store or log file" \
	    test -z "$(grep -rlaF "${pats[@]}" "$OUT")"
	check "the secret never reached the store (sqlite dump)" \
	    test -z "$(grep -F "${pats[@]}" "$OUT/store.dump")"
	# CRAM-MD5's response is base64("user " + 32 hex digits); it depends on
	# the challenge, so look for any base64 token that decodes to that form,
	# and for the digest form itself.
	local tok hits=0
	while read -r tok; do
		printf '%s' "$tok" | base64 -d 2>/dev/null | grep -aEq "^$U [0-9a-f]{32}\$" && hits=$((hits + 1))
	done < <(grep -rhoaE '[A-Za-z0-9+/]{48,}={0,2}' "$OUT" | sort -u)
	check "no CRAM-MD5 response (base64 of 'user digest') anywhere" test "$hits" = 0
	check "no CRAM-MD5 digest ('user <32 hex>') anywhere" \
	    test -z "$(grep -rlaE "$U [0-9a-f]{32}" "$OUT")"
	check "the trace shows the SASL steps only by name" \
	    test -z "$(grep -haE 'SEND (USER|PASS)[^ ,"]' "$OUT"/s_*.out)"

	run urlpw --from "$FROM" --to "$R1" "smtp://$U:$secret@$H:$P"
	check "a password in the URL is refused with exit 2" rc_is urlpw 2
	check "the URL refusal points to --password-file and does not echo it" \
	    test -n "$(grep -- '--password-file' "$OUT/urlpw.err")" -a -z "$(grep -F -- "$secret" "$OUT/urlpw.err" "$OUT/urlpw.out")"
	run clipw --password "$secret" --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
	check "--password is refused with exit 2" rc_is clipw 2
	run clipw2 "--password=$secret" --from "$FROM" --to "$R1" "smtp://$U@$H:$P"
	check "--password=... is refused with exit 2" rc_is clipw2 2
	check "--password refusals do not echo it" \
	    test -z "$(grep -F -- "$secret" "$OUT"/clipw*.err "$OUT"/clipw*.out)"
	check "refused runs were not stored" test -z "$(sqlite3 "$OUT/store.db" .dump 2>/dev/null | grep -F "$secret")"
}

# Each failed step says what it means and what to try (issue 13,
# events/explain.def): Postfix's words and codes, in text, JSONL and the
# store.  Nothing is delivered.
explain() {
	run relay --level advanced --from "$FROM" --to "$POSTFIX_RELAY_RCPT" "smtp://$H:$P"
	check "relay denied: exit 1" rc_is relay 1
	check "relay denied: RCPT explained by Postfix's words, authenticate" \
	    has "$OUT/relay.out" "0xAD11  A  rc=9  RCPT TO:<$POSTFIX_RELAY_RCPT>  opr=554  .*reply=\"5\\.7\\.1 <$POSTFIX_RELAY_RCPT>: Relay access denied\"  explanation=\"the server does not relay mail to other domains for this client \\(Postfix\\); authenticate first [^\"]*\"\$"
	check "relay denied: the recipient block by its class" \
	    has "$OUT/relay.out" "0xAD09  A  rc=9  .*explanation=\"the server refused the sender, a recipient, or the message; [^\"]*\"\$"
	"$MT" show --format jsonl >"$OUT/relay.jsonl" 2>"$OUT/relay.jsonl.err"
	check "the store keeps it: JSONL after the reply" \
	    has "$OUT/relay.jsonl" '"reply":"5\.7\.1 <[^"]*>: Relay access denied","explanation":"the server does not relay mail '

	run unknown --from "$FROM" --to "$POSTFIX_BAD_RCPT" "smtp://$H:$P"
	check "unknown user: RCPT explained by its enhanced code" \
	    has "$OUT/unknown.out" "0xAD11  A  rc=9  RCPT TO:<$POSTFIX_BAD_RCPT>  opr=550  .*explanation=\"5\\.1\\.1: bad destination mailbox: the recipient does not exist there; check the recipient address for typos\"\$"

	run starttls --from "$FROM" --to "$R1" "smtp://$H:$PSUB"
	check "STARTTLS required: exit 1" rc_is starttls 1
	check "STARTTLS required: MAIL explained, use --starttls" \
	    has "$OUT/starttls.out" "0xAD11  A  rc=9  MAIL FROM:<$FROM>  opr=530  .*reply=\"5\\.7\\.0 Must issue a STARTTLS command first\"  explanation=\"the server accepts this only over TLS; use --starttls \\(submission on port 587 asks for it\\)[^\"]*\"\$"
	check "steps that did not fail have none" \
	    test -z "$(grep 'rc=0 .*explanation=' "$OUT"/relay.out "$OUT"/unknown.out "$OUT"/starttls.out)"
}

case $GROUP in
basic | tls | tlsfacts | auth | formats | secrets | explain) "$GROUP" ;;
*) echo "unknown group $GROUP" >&2; exit 2 ;;
esac
t_done
