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

# The same through TLS, decrypted with the probe's key log (issue 12).
add_test(NAME decode.same-tls
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/decode/same_tls.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:lcap> ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix
          ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(decode.same-tls PROPERTIES
  FIXTURES_REQUIRED "postfix;dovecot;certs"
  RESOURCE_LOCK "mailbox-rcpt;postfix-rcpt;dovecot-dele" RUN_SERIAL TRUE
  TIMEOUT 180)

# The same for sessions that end unusually: every probe fault case marked
# "#! same" (tests/fake/cases) run against fakesrv under a capture of its
# port only, and decoded (tests/decode/same_fake.sh).
file(GLOB MT_SAME_FAKE_ALL ${CMAKE_SOURCE_DIR}/tests/fake/cases/*.case)
set(MT_SAME_FAKE)
foreach(case ${MT_SAME_FAKE_ALL})
  file(STRINGS ${case} same REGEX "^#! same$")
  if(same)
    list(APPEND MT_SAME_FAKE ${case})
  endif()
endforeach()
add_test(NAME decode.same-fake
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/decode/same_fake.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:lcap> $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/certs
          ${CMAKE_BINARY_DIR}/test-out ${MT_SAME_FAKE})
set_tests_properties(decode.same-fake PROPERTIES FIXTURES_REQUIRED certs
  TIMEOUT 240)

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

# --threads N: the records, the store and their order are one thread's
# (tests/decode/threads.sh: gencap's normal and lossy captures, the crafted
# cases, the corpus; 1, 2 and 3 threads).
add_test(NAME decode.threads
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/decode/threads.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:mkpcap> $<TARGET_FILE:gencap> ${CMAKE_SOURCE_DIR}/tests/decode/cases
          ${CMAKE_SOURCE_DIR}/../shared/corpus ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(decode.threads PROPERTIES TIMEOUT 300)
