# brook_module(NAME <name> DIR <dir>... [SOURCES <file>...] [DEPS ...] [EXCLUDE <regex>])
# One static library per module from every .cc under the DIRs, plus SOURCES (main.cc files are
# executables, not library sources). Public headers live in include/brook/<module>/, private ones
# next to the sources.
function(brook_module)
  cmake_parse_arguments(M "" "NAME;EXCLUDE" "DIR;DEPS;SOURCES" ${ARGN})
  set(_srcs ${M_SOURCES})
  foreach(_dir ${M_DIR})
    file(GLOB_RECURSE _found CONFIGURE_DEPENDS ${_dir}/*.cc)
    list(APPEND _srcs ${_found})
  endforeach()
  list(FILTER _srcs EXCLUDE REGEX "/main\\.cc$")
  if(M_EXCLUDE)
    list(FILTER _srcs EXCLUDE REGEX "${M_EXCLUDE}")
  endif()
  if(NOT _srcs)
    # A module whose sources have not landed yet still exists as a target, so dependants link.
    set(_srcs ${CMAKE_CURRENT_BINARY_DIR}/${M_NAME}_empty.cc)
    file(WRITE ${_srcs} "// no sources yet\n")
  endif()
  add_library(${M_NAME} STATIC ${_srcs})
  target_include_directories(${M_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${M_NAME} PUBLIC ${M_DEPS} PRIVATE brook_warnings)
endfunction()

# brook_asio_pch(<target>): Asio, Outcome and spdlog are costly to parse; targets that use them share a
# precompiled header instead of re-parsing them in every translation unit.
function(brook_asio_pch target)
  target_precompile_headers(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src/common/asio_pch.h)
endfunction()

# brook_gtest(<name> <dir> DEPS ...): one GoogleTest executable per test folder, each test case its own ctest entry.
function(brook_gtest name dir)
  cmake_parse_arguments(T "" "" "DEPS;LABELS" ${ARGN})
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${dir}/*_test.cc)
  if(NOT _srcs)
    return()
  endif()
  add_executable(${name} ${_srcs})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main brook_warnings)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 30 PROPERTIES TIMEOUT 120 LABELS "unit;${T_LABELS}")
endfunction()
