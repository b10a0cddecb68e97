// `parapet limits`: rate limits and budgets through the admin API (docs/limits.md).
//   list                 every rule in force
//   usage                every rule with its usage per scope value
//   add --id ID ...      a rate limit (--requests/--tokens, --window, --kind) or a budget
//                        (--limit-usd, --period, --max-output-tokens)
//   remove ID            an admin rule
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/admin_client.h"
#include "cli/commands.h"

namespace parapet::cli {

namespace {

struct LimitArgs {
  std::string admin = "127.0.0.1:8701";
  bool json = false;
  std::string id, gateway = "default", scope = "gateway", requests, tokens, window, kind, limit_usd,
                  period, max_output_tokens;
};

int fail(const std::string& msg) {
  std::fprintf(stderr, "parapet: %s\n", msg.c_str());
  return 1;
}

std::string s(simdjson::dom::element e, const char* k) {
  std::string_view v;
  if (!e[k].get(v)) return std::string(v);
  int64_t i = 0;
  if (!e[k].get(i)) return std::to_string(i);
  return {};
}

int call(const LimitArgs& a, std::string_view method, const std::string& target,
         const std::string& body, std::string* out) {
  auto r = admin_call(a.admin, method, target, body);
  if (!r) return fail(r.error().message);
  if (r->status < 200 || r->status > 299) {
    return fail("admin API answered " + std::to_string(r->status) + ": " + r->body);
  }
  if (a.json) std::printf("%s\n", r->body.c_str());
  if (out) *out = std::move(r->body);
  return 0;
}

std::string what(simdjson::dom::element r) {
  if (s(r, "type") == "rate") {
    std::string metric = s(r, "requests").empty() ? "tokens" : "requests";
    return s(r, metric.c_str()) + " " + metric + "/" + s(r, "window") + " " + s(r, "kind");
  }
  return "$" + s(r, "limit_usd") + "/" + s(r, "period");
}

int run_list(const LimitArgs& a, bool usage) {
  std::string body;
  if (int rc = call(a, "GET", "/limits", {}, &body); rc || a.json) return rc;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array rules;
  if (parser.parse(body).get(doc) || doc["rules"].get(rules)) {
    return fail("admin API answered malformed JSON");
  }
  if (!usage) {
    std::printf("%-20s %-7s %-10s %-18s %-28s %s\n", "ID", "TYPE", "GATEWAY", "SCOPE", "LIMIT",
                "ORIGIN");
  } else {
    std::printf("%-20s %-18s %-32s %s\n", "ID", "SCOPE", "VALUE", "USED / LIMIT");
  }
  for (auto r : rules) {
    if (!usage) {
      std::printf("%-20s %-7s %-10s %-18s %-28s %s\n", s(r, "id").c_str(), s(r, "type").c_str(),
                  s(r, "gateway").c_str(), s(r, "scope").c_str(), what(r).c_str(),
                  s(r, "origin").c_str());
      continue;
    }
    simdjson::dom::array rows;
    if (r["usage"].get(rows)) continue;
    for (auto u : rows) {
      std::string used =
          s(r, "type") == "rate"
              ? s(u, "used") + " / " + s(u, "limit") + " (reset in " + s(u, "reset_ms") + " ms)"
              : s(u, "spent_usd") + " spent, " + s(u, "reserved_micros") + " µ$ reserved, " +
                    s(u, "remaining_usd") + " left (" + s(u, "period") + ")";
      std::printf("%-20s %-18s %-32s %s\n", s(r, "id").c_str(), s(r, "scope").c_str(),
                  s(u, "scope").c_str(), used.c_str());
    }
  }
  return 0;
}

void field(std::string& b, std::string_view k, const std::string& v) {
  if (v.empty()) return;
  b += b.size() > 1 ? "," : "";
  b += '"';
  b += k;
  b += "\":\"";
  append_json_escaped(b, v);
  b += '"';
}

int run_add(const LimitArgs& a) {
  std::string b = "{";
  field(b, "id", a.id);
  field(b, "gateway", a.gateway);
  field(b, "scope", a.scope);
  field(b, "requests", a.requests);
  field(b, "tokens", a.tokens);
  field(b, "window", a.window);
  field(b, "kind", a.kind);
  field(b, "limit_usd", a.limit_usd);
  field(b, "period", a.period);
  field(b, "max_output_tokens", a.max_output_tokens);
  b += '}';
  if (int rc = call(a, "POST", "/limits", b, nullptr)) return rc;
  if (!a.json) std::printf("added %s\n", a.id.c_str());
  return 0;
}

int run_remove(const LimitArgs& a) {
  if (int rc = call(a, "DELETE", "/limits/" + a.id, {}, nullptr)) return rc;
  if (!a.json) std::printf("removed %s\n", a.id.c_str());
  return 0;
}

}  // namespace

void add_limits_command(CLI::App& app) {
  auto a = std::make_shared<LimitArgs>();
  CLI::App* c = app.add_subcommand("limits", "Rate limits and spend budgets");
  c->require_subcommand(1);
  c->add_option("--admin", a->admin, "Admin API HOST:PORT")->capture_default_str();
  c->add_flag("--json", a->json, "Print the admin API's JSON");
  c->add_subcommand("list", "Every rule in force")->callback([a] {
    std::exit(run_list(*a, false));
  });
  c->add_subcommand("usage", "Usage per scope value of every rule")->callback([a] {
    std::exit(run_list(*a, true));
  });
  CLI::App* add = c->add_subcommand("add", "A rate limit or (with --limit-usd) a budget");
  add->add_option("--id", a->id, "Rule id (keys its counters)")->required();
  add->add_option("--gateway", a->gateway)->capture_default_str();
  add->add_option("--scope", a->scope, "gateway | key | ip | metadata.FIELD")
      ->capture_default_str();
  add->add_option("--requests", a->requests, "Requests per window");
  add->add_option("--tokens", a->tokens, "Tokens (input + output) per window");
  add->add_option("--window", a->window, "e.g. 60s, 1h");
  add->add_option("--kind", a->kind, "fixed | sliding");
  add->add_option("--limit-usd", a->limit_usd, "Budget in USD, e.g. 25.00");
  add->add_option("--period", a->period, "day | month (UTC)");
  add->add_option("--max-output-tokens", a->max_output_tokens,
                  "Budget: output reserved when a request names no max_tokens");
  add->callback([a] { std::exit(run_add(*a)); });
  CLI::App* rm = c->add_subcommand("remove", "Remove an admin rule");
  rm->add_option("id", a->id, "Rule id")->required();
  rm->callback([a] { std::exit(run_remove(*a)); });
}

}  // namespace parapet::cli
