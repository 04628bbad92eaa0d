# smtp-auth: AUTH PLAIN with an initial response, refused, then AUTH LOGIN
# with both prompts: the mechanism and SEND USER / SEND PASS are recorded,
# never the base64 payloads.
# absent: AHJjcHQAc210cC1zZWNyZXQtcHc=
# absent: cmNwdA==
# absent: c210cC1zZWNyZXQtcHc=
# snap: 1514
# absent: smtp-secret-pw
flow 4 192.0.2.10 41006 192.0.2.25 587
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250-mx\r\n250 AUTH PLAIN LOGIN\r\n"
c2s "AUTH PLAIN AHJjcHQAc210cC1zZWNyZXQtcHc=\r\n"
s2c "535 5.7.8 Error: authentication failed\r\n"
c2s "AUTH LOGIN\r\n"
s2c "334 VXNlcm5hbWU6\r\n"
c2s "cmNwdA==\r\n"
s2c "334 UGFzc3dvcmQ6\r\n"
c2s "c210cC1zZWNyZXQtcHc=\r\n"
s2c "235 2.7.0 Authentication successful\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
