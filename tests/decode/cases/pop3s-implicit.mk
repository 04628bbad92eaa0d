# pop3s-implicit: port 995 is implicit TLS: connection-level records and
# the encrypted anomaly only.
flow 4 192.0.2.10 40108 192.0.2.20 995
syn
synack
ack
c2s "\x16\x03\x01\x00\x05hello"
s2c "\x16\x03\x03\x00\x05world"
c2s "\x17\x03\x03\x00\x04USER"
fin-c2s
fin-s2c
