# The regression check's core (src/check): the normalisation rules on real
# servers' reply lines, --ignore rules, alignment; and docs/check.md names
# every default rule.
add_executable(test_check ${CMAKE_SOURCE_DIR}/tests/unit/test_check.c)
target_include_directories(test_check PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_check PRIVATE mt_check)
add_test(NAME unit.check COMMAND test_check ${CMAKE_SOURCE_DIR}/docs/check.md)
set_tests_properties(unit.check PROPERTIES TIMEOUT 60 LABELS unit)

# The comparison (src/check/diff.c): each kind of difference with its exact
# text and JSONL line, clean volatile text, steps added and removed, the
# latency rule; and docs/check.md names every kind.
add_executable(test_diff ${CMAKE_SOURCE_DIR}/tests/unit/test_diff.c)
target_include_directories(test_diff PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_diff PRIVATE mt_check)
add_test(NAME unit.diff COMMAND test_diff ${CMAKE_SOURCE_DIR}/docs/check.md)
set_tests_properties(unit.diff PROPERTIES TIMEOUT 60 LABELS unit)

# mailtrace diff and check --run on stored runs of crafted captures
# (tests/check/diff.sh).
add_test(NAME check.diff
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/check/diff.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:mkpcap> ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(check.diff PROPERTIES TIMEOUT 60)

# mailtrace check NAME probing the baseline's target again (the fake server
# as it was, and changed; tests/check/check.sh).
add_test(NAME check.probe
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/check/check.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(check.probe PROPERTIES TIMEOUT 90)

# The check against the real Dovecot (APOP) and Postfix: clean three times
# in a row (tests/check/real.sh).  It reads bob's mailbox and delivers to
# rcpt, so it holds the locks of the tests that change them.
add_test(NAME check.real
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/check/real.sh $<TARGET_FILE:mailtrace>
          ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(check.real PROPERTIES
  FIXTURES_REQUIRED "postfix;dovecot;certs"
  RESOURCE_LOCK "dovecot-dele;mailbox-rcpt;postfix-rcpt" TIMEOUT 120)

# The check against a real Dovecot and Postfix that change (their own
# private instances, started and stopped by tests/check/change.sh): a changed
# greeting, STLS gone, PIPELINING gone, SIZE changed, a recipient refused,
# each reported with its kind and exit 1, and clean again when undone.
add_test(NAME check.change
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/check/change.sh $<TARGET_FILE:mailtrace>
          ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(check.change PROPERTIES FIXTURES_REQUIRED certs TIMEOUT 180)

# What a baseline carries beyond one run: --runs N (latency medians, one
# slow run not the reference), its own --ignore-counts and --ignore rules,
# both through export and import (tests/check/baseline.sh).
add_test(NAME check.baseline
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/check/baseline.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(check.baseline PROPERTIES TIMEOUT 90)

# The tls kind on stored POP3S runs of the fake server with two certificates
# (tests/check/tls.sh), through a baseline file too.
add_test(NAME check.tls
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/check/tls.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(check.tls PROPERTIES FIXTURES_REQUIRED certs TIMEOUT 90)
