#include "admin/rules.h"

#include <chrono>

#include "admin/time_arg.h"
#include "rules/hunt_reader.h"
#include "waf/detectors.h"

namespace parapet::admin {

namespace {

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void str(std::string& out, std::string_view k, std::string_view v, bool comma = true) {
  out += '"';
  out += k;
  out += "\":\"";
  append_json_escaped(out, v);
  out += '"';
  if (comma) out += ',';
}

void num(std::string& out, std::string_view k, int64_t v, bool comma = true) {
  out += '"';
  out += k;
  out += "\":";
  out += std::to_string(v);
  if (comma) out += ',';
}

void rule_json(std::string& out, const waf::Rule& r) {
  out += '{';
  str(out, "id", r.id);
  str(out, "description", r.description);
  out += "\"targets\":[";
  bool first = true;
  for (waf::Target t : {waf::kUri, waf::kQuery, waf::kHeaders, waf::kBody}) {
    if (!(r.targets & t)) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += waf::target_name(t);
    out += '"';
  }
  out += "],";
  if (r.detector) {
    str(out, "detector", r.detector->name);
  } else {
    out += "\"patterns\":[";
    for (size_t i = 0; i < r.patterns.size(); ++i) {
      if (i) out += ',';
      out += '"';
      append_json_escaped(out, r.patterns[i]);
      out += '"';
    }
    out += "],";
  }
  str(out, "action", waf::action_name(r.action));
  str(out, "severity", waf::severity_name(r.severity));
  str(out, "applies_to", waf::applies_name(r.applies_to));
  out += "\"managed\":";
  out += r.managed ? "true" : "false";
  out += '}';
}

Reply list(const rules::Registry& reg) {
  auto set = reg.current();
  std::string out = "{";
  num(out, "version", static_cast<int64_t>(set->version()));
  str(out, "label", set->label());
  str(out, "engine", set->hyperscan() ? "hyperscan" : "literal");
  out += "\"rules\":[";
  for (size_t i = 0; i < set->rules().size(); ++i) {
    if (i) out += ',';
    rule_json(out, set->rules()[i]);
  }
  out += "],\"history\":[";
  auto hist = reg.history();
  for (size_t i = 0; i < hist.size(); ++i) {
    if (i) out += ',';
    out += '{';
    num(out, "at_ms", hist[i].at_ms);
    num(out, "version", static_cast<int64_t>(hist[i].version));
    str(out, "action", hist[i].action);
    str(out, "who", hist[i].who);
    num(out, "rules", static_cast<int64_t>(hist[i].rules), false);
    out += '}';
  }
  out += "]}";
  return {200, "application/json", std::move(out)};
}

std::string who(const Request& r) {
  std::string w = "admin-api";
  if (auto by = r.query.get("by"); by && !by->empty()) {
    w += " by ";
    w += by->substr(0, 64);
  }
  return w;
}

void tops(std::string& out, std::string_view k,
          const std::vector<std::pair<std::string, uint64_t>>& v, bool comma = true) {
  out += '"';
  out += k;
  out += "\":[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += "{\"value\":\"";
    append_json_escaped(out, v[i].first);
    out += "\",\"count\":" + std::to_string(v[i].second) + "}";
  }
  out += ']';
  if (comma) out += ',';
}

Reply hunt(const rules::Registry& reg, const std::string& logs_db, const Request& r) {
  int64_t now = now_us();
  int64_t since = 0, until = now + 1;
  if (auto s = r.query.get("since"); s && !s->empty()) {
    auto t = parse_time_arg(*s, now);
    if (!t) return error_reply(t.error());
    since = *t;
  }
  if (auto s = r.query.get("until"); s && !s->empty()) {
    auto t = parse_time_arg(*s, now);
    if (!t) return error_reply(t.error());
    until = *t;
  }
  std::string_view id = r.query.get("id").value_or("");
  if (id.empty() && r.body.empty()) {
    return error_reply(
        make_error(ErrorCode::kBadRequest, "hunt needs ?id=RULE or a rule file body"));
  }
  auto rules = rules::hunt_rules(*reg.current(), id, id.empty() ? r.body : std::string_view());
  if (!rules) return error_reply(rules.error());
  auto rep = rules::hunt_store(logs_db, std::move(*rules), since, until);
  if (!rep) return error_reply(rep.error());
  std::string out = "{";
  num(out, "scanned", static_cast<int64_t>(rep->scanned));
  num(out, "matched", static_cast<int64_t>(rep->matched));
  num(out, "first_us", rep->first_us);
  str(out, "first_id", rep->first_id);
  num(out, "last_us", rep->last_us);
  str(out, "last_id", rep->last_id);
  tops(out, "top_ips", rep->top_ips);
  tops(out, "top_keys", rep->top_keys);
  tops(out, "locations", rep->locations, false);
  out += '}';
  return {200, "application/json", std::move(out)};
}

}  // namespace

Handler rules_handler(rules::Registry& reg, std::string logs_db, RulesChanged on_change) {
  return [&reg, logs_db, on_change](const Request& r) -> Reply {
    int64_t now_ms = now_us() / 1000;
    if (r.path == "/rules" && (r.method == "GET" || r.method == "HEAD")) return list(reg);
    if (r.path == "/rules" && r.method == "POST") {
      auto v = reg.deploy(r.body, who(r), now_ms);
      if (!v) return error_reply(v.error());
      auto set = reg.current();
      if (on_change) {
        on_change("WAF rules version " + std::to_string(*v) + " deployed through the " + who(r) +
                  " (" + std::to_string(set->rules().size()) + " rules)");
      }
      std::string out = "{";
      num(out, "version", static_cast<int64_t>(*v));
      num(out, "rules", static_cast<int64_t>(set->rules().size()));
      str(out, "engine", set->hyperscan() ? "hyperscan" : "literal", false);
      out += '}';
      return {201, "application/json", std::move(out)};
    }
    if (r.path == "/rules/rollback" && r.method == "POST") {
      auto v = reg.rollback(who(r), now_ms);
      if (!v) return error_reply(v.error());
      if (on_change) {
        on_change("WAF rules rolled back to version " + std::to_string(*v) + " through the " +
                  who(r));
      }
      return {200, "application/json", "{\"version\":" + std::to_string(*v) + "}"};
    }
    if (r.path == "/rules/hunt" && (r.method == "POST" || r.method == "GET")) {
      return hunt(reg, logs_db, r);
    }
    return error_reply(make_error(ErrorCode::kMethodNotAllowed,
                                  "/admin/rules takes GET and POST; /admin/rules/rollback and "
                                  "/admin/rules/hunt POST"));
  };
}

}  // namespace parapet::admin
