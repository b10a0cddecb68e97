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
parapet_area(cost parapet_core parapet_common)
# The built-in price table is data, compiled in: data/prices.toml becomes a generated source.
set(_prices_cc ${PROJECT_BINARY_DIR}/generated/cost/builtin_prices.cc)
add_custom_command(
  OUTPUT ${_prices_cc}
  COMMAND ${CMAKE_COMMAND} -DIN=${PROJECT_SOURCE_DIR}/data/prices.toml -DOUT=${_prices_cc}
          -DSYMBOL=kBuiltinPricesToml -DNAMESPACE=parapet::cost
          -P ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
  DEPENDS ${PROJECT_SOURCE_DIR}/data/prices.toml ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
  COMMENT "Embedding data/prices.toml"
  VERBATIM)
target_sources(parapet_cost PRIVATE ${_prices_cc})
parapet_area(http parapet_common)
parapet_area(providers parapet_core parapet_http parapet_common)
target_link_libraries(parapet_providers PRIVATE simdjson::simdjson)
parapet_area(route parapet_providers parapet_common)
parapet_area(reliability parapet_providers parapet_http parapet_common)
target_link_libraries(parapet_reliability PRIVATE simdjson::simdjson)
parapet_area(dlp parapet_observe parapet_common)
parapet_area(config parapet_reliability parapet_route parapet_providers parapet_cost parapet_limits
             parapet_dlp
             parapet_common)
# One API: OpenAI chat completions <-> Anthropic / Gemini. Reads usage with providers' extractors.
parapet_area(translate parapet_providers parapet_core parapet_http parapet_common)
target_link_libraries(parapet_translate PRIVATE simdjson::simdjson)
parapet_area(observe parapet_core parapet_common)
target_link_libraries(parapet_observe PRIVATE simdjson::simdjson)
parapet_area(store parapet_observe parapet_core parapet_common SQLite::SQLite3)
parapet_area(limits parapet_cost parapet_store parapet_observe parapet_common)
# WAF (docs/waf.md): pure matching library. Managed rules are data, compiled in like prices.
parapet_area(waf parapet_common)
set(_waf_rules_cc ${PROJECT_BINARY_DIR}/generated/waf/managed_rules.cc)
add_custom_command(
  OUTPUT ${_waf_rules_cc}
  COMMAND ${CMAKE_COMMAND} -DIN=${PROJECT_SOURCE_DIR}/data/waf_rules.toml -DOUT=${_waf_rules_cc}
          -DSYMBOL=kManagedRulesToml -DNAMESPACE=parapet::waf
          -P ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
  DEPENDS ${PROJECT_SOURCE_DIR}/data/waf_rules.toml ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
  COMMENT "Embedding data/waf_rules.toml"
  VERBATIM)
target_sources(parapet_waf PRIVATE ${_waf_rules_cc})
find_package(PkgConfig REQUIRED)
pkg_check_modules(HYPERSCAN REQUIRED IMPORTED_TARGET libhs)
target_link_libraries(parapet_waf PRIVATE PkgConfig::HYPERSCAN)
# The WAF's control plane: deployed rule files (control.db) and the store side of retro-hunts.
parapet_area(rules parapet_waf parapet_store parapet_observe parapet_common SQLite::SQLite3)
parapet_area(upstream parapet_http parapet_common)
parapet_area(access parapet_config parapet_store parapet_http parapet_common)
parapet_area(cache parapet_store parapet_observe parapet_http parapet_core parapet_common)
target_link_libraries(parapet_cache PRIVATE simdjson::simdjson)
parapet_area(pipeline parapet_reliability parapet_access parapet_cache parapet_config parapet_route
             parapet_translate
             parapet_upstream parapet_http parapet_observe parapet_cost parapet_limits parapet_rules)
parapet_area(admin parapet_reliability parapet_access parapet_cache parapet_limits parapet_rules
             parapet_incident parapet_store
             parapet_observe
             parapet_http parapet_common)
target_link_libraries(parapet_admin PRIVATE simdjson::simdjson)
parapet_area(server parapet_pipeline parapet_config parapet_admin parapet_store)
parapet_area(cli parapet_access parapet_http parapet_common)
target_link_libraries(parapet_cli PRIVATE simdjson::simdjson)
# Incident response (docs/incidents.md): detectors on the record stream, incidents, notifications.
parapet_area(incident parapet_store parapet_observe parapet_core parapet_common)
target_link_libraries(parapet_incident PRIVATE simdjson::simdjson)
