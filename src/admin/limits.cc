#include "admin/limits.h"

#include <simdjson.h>

#include <chrono>

#include "limits/limiter.h"
#include "limits/seed.h"
#include "limits/window.h"

namespace parapet::admin {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
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

void int_field(std::string& out, std::string_view key, int64_t v) {
  out += '"';
  out += key;
  out += "\":";
  out += std::to_string(v);
  out += ',';
}

std::string period_label(limits::Period p, int64_t index) {
  auto c = limits::civil_from_days(limits::period_start_ms(p, index) / 86'400'000);
  char buf[32];
  if (p == limits::Period::kDay) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month,
                  c.day);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u", static_cast<long long>(c.year), c.month);
  }
  return buf;
}

void usage_json(std::string& out, const limits::Rule& r, const limits::State& state, int64_t now) {
  out += "\"usage\":[";
  bool first = true;
  if (r.kind == limits::RuleKind::kRate) {
    int64_t w = limits::window_index(now, r.window_ms);
    for (const auto& row : state.rate_rows(r.id)) {
      int64_t prev = 0, cur = 0;
      row.counter->totals(w, &prev, &cur);
      int64_t used = limits::used(r.window_kind, prev, cur, now, r.window_ms);
      if (used == 0) continue;
      if (!first) out += ',';
      first = false;
      out += '{';
      str_field(out, "scope", row.scope);
      int_field(out, "used", used);
      int_field(out, "limit", r.limit);
      int_field(out, "remaining", std::max<int64_t>(0, r.limit - used));
      out += "\"per_worker\":[";
      std::vector<int64_t> slots = row.counter->per_slot(w);
      for (size_t i = 0; i < slots.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(slots[i]);
      }
      out += "],";
      out += "\"reset_ms\":" + std::to_string((w + 1) * r.window_ms - now) + "}";
    }
  } else {
    int64_t period = limits::period_index(r.period, now);
    for (const auto& row : state.budget_rows(r.id)) {
      if (row.period != period) continue;
      int64_t used = row.account->used(), inflight = row.account->in_flight();
      if (!first) out += ',';
      first = false;
      out += '{';
      str_field(out, "scope", row.scope);
      str_field(out, "period", period_label(r.period, period));
      int_field(out, "spent_micros", used - inflight);
      int_field(out, "reserved_micros", inflight);
      int_field(out, "limit_micros", r.limit_micros);
      int_field(out, "remaining_micros", std::max<int64_t>(0, r.limit_micros - used));
      str_field(out, "spent_usd", limits::usd(used - inflight));
      out +=
          "\"remaining_usd\":\"" + limits::usd(std::max<int64_t>(0, r.limit_micros - used)) + "\"}";
    }
  }
  out += ']';
}

void rule_json(std::string& out, const limits::Rule& r, const limits::State* state, int64_t now) {
  out += '{';
  str_field(out, "id", r.id);
  str_field(out, "type", limits::kind_name(r.kind));
  str_field(out, "gateway", r.gateway);
  str_field(out, "scope", limits::scope_name(r.scope));
  str_field(out, "origin", r.origin);
  if (r.kind == limits::RuleKind::kRate) {
    str_field(out, r.metric == limits::Metric::kRequests ? "requests" : "tokens",
              std::to_string(r.limit));
    str_field(out, "window", r.spec.window);
    int_field(out, "window_ms", r.window_ms);
    str_field(out, "kind", r.window_kind == limits::WindowKind::kSliding ? "sliding" : "fixed");
  } else {
    str_field(out, "limit_usd", r.spec.limit_usd);
    int_field(out, "limit_micros", r.limit_micros);
    str_field(out, "period", r.period == limits::Period::kDay ? "day" : "month");
    int_field(out, "max_output_tokens", r.max_output_tokens);
  }
  if (state) {
    usage_json(out, r, *state, now);
  } else {
    out.pop_back();  // trailing comma
  }
  out += '}';
}

Reply list(limits::Registry& reg, limits::State& state) {
  int64_t now = now_ms();
  std::string out = "{\"rules\":[";
  bool first = true;
  for (const auto& r : reg.current()->rules) {
    if (!first) out += ',';
    first = false;
    rule_json(out, r, &state, now);
  }
  out += "]}";
  return {200, "application/json", std::move(out)};
}

Result<std::pair<limits::RuleSpec, std::string>> parse_rule(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) || !doc.is_object()) {
    return make_error(ErrorCode::kBadRequest, "POST /admin/limits wants a JSON object");
  }
  limits::RuleSpec spec;
  spec.gateway = "default";
  std::string type;
  using F = std::pair<std::string_view, std::string limits::RuleSpec::*>;
  static const F kFields[] = {{"id", &limits::RuleSpec::id},
                              {"gateway", &limits::RuleSpec::gateway},
                              {"scope", &limits::RuleSpec::scope},
                              {"requests", &limits::RuleSpec::requests},
                              {"tokens", &limits::RuleSpec::tokens},
                              {"window", &limits::RuleSpec::window},
                              {"kind", &limits::RuleSpec::kind},
                              {"limit_usd", &limits::RuleSpec::limit_usd},
                              {"period", &limits::RuleSpec::period},
                              {"max_output_tokens", &limits::RuleSpec::max_output_tokens}};
  for (auto [key, value] : doc.get_object()) {
    std::string text;
    std::string_view sv;
    int64_t iv = 0;
    if (!value.get(sv)) {
      text = sv;
    } else if (!value.get(iv)) {
      text = std::to_string(iv);
    } else {
      return make_error(ErrorCode::kBadRequest,
                        "field " + std::string(key) + " must be a string or a whole number");
    }
    if (key == "type") {
      type = text;
      continue;
    }
    bool known = false;
    for (const auto& [name, member] : kFields) {
      if (key == name) {
        spec.*member = text;
        known = true;
      }
    }
    if (!known) return make_error(ErrorCode::kBadRequest, "unknown field " + std::string(key));
  }
  return std::pair{std::move(spec), std::move(type)};
}

}  // namespace

Handler limits_handler(limits::Registry& reg, limits::State& state, std::string logs_db,
                       std::function<bool(std::string_view)> gateway_exists) {
  return [&reg, &state, logs_db, gateway_exists](const Request& r) -> Reply {
    if (r.path == "/limits" && (r.method == "GET" || r.method == "HEAD")) return list(reg, state);
    if (r.path == "/limits" && r.method == "POST") {
      auto parsed = parse_rule(r.body);
      if (!parsed) return error_reply(parsed.error());
      if (gateway_exists && !gateway_exists(parsed->first.gateway)) {
        return error_reply(make_error(ErrorCode::kBadRequest,
                                      "no gateway '" + parsed->first.gateway + "' in the config"));
      }
      auto added = reg.add(std::move(parsed->first), parsed->second);
      if (!added) return error_reply(added.error());
      // A new budget starts from what its scope already spent this period (limits/seed.h).
      if (added->kind == limits::RuleKind::kBudget) {
        auto seeded = limits::seed_budgets(state, *reg.current(), logs_db, now_ms());
        if (!seeded) return error_reply(seeded.error());
      }
      std::string out = "{\"rule\":";
      rule_json(out, *added, nullptr, 0);
      out += '}';
      return {201, "application/json", std::move(out)};
    }
    if (r.path.starts_with("/limits/") && r.method == "DELETE") {
      auto done = reg.remove(r.path.substr(8));
      if (!done) return error_reply(done.error());
      return {200, "application/json", "{\"removed\":true}"};
    }
    return error_reply(make_error(ErrorCode::kMethodNotAllowed,
                                  "/admin/limits takes GET and POST; /admin/limits/ID DELETE"));
  };
}

}  // namespace parapet::admin
