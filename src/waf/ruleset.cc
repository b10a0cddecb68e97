#include "waf/ruleset.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>

#include "waf/detectors.h"

namespace parapet::waf {

namespace {

std::atomic<uint64_t> g_serial{0};

struct MatchCtx {
  const std::vector<Span>* spans;
  size_t cursor = 0;
  std::vector<int64_t>* last_span;  // per literal: the span of its last hit (dedupe)
  std::vector<Hit>* hits;
};

int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long to,
             unsigned int /*flags*/, void* ctx) {
  auto* c = static_cast<MatchCtx*>(ctx);
  const auto& spans = *c->spans;
  // Matches arrive by increasing end offset, so the span cursor only moves forward.
  while (c->cursor < spans.size() && spans[c->cursor].end < to) ++c->cursor;
  auto& last = *c->last_span;
  if (c->cursor >= spans.size() || id >= last.size()) return 0;
  if (last[id] == static_cast<int64_t>(c->cursor)) return 0;
  last[id] = static_cast<int64_t>(c->cursor);
  c->hits->push_back({to, id, static_cast<uint32_t>(c->cursor)});
  return 0;
}

}  // namespace

bool hyperscan_available() {
  static const bool ok = hs_valid_platform() == HS_SUCCESS;
  return ok;
}

Result<std::shared_ptr<const RuleSet>> RuleSet::compile(std::vector<Rule> rules, uint64_t version,
                                                        std::string label, bool use_hyperscan) {
  std::shared_ptr<RuleSet> set(new RuleSet());
  set->rules_ = std::move(rules);
  set->version_ = version;
  set->label_ = std::move(label);
  set->serial_ = ++g_serial;
  set->hyperscan_ = use_hyperscan && hyperscan_available();
  for (uint32_t i = 0; i < set->rules_.size(); ++i) {
    const Rule& r = set->rules_[i];
    if (r.action == Action::kOff) continue;  // compiled out; overrides cannot turn it back on
    Group* g = nullptr;
    for (auto& x : set->groups_) {
      if (x.transforms == r.transforms) g = &x;
    }
    if (!g) {
      set->groups_.emplace_back();
      g = &set->groups_.back();
      g->transforms = r.transforms;
    }
    g->targets |= r.targets;
    g->rules.push_back(i);
    if (r.detector) {
      if (r.detector->prefilter.empty()) g->always.push_back(i);
      for (auto lit : r.detector->prefilter) g->literals.push_back({std::string(lit), i, true});
    } else {
      for (const auto& p : r.patterns) g->literals.push_back({p, i, false});
    }
  }
  if (!set->hyperscan_) return std::shared_ptr<const RuleSet>(std::move(set));
  for (auto& g : set->groups_) {
    if (g.literals.empty()) continue;
    std::vector<const char*> exprs;
    std::vector<size_t> lens;
    std::vector<unsigned> flags, ids;
    for (size_t i = 0; i < g.literals.size(); ++i) {
      exprs.push_back(g.literals[i].text.data());
      lens.push_back(g.literals[i].text.size());
      flags.push_back(0);
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                             static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                             &err) != HS_SUCCESS) {
      std::string msg = err && err->message ? err->message : "unknown error";
      hs_free_compile_error(err);
      return make_error(ErrorCode::kBadRequest, "WAF rules do not compile: " + msg);
    }
    g.db = db;
  }
  return std::shared_ptr<const RuleSet>(std::move(set));
}

RuleSet::~RuleSet() {
  for (auto& g : groups_) {
    if (g.db) hs_free_database(static_cast<hs_database_t*>(g.db));
  }
}

const Rule* RuleSet::find(std::string_view id) const {
  for (const auto& r : rules_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

Scanner::Scanner() = default;

Scanner::~Scanner() {
  if (scratch_) hs_free_scratch(static_cast<hs_scratch_t*>(scratch_));
}

void Scanner::prepare(const RuleSet& set) {
  if (prepared_ == set.serial()) return;
  for (const auto& g : set.groups()) {
    if (!g.db) continue;
    auto* s = static_cast<hs_scratch_t*>(scratch_);
    if (hs_alloc_scratch(static_cast<hs_database_t*>(g.db), &s) == HS_SUCCESS) scratch_ = s;
  }
  prepared_ = set.serial();
}

void Scanner::scan(const RuleSet& set, const RuleSet::Group& g, std::string_view buf,
                   const std::vector<Span>& spans, std::vector<Hit>& out) {
  out.clear();
  if (g.literals.empty() || spans.empty()) return;
  bool done_hs = false;
  if (g.db) {
    prepare(set);
    last_span_.assign(g.literals.size(), -1);
    MatchCtx ctx{&spans, 0, &last_span_, &out};
    done_hs =
        scratch_ &&
        hs_scan(static_cast<hs_database_t*>(g.db), buf.data(), static_cast<unsigned>(buf.size()), 0,
                static_cast<hs_scratch_t*>(scratch_), on_match, &ctx) == HS_SUCCESS;
    if (!done_hs) out.clear();  // fall through to the literal search
  }
  if (!done_hs) {
    for (uint32_t i = 0; i < g.literals.size(); ++i) {
      const std::string& lit = g.literals[i].text;
      for (uint32_t s = 0; s < spans.size(); ++s) {
        std::string_view text = buf.substr(spans[s].begin, spans[s].end - spans[s].begin);
        size_t at = text.find(lit);
        if (at != std::string_view::npos) out.push_back({spans[s].begin + at + lit.size(), i, s});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Hit& a, const Hit& b) {
    return a.end != b.end ? a.end < b.end : a.literal < b.literal;
  });
}

}  // namespace parapet::waf
