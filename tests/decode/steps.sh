# tests/decode/steps.sh - what real clients' sessions look like in the
# decoder's text output, for the tests that decode them (sourced by
# tests/decode/clients.sh and tests/tls/clients.sh).
# SPDX-License-Identifier: BSD-2-Clause

# "event int opr" of common steps, joined with "|".
G3="0xAD92 connect-mail-server|0xAD93 connect-mail-server +OK"
G5="0xAD14 connect-mail-server|0xAD15 connect-mail-server 220"
CAPA="0xAD8E CAPA|0xAD8F CAPA +OK"
CRAM3="0xAD8E AUTH CRAM-MD5|0xAD8F AUTH CRAM-MD5 +|0xAD90 AUTH DATA|0xAD91 AUTH DATA +OK"
Q3="0xAD90 QUIT|0xAD91 QUIT +OK"
Q5="0xAD12 QUIT|0xAD13 QUIT 221"

# pairs FILE N: the command/response records of session N of the decoder's
# text output FILE, one "event int opr" a line.
pairs() {
	awk -F '  ' -v s="S$2#" '
	index($2, s) == 1 && $3 ~ /^0xAD(8E|8F|9[0-3]|1[0-5])$/ {
		out = $3 " " $6
		if ($7 ~ /^opr=/) out = out " " substr($7, 5)
		print out
	}' "$1"
}
