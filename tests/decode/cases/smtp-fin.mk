# smtp-fin: the server closes (FIN) right after answering MAIL with 421; the
# client closes too, without QUIT.
flow 4 192.0.2.10 41002 192.0.2.25 25
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "HELO c\r\n"
s2c "250 mx\r\n"
c2s "MAIL FROM:<a@example.test>\r\n"
s2c "421 4.3.2 Shutting down\r\n"
fin-s2c
fin-c2s
ack
