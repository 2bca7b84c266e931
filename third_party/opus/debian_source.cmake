# debian_source(<source package> <out var>): the unpacked Debian source package (upstream code
# with Debian's patches applied), fetched once into the build folder with `apt-get source` and
# reused by every later configure. Needs deb-src lines in apt's sources and dpkg-dev, both set
# up by tools/setup.sh.
# A cache path, so that other build folders (tools/bench/voice variants) can share one copy.
set(DEBIAN_SOURCE_DIR ${CMAKE_BINARY_DIR}/debian-source CACHE PATH "Unpacked Debian source packages")

function(debian_source package out_var)
  set(stamp ${DEBIAN_SOURCE_DIR}/${package}.dir)
  if(EXISTS ${stamp})
    file(READ ${stamp} dir)
    if(IS_DIRECTORY ${dir})
      set(${out_var} ${dir} PARENT_SCOPE)
      return()
    endif()
  endif()
  file(MAKE_DIRECTORY ${DEBIAN_SOURCE_DIR})
  message(STATUS "apt-get source ${package}")
  execute_process(
    COMMAND apt-get source -q --only-source ${package}
    WORKING_DIRECTORY ${DEBIAN_SOURCE_DIR}
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  # The unpacked folder is <package>-<upstream version>; the tarballs beside it use '_'.
  file(GLOB dirs LIST_DIRECTORIES true ${DEBIAN_SOURCE_DIR}/${package}-[0-9]*)
  list(FILTER dirs INCLUDE REGEX "/${package}-[0-9][^/]*$")
  if(NOT status EQUAL 0 OR NOT dirs)
    message(FATAL_ERROR "apt-get source ${package} failed (run tools/setup.sh: it enables deb-src "
                        "and installs dpkg-dev):\n${out}")
  endif()
  list(GET dirs 0 dir)
  file(WRITE ${stamp} ${dir})
  set(${out_var} ${dir} PARENT_SCOPE)
endfunction()
