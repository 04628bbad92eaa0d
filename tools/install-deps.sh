#!/usr/bin/env bash
# tools/install-deps.sh [--test] - install what mailtrace needs from Debian 12's
# packages: build and runtime; with --test also the test servers and tools.
# SPDX-License-Identifier: BSD-2-Clause
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pkgs="gcc make cmake pkg-config libc6-dev libpcap-dev libssl-dev libsqlite3-dev libjansson-dev
    libmicrohttpd-dev libc-ares-dev libpq-dev"
# OTLP export over HTTP (src/otlp)
pkgs="$pkgs libcurl4-openssl-dev"
if [ "${1:-}" = --test ]; then
	# the Dovecot and Postfix harnesses, test certificates, store inspection
	pkgs="$pkgs $(grep -v '^#' "$here/../tests/dovecot/packages.txt" | tr '\n' ' ')"
	pkgs="$pkgs $(grep -v '^#' "$here/../tests/postfix/packages.txt" | tr '\n' ' ') openssl sqlite3"
	# a private PostgreSQL server for the shared store's tests (tests/pg)
	pkgs="$pkgs $(grep -v '^#' "$here/../tests/pg/packages.txt" | tr '\n' ' ')"
	# real third-party clients for the decoder's capture tests
	pkgs="$pkgs $(grep -v '^#' "$here/../tests/decode/packages.txt" | tr '\n' ' ')"
	# promtool and a real Prometheus for the exporter's tests (never
	# started as a service: see the policy-rc.d below)
	pkgs="$pkgs prometheus"
	# dnsmasq (dnsmasq-base: the binary, no service) is the tests' DNS
	# server for MX and SRV lookups (tests/dns)
	pkgs="$pkgs dnsmasq-base"
	# tshark: an independent oracle for decrypted TLS (tests/tls); its
	# dumpcap is not made setuid (the tests run as root)
	pkgs="$pkgs tshark"
	# a real headless browser renders mailtrace report's HTML (tests/report)
	pkgs="$pkgs chromium"
	# OpenTelemetry's own schema checks what --otlp sends (tests/otlp):
	# only in bookworm-backports (added below when missing)
	pkgs="$pkgs python3-opentelemetry-proto"
	backports=1
fi
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
	    missing="$missing $p"
done
# No service is started by a package's maintainer scripts (prometheus,
# dovecot, postfix, postgresql): the tests start their own private instances.  Without
# systemd, invoke-rc.d asks /usr/sbin/policy-rc.d; 101 is "action forbidden".
# One already there is put back afterwards.
policy=/usr/sbin/policy-rc.d
policy_keep=""
policy_restore() {
	if [ -n "$policy_keep" ]; then
		$sudo mv -f "$policy_keep" "$policy"
	else
		$sudo rm -f "$policy"
	fi
}
if [ -n "$missing" ]; then
	echo "install-deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	if [ -e "$policy" ]; then
		policy_keep="$policy.mailtrace-saved"
		$sudo mv -f "$policy" "$policy_keep"
	fi
	trap policy_restore EXIT
	printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
	$sudo chmod 0755 "$policy"
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
	    $sudo debconf-set-selections 2>/dev/null || true
	# Debian's backports suite, for the packages only it has (apt takes a
	# package from there only when asked for one that is nowhere else)
	bp=/etc/apt/sources.list.d/mailtrace-bookworm-backports.sources
	if [ -n "${backports:-}" ] && [ ! -e "$bp" ] &&
	    ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d; then
		printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\n' |
		    $sudo tee "$bp" >/dev/null
	fi
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
