// Auth phase: the pure decision is access::authorize(); this applies it to the exchange.
#include "access/authorize.h"
#include "pipeline/phases.h"

namespace parapet::pipeline {

Result<bool> authorize(Exchange& x, route::Target& t) {
  bool required = x.cfg.gateway_requires_auth(t.gateway);
  if (!x.env.access) {
    if (required) return make_error(ErrorCode::kInternal, "gateway auth without a key registry");
    return true;
  }
  const access::KeySet& keys = x.env.access_view.get(*x.env.access);
  size_t q = t.native.find('?');
  access::AuthInput in;
  in.gateway = t.gateway;
  in.upstream = t.upstream->name;
  in.gateway_requires_auth = required;
  in.headers = &x.req.headers;
  in.query = q == std::string_view::npos ? std::string_view() : t.native.substr(q + 1);
  auto r = access::authorize(keys, in);
  if (!r) return r.error();
  x.record.key_id = std::move(r->key_id);
  x.credential_swaps = std::move(r->header_swaps);
  if (r->query_swap) t.path = access::replace_query_key(t.path, r->virtual_key->provider_key);
  return true;
}

}  // namespace parapet::pipeline
