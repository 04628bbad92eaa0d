#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# certs.sh DIR - test certificates for fakesrv and the Dovecot tests.
#
# Creates in DIR, once (nothing is done when DIR/ca.pem and expired.pem exist):
#   ca.pem ca.key               a test CA
#   server.pem server.key       localhost, 127.0.0.1, ::1; signed by the CA
#   wrong.pem wrong.key         only DNS:wrong.example; signed by the CA
#   untrusted.pem untrusted.key localhost, self-signed (not from the CA)
#   expired.pem expired.key     localhost; signed by the CA; valid in 2020 only
# EC P-256 keys, 3650 days (expired: 2020), no passphrase.  Keys are mode 600.
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: certs.sh DIR" >&2
	exit 2
fi
dir=$1
# Done when the last file made is there (ca.pem); one made before
# expired.pem existed is made again.
if [ -e "$dir/ca.pem" ] && [ -e "$dir/expired.pem" ]; then
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

# expired: signed by the CA, the same names as server.pem, valid only in
# 2020 (openssl x509 cannot date a certificate in the past; openssl ca can).
newkey expired
openssl req -new -key "$tmp/expired.key" -subj "/CN=localhost" \
    -out "$tmp/expired.csr" 2>/dev/null
mkdir "$tmp/ca.db"
: >"$tmp/ca.db/index"
echo 01 >"$tmp/ca.db/serial"
printf '%s\n' "[ca]" "default_ca = c" "[c]" "database = $tmp/ca.db/index" \
    "serial = $tmp/ca.db/serial" "new_certs_dir = $tmp/ca.db" \
    "default_md = sha256" "policy = p" "unique_subject = no" \
    "[p]" "commonName = supplied" "[ext]" \
    "$(leaf_ext "DNS:localhost, IP:127.0.0.1, IP:::1")" >"$tmp/ca.cnf"
openssl ca -batch -config "$tmp/ca.cnf" -cert "$tmp/ca.pem" \
    -keyfile "$tmp/ca.key" -in "$tmp/expired.csr" -extensions ext \
    -startdate 20200101000000Z -enddate 20210101000000Z \
    -out "$tmp/expired.pem" 2>/dev/null

chmod 600 "$tmp"/*.key
chmod 644 "$tmp"/*.pem
for f in server wrong untrusted expired; do
	mv -f "$tmp/$f.key" "$tmp/$f.pem" "$dir/"
done
mv -f "$tmp/ca.key" "$dir/"
mv -f "$tmp/ca.pem" "$dir/"		# last: its presence means "done"
