# tcp-seq-wrap: both sequence spaces cross 2^32 during the session.
flow 4 192.0.2.10 40103 192.0.2.20 110
seq-c2s 4294967290
seq-s2c 4294967280
syn
synack
ack
s2c "+OK ready to wrap\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "PASS pw\r\n"
s2c "+OK in\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
