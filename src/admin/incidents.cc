#include "admin/incidents.h"

#include <simdjson.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <map>

#include "admin/time_arg.h"
#include "incident/intake.h"
#include "incident/manager.h"
#include "incident/postmortem.h"

namespace parapet::admin {

namespace {

using incident::Incident;

Result<std::map<std::string, std::string>> flat_object(std::string_view body) {
  std::map<std::string, std::string> out;
  if (body.empty()) return out;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) || !doc.is_object()) {
    return make_error(ErrorCode::kBadRequest, "want a JSON object");
  }
  for (auto [key, value] : doc.get_object()) {
    std::string_view sv;
    int64_t iv = 0;
    if (!value.get(sv)) {
      out[std::string(key)] = std::string(sv);
    } else if (!value.get(iv)) {
      out[std::string(key)] = std::to_string(iv);
    } else {
      return make_error(ErrorCode::kBadRequest,
                        "field " + std::string(key) + " must be a string or a whole number");
    }
  }
  return out;
}

std::string opt(const std::map<std::string, std::string>& m, const char* k, std::string def = {}) {
  auto it = m.find(k);
  return it == m.end() ? def : it->second;
}

Result<int> severity_of(const std::string& s) {
  std::string_view v = s;
  if (v.starts_with("SEV") || v.starts_with("sev")) v.remove_prefix(3);
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < 1 || n > 5) {
    return make_error(ErrorCode::kBadRequest, "severity must be 1..5 (or SEV1..SEV5)");
  }
  return n;
}

Reply one(int status, const Incident& inc) {
  return {status, "application/json", "{\"incident\":" + incident::incident_json(inc) + "}"};
}

Reply show(incident::Manager& m, const Incident& inc) {
  std::string o = "{\"incident\":" + incident::incident_json(inc) + ",\"timeline\":[";
  bool first = true;
  for (const auto& e : m.store().timeline(inc.id)) {
    if (!first) o += ',';
    first = false;
    o += "{\"at_us\":" + std::to_string(e.at_us) + ",\"at\":\"" + incident::time_text(e.at_us) +
         "\",\"kind\":\"";
    append_json_escaped(o, e.kind);
    o += "\",\"author\":\"";
    append_json_escaped(o, e.author);
    o += "\",\"text\":\"";
    append_json_escaped(o, e.text);
    o += "\"}";
  }
  o += "],\"notifications\":[";
  first = true;
  for (const auto& n : m.store().outbox(inc.id)) {
    if (!first) o += ',';
    first = false;
    o += "{\"id\":" + std::to_string(n.id) + ",\"stream\":\"" + n.stream + "\",\"kind\":\"" +
         n.kind + "\",\"state\":\"" + n.state + "\",\"attempts\":" + std::to_string(n.attempts) +
         ",\"last_error\":\"";
    append_json_escaped(o, n.last_error);
    o += "\"}";
  }
  o += "]}";
  return {200, "application/json", std::move(o)};
}

Reply followups_list(incident::Manager& m, const Request& r, int64_t incident_id);
Reply followup_add(incident::Manager& m, const Request& r, int64_t incident_id);

Reply on_incident(incident::Manager& m, const Request& r, int64_t id, std::string_view rest) {
  auto inc = m.store().get(id);
  if (!inc)
    return error_reply(make_error(ErrorCode::kNotFound, "no incident " + std::to_string(id)));
  bool get = r.method == "GET" || r.method == "HEAD";
  if (rest.empty() && get) return show(m, *inc);
  if (rest == "/impact" && get) {
    auto im = m.impact(*inc);
    if (!im) return error_reply(im.error());
    return {200, "application/json", incident::impact_json(*im, true)};
  }
  if (rest == "/followups" && get) return followups_list(m, r, id);
  if (rest == "/followups" && r.method == "POST") return followup_add(m, r, id);
  if (rest == "/postmortem" && get) {
    bool pub = r.query.get("public").value_or("") == "1";
    auto im = m.impact(*inc);
    if (!im) return error_reply(im.error());
    return {200, "text/markdown; charset=utf-8",
            incident::postmortem_markdown(*inc, m.store().timeline(id), *im, pub,
                                          m.store().followups(id, false), m.now())};
  }
  if (r.method != "POST") {
    return error_reply(make_error(ErrorCode::kMethodNotAllowed, "see docs/incidents.md"));
  }
  auto body = flat_object(r.body);
  if (!body) return error_reply(body.error());
  std::string author = opt(*body, "author", "admin-api");
  if (rest == "/notes") {
    auto done = m.note(id, author, opt(*body, "text"));
    if (!done) return error_reply(done.error());
    return {201, "application/json", "{\"noted\":true}"};
  }
  incident::Change c;
  if (rest == "/declare") {
    c.status = incident::Status::kActive;
  } else if (rest == "/mitigate") {
    c.status = incident::Status::kMitigated;
  } else if (rest == "/resolve") {
    c.status = incident::Status::kResolved;
  } else if (rest == "/decline") {
    c.status = incident::Status::kDeclined;
  } else if (rest == "/merge") {
    std::string into = opt(*body, "into");
    auto [p, ec] = std::from_chars(into.data(), into.data() + into.size(), c.merged_into);
    if (ec != std::errc() || p != into.data() + into.size() || c.merged_into <= 0) {
      return error_reply(make_error(ErrorCode::kBadRequest, "merge wants {\"into\": ID}"));
    }
  } else if (rest.empty()) {
    for (const auto& [k, v] : *body) {
      if (k == "status") {
        c.status = incident::parse_status(v);
        if (!c.status)
          return error_reply(make_error(ErrorCode::kBadRequest, "unknown status " + v));
      } else if (k == "severity") {
        auto s = severity_of(v);
        if (!s) return error_reply(s.error());
        c.severity = *s;
      } else if (k == "commander") {
        c.commander = v;
      } else if (k == "comms") {
        c.comms = v;
      } else if (k == "scribe") {
        c.scribe = v;
      } else if (k == "title") {
        c.title = v;
      } else if (k == "summary") {
        c.summary = v;
      } else if (k != "author") {
        return error_reply(make_error(ErrorCode::kBadRequest, "unknown field " + k));
      }
    }
  } else {
    return error_reply(make_error(ErrorCode::kNotFound, "no such incident endpoint"));
  }
  auto done = m.update(id, c, author);
  if (!done) return error_reply(done.error());
  return one(200, *done);
}

int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Reply slack_text(std::string text, bool ephemeral = false) {
  std::string o = "{\"response_type\":\"";
  o += ephemeral ? "ephemeral" : "in_channel";
  o += "\",\"text\":\"";
  append_json_escaped(o, text);
  o += "\"}";
  return {200, "application/json", std::move(o)};
}

std::string line(const Incident& i) {
  return "#" + std::to_string(i.id) + " SEV" + std::to_string(i.severity) + " [" +
         std::string(incident::status_name(i.status)) + "] " + i.title;
}

// POST /incidents/slack: a Slack slash command (docs/incidents.md, "Chat").
Reply slack_command(incident::Manager& m, const Request& r) {
  const std::string env = m.options().slack_signing_secret_env;
  const char* secret = std::getenv(env.c_str());
  if (!secret || !*secret) {
    return error_reply(
        make_error(ErrorCode::kOverloaded, "slash commands need the signing secret in $" + env));
  }
  std::string_view ts = r.headers ? r.headers->get("x-slack-request-timestamp") : "";
  std::string_view sig = r.headers ? r.headers->get("x-slack-signature") : "";
  if (!incident::verify_slack_signature(secret, ts, r.body, sig, wall_us() / 1'000'000)) {
    return error_reply(make_error(ErrorCode::kUnauthorized, "bad or stale Slack signature"));
  }
  auto form = incident::parse_form(r.body);
  std::string user = form["user_name"].empty() ? "slack" : "slack:" + form["user_name"];
  auto cmd = incident::parse_slash_text(form["text"]);
  if (!cmd) return slack_text(cmd.error().message, true);
  int64_t id = 0;
  if (!cmd->id.empty()) std::from_chars(cmd->id.data(), cmd->id.data() + cmd->id.size(), id);
  if (cmd->verb == "help") {
    return slack_text(
        "declare [SEVn] TITLE · list · show ID · note ID TEXT · commander|comms|scribe ID NAME · "
        "mitigate|resolve|decline ID",
        true);
  }
  if (cmd->verb == "list") {
    std::string out;
    for (const auto& i : m.store().list(true)) out += line(i) + "\n";
    return slack_text(out.empty() ? "No open incidents." : out);
  }
  if (cmd->verb == "declare") {
    auto inc = m.declare(cmd->text, cmd->severity, user, "", "");
    if (!inc) return slack_text(inc.error().message, true);
    return slack_text("Declared " + line(*inc));
  }
  if (cmd->verb == "show") {
    auto inc = m.store().get(id);
    if (!inc) return slack_text("no incident " + cmd->id, true);
    return slack_text(line(*inc) + " — commander " +
                      (inc->commander.empty() ? "unassigned" : inc->commander));
  }
  if (cmd->verb == "note") {
    auto done = m.note(id, user, cmd->text);
    if (!done) return slack_text(done.error().message, true);
    return slack_text("Noted on #" + cmd->id);
  }
  incident::Change c;
  if (cmd->verb == "commander") c.commander = cmd->text;
  if (cmd->verb == "comms") c.comms = cmd->text;
  if (cmd->verb == "scribe") c.scribe = cmd->text;
  if (cmd->verb == "mitigate") c.status = incident::Status::kMitigated;
  if (cmd->verb == "resolve") c.status = incident::Status::kResolved;
  if (cmd->verb == "decline") c.status = incident::Status::kDeclined;
  auto done = m.update(id, c, user);
  if (!done) return slack_text(done.error().message, true);
  return slack_text("Updated " + line(*done));
}

// POST /incidents/alertmanager: an Alertmanager v4 webhook (one alert group).
Reply alertmanager(incident::Manager& m, const Request& r) {
  auto sig = incident::parse_alertmanager(r.body, m.now());
  if (!sig) return error_reply(sig.error());
  m.handle(*sig);
  auto inc = m.store().open_for_subject(sig->key());
  std::string o = "{\"accepted\":true";
  if (inc) o += ",\"incident\":" + incident::incident_json(*inc);
  o += '}';
  return {200, "application/json", std::move(o)};
}

std::string followup_json(const incident::FollowUp& f, int64_t now) {
  std::string o = "{\"id\":" + std::to_string(f.id) +
                  ",\"incident_id\":" + std::to_string(f.incident_id) + ",\"title\":\"";
  append_json_escaped(o, f.title);
  o += "\",\"owner\":\"";
  append_json_escaped(o, f.owner);
  o += "\",\"due_us\":" + std::to_string(f.due_us) + ",\"due\":\"" + incident::time_text(f.due_us) +
       "\",\"threat\":" + std::to_string(f.threat) +
       ",\"vulnerability\":" + std::to_string(f.vulnerability) +
       ",\"likelihood\":" + std::to_string(f.likelihood) +
       ",\"priority\":" + std::to_string(f.priority()) + ",\"status\":\"" + f.status +
       "\",\"overdue\":" + (f.overdue(now) ? "true" : "false") + "}";
  return o;
}

Reply followups_list(incident::Manager& m, const Request& r, int64_t incident_id) {
  bool all = r.query.get("all").value_or("") == "1";
  int64_t now = m.now();
  std::string o = "{\"followups\":[";
  bool first = true;
  int overdue = 0;
  for (const auto& f : m.store().followups(incident_id, !all)) {
    if (!first) o += ',';
    first = false;
    overdue += f.overdue(now);
    o += followup_json(f, now);
  }
  o += "],\"overdue\":" + std::to_string(overdue) + "}";
  return {200, "application/json", std::move(o)};
}

Reply followup_add(incident::Manager& m, const Request& r, int64_t incident_id) {
  auto body = flat_object(r.body);
  if (!body) return error_reply(body.error());
  incident::FollowUp f;
  f.incident_id = incident_id;
  f.title = opt(*body, "title");
  f.owner = opt(*body, "owner");
  if (std::string due = opt(*body, "due"); !due.empty()) {
    if (due.size() == 10) due += "T00:00:00Z";  // a plain date
    auto t = parse_time_arg(due, m.now());
    if (!t) return error_reply(t.error());
    f.due_us = *t;
  }
  for (auto [key, field] :
       {std::pair{"threat", &f.threat}, std::pair{"vulnerability", &f.vulnerability},
        std::pair{"likelihood", &f.likelihood}}) {
    std::string v = opt(*body, key, "3");
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *field);
    if (ec != std::errc() || p != v.data() + v.size()) {
      return error_reply(make_error(ErrorCode::kBadRequest, std::string(key) + " must be 1..5"));
    }
  }
  auto added = m.add_followup(std::move(f), opt(*body, "author", "admin-api"));
  if (!added) return error_reply(added.error());
  return {201, "application/json", "{\"followup\":" + followup_json(*added, m.now()) + "}"};
}

// GET /status/summary.json: the common status-page shape (components, incidents, overall).
Reply status_summary(incident::Manager& m, const std::vector<std::string>& providers) {
  auto open = m.store().list(true);
  // Component status from the worst open incident naming it (subject "detector:provider/...").
  auto component_status = [&](const std::string& provider) {
    int worst = 6;
    for (const auto& i : open) {
      std::string_view subj = i.subject;
      size_t colon = subj.find(':');
      std::string_view rest = colon == std::string_view::npos ? subj : subj.substr(colon + 1);
      if (rest == provider || rest.starts_with(provider + "/")) worst = std::min(worst, i.severity);
    }
    if (worst <= 2) return "major_outage";
    if (worst == 3) return "partial_outage";
    if (worst <= 5) return "degraded_performance";
    return "operational";
  };
  int worst = 6;
  for (const auto& i : open) worst = std::min(worst, i.severity);
  const char* indicator = worst <= 1   ? "critical"
                          : worst <= 2 ? "major"
                          : worst <= 5 ? "minor"
                                       : "none";
  std::string updated = incident::time_text(m.now());
  std::string o = "{\"page\":{\"id\":\"parapet\",\"name\":\"Parapet\",\"updated_at\":\"" + updated +
                  "\"},\"status\":{\"indicator\":\"" + indicator + "\",\"description\":\"" +
                  (open.empty() ? "All Systems Operational" : "Incidents open") +
                  "\"},\"components\":[{\"id\":\"gateway\",\"name\":\"gateway\",\"status\":\"" +
                  (open.empty() ? "operational" : component_status("gateway")) + "\"}";
  for (const auto& p : providers) {
    o += ",{\"id\":\"";
    append_json_escaped(o, p);
    o += "\",\"name\":\"";
    append_json_escaped(o, p);
    o += std::string("\",\"status\":\"") + component_status(p) + "\"}";
  }
  o += "],\"incidents\":[";
  bool first = true;
  for (const auto& i : open) {
    if (!first) o += ',';
    first = false;
    const char* st = i.status == incident::Status::kMitigated ? "monitoring"
                     : i.status == incident::Status::kActive  ? "identified"
                                                              : "investigating";
    const char* impact = i.severity <= 1 ? "critical" : i.severity <= 2 ? "major" : "minor";
    o += "{\"id\":\"" + std::to_string(i.id) + "\",\"name\":\"";
    append_json_escaped(o, i.title);
    o += std::string("\",\"status\":\"") + st + "\",\"impact\":\"" + impact +
         "\",\"created_at\":\"" + incident::time_text(i.detected_us) + "\",\"updated_at\":\"" +
         incident::time_text(i.updated_us) + "\"}";
  }
  o += "],\"scheduled_maintenances\":[]}";
  return {200, "application/json", std::move(o)};
}

}  // namespace

Handler status_handler(incident::Manager& m, std::function<std::vector<std::string>()> providers) {
  return [&m, providers](const Request& r) -> Reply {
    if ((r.path == "/status/summary.json" || r.path == "/status") &&
        (r.method == "GET" || r.method == "HEAD")) {
      return status_summary(m, providers ? providers() : std::vector<std::string>{});
    }
    return error_reply(make_error(ErrorCode::kNotFound, "GET /status/summary.json"));
  };
}

Handler incidents_handler(incident::Manager& m) {
  return [&m](const Request& r) -> Reply {
    if (r.path == "/incidents" && (r.method == "GET" || r.method == "HEAD")) {
      bool all = r.query.get("all").value_or("") == "1";
      std::string o = "{\"incidents\":[";
      bool first = true;
      for (const auto& inc : m.store().list(!all)) {
        if (!first) o += ',';
        first = false;
        o += incident::incident_json(inc);
      }
      o += "]}";
      return {200, "application/json", std::move(o)};
    }
    if (r.path == "/incidents" && r.method == "POST") {
      auto body = flat_object(r.body);
      if (!body) return error_reply(body.error());
      auto sev = severity_of(opt(*body, "severity", "3"));
      if (!sev) return error_reply(sev.error());
      auto inc = m.declare(opt(*body, "title"), *sev, opt(*body, "author", "admin-api"),
                           opt(*body, "summary"), opt(*body, "commander"));
      if (!inc) return error_reply(inc.error());
      return one(201, *inc);
    }
    if (r.path == "/incidents/slack" && r.method == "POST") return slack_command(m, r);
    if (r.path == "/incidents/followups" && (r.method == "GET" || r.method == "HEAD")) {
      return followups_list(m, r, 0);
    }
    if (r.path.starts_with("/incidents/followups/") && r.path.ends_with("/done") &&
        r.method == "POST") {
      std::string_view t = r.path.substr(21, r.path.size() - 21 - 5);
      int64_t fid = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), fid);
      if (ec != std::errc() || p != t.data() + t.size()) {
        return error_reply(make_error(ErrorCode::kNotFound, "bad follow-up id"));
      }
      auto body = flat_object(r.body);
      auto done = m.complete_followup(fid, body ? opt(*body, "author", "admin-api") : "admin-api");
      if (!done) return error_reply(done.error());
      return {200, "application/json", "{\"followup\":" + followup_json(*done, m.now()) + "}"};
    }
    if (r.path == "/incidents/alertmanager" && r.method == "POST") return alertmanager(m, r);
    if (r.path.starts_with("/incidents/")) {
      std::string_view rest = r.path.substr(11);
      size_t slash = rest.find('/');
      std::string_view id_text = rest.substr(0, slash);
      int64_t id = 0;
      auto [p, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
      if (ec != std::errc() || p != id_text.data() + id_text.size()) {
        return error_reply(make_error(ErrorCode::kNotFound, "bad incident id"));
      }
      return on_incident(m, r, id, slash == std::string_view::npos ? "" : rest.substr(slash));
    }
    return error_reply(make_error(ErrorCode::kMethodNotAllowed, "see docs/incidents.md"));
  };
}

}  // namespace parapet::admin
