# Regression (issue 9 item 24): a capture without the greeting
# (other/suricata-verify/pop3-auth-01: the client's CAPA is the first data):
# CAPA's +OK was taken for the greeting and every later reply was paired
# one command off.  The server's first +OK is held until its next line
# says which it was: a content line (here "USER"), so it was CAPA's status
# and there was no greeting (greeting_missing, no 0xAD93).  The second
# session is an early-talking client whose CAPA does get a greeting first:
# the next line is a status, so the first was the greeting.
flow 4 192.0.2.10 40116 192.0.2.20 110
syn
synack
ack
c2s "CAPA\r\n"
s2c "+OK Capability list follows\r\nUSER\r\nUIDL\r\n.\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
flow 4 192.0.2.10 40117 192.0.2.20 110
syn
synack
ack
c2s "CAPA\r\n"
s2c "+OK ready\r\n"
s2c "+OK\r\nUSER\r\n.\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
