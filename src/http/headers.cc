#include "http/headers.h"

namespace parapet::http {

namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool list_has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string_view HeaderList::get(std::string_view name) const {
  for (const auto& h : items_) {
    if (iequals(h.name, name)) return h.value;
  }
  return {};
}

bool HeaderList::has(std::string_view name) const {
  for (const auto& h : items_) {
    if (iequals(h.name, name)) return true;
  }
  return false;
}

bool is_hop_by_hop(std::string_view n) {
  static constexpr std::string_view kHop[] = {"connection",
                                              "keep-alive",
                                              "proxy-connection",
                                              "te",
                                              "trailer",
                                              "transfer-encoding",
                                              "upgrade",
                                              "proxy-authenticate",
                                              "proxy-authorization"};
  for (auto h : kHop) {
    if (iequals(n, h)) return true;
  }
  return false;
}

}  // namespace parapet::http
