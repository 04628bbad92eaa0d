# POP3 STLS (TLS 1.3) with its key log: after the handshake the model goes
# on with CAPA again, AUTH PLAIN (its payload masked), STAT, QUIT.
# keylog: yes
# absent: AGJvYgBodW50ZXIy
# absent: hunter2
flow 4 192.0.2.10 41001 192.0.2.110 110
syn
synack
ack
s2c "+OK POP3 ready\r\n"
c2s "CAPA\r\n"
s2c "+OK\r\nSTLS\r\nUSER\r\n.\r\n"
c2s "STLS\r\n"
s2c "+OK Begin TLS negotiation now.\r\n"
tls 1.3 TLS_CHACHA20_POLY1305_SHA256
c2s "CAPA\r\n"
s2c "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n"
c2s "AUTH PLAIN\r\n"
s2c "+ \r\n"
c2s "AGJvYgBodW50ZXIy\r\n"
s2c "+OK Logged in.\r\n"
c2s "STAT\r\n"
s2c "+OK 0 0\r\n"
c2s "QUIT\r\n"
s2c "+OK Logging out.\r\n"
fin-c2s
fin-s2c
