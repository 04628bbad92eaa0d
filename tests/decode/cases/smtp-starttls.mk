# smtp-starttls: STARTTLS answered 220: records up to the switch, then
# encrypted; nothing after it is decoded.
flow 4 192.0.2.10 41003 192.0.2.25 587
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250-mx\r\n250 STARTTLS\r\n"
c2s "STARTTLS\r\n"
s2c "220 2.0.0 Ready to start TLS\r\n"
c2s "\x16\x03\x01\x00\x05hello"
s2c "\x16\x03\x03\x00\x05world"
c2s "MAIL FROM:<a@example.test>\r\n"
s2c "250 Ok\r\n"
fin-c2s
fin-s2c
