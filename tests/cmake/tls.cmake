# The probe's key log (--keylog, SSLKEYLOGFILE; tests/tls/keylog.sh): the
# file, its mode, whole lines from four probes at once, and tshark reading
# a captured POP3S session with it.  It captures loopback (its own ports
# only), so it runs on its own like the other capture tests.
add_test(NAME tls.keylog
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/tls/keylog.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> $<TARGET_FILE:lcap> ${CMAKE_BINARY_DIR}/certs
          ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(tls.keylog PROPERTIES FIXTURES_REQUIRED certs TIMEOUT 120)
