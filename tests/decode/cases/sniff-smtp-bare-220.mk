# Regression (fixed): an SMTP server on a port no option names whose
# greeting is a bare "220" (RFC 5321 4.2: Reply-code [ SP textstring ] CRLF,
# the text is optional) is not recognised: df_sniff() requires a space or a
# hyphen after the code, so the flow is ignored and nothing is recorded.
# Expected: the session's records (the client's HELO is the evidence of
# SMTP, sniff.h).  Actual: no records at all.
flow 4 192.0.2.10 41008 192.0.2.25 2601
syn
synack
ack
s2c "220\r\n"
c2s "HELO c\r\n"
s2c "250 Ok\r\n"
c2s "QUIT\r\n"
s2c "221 Bye\r\n"
fin-c2s
fin-s2c
