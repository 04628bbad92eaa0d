# Regression (issue 9 item 18): a flow that is not mail left no trace, and
# TLS on a port the decoder was not told about was silently skipped.  The
# decode ends with one line on stderr of what was not decoded, with the
# --port hint for the TLS port (not for HTTPS's 443, which is never mail).
# stderr: ^mailtrace: not decoded: 2 TLS flows on unlisted ports \(server ports 443, 8995\): if port 8995 is POP3S or SMTPS, say so with --port pop3s=8995 or --port smtps=8995$
flow 4 192.0.2.10 40130 192.0.2.20 443
syn
synack
ack
c2s "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x03"
s2c "\x16\x03\x03\x00\x02\x02\x00"
fin-c2s
fin-s2c
flow 4 192.0.2.10 40131 192.0.2.20 8995
syn
synack
ack
c2s "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x03"
s2c "\x16\x03\x03\x00\x02\x02\x00"
fin-c2s
fin-s2c
