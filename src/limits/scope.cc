#include "limits/scope.h"

namespace parapet::limits {

namespace {
// Reads a JSON string starting at json[i] == '"'; returns its raw inside and moves i past it.
bool read_string(std::string_view json, size_t& i, std::string_view& out) {
  if (i >= json.size() || json[i] != '"') return false;
  size_t start = ++i;
  while (i < json.size() && json[i] != '"') {
    if (json[i] == '\\') ++i;
    ++i;
  }
  if (i >= json.size()) return false;
  out = json.substr(start, i - start);
  ++i;
  return true;
}

void skip_space(std::string_view json, size_t& i) {
  while (i < json.size() &&
         (json[i] == ' ' || json[i] == '\n' || json[i] == '\t' || json[i] == '\r')) {
    ++i;
  }
}
}  // namespace

std::string metadata_member(std::string_view json, std::string_view field) {
  size_t i = 0;
  skip_space(json, i);
  if (i >= json.size() || json[i] != '{') return {};
  ++i;
  for (;;) {
    skip_space(json, i);
    std::string_view key, value;
    if (!read_string(json, i, key)) return {};
    skip_space(json, i);
    if (i >= json.size() || json[i] != ':') return {};
    ++i;
    skip_space(json, i);
    if (i < json.size() && json[i] == '"') {
      if (!read_string(json, i, value)) return {};
    } else {
      size_t start = i;
      while (i < json.size() && json[i] != ',' && json[i] != '}') ++i;
      value = json.substr(start, i - start);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    }
    if (key == field) return std::string(value);
    skip_space(json, i);
    if (i >= json.size() || json[i] != ',') return {};
    ++i;
  }
}

std::string scope_value(const Scope& s, const RequestFacts& f) {
  switch (s.kind) {
    case ScopeKind::kGateway:
      return std::string(f.gateway);
    case ScopeKind::kKey:
      return f.key_id.empty() ? std::string(kAnonymous) : std::string(f.key_id);
    case ScopeKind::kIp:
      return std::string(f.client_ip);
    case ScopeKind::kMetadata: {
      std::string v = metadata_member(f.metadata_json, s.field);
      return v.empty() ? std::string(kAnonymous) : v;
    }
  }
  return std::string(f.gateway);
}

}  // namespace parapet::limits
