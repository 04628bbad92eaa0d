# tcp-out-of-order: server segments arrive out of order (the second half of
# the CAPA answer before the first, a reply before the one it follows);
# reassembly puts them back in order and the records are those of the
# in-order session.
flow 4 192.0.2.10 40100 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "CAPA\r\n"
# "+OK\r\nUSER\r\n" is 11 bytes at offset 11; ".\r\n" follows at 22
s2c-at 22 ".\r\n"
s2c-at 11 "+OK\r\nUSER\r\n"
skip-s2c 14
c2s "USER bob\r\n"
c2s "PASS pw\r\n"
# the PASS answer (offset 30) before the USER answer (offset 25)
s2c-at 30 "+OK in\r\n"
s2c-at 25 "+OK\r\n"
skip-s2c 13
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-s2c
fin-c2s
ack
