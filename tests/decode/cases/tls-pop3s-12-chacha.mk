# POP3S (TLS 1.2, ChaCha20-Poly1305) with its key log: the session decodes as in
# clear text; the password is in no output.
# keylog: yes
# absent: hunter2
flow 4 192.0.2.10 41000 192.0.2.110 995
syn
synack
ack
tls 1.2 ECDHE-ECDSA-CHACHA20-POLY1305
s2c "+OK POP3 ready\r\n"
c2s "CAPA\r\n"
s2c "+OK\r\nUSER\r\nUIDL\r\n.\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "PASS hunter2\r\n"
s2c "+OK logged in\r\n"
c2s "STAT\r\n"
s2c "+OK 1 12\r\n"
c2s "RETR 1\r\n"
s2c "+OK 12 octets\r\nSubject: x\r\n\r\n.\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
