#include "common/url.h"

#include <charconv>

namespace parapet {

namespace {
Error bad(std::string_view text, std::string_view why) {
  std::string m = "invalid URL '";
  m += text;
  m += "': ";
  m += why;
  return make_error(ErrorCode::kBadRequest, std::move(m));
}
bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}
}  // namespace

std::string Url::authority() const {
  std::string out;
  bool v6 = host.find(':') != std::string::npos;
  if (v6) out += '[';
  out += host;
  if (v6) out += ']';
  if (port != (tls ? 443 : 80)) {
    out += ':';
    out += std::to_string(port);
  }
  return out;
}

std::string Url::to_string() const {
  std::string out = tls ? "https://" : "http://";
  out += authority();
  out += path;
  return out;
}

Result<Url> parse_url(std::string_view text) {
  Url u;
  std::string_view rest = text;
  if (rest.starts_with("https://")) {
    u.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return bad(text, "scheme must be http or https");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad(text, "query or fragment not allowed");
  }
  size_t slash = rest.find('/');
  std::string_view auth = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (size_t at = auth.rfind('@'); at != std::string_view::npos) {
    u.userinfo = auth.substr(0, at);
    auth.remove_prefix(at + 1);
  }
  std::string_view port_text;
  if (auth.starts_with('[')) {
    size_t close = auth.find(']');
    if (close == std::string_view::npos) return bad(text, "unterminated IPv6 literal");
    u.host = auth.substr(1, close - 1);
    std::string_view after = auth.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad(text, "junk after IPv6 literal");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = auth.find(':');
    u.host = auth.substr(0, colon);
    if (colon != std::string_view::npos) port_text = auth.substr(colon + 1);
    for (char c : u.host) {
      if (!is_host_char(c)) return bad(text, "invalid character in host");
    }
  }
  if (u.host.empty()) return bad(text, "empty host");
  u.port = u.tls ? 443 : 80;
  if (!port_text.empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || p == 0 || p > 65535) {
      return bad(text, "invalid port");
    }
    u.port = static_cast<uint16_t>(p);
  }
  while (path.ends_with('/')) path.remove_suffix(1);
  u.path = path;
  return u;
}

}  // namespace parapet
