# fakesrv: the scripted fake server (tools/fakesrv.c) and the test
# certificates (tools/certs.sh) every TLS test uses.
add_test(NAME certs.generate
  COMMAND bash ${CMAKE_SOURCE_DIR}/tools/certs.sh ${CMAKE_BINARY_DIR}/certs)
set_tests_properties(certs.generate PROPERTIES FIXTURES_SETUP certs)

add_test(NAME fake.selftest
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fake/selftest.sh
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/certs)
set_tests_properties(fake.selftest PROPERTIES
  FIXTURES_REQUIRED certs
  TIMEOUT 120)
