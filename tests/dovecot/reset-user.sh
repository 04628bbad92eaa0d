#!/usr/bin/env bash
# reset-user.sh WORKDIR USER
#
# (Re)creates the maildir of one test user of the Dovecot harness with its
# fixed initial content. start.sh calls it for every user; tests that change
# a mailbox (e.g. DELE on "dele") call it to restore it so they can be rerun.
#
# Content is deterministic: fixed file names, fixed dovecot-uidlist (fixed
# UIDVALIDITY and UIDs), so UIDL values are identical on every run.
# Do not run it while a POP3 session of that user is open.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 WORKDIR USER" >&2
    exit 2
fi
workdir=$1
user=$2

envfile=$workdir/env
if [[ ! -r $envfile ]]; then
    echo "reset-user: $envfile not found (run start.sh first)" >&2
    exit 1
fi
# shellcheck disable=SC1090
. "$envfile"

# Fixed IMAP UIDVALIDITY for every test mailbox (0x6553F100).
readonly UIDVALIDITY=1700000000

# Message writers. Files use LF line endings; Dovecot serves them with CRLF.

msg_simple() { # owner index
    local owner=$1 i=$2 n
    printf 'Return-Path: <alice@example.test>\n'
    printf 'From: Alice Example <alice@example.test>\n'
    printf 'To: %s <%s@example.test>\n' "$owner" "$owner"
    printf 'Subject: %s message %d\n' "$owner" "$i"
    printf 'Date: Tue, 14 Nov 2023 22:13:%02d +0000\n' "$i"
    printf 'Message-ID: <%s-%d@mailtrace.test>\n' "$owner" "$i"
    printf 'MIME-Version: 1.0\n'
    printf 'Content-Type: text/plain; charset=us-ascii\n'
    printf '\n'
    printf 'This is %s message %d.\n' "$owner" "$i"
    # message i has i extra body lines, so sizes differ between messages
    for ((n = 1; n <= i; n++)); do
        printf 'Body line %d of %s message %d.\n' "$n" "$owner" "$i"
    done
    printf -- '-- \nmailtrace test fixture\n'
}

msg_dots() {
    printf 'Return-Path: <alice@example.test>\n'
    printf 'From: Alice Example <alice@example.test>\n'
    printf 'To: dots <dots@example.test>\n'
    printf 'Subject: dots message 1\n'
    printf 'Date: Tue, 14 Nov 2023 22:14:01 +0000\n'
    printf 'Message-ID: <dots-1@mailtrace.test>\n'
    printf 'MIME-Version: 1.0\n'
    printf 'Content-Type: text/plain; charset=us-ascii\n'
    printf '\n'
    printf 'This message tests POP3 dot-stuffing.\n'
    printf '.leading dot line\n'
    printf '.\n'
    printf '..\n'
    printf '.x\n'
    printf '...three dots\n'
    printf 'a line after the dots\n'
    printf '.\n'
    printf 'last line\n'
}

msg_big() { # ~2 MB: 27000 body lines of 76 characters + LF
    printf 'Return-Path: <alice@example.test>\n'
    printf 'From: Alice Example <alice@example.test>\n'
    printf 'To: big <big@example.test>\n'
    printf 'Subject: big message 1\n'
    printf 'Date: Tue, 14 Nov 2023 22:15:01 +0000\n'
    printf 'Message-ID: <big-1@mailtrace.test>\n'
    printf 'MIME-Version: 1.0\n'
    printf 'Content-Type: text/plain; charset=us-ascii\n'
    printf '\n'
    awk 'BEGIN {
        pad = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (n = 1; n <= 27000; n++)
            printf "big %06d %s\n", n, pad;
    }'
    printf 'end of big message\n'
}

# Fixed maildir base name of message i (no flags part).
msg_name() { # user index
    printf '%d.M%dP1.mailtrace' "$((UIDVALIDITY + $2))" "$2"
}

maildir=$DOVECOT_WORKDIR/mail/$user
count=
case $user in
bob | dele) count=3 ;;
five) count=5 ;;
empty | rcpt | rcpt2) count=0 ;;
dots | big) count=1 ;;
*)
    echo "reset-user: unknown user '$user'" >&2
    exit 2
    ;;
esac

rm -rf -- "$maildir"
mkdir -p -- "$maildir/cur" "$maildir/new" "$maildir/tmp"

guid=$(printf '%s' "mailtrace-$user" | md5sum | cut -c1-32)
{
    printf '3 V%d N%d G%s\n' "$UIDVALIDITY" "$((count + 1))" "$guid"
    for ((i = 1; i <= count; i++)); do
        printf '%d :%s\n' "$i" "$(msg_name "$user" "$i")"
    done
} >"$maildir/dovecot-uidlist"

for ((i = 1; i <= count; i++)); do
    f=$maildir/cur/$(msg_name "$user" "$i"):2,
    case $user in
    dots) msg_dots >"$f" ;;
    big) msg_big >"$f" ;;
    *) msg_simple "$user" "$i" >"$f" ;;
    esac
    # Stable mtimes too (Dovecot uses them only as received date).
    touch -d "@$((UIDVALIDITY + i))" -- "$f"
done

chown -R -- "$DOVECOT_MAIL_UID:$DOVECOT_MAIL_GID" "$maildir"
chmod -R u=rwX,go= -- "$maildir"
