// Query strings: `a=1&b=x%20y` → decoded key/value pairs, for the admin API's filters.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parapet::http {

// Percent-decodes s ('+' becomes a space, as in forms). Returns nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);

class Query {
 public:
  // Parses the part after '?'. Malformed escapes make ok() false.
  explicit Query(std::string_view raw);
  bool ok() const { return ok_; }
  // The first value for key, if present.
  std::optional<std::string_view> get(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  bool ok_ = true;
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace parapet::http
