# sniff-smtp: SMTP on port 10025, which no option names, recognised by the
# client's EHLO: an early-talking client sends EHLO before the greeting;
# the greeting and the EHLO reply still pair with what they answer.
flow 4 192.0.2.10 41007 192.0.2.25 10025
syn
synack
ack
c2s "EHLO c\r\n"
s2c "220 mx ESMTP\r\n"
s2c "250 mx\r\n"
c2s "QUIT\r\n"
s2c "221 Bye\r\n"
fin-c2s
fin-s2c
