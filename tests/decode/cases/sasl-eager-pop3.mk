# Regression (fixed): a POP3 SASL response sent in the same segment
# as "AUTH PLAIN" (before the "+ " continuation) is recorded as a command,
# and QUIT then as AUTH DATA:
#   S1#6   0xAD8E  A  rc=0  AUTH PLAIN
#   S1#7   anomaly  unknown_command  AGJvYgBwb3AzLXNh
#   S1#8   0xAD8E  A  rc=0  AGJVYGBWB3AZLXNHC2WTCHC=
#   S1#9   0xAD8F  A  rc=0  AUTH PLAIN  opr=+
#   S1#10  0xAD8F  A  rc=0  AGJVYGBWB3AZLXNHC2WTCHC=  opr=+OK
#   S1#11  0xAD90  B  rc=0  AUTH DATA      (this is the QUIT line)
#   S1#12  0xAD91  B  rc=0  AUTH DATA  opr=+OK
# The first 16 characters of the PLAIN response (user and half the
# password, base64) are in the anomaly detail, all of it upper-cased in
# int.  Expected: AUTH PLAIN (+), AUTH DATA (+OK), 0xAD81, QUIT (+OK); no
# payload in any output.
flow 4 192.0.2.10 40120 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "AUTH PLAIN\r\nAGJvYgBwb3AzLXNhc2wtcHc=\r\n"
s2c "+ \r\n"
s2c "+OK Logged in.\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
