#!/usr/bin/env bash
# start.sh WORKDIR DOVECOT_WORKDIR POSTFIX_WORKDIR - the tests' DNS server:
# dnsmasq (dnsmasq-base) on a free loopback port with the test zone below,
# answering only from its own records (--no-resolv --no-hosts, .test local:
# any other name there is NXDOMAIN), and a silent listener (silent.py) that
# slow.test is forwarded to.  Every host resolves to 127.0.0.1 or ::1
# only.  The SRV records carry the ports of the suite's Dovecot and Postfix.
# Writes WORKDIR/env (DNS_SERVER=127.0.0.1:PORT, DNS_CLOSED_PORT, the pid
# files); stop it with stop.sh WORKDIR.  No root-only feature is used.
# SPDX-License-Identifier: BSD-2-Clause
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
die() { echo "dns/start: $*" >&2; exit 1; }
[[ $# -eq 3 ]] || { echo "usage: $0 WORKDIR DOVECOT_WORKDIR POSTFIX_WORKDIR" >&2; exit 2; }
command -v dnsmasq >/dev/null 2>&1 || [[ -x /usr/sbin/dnsmasq ]] ||
    die "dnsmasq not found (install dnsmasq-base: tools/install-deps.sh --test)"
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
mkdir -p -- "$1"
work=$(cd -- "$1" && pwd)
bash "$here/stop.sh" "$work" >/dev/null 2>&1 || true
find "$work" -mindepth 1 -delete
# shellcheck source=/dev/null
. "$2/env"
# shellcheck source=/dev/null
. "$3/env"

# A port free on 127.0.0.1 for UDP and TCP just now (the kernel's choice).
free_port() {
	python3 -c 'import socket
for _ in range(50):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
    p = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        t.close(); u.close()'
}
# wait_file FILE: bounded (10 s) wait for a daemon to write FILE
wait_file() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -s $1 ]] && return 0
		sleep 0.1
	done
	return 1
}

setsid python3 "$here/silent.py" "$work/silent.port" "$work/silent.pid" \
    </dev/null >"$work/silent.log" 2>&1 &
wait_file "$work/silent.port" || die "the silent listener did not start"
silent=$(<"$work/silent.port")
closed=$(free_port)	# nothing listens there: a refused connection
busy=$(free_port)	# dns.sh's fake server greets 421 there

for try in 1 2 3 4 5; do
	port=$(free_port)
	rm -f "$work/dnsmasq.pid"
	# The zone (docs/testing.md, "The DNS server"):
	#   example.test     MX 10 mx1.example.test, MX 20 localhost (Postfix's
	#                    domain; mx1's certificate name does not match)
	#   mx1.example.test A 127.0.0.1; localhost A 127.0.0.1; v6.example.test
	#                    AAAA ::1
	#   nomail.test      a null MX (RFC 7505); nx.test: NXDOMAIN
	#   noaddr.test      MX 10 ghost.example.test, which has only a TXT
	#   slow.test        forwarded to the silent listener: a timeout
	#   SRV _pop3s/_pop3/_submissions/_submission._tcp.example.test: the
	#   suite's Dovecot and Postfix ports on localhost, _pop3s first to a
	#   closed port (priority 0), then Dovecot's POP3S (priority 10);
	#   plain.test: _pop3s not offered (target .), _pop3 Dovecot's POP3;
	#   busy.test: _submission to the busy port (priority 0), then
	#   Postfix's submission (priority 10)
	setsid "$DNSMASQ" --keep-in-foreground --no-resolv --no-hosts \
	    --port "$port" --listen-address 127.0.0.1 --bind-interfaces \
	    --pid-file="$work/dnsmasq.pid" --log-facility="$work/dnsmasq.log" \
	    --log-queries --user="$(id -un)" --group="$(id -gn)" \
	    --conf-file=/dev/null --local=/test/ --local=/localhost/ --server=/slow.test/127.0.0.1#"$silent" \
	    --mx-host=example.test,mx1.example.test,10 \
	    --mx-host=example.test,localhost,20 \
	    --host-record=mx1.example.test,127.0.0.1 \
	    --host-record=localhost,127.0.0.1 \
	    --host-record=v6.example.test,::1 \
	    --mx-host=nomail.test,.,0 \
	    --mx-host=noaddr.test,ghost.example.test,10 \
	    --txt-record=ghost.example.test,"no address here" \
	    --srv-host=_pop3s._tcp.example.test,localhost,"$closed",0,10 \
	    --srv-host=_pop3s._tcp.example.test,localhost,"$DOVECOT_POP3S_PORT",10,10 \
	    --srv-host=_pop3._tcp.example.test,localhost,"$DOVECOT_POP3_PORT",0,10 \
	    --srv-host=_submissions._tcp.example.test,localhost,"$POSTFIX_SMTPS_PORT",0,10 \
	    --srv-host=_submission._tcp.example.test,localhost,"$POSTFIX_SUBMISSION_PORT",0,10 \
	    --srv-host=_submission._tcp.busy.test,localhost,"$busy",0,10 \
	    --srv-host=_submission._tcp.busy.test,localhost,"$POSTFIX_SUBMISSION_PORT",10,10 \
	    --srv-host=_pop3s._tcp.plain.test \
	    --srv-host=_pop3._tcp.plain.test,localhost,"$DOVECOT_POP3_PORT",0,0 \
	    </dev/null >"$work/dnsmasq.stderr" 2>&1 &
	if wait_file "$work/dnsmasq.pid" &&
	    [[ -n $(ss -Hlun "sport = :$port" 2>/dev/null) ]]; then
		break
	fi
	port=
done
[[ -n $port ]] || { cat "$work/dnsmasq.stderr" >&2; die "dnsmasq did not start"; }
{
	printf 'DNS_SERVER=127.0.0.1:%d\n' "$port"
	printf 'DNS_CLOSED_PORT=%d\n' "$closed"
	printf 'DNS_BUSY_PORT=%d\n' "$busy"
	printf 'DNS_SILENT_PORT=%d\n' "$silent"
	printf 'DNS_PID_FILE=%q\n' "$work/dnsmasq.pid"
	printf 'DNS_SILENT_PID_FILE=%q\n' "$work/silent.pid"
	printf 'DNS_LOG=%q\n' "$work/dnsmasq.log"
} >"$work/env"
echo "dns/start: dnsmasq on 127.0.0.1:$port (pid $(<"$work/dnsmasq.pid")), silent listener on $silent"
