# mailtrace batch (issue 15): tests/batch/.  batch.sh against the fake
# server; same.sh holds a batch's records equal to the probes' own against
# the real Dovecot and Postfix.
if(MT_SANITIZE)
  set(MT_SANITIZED 1)
else()
  set(MT_SANITIZED 0)
endif()
add_test(NAME batch.fake
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/batch/batch.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/test-out ${MT_SANITIZED})
set_tests_properties(batch.fake PROPERTIES TIMEOUT 300)

add_test(NAME batch.same
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/batch/same.sh $<TARGET_FILE:mailtrace>
          ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix
          ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(batch.same PROPERTIES
  FIXTURES_REQUIRED "dovecot;postfix;certs"
  RESOURCE_LOCK "mailbox-rcpt;postfix-rcpt"
  TIMEOUT 300)
