#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called via check()
# smoke.sh WORKDIR DOVECOT_WORKDIR [CERTDIR]
#
# Self-check of the Postfix started by start.sh WORKDIR DOVECOT_WORKDIR
# CERTDIR, using only bash /dev/tcp and openssl s_client: EHLO keywords,
# a delivery to rcpt@example.test that must show up in rcpt's mailbox over
# POP3 (and is deleted again afterwards), refused recipient, sender and
# relay, AUTH with good and wrong passwords, SMTPS and submission.
# Prints "ok N - ..." / "not ok N - ..." and "N passed, M failed"; exits
# non-zero if anything failed. The password is sent but never printed.
set -uo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 WORKDIR DOVECOT_WORKDIR [CERTDIR]" >&2
    exit 2
fi
workdir=$1
dovecot_dir=$2

n=0
passed=0
failed=0
ok() {
    n=$((n + 1))
    passed=$((passed + 1))
    echo "ok $n - $*"
}
notok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $*"
}
check() { # description command...
    local what=$1
    shift
    if "$@"; then ok "$what"; else notok "$what"; fi
}
finish() {
    echo "$passed passed, $failed failed"
    ((failed == 0))
    exit
}

for f in "$workdir/env" "$dovecot_dir/env"; do
    if [[ ! -r $f ]]; then
        notok "env file $f exists (did the start.sh scripts run?)"
        finish
    fi
done
# shellcheck disable=SC1091
. "$dovecot_dir/env"
# shellcheck disable=SC1091
. "$workdir/env"
certdir=${3:-$POSTFIX_CERTDIR}
ok "env files loaded (SMTP $POSTFIX_SMTP_PORT, SMTPS $POSTFIX_SMTPS_PORT, submission $POSTFIX_SUBMISSION_PORT, IPv6 $POSTFIX_IPV6)"

if [[ -r $POSTFIX_PASSWORD_FILE ]]; then
    ok "password file readable"
    password=$(<"$POSTFIX_PASSWORD_FILE")
else
    notok "password file readable"
    password=
fi
user=$POSTFIX_AUTH_USER
# SASL PLAIN responses, built with builtins only (the password is in no
# command line and is never printed).
auth_good=$(printf '\0%s\0%s' "$user" "$password" | base64 -w0)
auth_bad=$(printf '\0%s\0%s' "$user" "wrong-$password" | base64 -w0)
b64_user=$(printf '%s' "$user" | base64 -w0)
b64_pass=$(printf '%s' "$password" | base64 -w0)

no_relay() {
    [[ -z $(postconf -c "$POSTFIX_CONF" -h relayhost) &&
        $(postconf -c "$POSTFIX_CONF" -h default_transport) == error:* ]]
}
check "relayhost is empty and remote delivery is the error transport" no_relay

# --- one SMTP session at a time: /dev/tcp or an openssl s_client coprocess --
rfd=
wfd=
tls_pid=
reply= # all lines of the last reply, CR stripped, LF separated
code=  # its 3-digit code
s_open_plain() { # host port
    rfd=
    wfd=
    tls_pid=
    local fd
    { exec {fd}<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 1
    rfd=$fd
    wfd=$fd
}
s_open_tls() { # s_client args...
    rfd=
    wfd=
    tls_pid=
    coproc TLS { timeout 30 openssl s_client -quiet -CAfile "$certdir/ca.pem" \
        -verify_return_error -verify_hostname localhost "$@" 2>/dev/null; }
    # shellcheck disable=SC2153 # set by coproc
    tls_pid=$TLS_PID
    exec {rfd}<&"${TLS[0]}" {wfd}>&"${TLS[1]}"
}
s_close() {
    [[ -n $wfd && $wfd != "$rfd" ]] && exec {wfd}>&-
    [[ -n $rfd ]] && exec {rfd}<&-
    if [[ -n $tls_pid ]]; then
        kill "$tls_pid" 2>/dev/null
        wait "$tls_pid" 2>/dev/null
    fi
    rfd=
    wfd=
    tls_pid=
}
s_read() { # one reply (multi-line) into $reply and $code; 10 s per line
    reply=
    code=
    local line i
    [[ -n $rfd ]] || return 1
    for ((i = 0; i < 100; i++)); do
        IFS= read -r -t 10 -u "$rfd" line || return 1
        line=${line%$'\r'}
        reply+="$line"$'\n'
        if [[ ${line:3:1} != "-" ]]; then
            code=${line:0:3}
            return 0
        fi
    done
    return 1
}
s_send() {
    [[ -n $wfd ]] || return 1
    printf '%s\r\n' "$1" 1>&"$wfd" 2>/dev/null
}
s_cmd() { # command -> reply
    s_send "$1" && s_read
}
# has_kw KEYWORD-LINE: the last EHLO reply has a 250 line exactly "KEYWORD-LINE"
has_kw() { grep -qxE "250[- ]$1" <<<"$reply"; }
no_kw() { ! has_kw "$1"; }
code_is() { [[ $code == "$1" ]]; }
# reply_is TEXT: the last reply is the single line TEXT
reply_is() { [[ $reply == "$1"$'\n' ]]; }
# shellcheck disable=SC2053 # $2 is a glob pattern on purpose
glob_match() { [[ $1 == $2 ]]; }
code_5xx() { [[ $code == 5?? ]]; }

# --- plain SMTP -------------------------------------------------------------
P=$POSTFIX_SMTP_PORT
if s_open_plain 127.0.0.1 "$P" && s_read; then
    check "greeting on 127.0.0.1:$P is '220 mx.example.test ESMTP mailtrace-test'" \
        [ "$reply" = $'220 mx.example.test ESMTP mailtrace-test\n' ]
else
    notok "connect and read greeting on 127.0.0.1:$P"
fi
s_cmd "EHLO client.example.test"
check "EHLO gives 250" code_is 250
for kw in STARTTLS 'AUTH PLAIN LOGIN CRAM-MD5' PIPELINING ENHANCEDSTATUSCODES; do
    check "EHLO on the plain port lists $kw" has_kw "$kw"
done

token=mailtrace-smoke-$(openssl rand -hex 8)
s_cmd "MAIL FROM:<a@example.test>"
check "MAIL FROM:<a@example.test> gives 250" code_is 250
s_cmd "RCPT TO:<$POSTFIX_BAD_RCPT>"
check "RCPT TO:<$POSTFIX_BAD_RCPT> refused with 550 User unknown ($code)" \
    reply_is "550 5.1.1 <$POSTFIX_BAD_RCPT>: Recipient address rejected: User unknown in virtual mailbox table"
s_cmd "RCPT TO:<$POSTFIX_RELAY_RCPT>"
check "RCPT TO:<$POSTFIX_RELAY_RCPT> (relay) refused with 554 Relay access denied ($code)" \
    reply_is "554 5.7.1 <$POSTFIX_RELAY_RCPT>: Relay access denied"
s_cmd "RCPT TO:<$POSTFIX_RCPT>"
check "RCPT TO:<$POSTFIX_RCPT> gives 250" code_is 250
s_cmd "DATA"
check "DATA gives 354" code_is 354
s_send "From: a <a@example.test>" &&
    s_send "To: rcpt <$POSTFIX_RCPT>" &&
    s_send "Subject: $token" &&
    s_send "Message-ID: <$token@mailtrace.test>" &&
    s_send "" &&
    s_send "smoke test body" &&
    s_send "..a dot-stuffed line" &&
    s_cmd "."
queue_id=
[[ $reply =~ ^250\ 2\.0\.0\ Ok:\ queued\ as\ ([0-9A-F]+) ]] && queue_id=${BASH_REMATCH[1]}
check "end of DATA gives 250 queued as ID (${queue_id:-none})" [ -n "$queue_id" ]
s_cmd "MAIL FROM:<$POSTFIX_BAD_SENDER>"
check "MAIL FROM:<$POSTFIX_BAD_SENDER> refused with 554 at MAIL ($code)" \
    reply_is "554 5.7.1 <$POSTFIX_BAD_SENDER>: Sender address rejected: sender refused for testing"
s_cmd "QUIT"
check "QUIT gives 221" code_is 221
s_close

# AUTH on the plain port, without TLS. Dovecot answers a wrong password
# after its fixed ~2 s failure delay.
if s_open_plain 127.0.0.1 "$P" && s_read && s_cmd "EHLO client.example.test"; then
    s_cmd "AUTH PLAIN $auth_bad"
    check "AUTH PLAIN with a wrong password gives 535 ($code)" \
        reply_is "535 5.7.8 Error: authentication failed: (reason unavailable)"
    s_cmd "AUTH PLAIN $auth_good"
    check "AUTH PLAIN with the test password gives 235 ($code)" \
        reply_is "235 2.7.0 Authentication successful"
    s_cmd "AUTH PLAIN $auth_good"
    check "a second AUTH gives 503 ($code)" code_is 503
    s_cmd "QUIT"
else
    notok "plain session for AUTH PLAIN"
fi
s_close
if s_open_plain 127.0.0.1 "$P" && s_read && s_cmd "EHLO client.example.test"; then
    s_cmd "AUTH LOGIN"
    check "AUTH LOGIN asks for the user name (334 VXNlcm5hbWU6)" [ "$reply" = $'334 VXNlcm5hbWU6\n' ]
    s_cmd "$b64_user"
    check "AUTH LOGIN asks for the password (334 UGFzc3dvcmQ6)" [ "$reply" = $'334 UGFzc3dvcmQ6\n' ]
    s_cmd "$b64_pass"
    check "AUTH LOGIN gives 235 ($code)" code_is 235
    s_cmd "QUIT"
else
    notok "plain session for AUTH LOGIN"
fi
s_close

# --- the message arrives in rcpt's mailbox ------------------------------------
# Postfix logs status=sent once Dovecot's LMTP said 250 (the message is then
# in the maildir); poll that asynchronous delivery, bounded (~10 s).
delivered=
if [[ -n $queue_id ]]; then
    for ((i = 0; i < 100; i++)); do
        delivered=$(grep -E " $queue_id: to=<$POSTFIX_RCPT>.* status=" "$POSTFIX_LOG" | tail -n 1)
        [[ -n $delivered ]] && break
        sleep 0.1
    done
fi
check "Postfix delivered it over LMTP (status=sent)" glob_match "$delivered" "*status=sent (250 2.0.0 <$POSTFIX_RCPT> *"

pop_session() { # commands... (after USER/PASS); replies of each in pop_out
    local fd line cmd i
    pop_out=
    { exec {fd}<>"/dev/tcp/127.0.0.1/$DOVECOT_POP3_PORT"; } 2>/dev/null || return 1
    IFS= read -r -t 5 -u "$fd" line || { exec {fd}>&-; return 1; }
    for cmd in "USER $POSTFIX_RCPT_USER" "PASS $password" "$@" QUIT; do
        printf '%s\r\n' "$cmd" >&"$fd"
        IFS= read -r -t 10 -u "$fd" line || break
        line=${line%$'\r'}
        [[ $cmd == PASS* ]] || pop_out+="$line"$'\n'
        [[ $line == "+OK"* ]] || continue
        case $cmd in
        TOP* | UIDL | LIST | RETR*)
            for ((i = 0; i < 100000; i++)); do
                IFS= read -r -t 10 -u "$fd" line || break
                line=${line%$'\r'}
                [[ $line == . ]] && break
                [[ $line == .* ]] && line=${line:1} # undo POP3 dot-stuffing
                pop_out+="$line"$'\n'
            done
            ;;
        esac
    done
    exec {fd}>&-
}
msgno=
if pop_session STAT && [[ $pop_out =~ \+OK\ ([0-9]+)\  ]]; then
    total=${BASH_REMATCH[1]}
    check "rcpt's mailbox has the message (STAT: $total)" [ "$total" -ge 1 ]
    for ((m = 1; m <= total; m++)); do
        pop_session "TOP $m 5" || continue
        if grep -qx "Subject: $token" <<<"$pop_out"; then
            msgno=$m
            break
        fi
    done
    check "POP3 TOP shows the message with Subject $token (message ${msgno:-none})" [ -n "$msgno" ]
    if [[ -n $msgno ]]; then
        pop_session "RETR $msgno"
        check "the body arrived with the dot-stuffing undone" grep -qx '.a dot-stuffed line' <<<"$pop_out"
        check "Postfix added its Received: header" grep -q '^Received: from client.example.test (unknown \[127.0.0.1\])' <<<"$pop_out"
        pop_session "DELE $msgno"
        check "DELE of the smoke message" grep -q '^+OK' <<<"$pop_out"
        pop_session STAT
        check "rcpt's mailbox is back to $((total - 1)) messages" grep -q "^+OK $((total - 1)) " <<<"$pop_out"
    fi
else
    notok "POP3 login as $POSTFIX_RCPT_USER and STAT"
fi

# --- implicit TLS (smtps) -------------------------------------------------------
s_open_tls -connect "127.0.0.1:$POSTFIX_SMTPS_PORT"
if s_read; then
    check "SMTPS (implicit TLS, verified) greeting is 220" code_is 220
    s_cmd "EHLO client.example.test"
    check "SMTPS EHLO lists AUTH PLAIN LOGIN CRAM-MD5" has_kw 'AUTH PLAIN LOGIN CRAM-MD5'
    check "SMTPS EHLO does not list STARTTLS" no_kw STARTTLS
    s_cmd "AUTH PLAIN $auth_good"
    check "SMTPS AUTH PLAIN gives 235" code_is 235
    s_cmd "QUIT"
    check "SMTPS QUIT gives 221" code_is 221
else
    notok "SMTPS (implicit TLS, verified against ca.pem for localhost) greets"
fi
s_close

# --- submission: STARTTLS required, then AUTH -----------------------------------
S=$POSTFIX_SUBMISSION_PORT
if s_open_plain 127.0.0.1 "$S" && s_read && s_cmd "EHLO client.example.test"; then
    check "submission EHLO before TLS lists STARTTLS" has_kw STARTTLS
    check "submission EHLO before TLS does not list AUTH" no_kw "AUTH( .*)?"
    s_cmd "MAIL FROM:<a@example.test>"
    check "submission MAIL before STARTTLS gives 530 ($code)" \
        reply_is "530 5.7.0 Must issue a STARTTLS command first"
    s_cmd QUIT
else
    notok "submission greeting and EHLO"
fi
s_close
# s_client -starttls smtp reads the greeting, sends its EHLO and STARTTLS.
s_open_tls -connect "127.0.0.1:$S" -starttls smtp
if s_cmd "EHLO client.example.test"; then
    check "submission after STARTTLS (verified): EHLO lists AUTH PLAIN LOGIN CRAM-MD5" \
        has_kw 'AUTH PLAIN LOGIN CRAM-MD5'
    s_cmd "MAIL FROM:<a@example.test>"
    s_cmd "RCPT TO:<$POSTFIX_RCPT>"
    check "submission without AUTH: RCPT gives 554 Client host rejected ($code)" \
        reply_is "554 5.7.1 <unknown[127.0.0.1]>: Client host rejected: Access denied"
    s_cmd RSET
    s_cmd "AUTH PLAIN $auth_good"
    check "submission AUTH PLAIN gives 235" code_is 235
    s_cmd "MAIL FROM:<a@example.test>"
    s_cmd "RCPT TO:<$POSTFIX_RCPT2>"
    check "submission after AUTH: RCPT TO:<$POSTFIX_RCPT2> gives 250" code_is 250
    s_cmd RSET
    s_cmd QUIT
    check "submission QUIT gives 221" code_is 221
else
    notok "submission STARTTLS (openssl -starttls smtp, verified) and EHLO"
fi
s_close

if [[ $POSTFIX_IPV6 == 1 ]]; then
    if s_open_plain ::1 "$P" && s_read; then
        check "greeting on [::1]:$P is 220" code_is 220
        s_cmd QUIT
    else
        notok "connect and read greeting on [::1]:$P"
    fi
    s_close
fi

finish
