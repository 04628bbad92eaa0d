# The probe's key log (--keylog, SSLKEYLOGFILE; tests/tls/keylog.sh): the
# file, its mode, whole lines from four probes at once, and tshark reading
# a captured POP3S session with it.  It captures loopback (its own ports
# only), so it runs on its own like the other capture tests.
add_test(NAME tls.keylog
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/tls/keylog.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> $<TARGET_FILE:lcap> ${CMAKE_BINARY_DIR}/certs
          ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(tls.keylog PROPERTIES FIXTURES_REQUIRED certs TIMEOUT 120)

# tls (decoder side): key logs, records, decryption against real OpenSSL
# transcripts made in the test (tests/unit/tlsgen.h): every suite, every
# segmentation, KeyUpdate, HelloRetryRequest, 0-RTT early data accepted and
# rejected, damage, gaps, cuts, missing keys, alerts, the memory bounds.
add_executable(test_tls ${PROJECT_SOURCE_DIR}/tests/unit/test_tls.c)
target_include_directories(test_tls PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
target_link_libraries(test_tls PRIVATE mt_tls)
add_test(NAME unit.tls COMMAND test_tls)
set_tests_properties(unit.tls PROPERTIES TIMEOUT 120 LABELS unit)

# The decoder's TLS layer through dec_packet() with real POP3S sessions
# (tests/unit/tlsgen.h) whose flights are reordered: the hold after a
# HelloRetryRequest, 0-RTT early data held behind its ClientHello, and many
# flows holding at once at the byte budget's limit.
add_executable(test_dec_tls ${PROJECT_SOURCE_DIR}/tests/unit/test_dec_tls.c)
target_include_directories(test_dec_tls PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
target_link_libraries(test_dec_tls PRIVATE mt_decode)
add_test(NAME unit.dec_tls COMMAND test_dec_tls)
set_tests_properties(unit.dec_tls PROPERTIES TIMEOUT 120 LABELS unit)

# Third-party clients' TLS sessions (python3 poplib/smtplib, curl) decrypted
# with their own SSLKEYLOGFILE key log (tests/tls/clients.sh).  It captures
# the servers' shared loopback ports: run alone, as decode.clients.
add_test(NAME tls.clients
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/tls/clients.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:lcap> ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix
          ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(tls.clients PROPERTIES
  FIXTURES_REQUIRED "postfix;dovecot;certs"
  RESOURCE_LOCK "mailbox-rcpt;postfix-rcpt" RUN_SERIAL TRUE TIMEOUT 120)
