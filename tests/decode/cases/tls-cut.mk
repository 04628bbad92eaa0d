# POP3S (TLS 1.3): the capture cut inside the reply to STAT:
# tls_truncated at the end, the steps before it decoded.
# keylog: yes
# exit: 1
# stderr: 1 mail session was still open at the end of the capture
flow 4 192.0.2.10 41005 192.0.2.110 995
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
tls-cut 10
s2c "+OK 0 0\r\n"
