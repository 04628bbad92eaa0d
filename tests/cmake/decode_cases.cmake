# The decoder on crafted captures: one CTest test per
# tests/decode/cases/*.mk (a tools/mkpcap script) with its expected records
# in the .rec file next to it (tests/decode/run_case.sh; regenerate with
# tests/decode/regen.sh).  tests/decode/known-bugs/ (cases of open bugs) is not registered.
file(GLOB MT_DECODE_CASES ${CMAKE_SOURCE_DIR}/tests/decode/cases/*.mk)
foreach(case ${MT_DECODE_CASES})
  get_filename_component(name ${case} NAME_WE)
  add_test(NAME decode.case.${name}
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/decode/run_case.sh $<TARGET_FILE:mailtrace>
            $<TARGET_FILE:mkpcap> ${CMAKE_BINARY_DIR}/test-out/decode-cases ${case})
  set_tests_properties(decode.case.${name} PROPERTIES TIMEOUT 60)
endforeach()

# Real clients (curl, swaks, python3 poplib/smtplib, fetchmail) against the
# test Dovecot and Postfix, captured and decoded (tests/decode/clients.sh).
add_test(NAME decode.clients
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/decode/clients.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:lcap> ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix
          ${CMAKE_BINARY_DIR}/test-out)
# It captures the servers' shared loopback ports: nothing else may talk to
# them meanwhile, or other tests' sessions land in its capture.
set_tests_properties(decode.clients PROPERTIES
  FIXTURES_REQUIRED "postfix;dovecot;certs"
  RESOURCE_LOCK "mailbox-rcpt;postfix-rcpt" RUN_SERIAL TRUE TIMEOUT 120)
