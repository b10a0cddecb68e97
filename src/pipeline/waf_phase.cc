// WAF phase: the matching is waf/ (pure); this gathers the request's parts, picks the policy of
// the route (plain origin or AI provider, [gateways.X.waf]) and applies the verdict.
#include "observe/scrub.h"
#include "pipeline/phases.h"

namespace parapet::pipeline {

namespace {

waf::Action action_of(std::string_view s) {
  waf::Action a = waf::Action::kBlock;
  waf::parse_action(s, a);
  return a;
}

waf::Policy policy_for(const config::Snapshot& cfg, const route::Target& t) {
  waf::Policy p;
  bool ai = t.universal || (t.upstream && t.upstream->protocol != providers::Protocol::kHttp);
  p.route = ai ? waf::RouteKind::kAi : waf::RouteKind::kOrigin;
  if (const config::GatewayWaf* g = cfg.waf_for(t.gateway)) {
    p.mode = action_of(g->mode);
    if (!g->body.empty()) p.body = action_of(g->body);
    for (const auto& [id, act] : g->overrides) p.overrides.emplace_back(id, action_of(act));
  }
  return p;
}

// {"rule":{"target":..,"name":..,"action":..,"severity":..,"detail":..,"excerpt":..},...}: the
// excerpt is already neutralized (no live "${"); scrubbing masks any credential beside the match.
std::string matches_json(const waf::Verdict& v) {
  std::string out = "{";
  for (const auto& m : v.matches) {
    if (out.size() > 1) out += ',';
    out += '"';
    append_json_escaped(out, m.rule_id);
    out += "\":{\"target\":\"";
    out += waf::target_name(m.target);
    out += "\",\"name\":\"";
    append_json_escaped(out, m.name);
    out += "\",\"action\":\"";
    out += waf::action_name(m.action);
    out += "\",\"severity\":\"";
    out += waf::severity_name(m.severity);
    out += "\",\"detail\":\"";
    append_json_escaped(out, m.detail);
    out += "\",\"excerpt\":\"";
    append_json_escaped(out, observe::scrub(m.excerpt).text);
    out += "\"}";
  }
  out += '}';
  return out;
}

}  // namespace

bool waf_check(Exchange& x, const route::Target& t, std::string& blocked_body) {
  if (!x.env.waf) return true;
  waf::Policy policy = policy_for(x.cfg, t);
  if (policy.mode == waf::Action::kOff) return true;
  const waf::RuleSet& set = x.env.waf_view.get(*x.env.waf);
  if (!x.env.waf_scanner) x.env.waf_scanner = std::make_unique<waf::Scanner>();
  auto& fields = x.env.waf_fields;
  fields.clear();
  for (const auto& h : x.req.headers) fields.push_back({h.name, h.value});
  std::string_view target = x.req.target;
  size_t q = target.find('?');
  waf::Request req;
  req.path = target.substr(0, q);
  if (q != std::string_view::npos) req.query = target.substr(q + 1);
  req.headers = fields;
  req.body = x.body;
  waf::Verdict v = waf::inspect(set, req, policy, *x.env.waf_scanner);
  if (x.env.waf_counters) x.env.waf_counters->inspected();
  if (v.matches.empty()) return true;
  x.record.waf_action = waf::action_name(v.action);
  x.record.waf_rules = waf::summarize(v);
  x.record.waf_matches = matches_json(v);
  if (x.env.waf_counters) {
    for (const auto& m : v.matches)
      x.env.waf_counters->match(m.rule_id, waf::action_name(m.action));
  }
  const waf::Match* b = v.blocking();
  if (!b) return true;
  std::string message = "request blocked by WAF rule " + b->rule_id + " in " +
                        std::string(waf::target_name(b->target));
  if (!b->name.empty()) message += " (" + b->name + ")";
  x.record.error_type = error_type(ErrorCode::kWafBlocked);
  x.record.error_message = message;
  blocked_body = "{\"error\":{\"type\":\"waf_blocked\",\"rule\":\"";
  append_json_escaped(blocked_body, b->rule_id);
  blocked_body += "\",\"message\":\"";
  append_json_escaped(blocked_body, message);
  blocked_body += "\"}}";
  return false;
}

}  // namespace parapet::pipeline
