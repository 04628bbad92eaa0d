# POP3S (TLS 1.3): a KeyUpdate from each side mid-session; every step
# still decodes.
# keylog: yes
flow 4 192.0.2.10 41008 192.0.2.110 995
syn
synack
ack
tls 1.3 TLS_AES_256_GCM_SHA384
s2c "+OK POP3 ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
tls-keyupdate c2s
c2s "PASS hunter2\r\n"
s2c "+OK logged in\r\n"
tls-keyupdate s2c
c2s "STAT\r\n"
s2c "+OK 0 0\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
