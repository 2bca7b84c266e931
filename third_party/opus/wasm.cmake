# Wasm world: the same libraries compiled from Debian's source packages (debian_source.cmake).
# The sources are unpacked under build/wasm/debian-source and compiled into this build's tree, so
# a second build finds everything up to date. libopus keeps its own CMakeLists; libogg,
# libopusenc and opusfile are a handful of C files each, listed here (their Debian tarballs ship
# only autotools, whose configure under emcc would cost more than compiling them).
include(debian_source.cmake)

# Codec speed is what the voice module spends its time on (tools/bench/voice): libopus is
# compiled for speed even though the rest of the wasm world is built for size (-Os).
set(PEERLINE_OPUS_WASM_FLAGS "-O2" CACHE STRING "Compile options of libopus in the wasm world")

# ---- libopus -------------------------------------------------------------------------------------
debian_source(opus opus_source)
# Debian's tarball lacks the opus_buildtype.cmake its CMakeLists includes (our build type and
# flags apply). It is included before config.h is written, which makes it the place to fix the
# version: opus_functions.cmake looks for package_version in the top project's folder (ours), so
# libopus would otherwise call itself "libopus 0" in every OpusTags header.
file(WRITE ${opus_source}/opus_buildtype.cmake.new [=[
# Written by peerline's third_party/opus/wasm.cmake.
file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/package_version version REGEX "^PACKAGE_VERSION=")
string(REGEX REPLACE "^PACKAGE_VERSION=\"?([^\"]*)\"?$" "\\1" PACKAGE_VERSION "${version}")
]=])
file(COPY_FILE ${opus_source}/opus_buildtype.cmake.new ${opus_source}/opus_buildtype.cmake ONLY_IF_DIFFERENT)
set(OPUS_STACK_PROTECTOR OFF CACHE BOOL "" FORCE)         # no libssp in Emscripten
set(OPUS_INSTALL_PKG_CONFIG_MODULE OFF CACHE BOOL "" FORCE)
set(OPUS_INSTALL_CMAKE_CONFIG_MODULE OFF CACHE BOOL "" FORCE)
foreach(sse SSE SSE2 SSE4_1 AVX)                          # Emscripten reports an x86 "CPU"
  set(OPUS_X86_MAY_HAVE_${sse} OFF CACHE BOOL "" FORCE)
endforeach()
add_subdirectory(${opus_source} ${CMAKE_CURRENT_BINARY_DIR}/libopus EXCLUDE_FROM_ALL)
separate_arguments(opus_flags UNIX_COMMAND "${PEERLINE_OPUS_WASM_FLAGS}")
target_compile_options(opus PRIVATE ${opus_flags} -w)

# ---- libogg --------------------------------------------------------------------------------------
debian_source(libogg ogg_source)
set(ogg_generated ${CMAKE_CURRENT_BINARY_DIR}/ogg-include)
# What libogg's configure would write for a 32-bit target with <stdint.h>.
file(WRITE ${ogg_generated}/ogg/config_types.h.new [=[
#ifndef __CONFIG_TYPES_H__
#define __CONFIG_TYPES_H__
#include <stdint.h>
typedef int16_t ogg_int16_t;
typedef uint16_t ogg_uint16_t;
typedef int32_t ogg_int32_t;
typedef uint32_t ogg_uint32_t;
typedef int64_t ogg_int64_t;
typedef uint64_t ogg_uint64_t;
#endif
]=])
file(COPY_FILE ${ogg_generated}/ogg/config_types.h.new ${ogg_generated}/ogg/config_types.h ONLY_IF_DIFFERENT)
add_library(ogg STATIC EXCLUDE_FROM_ALL ${ogg_source}/src/bitwise.c ${ogg_source}/src/framing.c)
target_include_directories(ogg SYSTEM PUBLIC ${ogg_source}/include ${ogg_generated})
target_compile_options(ogg PRIVATE ${opus_flags} -w)

# ---- libopusenc: the Ogg Opus writer ---------------------------------------------------------------
debian_source(libopusenc opusenc_source)
file(STRINGS ${opusenc_source}/package_version opusenc_version_line REGEX "^PACKAGE_VERSION=")
string(REGEX REPLACE "^PACKAGE_VERSION=\"?([^\"]*)\"?$" "\\1" opusenc_version "${opusenc_version_line}")
add_library(opusenc STATIC EXCLUDE_FROM_ALL
  ${opusenc_source}/src/ogg_packer.c
  ${opusenc_source}/src/opus_header.c
  ${opusenc_source}/src/opusenc.c
  ${opusenc_source}/src/picture.c
  ${opusenc_source}/src/resample.c
  ${opusenc_source}/src/unicode_support.c)
target_include_directories(opusenc SYSTEM PUBLIC ${opusenc_source}/include)
# As its Makefile.am and configure.ac define them.
target_compile_definitions(opusenc PRIVATE OPE_BUILD OUTSIDE_SPEEX RANDOM_PREFIX=libopusenc
  RESAMPLE_FULL_SINC_TABLE PACKAGE_NAME="libopusenc" PACKAGE_VERSION="${opusenc_version}")
target_compile_options(opusenc PRIVATE ${opus_flags} -w)
target_link_libraries(opusenc PUBLIC opus)

# ---- opusfile: the Ogg Opus reader (without its HTTP part) ----------------------------------------
debian_source(opusfile opusfile_source)
add_library(opusfile STATIC EXCLUDE_FROM_ALL
  ${opusfile_source}/src/info.c
  ${opusfile_source}/src/internal.c
  ${opusfile_source}/src/opusfile.c
  ${opusfile_source}/src/stream.c)
target_include_directories(opusfile SYSTEM PUBLIC ${opusfile_source}/include)
target_compile_definitions(opusfile PRIVATE OP_HAVE_LRINTF)
target_compile_options(opusfile PRIVATE ${opus_flags} -w)
target_link_libraries(opusfile PUBLIC opus ogg)
