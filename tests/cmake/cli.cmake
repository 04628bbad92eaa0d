add_test(NAME cli.usage COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/cli.sh $<TARGET_FILE:mailtrace>
         ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(cli.usage PROPERTIES TIMEOUT 60)

# A batch line into words (src/cli/cli_words.c).
add_executable(test_words ${CMAKE_SOURCE_DIR}/tests/unit/test_words.c
  ${CMAKE_SOURCE_DIR}/src/cli/cli_words.c)
target_include_directories(test_words PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit
  ${CMAKE_SOURCE_DIR}/src/cli)
add_test(NAME unit.words COMMAND test_words)
set_tests_properties(unit.words PROPERTIES LABELS unit)

# bash completion from mailtrace's --help, and what cmake --install puts where.
add_test(NAME cli.completion COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/completion.sh
         $<TARGET_FILE:mailtrace> ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}
         ${CMAKE_BINARY_DIR}/test-out/completion)
set_tests_properties(cli.completion PROPERTIES TIMEOUT 120)
