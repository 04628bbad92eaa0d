# The pictures (src/report, issue 14): the escaping and the time axis's
# maths (unit.report); the waterfall rendered by a real headless Chromium
# from real-server runs and a fake server's hostile greeting
# (tests/report/report.sh).  report.waterfall sends to rcpt and reads bob's
# mailbox, so it holds the locks of the tests that change them.
add_executable(test_report ${CMAKE_SOURCE_DIR}/tests/unit/test_report.c)
target_include_directories(test_report PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_report PRIVATE mt_report)
add_test(NAME unit.report COMMAND test_report)
set_tests_properties(unit.report PROPERTIES TIMEOUT 60 LABELS unit)

add_test(NAME report.waterfall
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/report/report.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix
          ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(report.waterfall PROPERTIES
  FIXTURES_REQUIRED "postfix;dovecot;certs"
  RESOURCE_LOCK "dovecot-dele;mailbox-rcpt;postfix-rcpt" TIMEOUT 240)

# Latency over time (report --server): probes of Dovecot and a 10,000-run
# store built as tools/bench/manyruns.py builds one (tests/report/trend.sh).
add_test(NAME report.trend
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/report/trend.sh $<TARGET_FILE:mailtrace>
          ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(report.trend PROPERTIES
  FIXTURES_REQUIRED "dovecot;certs" TIMEOUT 240)
