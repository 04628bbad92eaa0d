# One place for compiler warnings and sanitizers (curl's PickyWarnings idea).
set(MT_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wcast-qual -Wstrict-prototypes
  -Wmissing-prototypes -Wformat=2 -Wvla -Wpointer-arith -Wundef
  -Wwrite-strings -Wnull-dereference -Wimplicit-fallthrough)
add_compile_options(${MT_WARNINGS})
if(MT_WERROR)
  add_compile_options(-Werror)
endif()
if(MT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
