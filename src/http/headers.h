// Header fields as views, and the few header rules the proxy applies (hop-by-hop, tokens).
// Views point into storage owned by the parser that produced them; they are valid until that
// parser is reset.
// Thread-safety: plain values.
#pragma once

#include <string_view>
#include <vector>

namespace parapet::http {

struct Header {
  std::string_view name;
  std::string_view value;
};

bool iequals(std::string_view a, std::string_view b);
// True when comma-separated `list` contains `token` (case-insensitive, whitespace trimmed).
bool list_has_token(std::string_view list, std::string_view token);
std::string_view trim(std::string_view s);

class HeaderList {
 public:
  void clear() { items_.clear(); }
  void add(std::string_view name, std::string_view value) { items_.push_back({name, value}); }
  // First value for a case-insensitive name, or empty view.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;
  size_t size() const { return items_.size(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  std::vector<Header>& items() { return items_; }

 private:
  std::vector<Header> items_;
};

// Hop-by-hop per RFC 9110 §7.6.1 plus the de-facto ones (keep-alive, proxy-connection); fields
// named in the message's Connection header are hop-by-hop too (checked by the caller).
bool is_hop_by_hop(std::string_view name);

}  // namespace parapet::http
