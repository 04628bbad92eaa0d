# Regression (fixed): no capture_started_mid_connection anomaly.
# The capture starts mid-connection (no SYN).  reasm reports
# AN_MIDSTREAM ("server port") right after flow_new(), but df_anomaly()
# drops anomalies while the session is not open yet (it opens at the first
# data), so the anomaly never reaches the output (docs/records.md and
# docs/capture.md promise it).  Actual:
#   S1#1 0xAD90 STAT, S1#2 0xAD91 STAT +OK, S1#3/4 RETR 1 (+OK bytes=20),
#   S1#5/6 QUIT +OK, S1#7 0xAD88, S1#8 0xAD89
# Expected: the same preceded by
#   S1#1  anomaly  capture_started_mid_connection  server port
# (and seq numbers shifted by one).  The same holds for every flow without
# a SYN, whatever its protocol.
flow 4 192.0.2.10 40104 192.0.2.20 110
seq-c2s 7000
seq-s2c 9000
c2s "STAT\r\n"
s2c "+OK 1 20\r\n"
c2s "RETR 1\r\n"
s2c "+OK\r\nSubject: m\r\n\r\nx\r\n.\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
