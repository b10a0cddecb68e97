#include "route/router.h"

namespace parapet::route {

namespace {
Error not_found(std::string m) { return make_error(ErrorCode::kNotFound, std::move(m)); }

// Splits the next path segment off `rest` (which starts after a '/'); stops at '/' or '?'.
std::string_view next_segment(std::string_view& rest) {
  size_t end = rest.find_first_of("/?");
  std::string_view seg = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  return seg;
}
}  // namespace

Result<bool> resolve(const config::Snapshot& snap, std::string_view target, Target& out) {
  if (target.empty() || target[0] != '/') return not_found("request target must start with '/'");
  std::string_view rest = target.substr(1);
  std::string_view gateway = next_segment(rest);
  if (gateway == "v1" && !snap.has_gateway(gateway) && snap.has_gateway("default")) {
    out.gateway = "default";
    out.compat = true;
    out.native = rest;
    return true;
  }
  if (gateway.empty() || !snap.has_gateway(gateway)) {
    return not_found("unknown gateway '" + std::string(gateway.substr(0, 64)) + "'");
  }
  out.gateway = gateway;  // known even when the provider is not: the record keeps it
  if (rest.empty() || rest == "/" || rest.starts_with('?') || rest.starts_with("/?")) {
    out.universal = true;
    return true;
  }
  if (!rest.starts_with('/')) return not_found("missing provider: use /{gateway}/{provider}/...");
  rest.remove_prefix(1);
  std::string_view provider = next_segment(rest);
  if (provider == "compat") {
    out.compat = true;
    out.native = rest;
    return true;
  }
  const config::Upstream* up = snap.find_upstream(provider);
  if (!up) return not_found("unknown provider '" + std::string(provider.substr(0, 64)) + "'");
  std::string_view native = rest;  // "", "/...", or "?..."
  out.native = native;
  return map_upstream(*up, native, out);
}

Result<bool> map_upstream(const config::Upstream& up_ref, std::string_view native, Target& out) {
  const config::Upstream* up = &up_ref;
  out.upstream = up;
  out.owned_url.reset();
  out.url = &up->base_url;
  if (up->spec) {
    auto mapped = providers::map_native_path(*up->spec, up->base, native);
    if (!mapped) return mapped.error();
    if (up->base_is_template) {
      auto url = parse_url(mapped->base);
      if (!url) return not_found("cannot build upstream URL: " + url.error().message);
      out.owned_url = std::move(*url);
      out.url = &*out.owned_url;
    }
    out.path = out.url->path;
    out.path += mapped->path;
  } else {
    out.path = up->base_url.path;
    if (!native.starts_with('/')) out.path += '/';
    out.path += native;
  }
  return true;
}

}  // namespace parapet::route
