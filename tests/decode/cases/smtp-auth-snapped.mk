# Regression (fixed): secrets in the output after gaps.
# cases/smtp-auth.mk with every segment cut to 18 payload bytes
# (snaplen 72): after the lost EHLO-reply tail, the 334 to AUTH LOGIN is
# paired with EHLO and the client's SASL response "cmNwdA==" (base64 of
# the user name) is taken for a command: it is printed as the
# unknown_command anomaly's detail ("cmNwdA==") and, upper-cased, as int
# ("CMNWDA==").  Expected: no client line of a SASL exchange in any output
# (docs/records.md: "Anomaly details never contain client lines";
# AUTH DATA / SEND USER for SASL lines).
snaplen 72
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
