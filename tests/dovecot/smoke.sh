#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called via check()
# smoke.sh WORKDIR [CERTDIR]
#
# Self-check of the Dovecot started by start.sh WORKDIR, using only bash
# /dev/tcp and openssl s_client. Prints "ok N - ..." / "not ok N - ..." and
# a final "N passed, M failed" line; exits non-zero if anything failed.
# The password is sent but never printed.
set -uo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 WORKDIR [CERTDIR]" >&2
    exit 2
fi
workdir=$1

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
matches() { [[ $1 =~ $2 ]]; }
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

if [[ ! -r $workdir/env ]]; then
    notok "env file $workdir/env exists (did start.sh run?)"
    finish
fi
# shellcheck disable=SC1091
. "$workdir/env"
certdir=${2:-$DOVECOT_CERTDIR}
ok "env file loaded (POP3 $DOVECOT_POP3_PORT, POP3S $DOVECOT_POP3S_PORT, IPv6 $DOVECOT_IPV6)"

if [[ -r $DOVECOT_PASSWORD_FILE ]]; then
    ok "password file readable"
    password=$(<"$DOVECOT_PASSWORD_FILE")
else
    notok "password file readable"
    password=
fi

# --- plain POP3 over /dev/tcp -----------------------------------------------
fd=
line=
pop_open() { # host port
    fd=
    { exec {fd}<>"/dev/tcp/$1/$2"; } 2>/dev/null
}
pop_close() {
    [[ -n $fd ]] && exec {fd}>&-
    fd=
}
pop_read() { # one line into $line, CR stripped; 5 s timeout
    line=
    [[ -n $fd ]] || return 1
    IFS= read -r -t 5 -u "$fd" line || return 1
    line=${line%$'\r'}
}
pop_send() {
    [[ -n $fd ]] || return 1
    printf '%s\r\n' "$1" 1>&"$fd" 2>/dev/null
}
pop_multi() { # read a multi-line response body into $multi (after +OK line)
    multi=
    local i
    for ((i = 0; i < 10000; i++)); do
        pop_read || return 1
        [[ $line == "." ]] && return 0
        multi+="$line"$'\n'
    done
    return 1
}

if pop_open 127.0.0.1 "$DOVECOT_POP3_PORT" && pop_read; then
    greeting=$line
    check "greeting on 127.0.0.1:$DOVECOT_POP3_PORT is +OK" [ "${greeting:0:3}" = "+OK" ]
    check "greeting carries an APOP timestamp" matches "$greeting" '<[^<>@]+@[^<>]+>'
else
    notok "connect and read greeting on 127.0.0.1:$DOVECOT_POP3_PORT"
fi

multi=
if pop_send CAPA && pop_read && [[ $line == "+OK"* ]] && pop_multi; then
    ok "CAPA answered"
else
    notok "CAPA answered"
fi
has_capa() { grep -qx -- "$1" <<<"$multi"; }
for c in STLS TOP UIDL USER; do
    check "CAPA lists $c" has_capa "$c"
done
sasl=$(grep -E '^SASL ' <<<"$multi" || true)
for m in PLAIN LOGIN CRAM-MD5; do
    check "CAPA SASL lists $m" grep -qw -- "$m" <<<"$sasl"
done

pop_send "USER bob" && pop_read
check "USER bob gives +OK" [ "${line:0:3}" = "+OK" ]
pop_send "PASS $password" && pop_read
check "PASS gives +OK" [ "${line:0:3}" = "+OK" ]
pop_send "STAT" && pop_read
check "STAT shows 3 messages (got: $line)" matches "$line" '^\+OK 3 [0-9]+$'
pop_send "UIDL" && pop_read && pop_multi
check "UIDL lists 3 stable ids" [ "$multi" = $'1 000000016553f100\n2 000000026553f100\n3 000000036553f100\n' ]
pop_send "QUIT" && pop_read
check "QUIT gives +OK" [ "${line:0:3}" = "+OK" ]
pop_close

if [[ $DOVECOT_IPV6 == 1 ]]; then
    if pop_open ::1 "$DOVECOT_POP3_PORT" && pop_read; then
        check "greeting on [::1]:$DOVECOT_POP3_PORT is +OK" [ "${line:0:3}" = "+OK" ]
        pop_send QUIT && pop_read
    else
        notok "connect and read greeting on [::1]:$DOVECOT_POP3_PORT"
    fi
    pop_close
fi

# --- TLS --------------------------------------------------------------------
# Send QUIT after the greeting; -quiet implies -ign_eof so s_client waits for
# the server to close. Bounded by timeout(1).
tls_session() { # extra s_client args...
    printf 'QUIT\r\n' | timeout 15 openssl s_client -quiet "$@" \
        -CAfile "$certdir/ca.pem" -verify_return_error -verify_hostname localhost 2>/dev/null |
        tr -d '\r'
}

out=$(tls_session -connect "127.0.0.1:$DOVECOT_POP3S_PORT")
check "POP3S (implicit TLS, verified) greeting is +OK" [ "${out:0:3}" = "+OK" ]
check "POP3S QUIT gives +OK Logging out" grep -q '^+OK Logging out' <<<"$out"

# With -starttls pop3, s_client consumes the greeting and the STLS reply.
out=$(tls_session -connect "127.0.0.1:$DOVECOT_POP3_PORT" -starttls pop3)
check "STLS (openssl -starttls pop3, verified) then QUIT gives +OK" grep -q '^+OK Logging out' <<<"$out"

if [[ $DOVECOT_IPV6 == 1 ]]; then
    out=$(tls_session -connect "[::1]:$DOVECOT_POP3S_PORT")
    check "POP3S on [::1] greeting is +OK" [ "${out:0:3}" = "+OK" ]
fi

finish
