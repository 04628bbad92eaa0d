# The Prometheus exporter (src/serve, mailtrace exporter; docs/monitoring.md
# "Exporter"): against the suite's real Dovecot and Postfix and a stalling
# fake server, and scraped by a real Prometheus (Debian's package).
add_test(NAME serve.exporter
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/serve/exporter.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix
          ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out/serve)
set_tests_properties(serve.exporter PROPERTIES
  FIXTURES_REQUIRED "postfix;dovecot;certs"
  RESOURCE_LOCK "dovecot-dele;mailbox-rcpt;postfix-rcpt" TIMEOUT 120)

add_test(NAME serve.prometheus
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/serve/prometheus.sh $<TARGET_FILE:mailtrace>
          ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/certs
          ${CMAKE_BINARY_DIR}/test-out/serve ${CMAKE_SOURCE_DIR}/docs/monitoring.md)
set_tests_properties(serve.prometheus PROPERTIES
  FIXTURES_REQUIRED "dovecot;certs" RESOURCE_LOCK dovecot-dele TIMEOUT 120)

# The pure rules: the time limit from the scrape-timeout header, the
# target URL parser (tests/unit/test_serve.c).
add_executable(test_serve ${CMAKE_SOURCE_DIR}/tests/unit/test_serve.c)
target_include_directories(test_serve PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_serve PRIVATE mt_serve)
add_test(NAME unit.serve COMMAND test_serve)
set_tests_properties(unit.serve PROPERTIES TIMEOUT 60 LABELS unit)
