#include "observe/metadata.h"

#include <simdjson.h>

#include "common/json_parse.h"

namespace parapet::observe {

namespace {
Error bad(std::string why) {
  return make_error(ErrorCode::kBadRequest, "x-parapet-metadata: " + std::move(why));
}
}  // namespace

Result<std::string> parse_metadata(std::string_view header) {
  if (header.size() > kMaxMetadataBytes) {
    return bad("longer than " + std::to_string(kMaxMetadataBytes) + " bytes");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parse_json(parser, header).get(doc) != simdjson::SUCCESS) {
    return bad("not valid JSON");
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return bad("must be a JSON object");
  if (obj.size() > kMaxMetadataKeys) {
    return bad("at most " + std::to_string(kMaxMetadataKeys) + " keys");
  }
  std::string out = "{";
  bool first = true;
  for (auto field : obj) {
    auto t = field.value.type();
    if (t != simdjson::dom::element_type::STRING && t != simdjson::dom::element_type::INT64 &&
        t != simdjson::dom::element_type::UINT64 && t != simdjson::dom::element_type::DOUBLE &&
        t != simdjson::dom::element_type::BOOL) {
      return bad("value of '" + std::string(field.key) + "' must be a string, number or boolean");
    }
    if (!first) out += ',';
    first = false;
    out += '"';
    append_json_escaped(out, field.key);
    out += "\":";
    out += simdjson::minify(field.value);
  }
  out += '}';
  return out;
}

}  // namespace parapet::observe
