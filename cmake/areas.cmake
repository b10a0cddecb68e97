# One static library per area of src/ (STYLE.md). Sources are globbed per folder so adding a file
# is not an edit to a shared list; areas name their dependencies explicitly.
function(parapet_area name)
  file(GLOB _srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cc
       ${PROJECT_SOURCE_DIR}/src/${name}/*/*.cc)
  add_library(parapet_${name} STATIC ${_srcs})
  target_include_directories(parapet_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(parapet_${name} PUBLIC ${ARGN} PRIVATE parapet_warnings)
endfunction()

parapet_area(common parapet_asio)
parapet_area(core parapet_common)
parapet_area(providers parapet_core parapet_common)
parapet_area(http parapet_common)
parapet_area(route parapet_providers parapet_common)
parapet_area(config parapet_route parapet_providers parapet_common)
parapet_area(observe parapet_core parapet_common)
parapet_area(store parapet_observe parapet_core parapet_common SQLite::SQLite3)
parapet_area(upstream parapet_http parapet_common)
parapet_area(pipeline parapet_config parapet_route parapet_upstream parapet_http parapet_observe)
parapet_area(server parapet_pipeline parapet_config)
