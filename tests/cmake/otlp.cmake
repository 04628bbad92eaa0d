# OTLP export (src/otlp, docs/otlp.md): tests/otlp/otlp.sh against a
# collector of its own and the fake server, every body checked with
# OpenTelemetry's own classes (python3-opentelemetry-proto).
add_test(NAME otlp.export
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/otlp/otlp.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(otlp.export PROPERTIES TIMEOUT 180)
