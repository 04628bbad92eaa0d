add_test(NAME cli.usage COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/cli.sh $<TARGET_FILE:mailtrace>
         ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(cli.usage PROPERTIES TIMEOUT 60)
