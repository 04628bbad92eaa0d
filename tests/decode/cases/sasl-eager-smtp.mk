# Regression (fixed): an SMTP SASL response sent in the same
# segment as "AUTH LOGIN" (before the 334 arrived) is recorded as a command:
#   S1#8   0xAD10  A  rc=0  AUTH LOGIN
#   S1#9   anomaly  unknown_command  cmNwdA==
#   S1#10  0xAD10  A  rc=0  CMNWDA==
#   S1#11  0xAD11  A  rc=0  AUTH LOGIN  opr=334
#   S1#12  0xAD11  A  rc=8  CMNWDA==  opr=334  opt=javax.mail.MessagingException
#   S1#13  0xAD12  B  rc=0  SEND USER        (this is the password line)
#   S1#14  0xAD13  B  rc=0  SEND USER  opr=235
# The user name's base64 is in the anomaly detail and (upper-cased) in int.
# Expected: a client line that follows an AUTH command whose reply is
# still pending is a SASL response (RFC 4954 4: AUTH is the last command
# of a pipelined group): 0xAD12/0xAD13 SEND USER (334), SEND PASS (235),
# no unknown_command, no payload in any output.
flow 4 192.0.2.10 41006 192.0.2.25 587
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250-mx\r\n250 AUTH PLAIN LOGIN\r\n"
c2s "AUTH LOGIN\r\ncmNwdA==\r\n"
s2c "334 VXNlcm5hbWU6\r\n"
s2c "334 UGFzc3dvcmQ6\r\n"
c2s "c210cC1zZWNyZXQtcHc=\r\n"
s2c "235 2.7.0 Authentication successful\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
