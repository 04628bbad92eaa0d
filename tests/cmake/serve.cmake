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
