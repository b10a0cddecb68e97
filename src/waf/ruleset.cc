#include "waf/ruleset.h"

#include <hs/hs.h>

#include <atomic>

#include "waf/detectors.h"

namespace parapet::waf {

namespace {

std::atomic<uint64_t> g_serial{0};

int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long to,
             unsigned int /*flags*/, void* ctx) {
  auto* hits = static_cast<std::vector<int64_t>*>(ctx);
  if (id < hits->size() && (*hits)[id] < 0) (*hits)[id] = static_cast<int64_t>(to);
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
      flags.push_back(HS_FLAG_SINGLEMATCH);
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

bool Scanner::scan(const RuleSet& set, const RuleSet::Group& g, std::string_view text) {
  hits_.assign(g.literals.size(), -1);
  if (g.literals.empty()) return false;
  bool any = false;
  if (g.db) {
    prepare(set);
    if (scratch_ &&
        hs_scan(static_cast<hs_database_t*>(g.db), text.data(), static_cast<unsigned>(text.size()),
                0, static_cast<hs_scratch_t*>(scratch_), on_match, &hits_) == HS_SUCCESS) {
      for (int64_t h : hits_) any = any || h >= 0;
      return any;
    }
    hits_.assign(g.literals.size(), -1);  // scan failed: fall through to the literal search
  }
  for (size_t i = 0; i < g.literals.size(); ++i) {
    size_t at = text.find(g.literals[i].text);
    if (at != std::string_view::npos) {
      hits_[i] = static_cast<int64_t>(at + g.literals[i].text.size());
      any = true;
    }
  }
  return any;
}

}  // namespace parapet::waf
