# strata_module(NAME DEPS <strata modules and public libs> PRIVATE_DEPS <third-party libs>)
# Builds src/NAME/*.cpp into the library strata_NAME; public headers live in include/strata/NAME.
function(strata_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT sources)  # a module still being written: keep the build configurable
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/empty_${name}.cpp "")
    set(sources ${CMAKE_CURRENT_BINARY_DIR}/empty_${name}.cpp)
  endif()
  add_library(strata_${name} STATIC ${sources})
  target_include_directories(strata_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                            PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(strata_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()
