// A simdjson DOM parse of a string_view that is defined for every view, the empty default one
// included. simdjson copies the input with memcpy(dst, data, len), and a default-constructed
// std::string_view has data() == nullptr, which memcpy must not be given even for len 0 (UBSan
// stops on it: translate_fuzz found it through an SSE event whose data field was empty).
// Include only where simdjson.h is already wanted: it is a heavy header.
#pragma once

#include <simdjson.h>

#include <string_view>

namespace parapet {

inline simdjson::simdjson_result<simdjson::dom::element> parse_json(simdjson::dom::parser& p,
                                                                    std::string_view s) {
  if (s.data() == nullptr) s = std::string_view("", 0);
  return p.parse(s.data(), s.size());
}

}  // namespace parapet
