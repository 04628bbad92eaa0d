# POP3S (TLS 1.3): a server record's tag corrupted (the reply to STAT):
# tls_auth_failed, and the session stays encrypted from there, never garbage.
# keylog: yes
flow 4 192.0.2.10 41003 192.0.2.110 995
syn
synack
ack
tls 1.3 TLS_AES_128_GCM_SHA256
s2c "+OK POP3 ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "PASS hunter2\r\n"
s2c "+OK logged in\r\n"
c2s "STAT\r\n"
tls-corrupt
s2c "+OK 0 0\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
