// Cache key: canonical JSON, SHA-256 (OpenSSL EVP), partition, per-request controls.
#include "cache/key.h"

#include <openssl/evp.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <memory>

#include "http/headers.h"
#include "http/query.h"

namespace parapet::cache {

namespace {

// Streaming SHA-256. Each field is length-prefixed so ("ab","c") and ("a","bc") never collide.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void raw(std::string_view s) { EVP_DigestUpdate(ctx_.get(), s.data(), s.size()); }
  void field(std::string_view s) {
    uint64_t n = s.size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
    EVP_DigestUpdate(ctx_.get(), len, sizeof len);
    raw(s);
  }
  Digest done() {
    Digest d{};
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), d.data(), &n);
    return d;
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

void append_number(std::string& out, double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

template <class T>
void append_int(std::string& out, T v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void write_canonical(simdjson::dom::element e, std::string& out) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      simdjson::dom::object obj;
      if (e.get_object().get(obj) != simdjson::SUCCESS) return;
      std::vector<std::pair<std::string_view, simdjson::dom::element>> fields;
      for (auto f : obj) fields.emplace_back(f.key, f.value);
      // Stable: duplicate keys keep their order, so {"a":1,"a":2} stays distinct from the reverse.
      std::stable_sort(fields.begin(), fields.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      bool first = true;
      for (const auto& [k, v] : fields) {
        if (!first) out += ',';
        first = false;
        out += '"';
        append_json_escaped(out, k);
        out += "\":";
        write_canonical(v, out);
      }
      out += '}';
      return;
    }
    case element_type::ARRAY: {
      out += '[';
      simdjson::dom::array arr;
      if (e.get_array().get(arr) != simdjson::SUCCESS) return;
      bool first = true;
      for (auto v : arr) {
        if (!first) out += ',';
        first = false;
        write_canonical(v, out);
      }
      out += ']';
      return;
    }
    case element_type::STRING: {
      std::string_view v;
      if (e.get(v) != simdjson::SUCCESS) return;
      out += '"';
      append_json_escaped(out, v);
      out += '"';
      return;
    }
    case element_type::INT64: {
      int64_t v = 0;
      if (e.get(v) != simdjson::SUCCESS) return;
      append_int(out, v);
      return;
    }
    case element_type::UINT64: {
      uint64_t v = 0;
      if (e.get(v) != simdjson::SUCCESS) return;
      append_int(out, v);
      return;
    }
    case element_type::DOUBLE: {
      double v = 0;
      if (e.get(v) != simdjson::SUCCESS) return;
      append_number(out, v);
      return;
    }
    case element_type::BOOL: {
      bool v = false;
      if (e.get(v) != simdjson::SUCCESS) return;
      out += v ? "true" : "false";
      return;
    }
    case element_type::NULL_VALUE:
      out += "null";
      return;
  }
}

bool parse_bool(std::string_view v, bool& out) {
  if (http::iequals(v, "true") || v == "1") {
    out = true;
    return true;
  }
  if (http::iequals(v, "false") || v == "0") {
    out = false;
    return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> canonical_json(std::string_view body) {
  // Only documents that are an object or array: a bare number or string body is not a provider
  // request, and raw bytes are as good a key for it.
  std::string_view t = http::trim(body);
  if (t.empty() || (t.front() != '{' && t.front() != '[')) return std::nullopt;
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return std::nullopt;
  std::string out;
  out.reserve(body.size());
  write_canonical(root, out);
  return out;
}

Digest body_digest(std::string_view body) {
  Sha256 h;
  if (auto c = canonical_json(body)) {
    h.field("json");
    h.field(*c);
  } else {
    h.field("raw");
    h.field(body);
  }
  return h.done();
}

std::string hex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(d.size() * 2);
  for (uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string partition(std::string_view key_id,
                      const std::vector<std::pair<std::string_view, std::string_view>>& credentials,
                      std::string_view query) {
  if (!key_id.empty()) return "key:" + std::string(key_id);
  Sha256 h;
  bool any = false;
  for (const auto& [name, value] : credentials) {
    if (value.empty()) continue;
    h.field(name);
    h.field(value);
    any = true;
  }
  if (!query.empty()) {
    http::Query q(query);
    if (auto k = q.get("key"); k && !k->empty()) {
      h.field("?key");
      h.field(*k);
      any = true;
    }
  }
  if (!any) return "anon";
  return "cred:" + hex(h.done());
}

std::string make_key(const KeyParts& p) {
  Sha256 h;
  h.field("parapet-cache-v1");
  h.field(p.gateway);
  h.field(p.provider);
  h.field(p.method);
  h.field(p.path);
  h.field(p.partition);
  if (!p.custom_key.empty()) {
    h.field("custom");
    h.field(p.custom_key);
  } else {
    h.field("request");
    h.field(p.query);
    for (auto v : p.vary) h.field(v);
    h.raw(std::string_view(reinterpret_cast<const char*>(p.body.data()), p.body.size()));
  }
  return hex(h.done());
}

Result<Controls> parse_controls(int64_t gateway_ttl_s, std::string_view method,
                                std::string_view ttl, std::string_view skip, std::string_view key) {
  Controls c;
  c.ttl_s = gateway_ttl_s;
  if (!ttl.empty()) {
    int64_t v = -1;
    auto [end, ec] = std::from_chars(ttl.data(), ttl.data() + ttl.size(), v);
    if (ec != std::errc() || end != ttl.data() + ttl.size() || v < 0 || v > kMaxTtlSeconds) {
      return make_error(ErrorCode::kBadRequest,
                        "x-parapet-cache-ttl must be whole seconds in [0, " +
                            std::to_string(kMaxTtlSeconds) + "]");
    }
    c.ttl_s = v;
  }
  if (!key.empty()) {
    if (key.size() > kMaxCustomKeyBytes) {
      return make_error(ErrorCode::kBadRequest, "x-parapet-cache-key is longer than " +
                                                    std::to_string(kMaxCustomKeyBytes) + " bytes");
    }
    c.custom_key = key;
    if (ttl.empty() && c.ttl_s == 0) c.ttl_s = kCustomKeyDefaultTtl;
  }
  if (!skip.empty() && !parse_bool(skip, c.bypass)) {
    return make_error(ErrorCode::kBadRequest, "x-parapet-skip-cache must be true or false");
  }
  // GET and POST answers only: other methods change state, and a HEAD answer has no body to keep.
  c.cacheable = c.ttl_s > 0 && (method == "POST" || method == "GET");
  if (!c.cacheable) c.bypass = false;
  return c;
}

}  // namespace parapet::cache
