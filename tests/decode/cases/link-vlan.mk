# link-vlan: a POP3 session (CAPA, USER/PASS, STAT, LIST, RETR with a stuffed dot, QUIT)
# over link type en10mb; the snapped run cuts payloads: gaps.
# snap: 64 gaps
# absent: pop3-secret-pw
linktype en10mb
vlan 100
flow 4 192.0.2.10 40001 192.0.2.20 110
syn
synack
ack
s2c "+OK POP3 ready\r\n"
c2s "CAPA\r\n"
s2c "+OK\r\nTOP\r\nUIDL\r\nUSER\r\n.\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "PASS pop3-secret-pw\r\n"
s2c "+OK Logged in.\r\n"
c2s "STAT\r\n"
s2c "+OK 2 40\r\n"
c2s "LIST\r\n"
s2c "+OK 2 messages\r\n1 20\r\n2 20\r\n.\r\n"
c2s "RETR 1\r\n"
s2c "+OK 20 octets\r\nSubject: x\r\n\r\n..dot\r\n.\r\n"
c2s "QUIT\r\n"
s2c "+OK Logging out.\r\n"
fin-s2c
ack
fin-c2s
ack
