// `parapet rules`: the WAF's rules through the admin API (docs/waf.md).
//   list                        rules in force, custom version, history
//   deploy FILE                 deploy a rule file (TOML, version = 1) to every worker
//   rollback                    back to the previous rule file
//   hunt RULE_ID|FILE [--since 30d] [--until T]   retro-hunt over stored records
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/admin_client.h"
#include "cli/commands.h"

namespace parapet::cli {

namespace {

struct RuleArgs {
  std::string admin = "127.0.0.1:8701";
  bool json = false;
  std::string file, target, since, until;
};

int fail(const std::string& msg) {
  std::fprintf(stderr, "parapet: %s\n", msg.c_str());
  return 1;
}

std::string url_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string who() {
  const char* u = std::getenv("USER");
  return url_encode(std::string("cli:") + (u ? u : "unknown"));
}

int call(const RuleArgs& a, std::string_view method, const std::string& target,
         std::string_view body, std::string* out) {
  auto r = admin_call(a.admin, method, target, body);
  if (!r) return fail(r.error().message);
  if (r->status < 200 || r->status > 299) {
    return fail("admin API answered " + std::to_string(r->status) + ": " + r->body);
  }
  if (a.json) std::printf("%s\n", r->body.c_str());
  if (out) *out = std::move(r->body);
  return 0;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return make_error(ErrorCode::kNotFound, "cannot read " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string s(simdjson::dom::element e, const char* k) {
  std::string_view v;
  if (!e[k].get(v)) return std::string(v);
  int64_t i = 0;
  if (!e[k].get(i)) return std::to_string(i);
  bool b = false;
  if (!e[k].get(b)) return b ? "true" : "false";
  return {};
}

std::string when(int64_t us) {
  if (us <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int run_list(const RuleArgs& a) {
  std::string body;
  if (int rc = call(a, "GET", "/rules", {}, &body)) return rc;
  if (a.json) return 0;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(body).get(doc)) return fail("admin API answered invalid JSON");
  std::printf("rules: %s (engine %s)\n", s(doc, "label").c_str(), s(doc, "engine").c_str());
  std::printf("%-24s %-7s %-9s %-8s %-9s %s\n", "ID", "ACTION", "SEVERITY", "APPLIES", "SOURCE",
              "DESCRIPTION");
  simdjson::dom::array rules;
  if (!doc["rules"].get(rules)) {
    for (auto r : rules) {
      std::printf("%-24s %-7s %-9s %-8s %-9s %s\n", s(r, "id").c_str(), s(r, "action").c_str(),
                  s(r, "severity").c_str(), s(r, "applies_to").c_str(),
                  s(r, "managed") == "true" ? "managed" : "custom", s(r, "description").c_str());
    }
  }
  simdjson::dom::array hist;
  if (!doc["history"].get(hist) && hist.size() > 0) {
    std::printf("\nhistory:\n");
    for (auto h : hist) {
      int64_t at = 0;
      if (h["at_ms"].get(at)) at = 0;
      std::printf("  %s  %-8s v%-4s %s rules  %s\n", when(at * 1000).c_str(),
                  s(h, "action").c_str(), s(h, "version").c_str(), s(h, "rules").c_str(),
                  s(h, "who").c_str());
    }
  }
  return 0;
}

int run_deploy(const RuleArgs& a) {
  auto text = read_file(a.file);
  if (!text) return fail(text.error().message);
  std::string body;
  if (int rc = call(a, "POST", "/rules?by=" + who(), *text, &body)) return rc;
  if (!a.json) std::printf("deployed %s: %s\n", a.file.c_str(), body.c_str());
  return 0;
}

int run_rollback(const RuleArgs& a) {
  std::string body;
  if (int rc = call(a, "POST", "/rules/rollback?by=" + who(), {}, &body)) return rc;
  if (!a.json) std::printf("rolled back: %s\n", body.c_str());
  return 0;
}

int run_hunt(const RuleArgs& a) {
  std::string target = "/rules/hunt?";
  std::string text;
  std::error_code ec;
  if (std::filesystem::is_regular_file(a.target, ec)) {
    auto t = read_file(a.target);
    if (!t) return fail(t.error().message);
    text = std::move(*t);
  } else {
    target += "id=" + url_encode(a.target) + "&";
  }
  if (!a.since.empty()) target += "since=" + url_encode(a.since) + "&";
  if (!a.until.empty()) target += "until=" + url_encode(a.until) + "&";
  target.pop_back();
  std::string body;
  if (int rc = call(a, "POST", target, text, &body)) return rc;
  if (a.json) return 0;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(body).get(doc)) return fail("admin API answered invalid JSON");
  int64_t first = 0, last = 0;
  if (doc["first_us"].get(first)) first = 0;
  if (doc["last_us"].get(last)) last = 0;
  std::printf("scanned %s records, %s matched\n", s(doc, "scanned").c_str(),
              s(doc, "matched").c_str());
  std::printf("first  %s  %s\n", when(first).c_str(), s(doc, "first_id").c_str());
  std::printf("last   %s  %s\n", when(last).c_str(), s(doc, "last_id").c_str());
  for (const char* k : {"top_ips", "top_keys", "locations"}) {
    simdjson::dom::array arr;
    if (doc[k].get(arr) || arr.size() == 0) continue;
    std::printf("%s:\n", k);
    for (auto e : arr) std::printf("  %-40s %s\n", s(e, "value").c_str(), s(e, "count").c_str());
  }
  return 0;
}

}  // namespace

void add_rules_command(CLI::App& app) {
  auto a = std::make_shared<RuleArgs>();
  CLI::App* c = app.add_subcommand("rules", "WAF rules: list, deploy, rollback, retro-hunt");
  c->require_subcommand(1);
  c->add_option("--admin", a->admin, "Admin API HOST:PORT")->capture_default_str();
  c->add_flag("--json", a->json, "Print the admin API's JSON");
  c->add_subcommand("list", "Rules in force and the change history")->callback([a] {
    std::exit(run_list(*a));
  });
  CLI::App* dep = c->add_subcommand("deploy", "Deploy a rule file to every worker");
  dep->add_option("file", a->file, "Rule file (TOML, version = 1)")->required();
  dep->callback([a] { std::exit(run_deploy(*a)); });
  c->add_subcommand("rollback", "Back to the previously deployed rule file")->callback([a] {
    std::exit(run_rollback(*a));
  });
  CLI::App* h = c->add_subcommand("hunt", "Run a rule over stored request records");
  h->add_option("rule", a->target, "Rule id in the current set, or a rule file")->required();
  h->add_option("--since", a->since, "From: age (30d, 2h), RFC 3339 or Unix seconds");
  h->add_option("--until", a->until, "Until (default now)");
  h->callback([a] { std::exit(run_hunt(*a)); });
}

}  // namespace parapet::cli
