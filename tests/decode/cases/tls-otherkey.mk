# POP3S (TLS 1.3) with a key log for another session only: tls_no_key, the
# session stays encrypted.
# keylog: yes
flow 4 192.0.2.10 41007 192.0.2.110 995
tls 1.3 TLS_AES_128_GCM_SHA256 ghost
syn
synack
ack
tls 1.3 TLS_AES_128_GCM_SHA256 nokeys
s2c "+OK POP3 ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
