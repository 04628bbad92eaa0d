# Monitoring's core (src/mon): threshold ranges, step labels, the summary,
# the Prometheus text and the plugin's first line (tests/unit/test_mon.c).
add_executable(test_mon ${CMAKE_SOURCE_DIR}/tests/unit/test_mon.c)
target_include_directories(test_mon PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_mon PRIVATE mt_mon)
add_test(NAME unit.mon COMMAND test_mon)
set_tests_properties(unit.mon PROPERTIES TIMEOUT 60 LABELS unit)

# The probe commands as a Nagios/Icinga plugin and their Prometheus
# textfile, against the real Dovecot and Postfix (tests/mon/nagios.sh):
# it delivers to rcpt and reads its mailbox, so it holds their locks.
add_test(NAME mon.nagios
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/mon/nagios.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix
          ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(mon.nagios PROPERTIES
  FIXTURES_REQUIRED "postfix;dovecot;certs"
  RESOURCE_LOCK "dovecot-dele;mailbox-rcpt;postfix-rcpt" TIMEOUT 180)
