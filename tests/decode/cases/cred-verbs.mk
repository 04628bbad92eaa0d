# Regression (issue 9 item 21): whatever a flow is taken to be, a line whose
# verb carries credentials in a common protocol (cred_verbs.def) shows no
# secret, and a verb the protocol does not know raises unknown_command.
# SMTP on 25: FTP's PASS, IMAP's LOGIN, NNTP's AUTHINFO; an AUTH whose
# argument is no mechanism.  POP3 on 110: AUTH with no mechanism, AUTH
# with a mechanism only the server's CAPA names (shown), AUTH PLAIN.
# absent: secret-smtp
# absent: hunter2
# absent: swordfish
# absent: opensesame
# absent: tiger
flow 4 192.0.2.10 41020 192.0.2.25 25
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250 mx\r\n"
c2s "PASS secret-smtp\r\n"
s2c "502 5.5.2 Error: command not recognized\r\n"
c2s "LOGIN bob hunter2\r\n"
s2c "502 5.5.2 Error: command not recognized\r\n"
c2s "AUTHINFO PASS swordfish\r\n"
s2c "502 5.5.2 Error: command not recognized\r\n"
c2s "AUTH opensesame\r\n"
s2c "504 5.5.4 Unrecognized authentication type\r\n"
c2s "XCLIENT NAME=spike\r\n"
s2c "550 5.7.0 Error: insufficient authorization\r\n"
c2s "QUIT\r\n"
s2c "221 Bye\r\n"
fin-c2s
fin-s2c
flow 4 192.0.2.10 40124 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "CAPA\r\n"
s2c "+OK\r\nSASL PLAIN X-CORP-SSO\r\n.\r\n"
c2s "AUTH tiger\r\n"
s2c "-ERR unknown mechanism\r\n"
c2s "AUTH X-CORP-SSO\r\n"
s2c "-ERR not today\r\n"
c2s "XTND XMIT\r\n"
s2c "-ERR unknown command\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
