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

// One request through one rule set. Every request part is normalized once per transform group
// into that group's buffer (parts separated by NUL, which no pattern contains), so each group
// costs one Hyperscan call per request however many parts there are.
struct Run {
  const RuleSet& set;
  const Policy& policy;
  Scanner& sc;
  Verdict& v;
  Action body_cap = Action::kBlock;
  std::vector<uint32_t> active;  // per group: targets its live rules read

  bool full() const { return v.matches.size() >= kMaxMatches; }
  Action effective(uint32_t idx) const { return static_cast<Action>(sc.effective[idx]); }
  bool wanted(uint32_t idx, uint32_t t) const {
    return effective(idx) != Action::kOff && !sc.done[idx] && (set.rules()[idx].targets & t);
  }

  void unit(Target t, std::string_view name, std::string_view raw, bool plus, bool sensitive) {
    if (raw.empty()) return;
    bool named = false;
    uint32_t name_off = 0, flags = 0, decoded_mask = UINT32_MAX;
    std::string_view base;
    for (size_t g = 0; g < active.size(); ++g) {
      if (!(active[g] & t)) continue;
      if (!named) {
        name_off = static_cast<uint32_t>(sc.names.size());
        sc.names.append(name.substr(0, 256));
        named = true;
        flags = classify(raw);
      }
      uint32_t transforms = set.groups()[g].transforms;
      // Groups usually differ only in compress: decode once per unit and share it.
      uint32_t mask = transforms & (kUrl | kHtml | kJs);
      if (mask != decoded_mask) {
        base = decode(raw, mask, plus, flags, sc.norm, sc.tmp);
        decoded_mask = mask;
      }
      std::string& buf = sc.bufs[g];
      Span sp;
      sp.begin = static_cast<uint32_t>(buf.size());
      if ((transforms & kCompress) &&
          (base.data() != raw.data() || (flags & (kHasSpace | kHasSlash)))) {
        compress_append(base, buf);
      } else {
        buf.append(base);
      }
      fold_ascii(buf, sp.begin);
      sp.end = static_cast<uint32_t>(buf.size());
      buf += '\0';
      sp.target = t;
      sp.name_off = name_off;
      sp.name_len = static_cast<uint32_t>(std::min<size_t>(name.size(), 256));
      sp.sensitive = sensitive;
      sc.spans[g].push_back(sp);
    }
  }

  void add(uint32_t idx, const Span& sp, std::string_view text, size_t offset, std::string detail) {
    sc.done[idx] = 1;
    const Rule& r = set.rules()[idx];
    Target t = static_cast<Target>(sp.target);
    Action a = effective(idx);
    if (t == kBody) a = cap(a, body_cap);
    a = cap(a, policy.mode);
    if (a == Action::kOff) return;
    Match m;
    m.rule_id = r.id;
    m.target = t;
    m.name = neutralize(std::string_view(sc.names).substr(sp.name_off, sp.name_len), 40);
    if (sp.sensitive) {
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

  void confirm(uint32_t idx, const Span& sp, std::string_view text) {
    DetectorHit hit;
    if (set.rules()[idx].detector->confirm(text, hit)) {
      add(idx, sp, text, hit.offset, std::move(hit.detail));
    }
  }

  void match_group(size_t g) {
    const auto& group = set.groups()[g];
    const std::string& buf = sc.bufs[g];
    const auto& spans = sc.spans[g];
    if (spans.empty()) return;
    auto text_of = [&](const Span& sp) {
      return std::string_view(buf).substr(sp.begin, sp.end - sp.begin);
    };
    sc.scan(set, group, buf, spans, sc.hits);
    uint32_t tried_rule = UINT32_MAX, tried_span = UINT32_MAX;
    for (const Hit& h : sc.hits) {
      if (full()) return;
      const auto& lit = group.literals[h.literal];
      const Span& sp = spans[h.span];
      if (!wanted(lit.rule, sp.target)) continue;
      if (lit.prefilter) {
        // Several prefilter literals of one detector may hit the same part: confirm it once.
        if (tried_rule == lit.rule && tried_span == h.span) continue;
        tried_rule = lit.rule;
        tried_span = h.span;
        confirm(lit.rule, sp, text_of(sp));
      } else {
        size_t at = h.end - sp.begin - lit.text.size();
        add(lit.rule, sp, text_of(sp), at, lit.text);
      }
    }
    for (uint32_t idx : group.always) {
      for (const Span& sp : spans) {
        if (full()) return;
        if (wanted(idx, sp.target)) confirm(idx, sp, text_of(sp));
      }
    }
  }
};

bool form_body(std::span<const Field> headers) {
  for (const auto& h : headers) {
    if (!iequals(h.name, "content-type")) continue;
    std::string_view v = h.value.substr(0, h.value.find(';'));
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    return iequals(v, "application/x-www-form-urlencoded");
  }
  return false;
}

// name=value&... (a query, or a form body): each name and value is a part of `target`.
void query_units(Run& run, std::string_view q, std::string& key, Target target = kQuery) {
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view k = pair.substr(0, eq);
    url_decode(k, key, true, 1);
    run.unit(target, key, k, true, false);
    if (eq != std::string_view::npos) run.unit(target, key, pair.substr(eq + 1), true, false);
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
  Run run{set, policy, sc, v};
  const auto& rules = set.rules();
  sc.effective.assign(rules.size(), static_cast<uint8_t>(Action::kOff));
  sc.done.assign(rules.size(), 0);
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
    sc.effective[i] = static_cast<uint8_t>(a);
  }
  size_t groups = set.groups().size();
  run.active.assign(groups, 0);
  for (size_t g = 0; g < groups; ++g) {
    for (uint32_t idx : set.groups()[g].rules) {
      if (run.effective(idx) != Action::kOff) run.active[g] |= rules[idx].targets;
    }
  }
  sc.bufs.resize(groups);
  sc.spans.resize(groups);
  for (size_t g = 0; g < groups; ++g) {
    sc.bufs[g].clear();
    sc.spans[g].clear();
  }
  sc.names.clear();

  run.unit(kUri, {}, req.path, false, false);
  query_units(run, req.query, sc.key);
  for (const auto& f : req.headers) {
    run.unit(kHeaders, f.name, f.name, false, false);
    run.unit(kHeaders, f.name, f.value, false, sensitive_header(f.name));
  }
  if (!req.body.empty()) {
    bool json = json_strings(req.body, [&](std::string_view key, std::string_view value) {
      run.unit(kBody, key, value, false, false);
    });
    if (!json) {
      // Not JSON (or broken JSON): nothing the walker saw before it gave up, but a form's fields
      // ('+' is a space there) or else the raw bytes.
      for (size_t g = 0; g < groups; ++g) {
        auto& spans = sc.spans[g];
        while (!spans.empty() && spans.back().target == kBody) {
          sc.bufs[g].resize(spans.back().begin);
          spans.pop_back();
        }
      }
      if (form_body(req.headers)) {
        query_units(run, req.body, sc.key, kBody);
      } else {
        run.unit(kBody, {}, req.body, false, false);
      }
    }
  }
  for (size_t g = 0; g < groups && !run.full(); ++g) run.match_group(g);
  // A worker keeps its buffers between requests, but not the size of one huge body.
  constexpr size_t kKeep = 1 << 20;
  for (auto& b : sc.bufs) {
    if (b.capacity() > kKeep) std::string().swap(b);
  }
  for (std::string* b : {&sc.norm, &sc.tmp, &sc.names}) {
    if (b->capacity() > kKeep) std::string().swap(*b);
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
