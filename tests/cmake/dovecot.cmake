# Real Dovecot POP3 server harness (tests/dovecot/, docs/testing.md).
# dovecot.start starts a private instance in ${CMAKE_BINARY_DIR}/dovecot and
# writes ${CMAKE_BINARY_DIR}/dovecot/env; tests that need it declare
# FIXTURES_REQUIRED dovecot (and certs for TLS verification).
add_test(NAME dovecot.start
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/dovecot/start.sh
                 ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/certs)
set_tests_properties(dovecot.start PROPERTIES
                     FIXTURES_SETUP dovecot
                     FIXTURES_REQUIRED certs
                     TIMEOUT 60)

add_test(NAME dovecot.stop
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/dovecot/stop.sh
                 ${CMAKE_BINARY_DIR}/dovecot)
set_tests_properties(dovecot.stop PROPERTIES
                     FIXTURES_CLEANUP dovecot
                     TIMEOUT 60)

add_test(NAME dovecot.smoke
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/dovecot/smoke.sh
                 ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/certs)
set_tests_properties(dovecot.smoke PROPERTIES
                     FIXTURES_REQUIRED "dovecot;certs"
                     TIMEOUT 120)

# The POP3 probe against the real Dovecot.
foreach(group basic tls tlsfacts auth fetch formats secrets explain)
  add_test(NAME dovecot.probe.${group}
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/dovecot/probe.sh $<TARGET_FILE:mailtrace>
            ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/certs
            ${CMAKE_BINARY_DIR}/test-out/dovecot ${group})
  set_tests_properties(dovecot.probe.${group} PROPERTIES
    FIXTURES_REQUIRED "dovecot;certs" RESOURCE_LOCK dovecot-dele TIMEOUT 120)
endforeach()
