#!/usr/bin/env bash
# start.sh WORKDIR CERTDIR
#
# Starts a private Dovecot POP3 server for the tests:
#   - wipes and recreates WORKDIR, writes WORKDIR/dovecot.conf (no include of
#     /etc/dovecot), test mailboxes, a random per-run password;
#   - listens on random free loopback ports: POP3 (STLS available) and POP3S,
#     on 127.0.0.1 and, when the machine has it, ::1;
#   - writes the chosen values to WORKDIR/env (shell assignments);
#   - waits (bounded) until both ports send the POP3 greeting.
# Stop it with stop.sh WORKDIR. Needs: dovecot-core, dovecot-pop3d, openssl.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 WORKDIR CERTDIR" >&2
    exit 2
fi
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)

die() {
    echo "dovecot/start: $*" >&2
    exit 1
}

command -v dovecot >/dev/null 2>&1 || die "dovecot not found (install the packages in $here/packages.txt)"
[[ -e /usr/lib/dovecot/pop3 && -e /usr/lib/dovecot/pop3-login ]] ||
    die "Dovecot POP3 server not installed (package dovecot-pop3d)"
command -v openssl >/dev/null 2>&1 || die "openssl not found"

mkdir -p -- "$1"
workdir=$(cd -- "$1" && pwd)
certdir=$(cd -- "$2" 2>/dev/null && pwd) || die "certificate directory $2 not found"
for f in server.pem server.key ca.pem; do
    [[ -r $certdir/$f ]] || die "$certdir/$f missing (generate it with tools/certs.sh $certdir)"
done

# Stop an instance still running in WORKDIR before wiping it.
if [[ -r $workdir/env ]]; then
    # shellcheck source=/dev/null
    old_pidfile=$( (. "$workdir/env" && printf '%s' "${DOVECOT_BASE_DIR:-}/master.pid") 2>/dev/null || true)
    if [[ -r $old_pidfile ]]; then
        old_pid=$(<"$old_pidfile")
        if [[ $old_pid =~ ^[0-9]+$ ]] && kill -0 "$old_pid" 2>/dev/null; then
            echo "dovecot/start: an instance is still running in $workdir (pid $old_pid); stopping it" >&2
            bash "$here/stop.sh" "$workdir" || die "could not stop the old instance"
        fi
    fi
fi

# Wipe WORKDIR's content (keep the directory itself, it may be a mount/cwd),
# but only if it is empty or was made by this script: never wipe a wrong path.
if [[ -n $(ls -A -- "$workdir") && ! -e $workdir/dovecot.conf && ! -e $workdir/env ]]; then
    die "$workdir is not empty and is not a Dovecot harness directory; refusing to wipe it"
fi
if [[ -L $workdir/run ]]; then
    old_base=$(readlink -- "$workdir/run")
    [[ $old_base == /tmp/mt-dovecot.* ]] && rm -rf -- "$old_base"
fi
find "$workdir" -mindepth 1 -delete
chmod 0755 "$workdir"

# ---------------------------------------------------------------------------
# Accounts. As root: Dovecot's own unprivileged users (created by the Debian
# package) run the login/auth processes, and the mailboxes belong to the
# "dovecot" account. Not as root: everything runs as the calling user.
if [[ $EUID -eq 0 ]]; then
    getent passwd dovecot >/dev/null || die "user 'dovecot' missing (is dovecot-core installed?)"
    getent passwd dovenull >/dev/null || die "user 'dovenull' missing (is dovecot-core installed?)"
    internal_user=dovecot
    login_user=dovenull
    mail_user=dovecot
    login_chroot=login
else
    internal_user=$(id -un)
    login_user=$internal_user
    mail_user=$internal_user
    login_chroot=
fi
mail_uid=$(id -u "$mail_user")
mail_gid=$(id -g "$mail_user")

# Every directory above WORKDIR must be searchable by the unprivileged users.
d=$workdir
while [[ $d != / ]]; do
    d=$(dirname -- "$d")
    if [[ $EUID -eq 0 ]] && ! (( 8#$(stat -c %a -- "$d") & 1 )); then
        die "$d is not searchable by others; the '$mail_user' user cannot reach $workdir"
    fi
done

# ---------------------------------------------------------------------------
# IPv6 loopback available?
ipv6=0
if [[ -r /proc/net/if_inet6 ]] && grep -qiE '^0{31}1 .* lo$' /proc/net/if_inet6 &&
    [[ $(cat /proc/sys/net/ipv6/conf/lo/disable_ipv6 2>/dev/null || echo 0) == 0 ]]; then
    ipv6=1
fi
# Force IPv4 only (e.g. to exercise the no-IPv6 path): MAILTRACE_DOVECOT_NO_IPV6=1
[[ ${MAILTRACE_DOVECOT_NO_IPV6:-0} == 1 ]] && ipv6=0

# A port is taken if something accepts a connection on it (or ss lists it).
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

pick_port() { # excluded-port
    local p tries
    for ((tries = 0; tries < 50; tries++)); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
        [[ $p == "${1:-}" ]] && continue
        port_in_use "$p" || {
            echo "$p"
            return 0
        }
    done
    return 1
}

# ---------------------------------------------------------------------------
# Unix socket paths are limited to 108 bytes; keep base_dir short.
base_dir=$workdir/run
if ((${#base_dir} > 70)); then
    base_dir=$(mktemp -d /tmp/mt-dovecot.XXXXXX)
    ln -s -- "$base_dir" "$workdir/run"
fi
state_dir=$workdir/state
mail_root=$workdir/mail
conf=$workdir/dovecot.conf
log=$workdir/dovecot.log
passwd_file=$workdir/users.passwd
password_file=$workdir/password
mkdir -p -- "$base_dir" "$state_dir" "$mail_root"
chmod 0755 "$base_dir"
chmod 0750 "$state_dir"
chown -- "$mail_uid:$mail_gid" "$mail_root"
chmod 0700 "$mail_root"

# rcpt and rcpt2 start empty: they are the SMTP recipients of the Postfix
# harness (tests/postfix), which delivers into them over LMTP.  five is the
# POP3 benchmark's mailbox (tools/bench/pop3.sh: RETR of 5 messages).
users=(bob empty dots dele big rcpt rcpt2 five)
declare -A msgs=([bob]=3 [empty]=0 [dots]=1 [dele]=3 [big]=1 [rcpt]=0 [rcpt2]=0 [five]=5)

# Sockets for a Postfix instance (tests/postfix): SMTP AUTH through Dovecot
# SASL, and LMTP delivery into the same maildirs. LMTP needs dovecot-lmtpd;
# without it DOVECOT_LMTP=0 and no LMTP listener is configured.
auth_socket=$base_dir/auth-postfix
lmtp_socket=$base_dir/lmtp-postfix
lmtp=0
[[ -e /usr/lib/dovecot/lmtp ]] && lmtp=1
# Owner of those sockets: postfix when run as root and Postfix is installed.
sock_owner=
if [[ $EUID -eq 0 ]] && getent passwd postfix >/dev/null && getent group postfix >/dev/null; then
    sock_owner=postfix
fi

# Per-run random password shared by all users; hex, so no quoting issues.
password=$(openssl rand -hex 12)
(
    umask 077
    printf '%s' "$password" >"$password_file"
)
chmod 0600 "$password_file"
(
    umask 077
    for u in "${users[@]}"; do
        # user:password:uid:gid:gecos:home:shell:extra
        printf '%s:{PLAIN}%s::::::\n' "$u" "$password"
    done
) >"$passwd_file"
# Read by the auth process, which runs as the internal user.
chown -- "0:$(id -g "$internal_user")" "$passwd_file" 2>/dev/null || true
chmod 0640 "$passwd_file"
unset password

write_conf() { # pop3-port pop3s-port
    local addrs='127.0.0.1'
    local extra=
    # No auth penalty: a failed-login test must not delay later logins
    # from 127.0.0.1 (Dovecot escalates it up to 15 s per IP).
    local penalty=$'service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n'
    if [[ $EUID -ne 0 ]]; then
        # Unprivileged: no chroot is possible.
        extra=$'service anvil {\n  chroot =\n}\n'
    fi
    [[ $ipv6 == 1 ]] && addrs='127.0.0.1, ::1'
    local protocols=pop3 owner='' postfix_sockets
    [[ $lmtp == 1 ]] && protocols='pop3 lmtp'
    [[ -n $sock_owner ]] && owner=$'\n    user = '"$sock_owner"$'\n    group = '"$sock_owner"
    # Postfix's smtpd (smtpd_sasl_type = dovecot) and lmtp client connect here.
    postfix_sockets="service auth {
  unix_listener ${auth_socket##*/} {
    mode = 0660$owner
  }
}
"
    if [[ $lmtp == 1 ]]; then
        postfix_sockets+="service lmtp {
  unix_listener ${lmtp_socket##*/} {
    mode = 0660$owner
  }
}
protocol lmtp {
  # RCPT TO:<rcpt@example.test> is Dovecot user \"rcpt\" (same maildir and
  # uid as its POP3 logins).
  auth_username_format = %Ln
}
"
    fi
    cat >"$conf" <<EOF
# Generated by tests/dovecot/start.sh - test-only Dovecot instance.
# Nothing here refers to /etc/dovecot.
instance_name = mailtrace-test
base_dir = $base_dir
state_dir = $state_dir
log_path = $log
info_log_path = $log
debug_log_path = $log
protocols = $protocols
listen = $addrs
shutdown_clients = yes
version_ignore = yes

default_internal_user = $internal_user
default_internal_group = $(id -gn "$internal_user")
default_login_user = $login_user

ssl = yes
ssl_cert = <$certdir/server.pem
ssl_key = <$certdir/server.key
ssl_min_protocol = TLSv1.2

disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 apop
auth_verbose = yes
auth_verbose_passwords = no
auth_debug = no
auth_debug_passwords = no

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $passwd_file
}
userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=$mail_root/%u
}

mail_location = maildir:$mail_root/%u
first_valid_uid = $mail_uid
first_valid_gid = $mail_gid
mail_fsync = never

pop3_uidl_format = %08Xu%08Xv
# Keep the mailboxes unchanged by RETR/TOP (no \\Seen flag renames).
pop3_no_flag_updates = yes

# A client from 127.0.0.2 (tests/dovecot/relay.py) is refused plaintext
# authentication: a client from 127.0.0.1 counts as secured (its address is
# the server's own) whatever disable_plaintext_auth says (the explanation
# tests: "Plaintext authentication disallowed").
remote 127.0.0.2 {
  disable_plaintext_auth = yes
}

service pop3-login {
  chroot = $login_chroot
  inet_listener pop3 {
    port = $1
  }
  inet_listener pop3s {
    port = $2
    ssl = yes
  }
}
${penalty}${extra}${postfix_sockets}
EOF
}

# ---------------------------------------------------------------------------
# Start, retrying with other ports if one got taken in the meantime.
pop3_port=
pop3s_port=
started=0
for ((attempt = 1; attempt <= 5; attempt++)); do
    pop3_port=$(pick_port "") || die "no free port found"
    pop3s_port=$(pick_port "$pop3_port") || die "no free port found"
    write_conf "$pop3_port" "$pop3s_port"

    {
        printf 'DOVECOT_WORKDIR=%q\n' "$workdir"
        printf 'DOVECOT_CONF=%q\n' "$conf"
        printf 'DOVECOT_BASE_DIR=%q\n' "$base_dir"
        printf 'DOVECOT_LOG=%q\n' "$log"
        printf 'DOVECOT_CERTDIR=%q\n' "$certdir"
        printf 'DOVECOT_HOST=127.0.0.1\n'
        printf 'DOVECOT_HOST6=::1\n'
        printf 'DOVECOT_IPV6=%d\n' "$ipv6"
        printf 'DOVECOT_POP3_PORT=%d\n' "$pop3_port"
        printf 'DOVECOT_POP3S_PORT=%d\n' "$pop3s_port"
        printf 'DOVECOT_PASSWORD_FILE=%q\n' "$password_file"
        printf 'DOVECOT_MAIL_UID=%d\n' "$mail_uid"
        printf 'DOVECOT_MAIL_GID=%d\n' "$mail_gid"
        printf 'DOVECOT_AUTH_SOCKET=%q\n' "$auth_socket"
        printf 'DOVECOT_LMTP=%d\n' "$lmtp"
        if [[ $lmtp == 1 ]]; then
            printf 'DOVECOT_LMTP_SOCKET=%q\n' "$lmtp_socket"
        else
            printf 'DOVECOT_LMTP_SOCKET=\n'
        fi
        printf 'DOVECOT_USERS="%s"\n' "${users[*]}"
        for u in "${users[@]}"; do
            printf 'DOVECOT_USER_%s=%s\n' "${u^^}" "$u"
            printf 'DOVECOT_MSGS_%s=%d\n' "${u^^}" "${msgs[$u]}"
        done
    } >"$workdir/env"

    if [[ $attempt == 1 ]]; then
        for u in "${users[@]}"; do
            bash "$here/reset-user.sh" "$workdir" "$u"
        done
    fi

    : >"$log"
    # Dovecot daemonizes; detach its stdio so callers (ctest) do not wait on it.
    if dovecot -c "$conf" </dev/null >"$workdir/dovecot.stderr" 2>&1; then
        started=1
        break
    fi
    if grep -qi 'address already in use' "$workdir/dovecot.stderr" "$log" 2>/dev/null; then
        echo "dovecot/start: port taken, retrying with other ports" >&2
        continue
    fi
    break
done

fail() {
    echo "dovecot/start: $*" >&2
    echo "----- dovecot stderr -----" >&2
    cat "$workdir/dovecot.stderr" >&2 2>/dev/null || true
    echo "----- $log -----" >&2
    tail -n 50 "$log" >&2 2>/dev/null || true
    bash "$here/stop.sh" "$workdir" >/dev/null 2>&1 || true
    exit 1
}
[[ $started == 1 ]] || fail "dovecot did not start"

# ---------------------------------------------------------------------------
# Wait (bounded) for the POP3 greeting on the plain port, then check POP3S.
greeting_plain() { # host port -> 0 if "+OK" greeting within 2 s
    local fd line rc=1
    { exec {fd}<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 1
    if IFS= read -r -t 2 -u "$fd" line && [[ $line == "+OK"* ]]; then
        printf 'QUIT\r\n' 1>&"$fd" 2>/dev/null || true
        rc=0
    fi
    exec {fd}>&-
    return $rc
}
greeting_tls() { # host port
    local out
    out=$(printf 'QUIT\r\n' | timeout 10 openssl s_client -quiet -connect "$1:$2" \
        -CAfile "$certdir/ca.pem" -verify_return_error -verify_hostname localhost 2>/dev/null) || true
    [[ $out == "+OK"* ]]
}

ready=0
for ((i = 0; i < 100; i++)); do
    if greeting_plain 127.0.0.1 "$pop3_port"; then
        ready=1
        break
    fi
    sleep 0.1
done
[[ $ready == 1 ]] || fail "no POP3 greeting on 127.0.0.1:$pop3_port"

ready=0
for ((i = 0; i < 20; i++)); do
    if greeting_tls 127.0.0.1 "$pop3s_port"; then
        ready=1
        break
    fi
    sleep 0.1
done
[[ $ready == 1 ]] || fail "no POP3S greeting on 127.0.0.1:$pop3s_port"

if [[ $ipv6 == 1 ]]; then
    greeting_plain ::1 "$pop3_port" || fail "no POP3 greeting on [::1]:$pop3_port"
fi

echo "dovecot started: pid $(<"$base_dir/master.pid"), POP3 127.0.0.1:$pop3_port," \
    "POP3S 127.0.0.1:$pop3s_port, IPv6 $ipv6, env in $workdir/env"
