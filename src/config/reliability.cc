// [gateways.NAME] retry defaults and fallbacks, [circuit_breaker] (docs/reliability.md).
#include "config/reliability_load.h"
#include "reliability/retry.h"
#include "reliability/steps.h"

namespace parapet::config {

namespace {

Error config_error(std::string what) { return make_error(ErrorCode::kBadRequest, std::move(what)); }

Result<int64_t> read_integer(const toml::table& t, std::string_view where, std::string_view key,
                             int64_t min, int64_t max, int64_t dflt) {
  const toml::node* n = t.get(key);
  if (!n) return dflt;
  auto* iv = n->as_integer();
  if (!iv || iv->get() < min || iv->get() > max) {
    return config_error("[" + std::string(where) + "] " + std::string(key) +
                        " must be an integer in [" + std::to_string(min) + ", " +
                        std::to_string(max) + "]");
  }
  return iv->get();
}

std::string_view protocol_name(providers::Protocol p) {
  switch (p) {
    case providers::Protocol::kOpenAI:
      return "OpenAI";
    case providers::Protocol::kAnthropic:
      return "Anthropic";
    case providers::Protocol::kGemini:
      return "Gemini";
    case providers::Protocol::kCohere:
      return "Cohere";
    case providers::Protocol::kHttp:
      return "plain HTTP";
  }
  return "?";
}

}  // namespace

Result<bool> read_gateway_reliability(Snapshot& s, const std::string& name, const toml::table& t) {
  std::string where = "gateways." + name;
  reliability::GatewayReliability g;
  g.gateway = name;
  auto& r = g.retry;
  auto attempts = read_integer(t, where, "max_attempts", 1, reliability::kMaxAttempts, 1);
  if (!attempts) return attempts.error();
  r.max_attempts = static_cast<int>(*attempts);
  auto delay = read_integer(t, where, "retry_delay_ms", 0, reliability::kMaxRetryDelay.count(),
                            r.retry_delay.count());
  if (!delay) return delay.error();
  r.retry_delay = reliability::Millis(*delay);
  auto timeout =
      read_integer(t, where, "request_timeout_ms", 0, reliability::kMaxRequestTimeout.count(), 0);
  if (!timeout) return timeout.error();
  r.request_timeout = reliability::Millis(*timeout);
  if (const toml::node* n = t.get("backoff")) {
    auto* str = n->as_string();
    auto b = reliability::parse_backoff(str ? std::string_view(str->get()) : "");
    if (!b)
      return config_error("[" + where +
                          "] backoff must be \"constant\", \"linear\" or \"exponential\"");
    r.backoff = *b;
  }
  if (const toml::node* n = t.get("fallbacks")) {
    auto* ft = n->as_table();
    if (!ft) return config_error("[" + where + ".fallbacks] must be a table");
    for (auto&& [k, v] : *ft) {
      std::string key(k.str());
      std::string at = "[" + where + ".fallbacks] \"" + key + "\"";
      auto from = reliability::parse_model_ref(key);
      if (!from) return config_error(at + ": " + from.error().message);
      reliability::FallbackRule rule;
      rule.from = std::move(*from);
      auto* arr = v.as_array();
      if (!arr || arr->empty()) {
        return config_error(at + " must be a non-empty array of \"provider/model\" strings");
      }
      if (arr->size() + 1 > reliability::kMaxUniversalSteps) {
        return config_error(at + ": at most " +
                            std::to_string(reliability::kMaxUniversalSteps - 1) + " fallbacks");
      }
      for (const auto& el : *arr) {
        auto* str = el.as_string();
        if (!str) return config_error(at + " must be an array of \"provider/model\" strings");
        auto to = reliability::parse_model_ref(str->get());
        if (!to) return config_error(at + ": " + to.error().message);
        rule.to.push_back(std::move(*to));
      }
      g.fallbacks.push_back(std::move(rule));
    }
  }
  s.reliability.gateways.push_back(std::move(g));
  return true;
}

Result<bool> read_circuit_breaker(Snapshot& s, const toml::table& root) {
  auto* t = root["circuit_breaker"].as_table();
  if (!t) return true;
  for (auto&& [k, v] : *t) {
    static constexpr std::string_view kKeys[] = {
        "enabled",   "consecutive_failures", "failure_rate_percent", "min_requests",
        "window_ms", "cooldown_ms",          "half_open_probes"};
    bool ok = false;
    for (auto key : kKeys) ok = ok || k.str() == key;
    if (!ok) return config_error("unknown key '" + std::string(k.str()) + "' in [circuit_breaker]");
  }
  auto& b = s.reliability.breaker;
  if (const toml::node* n = t->get("enabled")) {
    auto* v = n->as_boolean();
    if (!v) return config_error("[circuit_breaker] enabled must be true or false");
    b.enabled = v->get();
  }
  auto read = [&](std::string_view key, int64_t min, int64_t max, int64_t dflt) {
    return read_integer(*t, "circuit_breaker", key, min, max, dflt);
  };
  auto cf = read("consecutive_failures", 0, 1'000'000, b.consecutive_failures);
  if (!cf) return cf.error();
  auto rate = read("failure_rate_percent", 0, 100, b.failure_rate_percent);
  if (!rate) return rate.error();
  auto minr = read("min_requests", 1, 1'000'000, b.min_requests);
  if (!minr) return minr.error();
  auto window = read("window_ms", 1, 86'400'000, b.window.count());
  if (!window) return window.error();
  auto cooldown = read("cooldown_ms", 1, 86'400'000, b.cooldown.count());
  if (!cooldown) return cooldown.error();
  auto probes = read("half_open_probes", 1, 1000, b.half_open_probes);
  if (!probes) return probes.error();
  b.consecutive_failures = static_cast<uint32_t>(*cf);
  b.failure_rate_percent = static_cast<uint32_t>(*rate);
  b.min_requests = static_cast<uint32_t>(*minr);
  b.window = reliability::Millis(*window);
  b.cooldown = reliability::Millis(*cooldown);
  b.half_open_probes = static_cast<uint32_t>(*probes);
  return true;
}

Result<bool> validate_fallbacks(const Snapshot& s) {
  for (const auto& g : s.reliability.gateways) {
    for (const auto& rule : g.fallbacks) {
      std::string at = "[gateways." + g.gateway + ".fallbacks] \"" + rule.from.provider +
                       (rule.from.model.empty() ? "" : "/" + rule.from.model) + "\"";
      const Upstream* from = s.find_upstream(rule.from.provider);
      if (!from) return config_error(at + ": unknown provider '" + rule.from.provider + "'");
      for (const auto& to : rule.to) {
        const Upstream* up = s.find_upstream(to.provider);
        if (!up) return config_error(at + ": unknown provider '" + to.provider + "'");
        // A native request is sent as the client wrote it, only `model` changes, so its steps
        // keep the protocol. The compat endpoint translates each step for its own provider, so a
        // chain may mix OpenAI-compatible, Anthropic and Gemini upstreams: native requests then
        // skip the steps of another protocol (pipeline/plan_steps.cc). Other protocols have no
        // translator.
        auto compat = [](providers::Protocol p) {
          return p == providers::Protocol::kOpenAI || p == providers::Protocol::kAnthropic ||
                 p == providers::Protocol::kGemini;
        };
        if (up->protocol != from->protocol && !(compat(up->protocol) && compat(from->protocol))) {
          return config_error(at + ": '" + to.provider + "' speaks the " +
                              std::string(protocol_name(up->protocol)) + " protocol and '" +
                              rule.from.provider + "' the " +
                              std::string(protocol_name(from->protocol)) +
                              " one; only OpenAI-compatible, Anthropic and Gemini upstreams can "
                              "stand in for each other (through the compat endpoint)");
        }
        if ((up->spec && up->spec->azure_style) || (from->spec && from->spec->azure_style)) {
          if (up != from) {
            return config_error(at +
                                ": azure-openai paths name a deployment, so it cannot stand "
                                "in for another provider or be stood in for");
          }
        }
        if (up->protocol == providers::Protocol::kHttp && !to.model.empty()) {
          return config_error(at + ": '" + to.provider +
                              "' is a plain HTTP origin; there is no model to rewrite");
        }
      }
    }
  }
  return true;
}

}  // namespace parapet::config
