# Real Postfix SMTP server harness (tests/postfix/, docs/testing.md).
# postfix.start starts a private instance in ${CMAKE_BINARY_DIR}/postfix that
# authenticates through, and delivers (LMTP) into, the Dovecot of the
# dovecot fixture, and writes ${CMAKE_BINARY_DIR}/postfix/env; tests that need
# it declare FIXTURES_REQUIRED "postfix;dovecot;certs".
#
# Every postfix test, postfix.stop included, also requires the dovecot
# fixture: CTest runs a fixture's cleanup after all tests that require it, so
# dovecot.stop comes after postfix.stop (Postfix uses Dovecot's sockets).
add_test(NAME postfix.start
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/postfix/start.sh
                 ${CMAKE_BINARY_DIR}/postfix ${CMAKE_BINARY_DIR}/dovecot
                 ${CMAKE_BINARY_DIR}/certs)
set_tests_properties(postfix.start PROPERTIES
                     FIXTURES_SETUP postfix
                     FIXTURES_REQUIRED "dovecot;certs"
                     TIMEOUT 60)

add_test(NAME postfix.stop
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/postfix/stop.sh
                 ${CMAKE_BINARY_DIR}/postfix)
set_tests_properties(postfix.stop PROPERTIES
                     FIXTURES_CLEANUP postfix
                     FIXTURES_REQUIRED dovecot
                     TIMEOUT 60)

# Delivers one message to rcpt@example.test and deletes it again: tests that
# count rcpt's messages hold the postfix-rcpt lock.
add_test(NAME postfix.smoke
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/postfix/smoke.sh
                 ${CMAKE_BINARY_DIR}/postfix ${CMAKE_BINARY_DIR}/dovecot
                 ${CMAKE_BINARY_DIR}/certs)
set_tests_properties(postfix.smoke PROPERTIES
                     FIXTURES_REQUIRED "postfix;dovecot;certs"
                     RESOURCE_LOCK mailbox-rcpt
                     TIMEOUT 120)

# mailtrace roundtrip through Postfix and Dovecot.
add_test(NAME postfix.roundtrip
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/postfix/roundtrip.sh $<TARGET_FILE:mailtrace>
          ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix ${CMAKE_BINARY_DIR}/certs
          ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(postfix.roundtrip PROPERTIES
  FIXTURES_REQUIRED "postfix;dovecot;certs" RESOURCE_LOCK mailbox-rcpt TIMEOUT 120)

# The SMTP probe against the real Postfix (tests/postfix/probe.sh). Each group
# delivers into rcpt/rcpt2 and empties both mailboxes before and after itself,
# so it holds both locks that the other rcpt tests use (postfix.smoke:
# postfix-rcpt, postfix.roundtrip: mailbox-rcpt).
foreach(group basic tls tlsfacts auth formats secrets explain)
  add_test(NAME postfix.probe.${group}
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/postfix/probe.sh $<TARGET_FILE:mailtrace>
            ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix ${CMAKE_BINARY_DIR}/certs
            ${CMAKE_BINARY_DIR}/test-out/postfix ${group})
  set_tests_properties(postfix.probe.${group} PROPERTIES
    FIXTURES_REQUIRED "postfix;dovecot;certs"
    RESOURCE_LOCK "mailbox-rcpt;postfix-rcpt" TIMEOUT 120)
endforeach()
