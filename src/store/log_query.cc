#include "store/log_query.h"

namespace parapet::store {

Result<bool> parse_status_filter(std::string_view s, LogQuery& q) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (s.size() == 3 && digit(s[0]) && s[0] >= '1' && s[0] <= '5') {
    if ((s[1] == 'x' || s[1] == 'X') && (s[2] == 'x' || s[2] == 'X')) {
      q.status_class = s[0] - '0';
      return true;
    }
    if (digit(s[1]) && digit(s[2])) {
      q.status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
      return true;
    }
  }
  return make_error(ErrorCode::kBadRequest,
                    "status filter must be a status (429) or a class (4xx): " + std::string(s));
}

Result<MetadataFilter> parse_metadata_filter(std::string_view s) {
  const size_t eq = s.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return make_error(ErrorCode::kBadRequest, "metadata filter must be key=value");
  }
  MetadataFilter f{std::string(s.substr(0, eq)), std::string(s.substr(eq + 1))};
  for (unsigned char c : f.key) {
    if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
      return make_error(ErrorCode::kBadRequest, "metadata filter key has a forbidden character");
    }
  }
  return f;
}

}  // namespace parapet::store
