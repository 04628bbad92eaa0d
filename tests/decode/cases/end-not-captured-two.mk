# Two sessions still open when the capture ends: the first one's last
# records are made after the second one's, at the end of the input.  show
# gives the run back in the order its records were made (the store keeps
# that order), so its output is the decoder's, line for line.
# exit: 1
# stderr: ^mailtrace: .*: 2 mail sessions were still open at the end of the capture \(no FIN or RST\): their end is not recorded$
flow 4 192.0.2.10 40115 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "PASS secret\r\n"
s2c "+OK logged in\r\n"
c2s "STAT\r\n"
s2c "+OK 1 300\r\n"
c2s "RETR 1\r\n"
s2c "+OK 300 octets\r\nSubject: x\r\n\r\nfirst lines of the body\r\n"
flow 4 192.0.2.10 41014 192.0.2.25 25
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250 mx\r\n"
c2s "MAIL FROM:<a@example.test>\r\n"
