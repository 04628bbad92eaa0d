# pop3-rst: the server resets the connection in the middle of a RETR body.
flow 4 192.0.2.10 40106 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "PASS pw\r\n"
s2c "+OK in\r\n"
c2s "RETR 1\r\n"
s2c "+OK\r\nSubject: cut\r\n"
rst-s2c
