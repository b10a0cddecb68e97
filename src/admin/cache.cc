// /admin/cache handlers.
#include "admin/cache.h"

namespace parapet::admin {

Reply cache_admin(cache::Cache& c, const Request& r) {
  if (r.path != "/cache") {
    return error_reply(make_error(ErrorCode::kNotFound,
                                  "no admin endpoint " + std::string(r.path.substr(0, 128))));
  }
  if (r.method == "GET" || r.method == "HEAD") return {200, "application/json", c.stats_json()};
  if (r.method == "DELETE") {
    std::string_view gateway = r.query.get("gateway").value_or("");
    uint64_t n = c.purge(gateway);
    std::string body = "{\"purged\":" + std::to_string(n) + ",\"gateway\":";
    if (gateway.empty()) {
      body += "null";
    } else {
      body += '"';
      append_json_escaped(body, gateway);
      body += '"';
    }
    body += "}";
    return {200, "application/json", body};
  }
  return error_reply(
      make_error(ErrorCode::kMethodNotAllowed, "/admin/cache accepts GET and DELETE"));
}

}  // namespace parapet::admin
