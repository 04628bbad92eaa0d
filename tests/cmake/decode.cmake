# The decoder: the probe's records rebuilt from a capture of its own runs.
add_test(NAME decode.same
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/decode/same.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:lcap> ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix
          ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out)
# Captures of the servers' shared loopback ports: run alone, so no other
# test's sessions land in them (same.sh also matches sessions by client
# port, live.sh by the probe's client).
set_tests_properties(decode.same PROPERTIES
  FIXTURES_REQUIRED "postfix;dovecot;certs"
  RESOURCE_LOCK "mailbox-rcpt;postfix-rcpt;dovecot-dele" RUN_SERIAL TRUE
  TIMEOUT 180)

# Third-party captures (../shared/corpus): no crash, a few known decodes.
add_test(NAME decode.corpus
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/decode/corpus.sh $<TARGET_FILE:mailtrace>
          ${CMAKE_SOURCE_DIR}/../shared/corpus ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(decode.corpus PROPERTIES TIMEOUT 300)

# A live capture of loopback (needs root or CAP_NET_RAW, as CI has).
add_test(NAME decode.live
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/decode/live.sh $<TARGET_FILE:mailtrace>
          ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(decode.live PROPERTIES FIXTURES_REQUIRED "dovecot;certs"
  RUN_SERIAL TRUE TIMEOUT 120)
