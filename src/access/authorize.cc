#include "access/authorize.h"

#include "http/query.h"

namespace parapet::access {

namespace {

using http::iequals;

constexpr std::string_view kCredentialHeaders[] = {"authorization", "x-api-key", "x-goog-api-key",
                                                   "api-key"};

Error unauthorized(std::string msg) { return make_error(ErrorCode::kUnauthorized, std::move(msg)); }
Error forbidden(std::string msg) { return make_error(ErrorCode::kForbidden, std::move(msg)); }

std::string_view strip_bearer(std::string_view v, std::string_view* scheme) {
  v = http::trim(v);
  if (v.size() > 7 && iequals(v.substr(0, 7), "bearer ")) {
    if (scheme) *scheme = v.substr(0, 7);
    return http::trim(v.substr(7));
  }
  if (scheme) *scheme = {};
  return v;
}

// Unreserved characters stay, everything else is %XX (RFC 3986 §2.3).
void append_pct(std::string& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

}  // namespace

std::string replace_query_key(std::string_view target, std::string_view value) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view rest = target.substr(q + 1);
  bool first = true;
  while (true) {
    size_t amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    if (!first) out += '&';
    first = false;
    if (part == "key" || part.starts_with("key=")) {
      out += "key=";
      append_pct(out, value);
    } else {
      out += part;
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

Result<AuthResult> authorize(const KeySet& keys, const AuthInput& in) {
  AuthResult r;
  std::string_view gw_auth = in.headers->get("x-parapet-authorization");
  if (gw_auth.empty()) gw_auth = in.headers->get("cf-aig-authorization");
  if (!gw_auth.empty()) {
    std::string_view token = strip_bearer(gw_auth, nullptr);
    const Key* k = keys.verify(token);
    if (!k || k->kind != KeyKind::kGatewayToken) {
      return unauthorized("x-parapet-authorization: unknown or revoked gateway token");
    }
    if (!k->allows_gateway(in.gateway)) {
      return forbidden("gateway token " + k->id + " is not valid for gateway '" +
                       std::string(in.gateway) + "'");
    }
    r.token = k;
  }

  // Every place a virtual key appears must name the same key: a request cannot carry two.
  std::string_view presented;
  auto consider = [&](std::string_view v) -> Result<bool> {
    if (!looks_like_virtual_key(v)) return false;
    if (!presented.empty() && presented != v) {
      return make_error(ErrorCode::kBadRequest, "the request carries two different virtual keys");
    }
    presented = v;
    return true;
  };
  std::vector<std::pair<std::string_view, std::string_view>> places;  // header name, scheme
  for (const auto& h : *in.headers) {
    for (std::string_view name : kCredentialHeaders) {
      if (!iequals(h.name, name)) continue;
      std::string_view scheme;
      std::string_view v = strip_bearer(h.value, &scheme);
      auto c = consider(v);
      if (!c) return c.error();
      if (*c) places.emplace_back(name, scheme);
    }
  }
  http::Query q(in.query);  // outlives `presented`, which may point into it
  if (!in.query.empty()) {
    if (auto v = q.get("key")) {
      auto c = consider(*v);
      if (!c) return c.error();
      r.query_swap = *c;
    }
  }
  if (!presented.empty()) {
    const Key* k = keys.verify(presented);
    if (!k || k->kind != KeyKind::kVirtualKey) {
      return unauthorized("unknown or revoked virtual key");
    }
    if (k->provider != in.upstream) {
      return forbidden("virtual key " + k->id + " is for provider '" + k->provider + "', not '" +
                       std::string(in.upstream) + "'");
    }
    if (!k->allows_gateway(in.gateway)) {
      return forbidden("virtual key " + k->id + " is not valid for gateway '" +
                       std::string(in.gateway) + "'");
    }
    r.virtual_key = k;
    for (auto [name, scheme] : places) {
      r.header_swaps.emplace_back(std::string(name), std::string(scheme) + k->provider_key);
    }
  }
  if (in.gateway_requires_auth && !r.token && !r.virtual_key) {
    return unauthorized("gateway '" + std::string(in.gateway) +
                        "' requires x-parapet-authorization: Bearer <gateway token> or a virtual "
                        "key");
  }
  r.key_id = r.virtual_key ? r.virtual_key->id : r.token ? r.token->id : std::string();
  return r;
}

}  // namespace parapet::access
