# KNOWN BUG (not registered; found by fuzz_pkt_libfuzzer, also
# tests/fuzz/corpus_pkt/crash-leak-data-before-handshake): client data
# captured between the SYN and the SYN-ACK (a reordered capture, or TCP Fast
# Open) on a known port opens the session in df_data(); the handshake's last
# ACK then calls df_start() a second time: a second session is forked, the
# first conv is leaked (LeakSanitizer: conv_new via df_start, decode.c) and
# session 1 is never closed (no teardown, USER never answered).  Actual:
#   S1#1 0xAD80, S1#2 0xAD82, S1#3 0xAD92, S1#4 0xAD8E USER bob   (then nothing)
#   S2#1 0xAD80, S2#2 0xAD82, S2#3 0xAD83, S2#4 0xAD92, S2#5 0xAD93 +OK,
#   S2#6 anomaly reply_without_command +OK, S2#7/8 QUIT +OK,
#   S2#9 0xAD88, S2#10 0xAD89, S2#11 0xAD81
# and the ASan build exits non-zero (leak).  Expected: one session: 0xAD80,
# 0xAD82, (0xAD83 at the ACK, or none), the greeting +OK, USER bob +OK, QUIT
# +OK, teardown, 0xAD81; df_start() must run once per flow.
flow 4 192.0.2.10 40130 192.0.2.20 110
syn
c2s "USER bob\r\n"
synack
ack
s2c "+OK ready\r\n"
s2c "+OK\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
