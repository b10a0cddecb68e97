// A parsed absolute http(s) URL, as used for upstream base URLs and proxies.
// Only what an upstream needs: scheme, host (IPv6 literals without brackets), port, path prefix.
// Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace parapet {

struct Url {
  bool tls = false;      // https
  std::string host;      // "api.openai.com", "127.0.0.1", "::1"
  uint16_t port = 0;     // explicit or the scheme's default
  std::string path;      // prefix without trailing slash, "" or "/v1"
  std::string userinfo;  // "user:pass" for proxies, else ""

  // host[:port] as it goes into a Host header or CONNECT line (brackets for IPv6, port only when
  // not the scheme's default).
  std::string authority() const;
  // scheme://authority + path, no trailing slash.
  std::string to_string() const;
};

// Parses "http://host[:port][/path]" or "https://...". Query and fragment are rejected (a base URL
// with a query is a configuration mistake we want to surface, not silently drop).
Result<Url> parse_url(std::string_view text);

}  // namespace parapet
