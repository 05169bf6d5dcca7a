# Modules of libmanifest (docs/architecture.md).
#
#   dtm_module(NAME
#              SOURCES a.cc b.cc ...          # in libmanifest/src/NAME/
#              [PUBLIC_HEADERS x.h ...]       # in libmanifest/include/dtm/, owned by NAME
#              [DEPS module ...]              # modules NAME may use, each declared earlier
#              [LIBRARIES target ...])        # outside libraries, linked PRIVATE
#
# adds the static library dtm_NAME. A module may include its own headers, the
# private headers ("MODULE/x.h") and public headers ("dtm/x.h") of the modules
# in DEPS, and the generated schema ("dtm/v1/..."); nothing else of
# libmanifest. Because DEPS may only name modules declared before, the graph
# has no cycle. dtm_check_module_graph() adds the build step that enforces
# this on every build (cmake/CheckModuleGraph.cmake).

set_property(GLOBAL PROPERTY DTM_MODULES "")

function(dtm_module name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;PUBLIC_HEADERS;DEPS;LIBRARIES")
  get_property(declared GLOBAL PROPERTY DTM_MODULES)
  foreach(dep IN LISTS arg_DEPS)
    if(NOT dep IN_LIST declared)
      message(FATAL_ERROR "module ${name}: DEPS names '${dep}', which is not a module declared "
                          "before it (modules are declared lowest first: docs/architecture.md)")
    endif()
  endforeach()
  list(TRANSFORM arg_SOURCES PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/)
  add_library(dtm_${name} STATIC ${arg_SOURCES})
  target_include_directories(dtm_${name}
    PUBLIC ${DTM_LIB_DIR}/include
    PRIVATE ${DTM_LIB_DIR}/src)
  list(TRANSFORM arg_DEPS PREPEND dtm_ OUTPUT_VARIABLE dep_targets)
  target_link_libraries(dtm_${name} PUBLIC dtm_proto Threads::Threads
                        PRIVATE ${dep_targets} ${arg_LIBRARIES})
  target_compile_definitions(dtm_${name} PRIVATE DTM_VERSION="${PROJECT_VERSION}")
  set_target_properties(dtm_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  set_property(GLOBAL APPEND PROPERTY DTM_MODULES ${name})
  set_property(GLOBAL PROPERTY DTM_MODULE_${name}_DEPS "${arg_DEPS}")
  set_property(GLOBAL PROPERTY DTM_MODULE_${name}_HEADERS "${arg_PUBLIC_HEADERS}")
endfunction()

# Writes the declared graph for cmake/CheckModuleGraph.cmake and adds the
# target dtm_module_graph, which checks every include of every module against
# it whenever a file of the library changes; every module depends on it.
function(dtm_check_module_graph)
  get_property(modules GLOBAL PROPERTY DTM_MODULES)
  set(graph "set(DTM_MODULES \"${modules}\")\n")
  foreach(m IN LISTS modules)
    get_property(deps GLOBAL PROPERTY DTM_MODULE_${m}_DEPS)
    get_property(headers GLOBAL PROPERTY DTM_MODULE_${m}_HEADERS)
    string(APPEND graph "set(DTM_MODULE_${m}_DEPS \"${deps}\")\n")
    string(APPEND graph "set(DTM_MODULE_${m}_HEADERS \"${headers}\")\n")
  endforeach()
  set(graph_file ${CMAKE_CURRENT_BINARY_DIR}/module_graph.cmake)
  file(WRITE ${graph_file} "${graph}")
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${DTM_LIB_DIR}/src/* ${DTM_LIB_DIR}/include/dtm/*.h)
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/module_graph.checked)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DGRAPH_FILE=${graph_file} -DLIB_DIR=${DTM_LIB_DIR}
            -DARCH_DOC=${PROJECT_SOURCE_DIR}/docs/architecture.md
            -P ${PROJECT_SOURCE_DIR}/cmake/CheckModuleGraph.cmake
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    DEPENDS ${files} ${graph_file} ${PROJECT_SOURCE_DIR}/cmake/CheckModuleGraph.cmake
            ${PROJECT_SOURCE_DIR}/docs/architecture.md
    COMMENT "Checking the module graph of libmanifest (docs/architecture.md)")
  add_custom_target(dtm_module_graph DEPENDS ${stamp})
  foreach(m IN LISTS modules)
    add_dependencies(dtm_${m} dtm_module_graph)
  endforeach()
endfunction()
