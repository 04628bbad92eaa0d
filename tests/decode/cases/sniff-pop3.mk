# sniff-pop3: POP3 on port 8110, which no option names: recognised by the
# greeting.
flow 4 192.0.2.10 40110 192.0.2.20 8110
syn
synack
ack
s2c "+OK hello\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
