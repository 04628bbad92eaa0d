# port-option: --port smtp=2600 makes port 2600 SMTP from the handshake on;
# the greeting is a bare "220" (RFC 5321 4.2: the text is optional), which
# the content sniffer does not take for SMTP (sniff-smtp-bare-220.mk covers the sniffer's side).
# args: --port smtp=2600
flow 4 192.0.2.10 41008 192.0.2.25 2600
syn
synack
ack
s2c "220\r\n"
c2s "NOOP\r\n"
s2c "250 Ok\r\n"
c2s "QUIT\r\n"
s2c "221 Bye\r\n"
fin-c2s
fin-s2c
