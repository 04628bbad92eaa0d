# pop3-stls: STLS answered +OK: records up to the switch, then encrypted;
# nothing after it is decoded (the bytes look like POP3 but are not read).
flow 4 192.0.2.10 40107 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "CAPA\r\n"
s2c "+OK\r\nSTLS\r\n.\r\n"
c2s "STLS\r\n"
s2c "+OK Begin TLS negotiation now.\r\n"
c2s "\x16\x03\x01\x00\x05hello"
s2c "\x16\x03\x03\x00\x05world"
c2s "USER bob\r\n"
s2c "+OK\r\n"
fin-c2s
fin-s2c
