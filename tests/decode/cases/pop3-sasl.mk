# pop3-sasl: AUTH PLAIN (RFC 5034) with the response after a "+ "
# continuation, then AUTH LOGIN: AUTH PLAIN / AUTH DATA, never a payload.
# absent: AGJvYgBwb3AzLXNhc2wtcHc=
# absent: Ym9i
# absent: cG9wMy1zYXNsLXB3
# snap: 1514
# absent: pop3-sasl-pw
flow 4 192.0.2.10 40109 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "AUTH PLAIN\r\n"
s2c "+ \r\n"
c2s "AGJvYgBwb3AzLXNhc2wtcHc=\r\n"
s2c "-ERR [AUTH] Authentication failed.\r\n"
c2s "AUTH LOGIN\r\n"
s2c "+ VXNlcm5hbWU6\r\n"
c2s "Ym9i\r\n"
s2c "+ UGFzc3dvcmQ6\r\n"
c2s "cG9wMy1zYXNsLXB3\r\n"
s2c "+OK Logged in.\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
