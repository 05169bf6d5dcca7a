# Checks that libmanifest's modules use each other only as declared
# (docs/architecture.md). Run as a script:
#
#   cmake -DGRAPH_FILE=module_graph.cmake -DLIB_DIR=libmanifest -P CheckModuleGraph.cmake
#
# GRAPH_FILE sets DTM_MODULES and, for each module M, DTM_MODULE_M_DEPS and
# DTM_MODULE_M_HEADERS (the public headers it owns), as cmake/DtmModule.cmake
# writes it. Every quoted #include in LIB_DIR/src/M/ and in the public headers
# of M must name a header of M itself, of a module in its DEPS, or of the
# generated schema (dtm/v1/). Every public header must belong to one module.
# OpenSSL's headers may be included only by the crypto module, zstd's only by
# the container, documents and sort modules, libyaml's only by the yaml module (the one crypto
# layer; one compression layer; one YAML reader).
# Prints every violation and fails if there is any.

cmake_minimum_required(VERSION 3.25)
# With -DARCH_DOC=docs/architecture.md, also checks that the doc's picture
# (the arrows "a --> b" of its mermaid graph, plus "uses base" for every module
# but base) is exactly the declared graph.
foreach(var GRAPH_FILE LIB_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "CheckModuleGraph.cmake: -D${var}=... is required")
  endif()
endforeach()
include(${GRAPH_FILE})

set(problems "")
foreach(m IN LISTS DTM_MODULES)
  foreach(h IN LISTS DTM_MODULE_${m}_HEADERS)
    if(DEFINED owner_${h})
      list(APPEND problems "include/dtm/${h}: owned by both ${owner_${h}} and ${m}")
    endif()
    set(owner_${h} ${m})
  endforeach()
endforeach()
file(GLOB public RELATIVE ${LIB_DIR}/include/dtm ${LIB_DIR}/include/dtm/*.h)
foreach(h IN LISTS public)
  if(NOT DEFINED owner_${h})
    list(APPEND problems "include/dtm/${h}: no module lists it in PUBLIC_HEADERS")
  endif()
endforeach()

# check_file(FILE MODULE): appends to `problems` every include of FILE that
# MODULE may not use.
function(check_file file m)
  file(STRINGS ${file} system_includes REGEX "^[ \t]*#[ \t]*include[ \t]*<(openssl/|zstd|yaml\\.h)")
  foreach(line IN LISTS system_includes)
    if(line MATCHES "openssl/" AND NOT m STREQUAL "crypto")
      list(APPEND problems "${file}: includes OpenSSL, which only module crypto may use")
    elseif(line MATCHES "zstd" AND NOT m STREQUAL "container" AND NOT m STREQUAL "documents"
           AND NOT m STREQUAL "sort")
      list(APPEND problems "${file}: includes zstd, which only modules container, documents and sort may use")
    elseif(line MATCHES "yaml\\.h" AND NOT m STREQUAL "yaml")
      list(APPEND problems "${file}: includes libyaml, which only module yaml may use")
    endif()
  endforeach()
  file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" inc "${line}")
    set(used "")
    if(inc MATCHES "^dtm/v1/")
      # the generated schema: every module may use it
    elseif(inc MATCHES "^dtm/([^/]+)$")
      if(DEFINED owner_${CMAKE_MATCH_1})
        set(used ${owner_${CMAKE_MATCH_1}})
      else()
        list(APPEND problems "${file}: includes '${inc}', which is no public header")
      endif()
    elseif(inc MATCHES "^([^/]+)/")
      if(CMAKE_MATCH_1 IN_LIST DTM_MODULES)
        set(used ${CMAKE_MATCH_1})
      endif()
    endif()
    if(inc MATCHES "^crypto/openssl_" AND NOT m STREQUAL "crypto")
      list(APPEND problems "${file}: includes '${inc}', which names OpenSSL types: only module crypto may")
    endif()
    if(used AND NOT used STREQUAL m AND NOT used IN_LIST DTM_MODULE_${m}_DEPS)
      list(APPEND problems "${file}: includes '${inc}' of module ${used}, which module ${m} may not use")
    endif()
  endforeach()
  set(problems "${problems}" PARENT_SCOPE)
endfunction()

foreach(m IN LISTS DTM_MODULES)
  file(GLOB_RECURSE files ${LIB_DIR}/src/${m}/*)
  foreach(f IN LISTS files)
    check_file(${f} ${m})
  endforeach()
  foreach(h IN LISTS DTM_MODULE_${m}_HEADERS)
    check_file(${LIB_DIR}/include/dtm/${h} ${m})
  endforeach()
endforeach()
file(GLOB dirs LIST_DIRECTORIES true ${LIB_DIR}/src/*)
foreach(d IN LISTS dirs)
  get_filename_component(name ${d} NAME)
  if(IS_DIRECTORY ${d} AND NOT name IN_LIST DTM_MODULES)
    list(APPEND problems "src/${name}/: a folder that is no module")
  endif()
endforeach()

if(DEFINED ARCH_DOC)
  file(STRINGS ${ARCH_DOC} arrows REGEX "^  [a-z0-9_]+ --> [a-z0-9_]+$")
  set(drawn "")
  foreach(line IN LISTS arrows)
    string(STRIP "${line}" line)
    string(REPLACE " --> " ">" edge "${line}")
    list(APPEND drawn ${edge})
  endforeach()
  set(declared "")
  foreach(m IN LISTS DTM_MODULES)
    foreach(d IN LISTS DTM_MODULE_${m}_DEPS)
      if(NOT d STREQUAL "base")
        list(APPEND declared "${m}>${d}")
      endif()
    endforeach()
    if(NOT m STREQUAL "base" AND NOT "base" IN_LIST DTM_MODULE_${m}_DEPS)
      list(APPEND problems "module ${m} does not use base, as ${ARCH_DOC} says every module does")
    endif()
  endforeach()
  foreach(edge IN LISTS declared)
    if(NOT edge IN_LIST drawn)
      string(REPLACE ">" " --> " edge "${edge}")
      list(APPEND problems "${ARCH_DOC}: the picture lacks the arrow '${edge}' that the build declares")
    endif()
  endforeach()
  foreach(edge IN LISTS drawn)
    if(NOT edge IN_LIST declared)
      string(REPLACE ">" " --> " edge "${edge}")
      list(APPEND problems "${ARCH_DOC}: the picture has the arrow '${edge}', which no DEPS declares")
    endif()
  endforeach()
endif()

if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "libmanifest's module graph (docs/architecture.md) is broken:\n  ${text}")
endif()
