# docs/events.md must be what tools/gen_events writes from events/*.def.
add_test(NAME events.docs
  COMMAND sh -c "$<TARGET_FILE:gen_events> | diff -u ${CMAKE_SOURCE_DIR}/docs/events.md -")
