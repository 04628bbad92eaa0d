# POP3S (TLS 1.2, AES-128-GCM: an explicit nonce before each record's
# ciphertext) in 3-byte segments with its key log: the records are
# decrypted as their bytes come, the nonce, the ciphertext and the tag
# each over several segments; the session decodes as in clear text.
# keylog: yes
# absent: hunter2
flow 4 192.0.2.10 41000 192.0.2.110 995
syn
synack
ack
tls-seg 3
tls 1.2 ECDHE-ECDSA-AES128-GCM-SHA256
s2c "+OK POP3 ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "PASS hunter2\r\n"
s2c "+OK logged in\r\n"
c2s "STAT\r\n"
s2c "+OK 1 12\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
