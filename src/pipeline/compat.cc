// The compat endpoint's request side: route by `model`, build translated or passed-through steps.
#include "pipeline/compat.h"

#include <algorithm>

#include "http/headers.h"
#include "pipeline/exchange.h"
#include "providers/json_probe.h"
#include "providers/usage.h"
#include "reliability/steps.h"

namespace parapet::pipeline {

namespace {

using http::iequals;

constexpr std::string_view kChat = "/chat/completions";
constexpr std::string_view kCredentialHeaders[] = {"authorization", "x-api-key", "x-goog-api-key"};

Error invalid(std::string message) {
  return make_error(ErrorCode::kInvalidRequest, std::move(message));
}

std::string_view path_of(const route::Target& t) { return t.native.substr(0, t.native.find('?')); }

// Which wire format a provider's upstream speaks, for the compat endpoint: translated, passed
// through (OpenAI and OpenAI-compatible), or not served (Cohere's own API, plain origins, Azure,
// whose deployments are named in the path rather than by `model`).
enum class Serve { kTranslate, kPassThrough, kNo };

Serve how_served(const config::Upstream& up, translate::Target* target) {
  switch (up.protocol) {
    case providers::Protocol::kAnthropic:
      *target = translate::Target::kAnthropic;
      return Serve::kTranslate;
    case providers::Protocol::kGemini:
      *target = translate::Target::kGemini;
      return Serve::kTranslate;
    case providers::Protocol::kOpenAI:
      return up.base_is_template ? Serve::kNo : Serve::kPassThrough;
    default:
      return Serve::kNo;
  }
}

// Where chat completions live under a provider's base: Mistral's base has no version segment.
std::string_view chat_path(const config::Upstream& up) {
  return up.name == "mistral" ? std::string_view("/v1/chat/completions") : kChat;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view strip_bearer(std::string_view v) {
  v = http::trim(v);
  if (starts_with_ci(v, "bearer ")) v = http::trim(v.substr(7));
  return v;
}

const std::string* swapped_value(const Exchange& x, std::string_view name) {
  for (const auto& [n, v] : x.credential_swaps) {
    if (iequals(n, name)) return &v;
  }
  return nullptr;
}

// The provider key for a translated step: the client's `Authorization: Bearer <key>` (what an
// OpenAI SDK sends), or an x-api-key / x-goog-api-key it sent instead. A virtual key the auth
// phase swapped is used only on its own upstream (primary); it is never sent elsewhere, as for
// native fallbacks (pipeline/attempt.cc).
std::string client_key(const Exchange& x, bool primary) {
  for (std::string_view name : kCredentialHeaders) {
    if (const std::string* sw = swapped_value(x, name)) {
      if (primary) return std::string(strip_bearer(*sw));
      continue;
    }
    std::string_view v = x.req.headers.get(name);
    if (!v.empty()) return std::string(strip_bearer(v));
  }
  return {};
}

// A translated step's header set: the client's end-to-end fields minus credentials and OpenAI's
// own (openai-organization, openai-project, openai-beta mean nothing elsewhere), the native API's
// fields, and the key in the field the provider reads. Framing and x-parapet-* controls are
// dropped later, as for every step (build_upstream_head).
std::vector<std::pair<std::string, std::string>> translated_headers(
    const Exchange& x, const translate::NativeRequest& native, translate::Target target,
    bool primary) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string_view connection = x.req.headers.get("connection");
  for (const auto& h : x.req.headers) {
    bool skip = starts_with_ci(h.name, "openai-") || iequals(h.name, "content-type") ||
                (!connection.empty() && http::list_has_token(connection, h.name));
    for (std::string_view c : kCredentialHeaders) skip = skip || iequals(h.name, c);
    for (const auto& n : native.headers) skip = skip || iequals(h.name, n.name);
    if (!skip) out.emplace_back(std::string(h.name), std::string(h.value));
  }
  for (const auto& n : native.headers) out.emplace_back(std::string(n.name), std::string(n.value));
  std::string key = client_key(x, primary);
  if (!key.empty()) out.emplace_back(std::string(translate::auth_header(target)), std::move(key));
  return out;
}

// The message of an OpenAI error body made by the translator.
std::string error_message(const translate::OpenAIError& e) {
  static constexpr std::string_view kPaths[] = {"error.message"};
  providers::json::Value v[1];
  if (providers::json::probe(e.body, false, kPaths, v) &&
      v[0].kind == providers::json::Kind::kString) {
    return v[0].text;
  }
  return "the request cannot be translated";
}

void take(route::Target& mapped, Step& st) {
  st.upstream = mapped.upstream;
  st.owned_url = std::move(mapped.owned_url);
  st.path = std::move(mapped.path);
}

// One step: `model` at upstream `up`. primary: up is the upstream the client's model named.
Result<bool> make_step(Exchange& x, const config::Upstream& up, std::string_view model,
                       const CompatRequest& c, bool primary, Step& st) {
  translate::Target target{};
  Serve serve = how_served(up, &target);
  if (serve == Serve::kNo) {
    return invalid("provider '" + up.name +
                   "' is not served by the compat endpoint: use its native route /" +
                   std::string(x.record.gateway) + "/" + up.name + "/...");
  }
  st.model = model;
  st.protocol = up.protocol;
  st.own_body = true;
  route::Target mapped;
  if (serve == Serve::kTranslate) {
    auto tr = translate::translate_request(target, model, x.body);
    if (!tr.ok) return invalid(error_message(tr.error));
    PARAPET_TRY(route::map_upstream(up, tr.native.path, mapped));
    take(mapped, st);
    st.endpoint = tr.native.path.substr(0, tr.native.path.find('?'));
    st.stream = tr.native.plan.stream;
    st.own_headers = true;
    st.headers = translated_headers(x, tr.native, target, primary);
    st.credential_swaps = false;
    st.body = std::move(tr.native.body);
    st.translation = std::move(tr.native.plan);
    return true;
  }
  PARAPET_TRY(route::map_upstream(up, chat_path(up), mapped));
  take(mapped, st);
  st.endpoint = kChat;
  st.stream = c.stream;
  st.credential_swaps = primary;
  auto body = reliability::rewrite_model(x.body, model);
  if (!body) return invalid("the request body must be a JSON object");
  st.body = std::move(*body);
  if (c.stream && !c.client_asked_usage && may_inject_include_usage(up)) {
    st.hide_usage = providers::inject_include_usage(st.body);
  }
  return true;
}

}  // namespace

bool is_compat_models(const Exchange& x, const route::Target& t) {
  return path_of(t) == "/models" && (x.req.method == "GET" || x.req.method == "HEAD");
}

awaitable<void> send_compat_models(Exchange& x) {
  // Every priced model of a provider the endpoint serves, then the models named in this
  // gateway's fallback chains (custom upstreams have no price table entries otherwise).
  std::vector<std::pair<std::string, std::string>> ids;  // id, owner
  auto add = [&](std::string_view provider, std::string_view model) {
    const config::Upstream* up = x.cfg.find_upstream(provider);
    translate::Target t{};
    if (!up || model.empty() || how_served(*up, &t) == Serve::kNo) return;
    ids.emplace_back(std::string(provider) + "/" + std::string(model), std::string(provider));
  };
  for (const cost::Price& p : x.cfg.prices->entries()) add(p.provider, p.id);
  if (const auto* g = x.cfg.reliability.find(x.record.gateway)) {
    for (const auto& rule : g->fallbacks) {
      add(rule.from.provider, rule.from.model);
      for (const auto& to : rule.to) add(to.provider, to.model);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string body = R"({"object":"list","data":[)";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) body += ',';
    body += R"({"id":")";
    append_json_escaped(body, ids[i].first);
    body += R"(","object":"model","created":0,"owned_by":")";
    append_json_escaped(body, ids[i].second);
    body += "\"}";
  }
  body += "]}";
  co_await send_local(x, 200, "application/json", body);
}

Result<bool> compat_route(Exchange& x, route::Target& t, CompatRequest& c) {
  std::string_view path = path_of(t);
  if (path == "/models") {
    return make_error(ErrorCode::kMethodNotAllowed, "/models takes GET");
  }
  if (path != kChat) {
    return make_error(ErrorCode::kNotFound,
                      "the compat endpoint serves /chat/completions and /models, not '" +
                          std::string(path.substr(0, 64)) + "'");
  }
  if (x.req.method != "POST") {
    return make_error(ErrorCode::kMethodNotAllowed, "/chat/completions takes POST");
  }
  auto facts = providers::inspect_request(providers::Protocol::kOpenAI, kChat, {}, x.body);
  std::string_view provider, model;
  if (facts.model.empty()) {
    return invalid("`model` is required, as provider/model (e.g. anthropic/claude-sonnet-4-5)");
  }
  if (!translate::split_model(facts.model, &provider, &model)) {
    return invalid("`model` must be provider/model (e.g. anthropic/claude-sonnet-4-5), not '" +
                   facts.model.substr(0, 128) + "'");
  }
  const config::Upstream* up = x.cfg.find_upstream(provider);
  if (!up)
    return invalid("unknown provider '" + std::string(provider.substr(0, 64)) + "' in `model`");
  c.provider = provider;
  c.model = model;
  c.stream = facts.stream;
  c.client_asked_usage = facts.client_asked_usage;
  t.upstream = up;
  x.record.provider = up->name;
  x.record.model_requested = c.model;
  x.record.endpoint = kChat;
  return true;
}

Result<bool> compat_steps(Exchange& x, const route::Target& t, const CompatRequest& c,
                          std::vector<Step>& out) {
  out.clear();
  PARAPET_TRY(make_step(x, *t.upstream, c.model, c, true, out.emplace_back()));
  const auto* g = x.cfg.reliability.find(x.record.gateway);
  const reliability::FallbackRule* rule =
      g ? reliability::find_fallback(*g, t.upstream->name, c.model) : nullptr;
  if (!rule) return true;
  for (const auto& to : rule->to) {
    const config::Upstream* up = x.cfg.find_upstream(to.provider);
    if (!up) continue;  // validated at load; a reload can only add upstreams
    Step st;
    std::string_view model = to.model.empty() ? std::string_view(c.model) : to.model;
    // A fallback this endpoint cannot serve (or a body it cannot translate) is skipped, as a
    // native fallback to a path the provider does not have is.
    if (make_step(x, *up, model, c, up == t.upstream, st)) out.push_back(std::move(st));
  }
  return true;
}

}  // namespace parapet::pipeline
