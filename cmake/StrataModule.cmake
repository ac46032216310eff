# strata_module(NAME DEPS <strata modules and public libs> PRIVATE_DEPS <third-party libs>)
# Builds src/NAME/*.cpp into the library strata_NAME; public headers live in include/strata/NAME.
#
# Each library publishes only its own headers, through a view in the build tree
# (module-include/NAME/strata/NAME links to include/strata/NAME), so a target sees the headers of
# its own module and of the modules it links PUBLIC, and an include across an undeclared seam fails
# to compile. Handing out ${PROJECT_SOURCE_DIR}/include instead would expose every module.
function(strata_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT sources)  # a module still being written: keep the build configurable
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/empty_${name}.cpp "")
    set(sources ${CMAKE_CURRENT_BINARY_DIR}/empty_${name}.cpp)
  endif()
  set(view ${PROJECT_BINARY_DIR}/module-include/${name})
  file(MAKE_DIRECTORY ${view}/strata)
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/strata/${name} ${view}/strata/${name} SYMBOLIC)
  add_library(strata_${name} STATIC ${sources})
  target_include_directories(strata_${name} PUBLIC ${view} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(strata_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()
