// Building the steps of a request: the routed request plus its fallback chain, or the universal
// endpoint's array (docs/reliability.md).
#include <algorithm>

#include "access/authorize.h"
#include "http/headers.h"
#include "pipeline/upstream.h"
#include "providers/usage.h"
#include "reliability/retry.h"
#include "reliability/steps.h"

namespace parapet::pipeline {

bool may_inject_include_usage(const config::Upstream& up) {
  // Mistral and Perplexity report usage unasked, OpenRouter always does (hiding would take away a
  // chunk its clients expect), and Azure rejects the field on api-versions before
  // 2024-08-01-preview.
  std::string_view n = up.name;
  return !(n == "mistral" || n == "perplexity-ai" || n == "openrouter" || n == "azure-openai");
}

Result<reliability::RetrySettings> retry_settings(const Exchange& x, std::string_view gateway) {
  reliability::RetrySettings base;
  if (const auto* g = x.cfg.reliability.find(gateway)) base = g->retry;
  return reliability::apply_headers(base, x.req.headers);
}

namespace {

std::string_view query_of(std::string_view native) {
  size_t q = native.find('?');
  return q == std::string_view::npos ? std::string_view() : native.substr(q + 1);
}

void take_target(route::Target& t, Step& st) {
  st.upstream = t.upstream;
  st.owned_url = std::move(t.owned_url);
  st.path = std::move(t.path);
}

}  // namespace

Result<bool> native_steps(Exchange& x, route::Target& t, std::vector<Step>& out) {
  out.clear();
  std::string native(t.native);
  Step& first = out.emplace_back();
  first.endpoint = x.endpoint;
  first.model = x.record.model_requested;
  first.protocol = x.protocol;
  first.stream = x.stream_requested;
  first.hide_usage = x.hide_usage_chunk;
  take_target(t, first);
  const auto* g = x.cfg.reliability.find(x.record.gateway);
  if (!g || g->fallbacks.empty()) return true;
  const auto* rule = reliability::find_fallback(*g, first.upstream->name, first.model);
  if (!rule) return true;
  for (const auto& to : rule->to) {
    const config::Upstream* up = x.cfg.find_upstream(to.provider);
    if (!up) continue;  // validated at load; a reload can only add upstreams
    // A step to another wire protocol is for the compat endpoint, which translates; a native
    // body would mean nothing there.
    if (up->protocol != out.front().protocol) continue;
    route::Target mapped;
    if (!route::map_upstream(*up, native, mapped)) continue;  // the path means nothing there
    Step& st = out.emplace_back();
    const Step& head = out.front();
    take_target(mapped, st);
    st.endpoint = head.endpoint;
    st.protocol = up->protocol;
    st.stream = head.stream;
    st.hide_usage = head.hide_usage;
    st.model = to.model.empty() ? head.model : to.model;
    st.credential_swaps = up == head.upstream;
    if (!to.model.empty()) {
      // The client's body, include_usage injection included, with `model` rewritten.
      if (auto body = reliability::rewrite_model(x.body, to.model)) {
        st.own_body = true;
        st.body = std::move(*body);
      }
    }
  }
  return true;
}

Result<bool> universal_steps(Exchange& x, const route::Target& t, std::vector<Step>& out) {
  out.clear();
  if (x.req.method != "POST") {
    return make_error(ErrorCode::kMethodNotAllowed,
                      "the universal endpoint /" + std::string(t.gateway) + " takes POST");
  }
  auto parsed = reliability::parse_universal(x.body);
  if (!parsed) return parsed.error();
  const access::KeySet* keys = x.env.access ? &x.env.access_view.get(*x.env.access) : nullptr;
  bool required = x.cfg.gateway_requires_auth(t.gateway);
  if (required && !keys) {
    return make_error(ErrorCode::kInternal, "gateway auth without a key registry");
  }
  out.reserve(parsed->size());
  for (size_t i = 0; i < parsed->size(); ++i) {
    reliability::UniversalStep& u = (*parsed)[i];
    const config::Upstream* up = x.cfg.find_upstream(u.provider);
    std::string where = "universal request step " + std::to_string(i) + ": ";
    if (!up) {
      return make_error(ErrorCode::kBadRequest, where + "unknown provider '" + u.provider + "'");
    }
    std::string native = "/" + u.endpoint;
    route::Target mapped;
    if (auto m = route::map_upstream(*up, native, mapped); !m) {
      return make_error(ErrorCode::kBadRequest, where + m.error().message);
    }
    Step& st = out.emplace_back();
    take_target(mapped, st);
    st.protocol = up->protocol;
    st.endpoint = native.substr(0, native.find('?'));
    st.own_body = true;
    st.body = std::move(u.body);
    st.own_headers = true;
    st.headers = std::move(u.headers);
    st.credential_swaps = false;
    st.max_attempts = u.max_attempts;
    st.retry_delay = u.retry_delay;
    st.backoff = u.backoff;
    st.step_timeout = u.request_timeout;
    if (keys) {
      // The gateway token rides on the client's own headers; virtual keys sit in each step's.
      http::HeaderList step_side;
      for (const auto& [n, v] : st.headers) step_side.add(n, v);
      access::AuthInput in;
      in.gateway = t.gateway;
      in.upstream = up->name;
      in.gateway_requires_auth = false;
      in.headers = &step_side;
      in.query = query_of(native);
      auto a = access::authorize(*keys, in);
      if (!a) return a.error();
      for (const auto& [name, value] : a->header_swaps) {
        for (auto& [n, v] : st.headers) {
          if (http::iequals(n, name)) v = value;
        }
      }
      if (a->query_swap) st.path = access::replace_query_key(st.path, a->virtual_key->provider_key);
      if (!a->key_id.empty()) x.record.key_id = a->key_id;
      if (i == 0) {
        in.headers = &x.req.headers;
        // A virtual key in step headers admits the request on an auth gateway too.
        in.gateway_requires_auth = required && !a->virtual_key;
        in.query = {};
        auto g = access::authorize(*keys, in);
        if (!g) return g.error();
        if (x.record.key_id.empty()) x.record.key_id = g->key_id;
      }
    }
    if (st.protocol != providers::Protocol::kHttp) {
      providers::RequestFacts facts =
          providers::inspect_request(st.protocol, st.endpoint, query_of(native), st.body);
      st.model = std::move(facts.model);
      st.stream = facts.stream;
      if (facts.stream && !facts.client_asked_usage &&
          providers::takes_include_usage(st.protocol, st.endpoint) &&
          may_inject_include_usage(*up)) {
        st.hide_usage = providers::inject_include_usage(st.body);
      }
    }
  }
  return true;
}

}  // namespace parapet::pipeline
