#include "waf/engine.h"

#include <algorithm>

#include "waf/detectors.h"
#include "waf/normalize.h"

namespace parapet::waf {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// Headers that carry credentials or sessions: inspected, but their excerpts show only what
// matched, never the surrounding value.
bool sensitive_header(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "authorization",  "proxy-authorization",     "x-api-key", "api-key",
      "x-goog-api-key", "x-parapet-authorization", "cookie",    "set-cookie"};
  for (auto n : kNames) {
    if (iequals(name, n)) return true;
  }
  return false;
}

Action cap(Action a, Action limit) { return a < limit ? a : limit; }

struct Run {
  const RuleSet& set;
  const Policy& policy;
  Scanner& sc;
  Verdict& v;
  std::vector<Action> effective;  // per rule, before the body and mode caps; kOff: not here
  std::vector<uint8_t> done;      // per rule: already matched in this request
  Action body_cap = Action::kBlock;

  bool full() const { return v.matches.size() >= kMaxMatches; }

  void add(uint32_t idx, Target t, std::string_view name, std::string_view text, size_t offset,
           std::string detail, bool sensitive) {
    done[idx] = 1;
    const Rule& r = set.rules()[idx];
    Action a = effective[idx];
    if (t == kBody) a = cap(a, body_cap);
    a = cap(a, policy.mode);
    if (a == Action::kOff) return;
    Match m;
    m.rule_id = r.id;
    m.target = t;
    m.name = neutralize(name, 40);
    if (sensitive) {
      m.excerpt = neutralize(detail, 64);
    } else {
      size_t from = offset > 16 ? offset - 16 : 0;
      m.excerpt = neutralize(text.substr(std::min(from, text.size()), 64), 64);
    }
    m.detail = neutralize(detail, 64);
    m.action = a;
    m.severity = r.severity;
    if (a > v.action) v.action = a;
    v.matches.push_back(std::move(m));
  }

  bool wanted(uint32_t idx, Target t) const {
    return effective[idx] != Action::kOff && !done[idx] && (set.rules()[idx].targets & t);
  }

  void confirm(uint32_t idx, Target t, std::string_view name, std::string_view text,
               bool sensitive) {
    DetectorHit hit;
    if (set.rules()[idx].detector->confirm(text, hit)) {
      add(idx, t, name, text, hit.offset, std::move(hit.detail), sensitive);
    }
  }

  // One request part: every group whose rules still want this target.
  void unit(Target t, std::string_view name, std::string_view raw, bool plus, bool sensitive) {
    if (raw.empty() || full()) return;
    for (const auto& g : set.groups()) {
      if (!(g.targets & t)) continue;
      bool need = false;
      for (uint32_t idx : g.rules) need = need || wanted(idx, t);
      if (!need) continue;
      normalize(raw, g.transforms, plus, sc.norm, sc.tmp);
      std::string_view text = sc.norm;
      if (sc.scan(set, g, text)) {
        const auto& hits = sc.hits();
        for (size_t i = 0; i < hits.size() && !full(); ++i) {
          if (hits[i] < 0) continue;
          const auto& lit = g.literals[i];
          if (!wanted(lit.rule, t)) continue;
          if (lit.prefilter) {
            confirm(lit.rule, t, name, text, sensitive);
          } else {
            size_t at = static_cast<size_t>(hits[i]) - lit.text.size();
            add(lit.rule, t, name, text, at, lit.text, sensitive);
          }
        }
      }
      for (uint32_t idx : g.always) {
        if (wanted(idx, t) && !full()) confirm(idx, t, name, text, sensitive);
      }
    }
  }
};

void query_units(Run& run, std::string_view q) {
  std::string key;
  while (!q.empty() && !run.full()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view k = pair.substr(0, eq);
    url_decode(k, key, true, 1);
    run.unit(kQuery, key, k, true, false);
    if (eq != std::string_view::npos) run.unit(kQuery, key, pair.substr(eq + 1), true, false);
  }
}

}  // namespace

const Match* Verdict::blocking() const {
  for (const auto& m : matches) {
    if (m.action == Action::kBlock) return &m;
  }
  return nullptr;
}

Verdict inspect(const RuleSet& set, const Request& req, const Policy& policy, Scanner& sc) {
  Verdict v;
  if (policy.mode == Action::kOff || set.groups().empty()) return v;
  Run run{set, policy, sc, v, {}, {}, Action::kBlock};
  const auto& rules = set.rules();
  run.effective.resize(rules.size(), Action::kOff);
  run.done.assign(rules.size(), 0);
  run.body_cap =
      policy.body.value_or(policy.route == RouteKind::kAi ? Action::kLog : Action::kBlock);
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    bool applies = r.applies_to == AppliesTo::kAll ||
                   (r.applies_to == AppliesTo::kOrigins && policy.route == RouteKind::kOrigin) ||
                   (r.applies_to == AppliesTo::kAi && policy.route == RouteKind::kAi);
    if (!applies) continue;
    Action a = r.action;
    for (const auto& [id, act] : policy.overrides) {
      if (id == r.id) a = act;
    }
    run.effective[i] = a;
  }
  run.unit(kUri, {}, req.path, false, false);
  query_units(run, req.query);
  for (const auto& f : req.headers) {
    if (run.full()) break;
    bool sensitive = sensitive_header(f.name);
    run.unit(kHeaders, f.name, f.name, false, false);
    run.unit(kHeaders, f.name, f.value, false, sensitive);
  }
  if (!req.body.empty() && !run.full()) {
    bool json = json_strings(req.body, [&](std::string_view key, std::string_view value) {
      run.unit(kBody, key, value, false, false);
    });
    if (!json) run.unit(kBody, {}, req.body, false, false);
  }
  return v;
}

std::string summarize(const Verdict& v) {
  std::string out;
  for (const auto& m : v.matches) {
    if (!out.empty()) out += ',';
    out += m.rule_id;
    out += '@';
    out += target_name(m.target);
    if (!m.name.empty()) {
      out += ':';
      out += m.name;
    }
  }
  return out;
}

}  // namespace parapet::waf
