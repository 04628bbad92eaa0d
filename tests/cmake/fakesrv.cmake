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

# Probe fault cases: one CTest test per tests/fake/cases/*.case.
file(GLOB MT_FAKE_CASES ${CMAKE_SOURCE_DIR}/tests/fake/cases/*.case)
foreach(case ${MT_FAKE_CASES})
  get_filename_component(name ${case} NAME_WE)
  add_test(NAME fake.${name}
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fake/run_case.sh $<TARGET_FILE:mailtrace>
            $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out/fake ${case})
  set_tests_properties(fake.${name} PROPERTIES FIXTURES_REQUIRED certs TIMEOUT 60)
endforeach()

# mailtrace roundtrip against fake SMTP and POP3 servers: --deadline cuts off
# a poll that a trickling server would keep going.
add_test(NAME fake.roundtrip-deadline
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fake/roundtrip.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/test-out/fake)
set_tests_properties(fake.roundtrip-deadline PROPERTIES TIMEOUT 60)

# Runs that do not end as runs do: killed or stopped by a signal while the
# probe waits, and a store that fills up (tests/fake/runs.sh).
add_test(NAME fake.runs
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fake/runs.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> $<TARGET_FILE:mkpcap> ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(fake.runs PROPERTIES TIMEOUT 120)

# `mailtrace serve SCRIPT` (the fake server as a command of mailtrace).
add_test(NAME fake.serve
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fake/serve.sh $<TARGET_FILE:mailtrace>
          ${CMAKE_BINARY_DIR}/test-out/serve)
set_tests_properties(fake.serve PROPERTIES TIMEOUT 60)
