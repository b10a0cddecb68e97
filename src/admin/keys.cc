#include "admin/keys.h"

#include <simdjson.h>

#include <chrono>

namespace parapet::admin {

namespace {

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void str_field(std::string& out, std::string_view key, std::string_view v) {
  out += '"';
  out += key;
  out += "\":\"";
  append_json_escaped(out, v);
  out += "\",";
}

void key_json(std::string& out, const access::Key& k, std::string_view hint, int64_t revoked_us) {
  out += '{';
  str_field(out, "id", k.id);
  str_field(out, "kind", access::kind_name(k.kind));
  str_field(out, "name", k.name);
  str_field(out, "origin", k.origin);
  if (k.kind == access::KeyKind::kVirtualKey) {
    str_field(out, "provider", k.provider);
    str_field(out, "provider_key_hint", hint);
  }
  out += "\"gateways\":[";
  for (size_t i = 0; i < k.gateways.size(); ++i) {
    if (i) out += ',';
    out += '"';
    append_json_escaped(out, k.gateways[i]);
    out += '"';
  }
  out += "],\"created_us\":" + std::to_string(k.created_us);
  out += ",\"revoked\":";
  out += revoked_us ? "true" : "false";
  if (revoked_us) out += ",\"revoked_us\":" + std::to_string(revoked_us);
  out += '}';
}

Reply list(access::Registry& reg) {
  std::string out = "{\"keys\":[";
  bool first = true;
  for (const auto& i : reg.list()) {
    if (!first) out += ',';
    first = false;
    key_json(out, i.key, i.provider_key_hint, i.revoked_us);
  }
  out += "]}";
  return {200, "application/json", std::move(out)};
}

Result<access::NewKey> parse_new_key(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) || !doc.is_object()) {
    return make_error(ErrorCode::kBadRequest, "POST /admin/keys wants a JSON object");
  }
  access::NewKey k;
  for (auto [key, value] : doc.get_object()) {
    std::string_view s;
    if (key == "gateways") {
      simdjson::dom::array arr;
      if (value.get(arr)) return make_error(ErrorCode::kBadRequest, "gateways must be an array");
      for (auto g : arr) {
        if (g.get(s)) return make_error(ErrorCode::kBadRequest, "gateways must hold strings");
        k.gateways.emplace_back(s);
      }
      continue;
    }
    if (value.get(s)) {
      return make_error(ErrorCode::kBadRequest, "field " + std::string(key) + " must be a string");
    }
    if (key == "kind") {
      auto kind = access::parse_kind(s);
      if (!kind) {
        return make_error(ErrorCode::kBadRequest,
                          "kind must be \"gateway_token\" or \"virtual_key\"");
      }
      k.kind = *kind;
    } else if (key == "name") {
      k.name = s;
    } else if (key == "provider") {
      k.provider = s;
    } else if (key == "provider_key") {
      k.provider_key = s;
    } else {
      return make_error(ErrorCode::kBadRequest, "unknown field " + std::string(key));
    }
  }
  return k;
}

}  // namespace

Handler keys_handler(access::Registry& reg) {
  return [&reg](const Request& r) -> Reply {
    if (r.path == "/keys" && (r.method == "GET" || r.method == "HEAD")) return list(reg);
    if (r.path == "/keys" && r.method == "POST") {
      auto nk = parse_new_key(r.body);
      if (!nk) return error_reply(nk.error());
      auto c = reg.create(*nk, now_us());
      if (!c) return error_reply(c.error());
      std::string out = "{\"key\":";
      key_json(out, c->key, {}, 0);
      out += ",\"secret\":\"";
      out += c->secret;
      out += "\"}";
      return {201, "application/json", std::move(out)};
    }
    if (r.path.starts_with("/keys/") && r.method == "DELETE") {
      auto done = reg.revoke(r.path.substr(6), now_us());
      if (!done) return error_reply(done.error());
      return {200, "application/json", "{\"revoked\":true}"};
    }
    return error_reply(make_error(ErrorCode::kMethodNotAllowed,
                                  "/admin/keys takes GET and POST; /admin/keys/ID takes DELETE"));
  };
}

}  // namespace parapet::admin
