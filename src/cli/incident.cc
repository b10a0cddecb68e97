// `parapet incident`: incident response through the admin API (docs/incidents.md).
//   list                         every incident, newest first
//   show ID                      one, with its timeline and impact
//   declare --title T [--severity N]
//   note ID TEXT                 a timeline note
//   status ID STATUS [--why W]   active | mitigated | resolved | declined | merged
//   role ID ROLE PERSON          commander | comms | scribe
//   resolve ID                   status resolved
//   postmortem ID [--public] [--output FILE]   the Markdown write-up
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "cli/admin_client.h"
#include "cli/commands.h"

namespace parapet::cli {

namespace {

struct IncidentArgs {
  std::string admin = "127.0.0.1:8701";
  bool json = false, is_public = false;
  std::string id, title, severity = "3", text, status, why, role, person, output, who;
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
  bool b = false;
  if (!e[k].get(b)) return b ? "true" : "false";
  return {};
}

std::string when(const std::string& ms_text) {
  long long ms = std::atoll(ms_text.c_str());
  if (ms <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

int call(const IncidentArgs& a, std::string_view method, const std::string& target,
         const std::string& body, std::string* out) {
  auto r = admin_call(a.admin, method, target, body);
  if (!r) return fail(r.error().message);
  if (r->status < 200 || r->status > 299) {
    return fail("admin API answered " + std::to_string(r->status) + ": " + r->body);
  }
  if (out) *out = std::move(r->body);
  return 0;
}

std::string obj(std::initializer_list<std::pair<const char*, std::string>> kv) {
  std::string b = "{";
  for (const auto& [k, v] : kv) {
    if (v.empty()) continue;
    if (b.size() > 1) b += ',';
    b += '"';
    b += k;
    b += "\":\"";
    append_json_escaped(b, v);
    b += '"';
  }
  return b + "}";
}

int run_list(const IncidentArgs& a) {
  std::string body;
  if (int rc = call(a, "GET", "/incidents", {}, &body)) return rc;
  if (a.json) return std::printf("%s\n", body.c_str()), 0;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array list;
  if (parser.parse(body).get(doc) || doc["incidents"].get(list)) return fail("malformed answer");
  std::printf("%-5s %-5s %-10s %-21s %s\n", "ID", "SEV", "STATUS", "DETECTED", "TITLE");
  for (auto i : list) {
    std::printf("%-5s SEV%-2s %-10s %-21s %s\n", s(i, "id").c_str(), s(i, "severity").c_str(),
                s(i, "status").c_str(), when(s(i, "detected_ms")).c_str(), s(i, "title").c_str());
  }
  return 0;
}

int run_show(const IncidentArgs& a) {
  std::string body;
  if (int rc = call(a, "GET", "/incidents/" + a.id, {}, &body)) return rc;
  if (a.json) return std::printf("%s\n", body.c_str()), 0;
  simdjson::dom::parser parser;
  simdjson::dom::element i;
  if (parser.parse(body).get(i)) return fail("malformed answer");
  std::printf("Incident #%s: %s\n", s(i, "id").c_str(), s(i, "title").c_str());
  std::printf("  SEV%s, %s; commander %s, comms %s, scribe %s\n", s(i, "severity").c_str(),
              s(i, "status").c_str(), s(i, "commander").c_str(), s(i, "comms").c_str(),
              s(i, "scribe").c_str());
  std::printf("  detected %s, declared %s, mitigated %s, resolved %s\n",
              when(s(i, "detected_ms")).c_str(), when(s(i, "declared_ms")).c_str(),
              when(s(i, "mitigated_ms")).c_str(), when(s(i, "resolved_ms")).c_str());
  if (!s(i, "detector").empty()) {
    std::printf("  detector %s on %s: %s\n", s(i, "detector").c_str(), s(i, "subject").c_str(),
                s(i, "evidence").c_str());
  }
  simdjson::dom::element im;
  if (!i["impact"].get(im)) {
    std::printf("  impact: %s requests, %s failed, %s micro-USD\n", s(im, "requests").c_str(),
                s(im, "failed").c_str(), s(im, "cost_micros").c_str());
  }
  simdjson::dom::array tl;
  if (!i["timeline"].get(tl)) {
    std::printf("Timeline:\n");
    for (auto t : tl) {
      std::printf("  %s %-8s %s (%s)\n", when(s(t, "at_ms")).c_str(), s(t, "kind").c_str(),
                  s(t, "text").c_str(), s(t, "who").c_str());
    }
  }
  return 0;
}

int run_simple(const IncidentArgs& a, const std::string& target, const std::string& body,
               const std::string& done) {
  std::string out;
  if (int rc = call(a, "POST", target, body, &out)) return rc;
  std::printf("%s\n", a.json ? out.c_str() : done.c_str());
  return 0;
}

int run_declare(const IncidentArgs& a) {
  std::string out;
  std::string body = obj({{"title", a.title}, {"severity", a.severity}, {"who", a.who}});
  if (int rc = call(a, "POST", "/incidents", body, &out)) return rc;
  if (a.json) return std::printf("%s\n", out.c_str()), 0;
  simdjson::dom::parser parser;
  simdjson::dom::element i;
  if (parser.parse(out).get(i)) return fail("malformed answer");
  std::printf("declared incident #%s (SEV%s): %s\n", s(i, "id").c_str(), s(i, "severity").c_str(),
              s(i, "title").c_str());
  return 0;
}

int run_postmortem(const IncidentArgs& a) {
  std::string out;
  if (int rc =
          call(a, "GET", "/incidents/" + a.id + "/postmortem" + (a.is_public ? "?public=1" : ""),
               {}, &out)) {
    return rc;
  }
  if (a.output.empty()) {
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
  std::ofstream f(a.output, std::ios::binary);
  f << out;
  if (!f) return fail("cannot write " + a.output);
  std::printf("wrote %s\n", a.output.c_str());
  return 0;
}

}  // namespace

void add_incident_command(CLI::App& app) {
  auto a = std::make_shared<IncidentArgs>();
  CLI::App* c = app.add_subcommand("incident", "Incident response: declare, update, write up");
  c->require_subcommand(1);
  c->add_option("--admin", a->admin, "Admin API HOST:PORT")->capture_default_str();
  c->add_flag("--json", a->json, "Print the admin API's JSON");
  c->add_option("--who", a->who, "Your name, for the timeline");
  c->add_subcommand("list", "Every incident, newest first")->callback([a] {
    std::exit(run_list(*a));
  });
  CLI::App* show = c->add_subcommand("show", "One incident with its timeline and impact");
  show->add_option("id", a->id)->required();
  show->callback([a] { std::exit(run_show(*a)); });
  CLI::App* dec = c->add_subcommand("declare", "Declare an incident (status active)");
  dec->add_option("--title", a->title)->required();
  dec->add_option("--severity", a->severity, "1 (worst) .. 5")->capture_default_str();
  dec->callback([a] { std::exit(run_declare(*a)); });
  CLI::App* note = c->add_subcommand("note", "Add a note to the timeline");
  note->add_option("id", a->id)->required();
  note->add_option("text", a->text)->required();
  note->callback([a] {
    std::exit(run_simple(*a, "/incidents/" + a->id + "/note",
                         obj({{"text", a->text}, {"who", a->who}}), "noted"));
  });
  CLI::App* st = c->add_subcommand("status", "Change the status");
  st->add_option("id", a->id)->required();
  st->add_option("status", a->status, "active | mitigated | resolved | declined | merged")
      ->required();
  st->add_option("--why", a->why);
  st->callback([a] {
    std::exit(run_simple(*a, "/incidents/" + a->id + "/status",
                         obj({{"status", a->status}, {"why", a->why}, {"who", a->who}}),
                         "incident " + a->id + " is " + a->status));
  });
  CLI::App* res = c->add_subcommand("resolve", "Resolve an incident");
  res->add_option("id", a->id)->required();
  res->add_option("--why", a->why);
  res->callback([a] {
    std::exit(run_simple(*a, "/incidents/" + a->id + "/status",
                         obj({{"status", "resolved"}, {"why", a->why}, {"who", a->who}}),
                         "incident " + a->id + " resolved"));
  });
  CLI::App* role = c->add_subcommand("role", "Assign commander, comms or scribe");
  role->add_option("id", a->id)->required();
  role->add_option("role", a->role)->required();
  role->add_option("person", a->person)->required();
  role->callback([a] {
    std::exit(run_simple(*a, "/incidents/" + a->id + "/role",
                         obj({{"role", a->role}, {"person", a->person}, {"who", a->who}}),
                         a->role + " is " + a->person));
  });
  CLI::App* pm = c->add_subcommand("postmortem", "Write the Markdown post-mortem");
  pm->add_option("id", a->id)->required();
  pm->add_flag("--public", a->is_public, "Customer-facing draft: no key ids, IPs or names");
  pm->add_option("--output,-o", a->output, "Write to FILE instead of stdout");
  pm->callback([a] { std::exit(run_postmortem(*a)); });
}

}  // namespace parapet::cli
