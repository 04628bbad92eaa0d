# Regression (issue 9 item 19): a POP3 greeting "+OK\n" (bare LF) decoded on
# port 110 but gave nothing on another port: the sniffer had first-line
# rules of its own.  It now frames and parses with the models' own code, so
# the session decodes, with the bare LF reported as the model reports it.
flow 4 192.0.2.10 40113 192.0.2.20 8110
syn
synack
ack
s2c "+OK\n"
c2s "CAPA\r\n"
s2c "+OK\r\nUSER\r\n.\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
