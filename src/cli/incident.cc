// `parapet incident`: incident response through the admin API (docs/incidents.md).
//   list [--all]            open incidents (--all: every one)
//   show ID                 the incident with its timeline and notifications
//   declare --title T       declare one by hand (--severity, --summary, --commander)
//   update ID ...           --status, --severity, --commander, --comms, --scribe, --title
//   note ID TEXT            add a note to the timeline
//   mitigate|resolve|decline ID
//   merge ID --into OTHER
//   postmortem ID [--public] [-o FILE]   the Markdown write-up
//   followup ID --title T [--owner --due --threat --vulnerability --likelihood]
//   followups [ID] [--all]  follow-up actions by priority (threat x vulnerability x likelihood)
//   followup-done FID
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>

#include "cli/admin_client.h"
#include "cli/commands.h"

namespace parapet::cli {

namespace {

struct IncArgs {
  std::string admin = "127.0.0.1:8701";
  bool json = false, all = false, pub = false;
  std::string id, title, severity, summary, commander, comms, scribe, status, text, author, out;
  std::string owner, due, threat, vulnerability, likelihood, into;
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

std::string when(simdjson::dom::element e, const char* k) {
  int64_t us = 0;
  if (e[k].get(us) || us == 0) return "-";
  time_t t = static_cast<time_t>(us / 1'000'000);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

std::string author(const IncArgs& a) {
  if (!a.author.empty()) return a.author;
  const char* u = std::getenv("USER");
  return u && *u ? u : "cli";
}

int call(const IncArgs& a, std::string_view method, const std::string& target,
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

void field(std::string& b, std::string_view k, const std::string& v) {
  if (v.empty()) return;
  b += b.size() > 1 ? "," : "";
  b += '"';
  b += k;
  b += "\":\"";
  append_json_escaped(b, v);
  b += '"';
}

void print_row(simdjson::dom::element i) {
  std::printf("%-5s %-5s %-10s %-21s %-20s %s\n", s(i, "id").c_str(), s(i, "sev").c_str(),
              s(i, "status").c_str(), when(i, "detected_us").c_str(),
              s(i, "commander").empty() ? "-" : s(i, "commander").c_str(), s(i, "title").c_str());
}

int run_list(const IncArgs& a) {
  std::string body;
  if (int rc = call(a, "GET", a.all ? "/incidents?all=1" : "/incidents", {}, &body); rc || a.json)
    return rc;
  simdjson::dom::parser p;
  simdjson::dom::array arr;
  if (p.parse(body)["incidents"].get(arr)) return fail("admin API answered malformed JSON");
  std::printf("%-5s %-5s %-10s %-21s %-20s %s\n", "ID", "SEV", "STATUS", "DETECTED", "COMMANDER",
              "TITLE");
  for (auto i : arr) print_row(i);
  return 0;
}

int run_show(const IncArgs& a) {
  std::string body;
  if (int rc = call(a, "GET", "/incidents/" + a.id, {}, &body); rc || a.json) return rc;
  simdjson::dom::parser p;
  simdjson::dom::element doc, i;
  if (p.parse(body).get(doc) || doc["incident"].get(i)) return fail("malformed JSON");
  std::printf("Incident #%s %s [%s] %s\n", s(i, "id").c_str(), s(i, "sev").c_str(),
              s(i, "status").c_str(), s(i, "title").c_str());
  std::printf("  subject:   %s\n", s(i, "subject").empty() ? "-" : s(i, "subject").c_str());
  std::printf("  commander: %s  comms: %s  scribe: %s\n", s(i, "commander").c_str(),
              s(i, "comms").c_str(), s(i, "scribe").c_str());
  std::printf("  detected %s  declared %s  mitigated %s  resolved %s\n",
              when(i, "detected_us").c_str(), when(i, "declared_us").c_str(),
              when(i, "mitigated_us").c_str(), when(i, "resolved_us").c_str());
  std::printf("Timeline:\n");
  simdjson::dom::array tl;
  if (!doc["timeline"].get(tl)) {
    for (auto e : tl) {
      std::printf("  %s  %-13s %-10s %s\n", s(e, "at").c_str(), s(e, "kind").c_str(),
                  s(e, "author").c_str(), s(e, "text").c_str());
    }
  }
  return 0;
}

int run_declare(const IncArgs& a) {
  std::string b = "{";
  field(b, "title", a.title);
  field(b, "severity", a.severity);
  field(b, "summary", a.summary);
  field(b, "commander", a.commander);
  field(b, "author", author(a));
  b += '}';
  std::string body;
  if (int rc = call(a, "POST", "/incidents", b, &body); rc || a.json) return rc;
  simdjson::dom::parser p;
  simdjson::dom::element i;
  if (p.parse(body)["incident"].get(i)) return fail("malformed JSON");
  std::printf("declared incident %s (%s)\n", s(i, "id").c_str(), s(i, "sev").c_str());
  return 0;
}

int run_update(const IncArgs& a, const std::string& action) {
  std::string b = "{";
  field(b, "status", a.status);
  field(b, "severity", a.severity);
  field(b, "commander", a.commander);
  field(b, "comms", a.comms);
  field(b, "scribe", a.scribe);
  field(b, "title", a.title);
  field(b, "summary", a.summary);
  field(b, "into", a.into);
  field(b, "author", author(a));
  b += '}';
  std::string body;
  std::string target = "/incidents/" + a.id + (action.empty() ? "" : "/" + action);
  if (int rc = call(a, "POST", target, b, &body); rc || a.json) return rc;
  simdjson::dom::parser p;
  simdjson::dom::element i;
  if (p.parse(body)["incident"].get(i)) return fail("malformed JSON");
  std::printf("incident %s is %s (%s)\n", s(i, "id").c_str(), s(i, "status").c_str(),
              s(i, "sev").c_str());
  return 0;
}

int run_note(const IncArgs& a) {
  std::string b = "{";
  field(b, "text", a.text);
  field(b, "author", author(a));
  b += '}';
  if (int rc = call(a, "POST", "/incidents/" + a.id + "/notes", b, nullptr)) return rc;
  if (!a.json) std::printf("noted on incident %s\n", a.id.c_str());
  return 0;
}

int run_followup_add(const IncArgs& a) {
  std::string b = "{";
  field(b, "title", a.title);
  field(b, "owner", a.owner);
  field(b, "due", a.due);
  field(b, "threat", a.threat);
  field(b, "vulnerability", a.vulnerability);
  field(b, "likelihood", a.likelihood);
  field(b, "author", author(a));
  b += '}';
  std::string body;
  if (int rc = call(a, "POST", "/incidents/" + a.id + "/followups", b, &body); rc || a.json)
    return rc;
  simdjson::dom::parser p;
  simdjson::dom::element f;
  if (p.parse(body)["followup"].get(f)) return fail("malformed JSON");
  std::printf("follow-up %s on incident %s, priority %s\n", s(f, "id").c_str(), a.id.c_str(),
              s(f, "priority").c_str());
  return 0;
}

int run_followups(const IncArgs& a) {
  std::string target = a.id.empty() ? "/incidents/followups" : "/incidents/" + a.id + "/followups";
  if (a.all) target += "?all=1";
  std::string body;
  if (int rc = call(a, "GET", target, {}, &body); rc || a.json) return rc;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  simdjson::dom::array arr;
  if (p.parse(body).get(doc) || doc["followups"].get(arr)) return fail("malformed JSON");
  std::printf("%-5s %-9s %-4s %-16s %-11s %-8s %s\n", "ID", "INCIDENT", "PRIO", "OWNER", "DUE",
              "STATUS", "TITLE");
  for (auto f : arr) {
    bool overdue = false;
    if (f["overdue"].get(overdue)) {
    }
    std::printf("%-5s %-9s %-4s %-16s %-11s %-8s %s\n", s(f, "id").c_str(),
                s(f, "incident_id").c_str(), s(f, "priority").c_str(),
                s(f, "owner").empty() ? "-" : s(f, "owner").c_str(),
                s(f, "due").empty() ? "-" : s(f, "due").substr(0, 10).c_str(),
                overdue ? "OVERDUE" : s(f, "status").c_str(), s(f, "title").c_str());
  }
  std::printf("%s overdue\n", s(doc, "overdue").c_str());
  return 0;
}

int run_followup_done(const IncArgs& a) {
  std::string b = "{";
  field(b, "author", author(a));
  b += '}';
  if (int rc = call(a, "POST", "/incidents/followups/" + a.id + "/done", b, nullptr)) return rc;
  if (!a.json) std::printf("follow-up %s done\n", a.id.c_str());
  return 0;
}

int run_postmortem(const IncArgs& a) {
  auto r = admin_call(a.admin, "GET",
                      "/incidents/" + a.id + "/postmortem" + (a.pub ? "?public=1" : ""), {});
  if (!r) return fail(r.error().message);
  if (r->status != 200)
    return fail("admin API answered " + std::to_string(r->status) + ": " + r->body);
  if (a.out.empty()) {
    std::fwrite(r->body.data(), 1, r->body.size(), stdout);
    return 0;
  }
  std::ofstream f(a.out, std::ios::binary);
  f << r->body;
  if (!f) return fail("cannot write " + a.out);
  std::printf("wrote %s\n", a.out.c_str());
  return 0;
}

}  // namespace

void add_incident_command(CLI::App& app) {
  auto a = std::make_shared<IncArgs>();
  CLI::App* c =
      app.add_subcommand("incident", "Incident response: list, declare, update, write up");
  c->require_subcommand(1);
  c->add_option("--admin", a->admin, "Admin API HOST:PORT")->capture_default_str();
  c->add_flag("--json", a->json, "Print the admin API's JSON");
  c->add_option("--author", a->author, "Who is acting (default $USER)");
  auto* list = c->add_subcommand("list", "Open incidents");
  list->add_flag("--all", a->all, "Every incident, not only open ones");
  list->callback([a] { std::exit(run_list(*a)); });
  auto* show = c->add_subcommand("show", "One incident with its timeline");
  show->add_option("id", a->id)->required();
  show->callback([a] { std::exit(run_show(*a)); });
  auto* dec = c->add_subcommand("declare", "Declare an incident by hand");
  dec->add_option("--title", a->title)->required();
  dec->add_option("--severity", a->severity, "1..5 or SEV1..SEV5 (default 3)");
  dec->add_option("--summary", a->summary);
  dec->add_option("--commander", a->commander);
  dec->callback([a] { std::exit(run_declare(*a)); });
  auto* up = c->add_subcommand("update", "Change status, severity, roles or title");
  up->add_option("id", a->id)->required();
  up->add_option("--status", a->status, "triage|active|mitigated|resolved|declined");
  up->add_option("--severity", a->severity);
  up->add_option("--commander", a->commander);
  up->add_option("--comms", a->comms);
  up->add_option("--scribe", a->scribe);
  up->add_option("--title", a->title);
  up->add_option("--summary", a->summary);
  up->callback([a] { std::exit(run_update(*a, "")); });
  auto* note = c->add_subcommand("note", "Add a note to the timeline");
  note->add_option("id", a->id)->required();
  note->add_option("text", a->text)->required();
  note->callback([a] { std::exit(run_note(*a)); });
  for (const char* action : {"mitigate", "resolve", "decline"}) {
    auto* sc = c->add_subcommand(action, std::string(action) + " an incident");
    sc->add_option("id", a->id)->required();
    std::string act = action;
    sc->callback([a, act] { std::exit(run_update(*a, act)); });
  }
  auto* mg = c->add_subcommand("merge", "Merge an incident into another open one");
  mg->add_option("id", a->id)->required();
  mg->add_option("--into", a->into, "The incident that carries on")->required();
  mg->callback([a] { std::exit(run_update(*a, "merge")); });
  auto* fu = c->add_subcommand("followup", "Add a follow-up action to an incident");
  fu->add_option("id", a->id, "Incident id")->required();
  fu->add_option("--title", a->title)->required();
  fu->add_option("--owner", a->owner);
  fu->add_option("--due", a->due, "YYYY-MM-DD, RFC 3339 or Unix seconds");
  fu->add_option("--threat", a->threat, "1..5 (default 3)");
  fu->add_option("--vulnerability", a->vulnerability, "1..5 (default 3)");
  fu->add_option("--likelihood", a->likelihood, "1..5 (default 3)");
  fu->callback([a] { std::exit(run_followup_add(*a)); });
  auto* fl = c->add_subcommand("followups", "Follow-up actions by priority, overdue flagged");
  fl->add_option("id", a->id, "Only this incident's");
  fl->add_flag("--all", a->all, "Done ones too");
  fl->callback([a] { std::exit(run_followups(*a)); });
  auto* fd = c->add_subcommand("followup-done", "Mark a follow-up action done");
  fd->add_option("id", a->id, "Follow-up id")->required();
  fd->callback([a] { std::exit(run_followup_done(*a)); });
  auto* pm = c->add_subcommand("postmortem", "Markdown write-up");
  pm->add_option("id", a->id)->required();
  pm->add_flag("--public", a->pub, "Customer-facing draft: no keys, IPs or names");
  pm->add_option("-o,--output", a->out, "Write to FILE instead of stdout");
  pm->callback([a] { std::exit(run_postmortem(*a)); });
}

}  // namespace parapet::cli
