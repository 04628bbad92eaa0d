# tcp-retransmit-differs: exact retransmissions (same sequence number, same
# length) of segments delivered already, carrying other bytes: the client's
# USER and the server's reply to it.  Each raises overlap_differs (the
# direction); the first copies stay (USER bob, +OK).
flow 4 192.0.2.10 40103 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "USER bob\r\n"
c2s-at 0 "USER eve\r\n"
s2c "+OK\r\n"
s2c-at 11 "-ER\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
