# Native world: Debian's libopus-dev, libogg-dev, libopusenc-dev, libopusfile-dev (tools/setup.sh).
find_package(PkgConfig REQUIRED)
pkg_check_modules(OPUS REQUIRED IMPORTED_TARGET opus)
pkg_check_modules(OGG REQUIRED IMPORTED_TARGET ogg)
pkg_check_modules(OPUSENC REQUIRED IMPORTED_TARGET libopusenc)
pkg_check_modules(OPUSFILE REQUIRED IMPORTED_TARGET opusfile)

foreach(lib opus ogg opusenc opusfile)
  string(TOUPPER ${lib} upper)
  add_library(${lib} INTERFACE)
  target_link_libraries(${lib} INTERFACE PkgConfig::${upper})
endforeach()
