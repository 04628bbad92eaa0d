# POP3S (TLS 1.3) without a key log: the session stays encrypted, as
# before, and the handshake's cleartext facts are recorded (SNI, versions,
# suite).
flow 4 192.0.2.10 41006 192.0.2.110 995
syn
synack
ack
tls 1.3 TLS_AES_128_GCM_SHA256
s2c "+OK POP3 ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
