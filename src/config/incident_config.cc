// [incident], its detector subsections and [[incident.notify]] destinations (docs/incidents.md).
// Durations are seconds (fractions allowed, so tests can use short windows).
#include <toml++/toml.h>

#include <cmath>

#include "config/config.h"

namespace parapet::config {

namespace {
Error inc_error(std::string what) { return make_error(ErrorCode::kBadRequest, std::move(what)); }

Result<bool> keys(const toml::table& t, const std::string& where,
                  std::initializer_list<std::string_view> allowed) {
  for (auto&& [k, v] : t) {
    bool ok = false;
    for (auto a : allowed) ok = ok || k.str() == a;
    if (!ok) return inc_error("unknown key '" + std::string(k.str()) + "' in [" + where + "]");
  }
  return true;
}

std::optional<double> number(const toml::node* n) {
  if (!n) return std::nullopt;
  if (auto* i = n->as_integer()) return static_cast<double>(i->get());
  if (auto* f = n->as_floating_point()) return f->get();
  return std::nullopt;
}

Result<bool> num(const toml::table& t, const std::string& where, std::string_view key, double& out,
                 double min, double max) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  auto v = number(n);
  if (!v || !std::isfinite(*v) || *v < min || *v > max) {
    return inc_error("[" + where + "] " + std::string(key) + " must be a number in [" +
                     std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  out = *v;
  return true;
}

// Seconds in the file, µs in the options.
Result<bool> secs(const toml::table& t, const std::string& where, std::string_view key,
                  int64_t& out_us, double min_s = 0.001, double max_s = 30 * 86400.0) {
  double v = static_cast<double>(out_us) / 1e6;
  PARAPET_TRY(num(t, where, key, v, min_s, max_s));
  out_us = static_cast<int64_t>(std::llround(v * 1e6));
  return true;
}

Result<bool> count(const toml::table& t, const std::string& where, std::string_view key,
                   int64_t& out, int64_t max = int64_t{1} << 40) {
  double v = static_cast<double>(out);
  PARAPET_TRY(num(t, where, key, v, 0, static_cast<double>(max)));
  out = static_cast<int64_t>(v);
  return true;
}

Result<bool> str(const toml::table& t, const std::string& where, std::string_view key,
                 std::string& out) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  auto* v = n->as_string();
  if (!v) return inc_error("[" + where + "] " + std::string(key) + " must be a string");
  out = v->get();
  return true;
}
}  // namespace

Result<bool> apply_incident_toml(Snapshot& s, const toml::table& root) {
  auto* t = root["incident"].as_table();
  if (!t) return true;
  incident::Options& o = s.incident;
  PARAPET_TRY(keys(*t, "incident",
                   {"enabled", "declare_after_s", "auto_resolve_after_s", "slow_request_s",
                    "call_link", "slack_signing_secret_env", "notify_timeout_s", "notify_max_age_s",
                    "burn_rate", "latency", "surge", "spend", "breaker", "notify"}));
  if (const toml::node* n = t->get("enabled")) {
    auto* b = n->as_boolean();
    if (!b) return inc_error("[incident] enabled must be true or false");
    o.enabled = b->get();
  }
  std::string w = "incident";
  PARAPET_TRY(secs(*t, w, "declare_after_s", o.declare_after_us, 0));
  PARAPET_TRY(secs(*t, w, "auto_resolve_after_s", o.auto_resolve_after_us, 0));
  PARAPET_TRY(secs(*t, w, "slow_request_s", o.slow_request_us));
  PARAPET_TRY(secs(*t, w, "notify_timeout_s", o.notify_timeout_us, 0.01, 120));
  PARAPET_TRY(secs(*t, w, "notify_max_age_s", o.notify_max_age_us, 1));
  PARAPET_TRY(str(*t, w, "call_link", o.call_link));
  PARAPET_TRY(str(*t, w, "slack_signing_secret_env", o.slack_signing_secret_env));
  if (auto* b = (*t)["burn_rate"].as_table()) {
    std::string bw = "incident.burn_rate";
    auto& x = o.burn_rate;
    PARAPET_TRY(
        keys(*b, bw,
             {"slo", "bucket_s", "fast_long_s", "fast_short_s", "fast_factor", "slow_long_s",
              "slow_short_s", "slow_factor", "min_requests", "min_failures"}));
    PARAPET_TRY(num(*b, bw, "slo", x.slo, 0.5, 0.999999));
    PARAPET_TRY(secs(*b, bw, "bucket_s", x.bucket_us));
    PARAPET_TRY(secs(*b, bw, "fast_long_s", x.fast_long_us));
    PARAPET_TRY(secs(*b, bw, "fast_short_s", x.fast_short_us));
    PARAPET_TRY(secs(*b, bw, "slow_long_s", x.slow_long_us));
    PARAPET_TRY(secs(*b, bw, "slow_short_s", x.slow_short_us));
    PARAPET_TRY(num(*b, bw, "fast_factor", x.fast_factor, 0.01, 1e6));
    PARAPET_TRY(num(*b, bw, "slow_factor", x.slow_factor, 0.01, 1e6));
    PARAPET_TRY(count(*b, bw, "min_requests", x.min_requests));
    PARAPET_TRY(count(*b, bw, "min_failures", x.min_failures));
    if (std::max(x.fast_long_us, x.slow_long_us) / x.bucket_us > 100000) {
      return inc_error("[incident.burn_rate] long windows over 100000 buckets: raise bucket_s");
    }
  }
  if (auto* b = (*t)["latency"].as_table()) {
    std::string bw = "incident.latency";
    auto& x = o.latency;
    PARAPET_TRY(keys(*b, bw,
                     {"bucket_s", "window_s", "baseline_s", "factor", "min_delta_ms",
                      "min_requests", "min_baseline"}));
    PARAPET_TRY(secs(*b, bw, "bucket_s", x.bucket_us));
    PARAPET_TRY(secs(*b, bw, "window_s", x.window_us));
    PARAPET_TRY(secs(*b, bw, "baseline_s", x.baseline_us));
    PARAPET_TRY(num(*b, bw, "factor", x.factor, 1, 1e6));
    int64_t ms = x.min_delta_us / 1000;
    PARAPET_TRY(count(*b, bw, "min_delta_ms", ms));
    x.min_delta_us = ms * 1000;
    PARAPET_TRY(count(*b, bw, "min_requests", x.min_requests));
    PARAPET_TRY(count(*b, bw, "min_baseline", x.min_baseline));
  }
  if (auto* b = (*t)["surge"].as_table()) {
    std::string bw = "incident.surge";
    auto& x = o.surge;
    PARAPET_TRY(keys(
        *b, bw,
        {"window_s", "history", "min_history", "z", "min_requests", "min_retries", "min_waf"}));
    PARAPET_TRY(secs(*b, bw, "window_s", x.window_us));
    int64_t h = x.history, mh = x.min_history;
    PARAPET_TRY(count(*b, bw, "history", h, 10000));
    PARAPET_TRY(count(*b, bw, "min_history", mh, 10000));
    x.history = static_cast<int>(std::max<int64_t>(1, h));
    x.min_history = static_cast<int>(mh);
    PARAPET_TRY(num(*b, bw, "z", x.z, 0.1, 1000));
    PARAPET_TRY(count(*b, bw, "min_requests", x.min_requests));
    PARAPET_TRY(count(*b, bw, "min_retries", x.min_retries));
    PARAPET_TRY(count(*b, bw, "min_waf", x.min_waf));
  }
  if (auto* b = (*t)["spend"].as_table()) {
    std::string bw = "incident.spend";
    auto& x = o.spend;
    PARAPET_TRY(keys(*b, bw, {"budget_usd_per_day", "window_s", "factor"}));
    double usd = static_cast<double>(x.budget_micros_per_day) / 1e6;
    PARAPET_TRY(num(*b, bw, "budget_usd_per_day", usd, 0, 1e9));
    x.budget_micros_per_day = static_cast<int64_t>(std::llround(usd * 1e6));
    PARAPET_TRY(secs(*b, bw, "window_s", x.window_us));
    PARAPET_TRY(num(*b, bw, "factor", x.factor, 0.01, 1e6));
  }
  if (auto* b = (*t)["breaker"].as_table()) {
    PARAPET_TRY(keys(*b, "incident.breaker", {"window_s"}));
    PARAPET_TRY(secs(*b, "incident.breaker", "window_s", o.breaker.window_us));
  }
  if (const toml::node* n = t->get("notify")) {
    auto* arr = n->as_array();
    if (!arr) return inc_error("[[incident.notify]] must be an array of tables");
    for (const auto& el : *arr) {
      auto* d = el.as_table();
      if (!d) return inc_error("[[incident.notify]] entries must be tables");
      std::string nw = "incident.notify";
      PARAPET_TRY(keys(*d, nw, {"stream", "kind", "url", "routing_key_env"}));
      incident::Destination dest;
      std::string stream = "debug", kind = "slack";
      PARAPET_TRY(str(*d, nw, "stream", stream));
      PARAPET_TRY(str(*d, nw, "kind", kind));
      PARAPET_TRY(str(*d, nw, "url", dest.url));
      PARAPET_TRY(str(*d, nw, "routing_key_env", dest.routing_key_env));
      if (stream == "debug") {
        dest.stream = incident::Stream::kDebug;
      } else if (stream == "impact") {
        dest.stream = incident::Stream::kImpact;
      } else if (stream == "comms") {
        dest.stream = incident::Stream::kComms;
      } else {
        return inc_error("[[incident.notify]] stream must be debug, impact or comms");
      }
      if (kind == "slack") {
        dest.kind = incident::DestKind::kSlack;
      } else if (kind == "webhook") {
        dest.kind = incident::DestKind::kWebhook;
      } else if (kind == "pagerduty") {
        dest.kind = incident::DestKind::kPagerDuty;
        if (dest.url.empty()) dest.url = "https://events.pagerduty.com/v2/enqueue";
      } else {
        return inc_error("[[incident.notify]] kind must be slack, webhook or pagerduty");
      }
      auto u = parse_url(dest.url.substr(0, dest.url.find('?')));
      if (!u) return inc_error("[[incident.notify]] url: " + u.error().message);
      o.destinations.push_back(std::move(dest));
    }
  }
  return true;
}

}  // namespace parapet::config
