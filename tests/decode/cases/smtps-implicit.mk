# smtps-implicit: port 465 is implicit TLS: connection-level records and
# the encrypted anomaly only; this one ends with a reset.
flow 6 2001:db8::10 41004 2001:db8::25 465
syn
synack
ack
c2s "\x16\x03\x01\x00\x05hello"
s2c "\x16\x03\x03\x00\x05world"
rst-c2s
