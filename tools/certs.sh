#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# certs.sh DIR - test certificates for fakesrv and the Dovecot tests.
#
# Creates in DIR, once (nothing is done when DIR/ca.pem exists):
#   ca.pem ca.key               a test CA
#   server.pem server.key       localhost, 127.0.0.1, ::1; signed by the CA
#   wrong.pem wrong.key         only DNS:wrong.example; signed by the CA
#   untrusted.pem untrusted.key localhost, self-signed (not from the CA)
# EC P-256 keys, 3650 days, no passphrase.  Keys are mode 600.
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: certs.sh DIR" >&2
	exit 2
fi
dir=$1
if [ -e "$dir/ca.pem" ]; then
	exit 0
fi
mkdir -p "$dir"

# Build in a scratch directory and move into place last, so an interrupted
# run never leaves a ca.pem that would make the next run skip the rest.
tmp=$(mktemp -d "$dir/.certs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
umask 077

days=3650

newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$tmp/$1.key" 2>/dev/null
}

# cert NAME CN EXTENSIONS [CA]: a certificate with its own new key, signed by
# CA, or self-signed when no CA is given.
cert() {
	local name=$1 cn=$2 ext=$3 ca=${4:-}

	newkey "$name"
	printf '%s\n' "$ext" >"$tmp/$name.ext"
	openssl req -new -key "$tmp/$name.key" -subj "/CN=$cn" \
	    -out "$tmp/$name.csr" 2>/dev/null
	if [ -n "$ca" ]; then
		openssl x509 -req -in "$tmp/$name.csr" -CA "$tmp/$ca.pem" \
		    -CAkey "$tmp/$ca.key" -CAcreateserial -days "$days" \
		    -sha256 -extfile "$tmp/$name.ext" -out "$tmp/$name.pem" \
		    2>/dev/null
	else
		openssl x509 -req -in "$tmp/$name.csr" -signkey "$tmp/$name.key" \
		    -days "$days" -sha256 -extfile "$tmp/$name.ext" \
		    -out "$tmp/$name.pem" 2>/dev/null
	fi
}

leaf_ext() {
	printf '%s\n' \
	    "basicConstraints = critical, CA:FALSE" \
	    "keyUsage = critical, digitalSignature, keyEncipherment" \
	    "extendedKeyUsage = serverAuth" \
	    "subjectKeyIdentifier = hash" \
	    "subjectAltName = $1"
}

cert ca "mailtrace test CA" "$(printf '%s\n' \
    "basicConstraints = critical, CA:TRUE" \
    "keyUsage = critical, keyCertSign, cRLSign" \
    "subjectKeyIdentifier = hash")"
cert server localhost "$(leaf_ext "DNS:localhost, IP:127.0.0.1, IP:::1")" ca
cert wrong wrong.example "$(leaf_ext "DNS:wrong.example")" ca
cert untrusted localhost "$(leaf_ext "DNS:localhost, IP:127.0.0.1, IP:::1")"

chmod 600 "$tmp"/*.key
chmod 644 "$tmp"/*.pem
for f in server wrong untrusted; do
	mv -f "$tmp/$f.key" "$tmp/$f.pem" "$dir/"
done
mv -f "$tmp/ca.key" "$dir/"
mv -f "$tmp/ca.pem" "$dir/"		# last: its presence means "done"
