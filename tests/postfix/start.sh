#!/usr/bin/env bash
# start.sh WORKDIR DOVECOT_WORKDIR CERTDIR
#
# Starts a private Postfix for the SMTP tests, next to the Dovecot of
# tests/dovecot/start.sh DOVECOT_WORKDIR (which must be running):
#   - wipes and recreates WORKDIR (only one this script made, or an empty
#     one), writes WORKDIR/conf/main.cf and master.cf, a queue directory
#     (WORKDIR/spool) and data directory (WORKDIR/data); never touches
#     /etc/postfix or the system's Postfix instance;
#   - three smtpd services on random free loopback ports: plain SMTP
#     (STARTTLS and AUTH offered), implicit TLS ("smtps") and submission
#     (STARTTLS, then AUTH required);
#   - SMTP AUTH through Dovecot SASL (DOVECOT_AUTH_SOCKET), delivery for
#     example.test over LMTP into Dovecot's maildirs (DOVECOT_LMTP_SOCKET);
#     anything else is refused or bounced locally, nothing leaves the host;
#   - writes WORKDIR/env (shell assignments) and waits (bounded) until every
#     port greets with 220.
# Stop it with stop.sh WORKDIR. Needs root, postfix, dovecot-lmtpd, openssl.
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 WORKDIR DOVECOT_WORKDIR CERTDIR" >&2
    exit 2
fi
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)

die() {
    echo "postfix/start: $*" >&2
    exit 1
}

[[ $EUID -eq 0 ]] || die "must run as root (Postfix's master starts as root)"
{ command -v postfix && command -v postconf; } >/dev/null 2>&1 ||
    die "postfix not found (install the packages in $here/packages.txt)"
command -v openssl >/dev/null 2>&1 || die "openssl not found"
getent passwd postfix >/dev/null || die "user 'postfix' missing (is postfix installed?)"
getent group postdrop >/dev/null || die "group 'postdrop' missing (is postfix installed?)"
daemon_dir=$(postconf -dh daemon_directory)
[[ -x $daemon_dir/master && -x $daemon_dir/smtpd && -x $daemon_dir/lmtp ]] ||
    die "Postfix daemons not found in $daemon_dir"

mkdir -p -- "$1"
workdir=$(cd -- "$1" && pwd)
dovecot_dir=$(cd -- "$2" 2>/dev/null && pwd) || die "Dovecot directory $2 not found"
certdir=$(cd -- "$3" 2>/dev/null && pwd) || die "certificate directory $3 not found"
for f in server.pem server.key ca.pem; do
    [[ -r $certdir/$f ]] || die "$certdir/$f missing (generate it with tools/certs.sh $certdir)"
done

# What Postfix needs from the Dovecot harness.
[[ -r $dovecot_dir/env ]] || die "$dovecot_dir/env not found (run tests/dovecot/start.sh first)"
# shellcheck disable=SC1091
. "$dovecot_dir/env"
[[ -n ${DOVECOT_AUTH_SOCKET:-} && -S $DOVECOT_AUTH_SOCKET ]] ||
    die "Dovecot auth socket for Postfix missing (${DOVECOT_AUTH_SOCKET:-not in env}); is Dovecot running?"
[[ ${DOVECOT_LMTP:-0} == 1 && -n ${DOVECOT_LMTP_SOCKET:-} ]] ||
    die "Dovecot has no LMTP listener (install dovecot-lmtpd and restart tests/dovecot/start.sh)"
[[ -S $DOVECOT_LMTP_SOCKET ]] || die "Dovecot LMTP socket $DOVECOT_LMTP_SOCKET missing; is Dovecot running?"
[[ " $DOVECOT_USERS " == *" rcpt "* && " $DOVECOT_USERS " == *" rcpt2 "* ]] ||
    die "Dovecot has no users rcpt/rcpt2 (tests/dovecot/start.sh too old?)"

# Stop an instance still running in WORKDIR before wiping it.
if [[ -r $workdir/env || -e $workdir/conf/main.cf ]]; then
    bash "$here/stop.sh" "$workdir" >/dev/null || die "could not stop the old instance in $workdir"
fi

# Wipe WORKDIR's content, but only if it is empty or was made by this script.
if [[ -n $(ls -A -- "$workdir") && ! -e $workdir/conf/main.cf && ! -e $workdir/env ]]; then
    die "$workdir is not empty and is not a Postfix harness directory; refusing to wipe it"
fi
find "$workdir" -mindepth 1 -delete
chown root:root "$workdir"
chmod 0755 "$workdir"

# Every directory above WORKDIR must be searchable by the postfix account.
d=$workdir
while [[ $d != / ]]; do
    d=$(dirname -- "$d")
    (( 8#$(stat -c %a -- "$d") & 1 )) ||
        die "$d is not searchable by others; the 'postfix' user cannot reach $workdir"
done

conf_dir=$workdir/conf
queue_dir=$workdir/spool
data_dir=$workdir/data
log=$workdir/postfix.log
vmailbox=$workdir/vmailbox
sender_access=$workdir/sender_access
domain=example.test
mkdir -p -- "$conf_dir" "$queue_dir" "$data_dir"
chmod 0755 "$conf_dir" "$queue_dir"
chown postfix:postfix "$data_dir"
chmod 0700 "$data_dir"
: >"$log"
chmod 0644 "$log"

# texthash: maps are read as plain text, no postmap needed. The value in
# virtual_mailbox_maps is ignored by the LMTP transport, it only says "exists".
cat >"$vmailbox" <<EOF
rcpt@$domain rcpt
rcpt2@$domain rcpt2
EOF
cat >"$sender_access" <<EOF
refused@$domain REJECT sender refused for testing
EOF
chmod 0644 "$vmailbox" "$sender_access"

ipv6=${DOVECOT_IPV6:-0}
[[ ${MAILTRACE_POSTFIX_NO_IPV6:-0} == 1 ]] && ipv6=0

# ---------------------------------------------------------------------------
# Free ports (same test as the Dovecot harness).
port_in_use() { # port
    local p=$1 fd
    if command -v ss >/dev/null 2>&1 && [[ -n $(ss -Hltn "sport = :$p" 2>/dev/null) ]]; then
        return 0
    fi
    if (exec {fd}<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        return 0
    fi
    if [[ $ipv6 == 1 ]] && (exec {fd}<>"/dev/tcp/::1/$p") 2>/dev/null; then
        return 0
    fi
    return 1
}
pick_port() { # excluded-ports...
    local p tries x
    for ((tries = 0; tries < 50; tries++)); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
        for x in "$@"; do [[ $p == "$x" ]] && continue 2; done
        port_in_use "$p" || {
            echo "$p"
            return 0
        }
    done
    return 1
}

write_main_cf() {
    local protocols=ipv4 networks='127.0.0.0/8'
    if [[ $ipv6 == 1 ]]; then
        protocols=ipv4,ipv6
        networks='127.0.0.0/8 [::1]/128'
    fi
    cat >"$conf_dir/main.cf" <<EOF
# Generated by tests/postfix/start.sh - test-only Postfix instance.
# Nothing here refers to /etc/postfix's configuration or queue.
compatibility_level = 3.6
queue_directory = $queue_dir
data_directory = $data_dir
mail_owner = postfix
setgid_group = postdrop
maillog_file = $log
maillog_file_prefixes = $workdir
syslog_name = postfix-mailtrace

myhostname = mx.$domain
mydomain = $domain
myorigin = \$myhostname
smtpd_banner = \$myhostname ESMTP mailtrace-test
biff = no
append_dot_mydomain = no

# Loopback only; nothing is ever delivered off this host: no local
# delivery, no relay, no DNS; every non-example.test address bounces
# locally through the error transport.
inet_interfaces = loopback-only
inet_protocols = $protocols
mynetworks = $networks
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
relay_domains =
relay_transport = error:5.7.1 relaying is disabled in the mailtrace test instance
default_transport = error:5.7.1 remote delivery is disabled in the mailtrace test instance
local_transport = error:5.7.1 local delivery is disabled in the mailtrace test instance
fallback_transport =
disable_dns_lookups = yes
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtpd_peername_lookup = no
smtp_tls_security_level = none
lmtp_tls_security_level = none

# example.test is delivered over LMTP into the test Dovecot's maildirs.
virtual_mailbox_domains = $domain
virtual_mailbox_maps = texthash:$vmailbox
virtual_alias_maps =
virtual_transport = lmtp:unix:$DOVECOT_LMTP_SOCKET
smtpd_reject_unlisted_recipient = yes
smtpd_reject_unlisted_sender = no

# SMTP AUTH through Dovecot, also without TLS on the plain port.
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $DOVECOT_AUTH_SOCKET
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
smtpd_tls_auth_only = no
broken_sasl_auth_clients = no

smtpd_tls_security_level = may
smtpd_tls_cert_file = $certdir/server.pem
smtpd_tls_key_file = $certdir/server.key
smtpd_tls_loglevel = 0
smtpd_tls_received_header = no
smtpd_tls_session_cache_database =

# Restrictions. smtpd_delay_reject = no: a refused sender is refused at
# MAIL FROM (the submission service turns it back on, see master.cf).
smtpd_delay_reject = no
smtpd_client_restrictions =
smtpd_helo_restrictions =
smtpd_sender_restrictions = check_sender_access texthash:$sender_access
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =

# Fast and forgiving for tests.
in_flow_delay = 0
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
smtpd_junk_command_limit = 1000
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_timeout = 60s
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
delay_warning_time = 0
EOF
}

write_master_cf() { # smtp-port smtps-port submission-port
    local hosts=(127.0.0.1) h
    [[ $ipv6 == 1 ]] && hosts+=('[::1]')
    {
        cat <<'EOF'
# Generated by tests/postfix/start.sh. No service is chrooted (chroot = n),
# so the Dovecot sockets outside the queue directory are reachable.
# service type  private unpriv  chroot  wakeup  maxproc command + args
EOF
        for h in "${hosts[@]}"; do
            cat <<EOF
$h:$1 inet n - n - - smtpd
  -o syslog_name=postfix-mailtrace/smtp
$h:$2 inet n - n - - smtpd
  -o syslog_name=postfix-mailtrace/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
$h:$3 inet n - n - - smtpd
  -o syslog_name=postfix-mailtrace/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_delay_reject=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
EOF
        done
        cat <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    } >"$conf_dir/master.cf"
}

# ---------------------------------------------------------------------------
# Queue directories: post-install (run by "postfix start" too) creates them
# with the right owners from the package's postfix-files.
pf() { postfix -c "$conf_dir" "$@"; }

smtp_port=
smtps_port=
submission_port=
started=0
for ((attempt = 1; attempt <= 5; attempt++)); do
    smtp_port=$(pick_port) || die "no free port found"
    smtps_port=$(pick_port "$smtp_port") || die "no free port found"
    submission_port=$(pick_port "$smtp_port" "$smtps_port") || die "no free port found"
    write_main_cf
    write_master_cf "$smtp_port" "$smtps_port" "$submission_port"

    {
        printf 'POSTFIX_WORKDIR=%q\n' "$workdir"
        printf 'POSTFIX_CONF=%q\n' "$conf_dir"
        printf 'POSTFIX_QUEUE_DIR=%q\n' "$queue_dir"
        printf 'POSTFIX_PID_FILE=%q\n' "$queue_dir/pid/master.pid"
        printf 'POSTFIX_LOG=%q\n' "$log"
        printf 'POSTFIX_CERTDIR=%q\n' "$certdir"
        printf 'POSTFIX_DOVECOT_WORKDIR=%q\n' "$dovecot_dir"
        printf 'POSTFIX_HOST=127.0.0.1\n'
        printf 'POSTFIX_HOST6=::1\n'
        printf 'POSTFIX_IPV6=%d\n' "$ipv6"
        printf 'POSTFIX_SMTP_PORT=%d\n' "$smtp_port"
        printf 'POSTFIX_SMTPS_PORT=%d\n' "$smtps_port"
        printf 'POSTFIX_SUBMISSION_PORT=%d\n' "$submission_port"
        printf 'POSTFIX_HOSTNAME=mx.%s\n' "$domain"
        printf 'POSTFIX_DOMAIN=%s\n' "$domain"
        printf 'POSTFIX_RCPT=rcpt@%s\n' "$domain"
        printf 'POSTFIX_RCPT_USER=rcpt\n'
        printf 'POSTFIX_RCPT2=rcpt2@%s\n' "$domain"
        printf 'POSTFIX_RCPT2_USER=rcpt2\n'
        printf 'POSTFIX_BAD_RCPT=nobody@%s\n' "$domain"
        printf 'POSTFIX_BAD_SENDER=refused@%s\n' "$domain"
        printf 'POSTFIX_RELAY_RCPT=someone@elsewhere.test\n'
        printf 'POSTFIX_AUTH_USER=rcpt\n'
        printf 'POSTFIX_PASSWORD_FILE=%q\n' "$DOVECOT_PASSWORD_FILE"
    } >"$workdir/env"

    : >"$log"
    # Detach stdio: the master daemonizes and CTest must not wait for it.
    if pf start </dev/null >"$workdir/postfix.stderr" 2>&1; then
        started=1
        break
    fi
    if grep -qi 'address already in use' "$workdir/postfix.stderr" "$log" 2>/dev/null; then
        echo "postfix/start: port taken, retrying with other ports" >&2
        bash "$here/stop.sh" "$workdir" >/dev/null 2>&1 || true
        continue
    fi
    break
done

fail() {
    echo "postfix/start: $*" >&2
    echo "----- postfix stderr -----" >&2
    cat "$workdir/postfix.stderr" >&2 2>/dev/null || true
    echo "----- $log -----" >&2
    tail -n 50 "$log" >&2 2>/dev/null || true
    # Errors found before logging is set up go to syslog only (there is no
    # /dev/log here) unless stderr is a terminal: show them through script(1).
    if command -v script >/dev/null 2>&1; then
        echo "----- postfix -c $conf_dir check -----" >&2
        timeout 30 script -qec "postfix -c '$conf_dir' check" /dev/null </dev/null >&2 2>&1 || true
    fi
    bash "$here/stop.sh" "$workdir" >/dev/null 2>&1 || true
    exit 1
}
[[ $started == 1 ]] || fail "postfix did not start"

# ---------------------------------------------------------------------------
# Wait (bounded) for the 220 greetings.
greeting_plain() { # host port -> 0 if a "220 " greeting within 2 s
    local fd line rc=1
    { exec {fd}<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 1
    if IFS= read -r -t 2 -u "$fd" line && [[ $line == "220 "* ]]; then
        printf 'QUIT\r\n' 1>&"$fd" 2>/dev/null || true
        rc=0
    fi
    exec {fd}>&-
    return $rc
}
greeting_tls() { # host port [s_client args...]
    local host=$1 port=$2 out
    shift 2
    out=$(printf 'QUIT\r\n' | timeout 10 openssl s_client -quiet -connect "$host:$port" "$@" \
        -CAfile "$certdir/ca.pem" -verify_return_error -verify_hostname localhost 2>/dev/null) || true
    [[ $out == "220 "* || $out == "221 "* ]]
}

wait_for() { # description tries command...
    local what=$1 n=$2 i
    shift 2
    for ((i = 0; i < n; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    fail "no greeting: $what"
}
wait_for "SMTP 127.0.0.1:$smtp_port" 100 greeting_plain 127.0.0.1 "$smtp_port"
wait_for "SMTPS 127.0.0.1:$smtps_port" 20 greeting_tls 127.0.0.1 "$smtps_port"
wait_for "submission 127.0.0.1:$submission_port" 20 greeting_plain 127.0.0.1 "$submission_port"
# -starttls smtp: s_client eats the greeting and EHLO; QUIT's 221 comes out.
wait_for "submission STARTTLS 127.0.0.1:$submission_port" 20 \
    greeting_tls 127.0.0.1 "$submission_port" -starttls smtp
if [[ $ipv6 == 1 ]]; then
    wait_for "SMTP [::1]:$smtp_port" 20 greeting_plain ::1 "$smtp_port"
fi

echo "postfix started: pid $(tr -d ' ' <"$queue_dir/pid/master.pid"), SMTP 127.0.0.1:$smtp_port," \
    "SMTPS 127.0.0.1:$smtps_port, submission 127.0.0.1:$submission_port, IPv6 $ipv6," \
    "env in $workdir/env"
