#!/usr/bin/env bash
# settle.sh POSTFIX_WORKDIR DOVECOT_WORKDIR - for a test that sent mail
# through the shared Postfix: wait (bounded, 30 s) until Postfix's queue is
# empty (every message delivered over LMTP or bounced), then empty the rcpt
# and rcpt2 mailboxes, so that no delivery of this test lands in the next
# test's mailbox after this one released its locks (mailbox-rcpt,
# postfix-rcpt). Exit 1 when the queue did not empty in time.
# SPDX-License-Identifier: BSD-2-Clause
set -u
PWORK=$1 DWORK=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$PWORK/env"
queued() {
	find "$POSTFIX_QUEUE_DIR/maildrop" "$POSTFIX_QUEUE_DIR/incoming" \
	    "$POSTFIX_QUEUE_DIR/active" "$POSTFIX_QUEUE_DIR/deferred" \
	    -type f 2>/dev/null | wc -l
}
for ((i = 0; i < 300; i++)); do
	[ "$(queued)" = 0 ] && break
	sleep 0.1
done
n=$(queued)
for u in rcpt rcpt2; do
	bash "$here/../dovecot/reset-user.sh" "$DWORK" "$u" >/dev/null
done
if [ "$n" != 0 ]; then
	echo "postfix/settle: $n message(s) still queued after 30 s" >&2
	exit 1
fi
exit 0
