# port-override: --port smtp=110 takes port 110 from POP3's defaults (a port
# is one protocol; it used to stay POP3, the first list that had it, and
# the SMTP session was read as POP3).
# args: --port smtp=110
flow 4 192.0.2.10 41010 192.0.2.25 110
syn
synack
ack
s2c "220 mx.example ESMTP\r\n"
c2s "EHLO client.example\r\n"
s2c "250-mx.example\r\n250 8BITMIME\r\n"
c2s "QUIT\r\n"
s2c "221 Bye\r\n"
fin-c2s
fin-s2c
