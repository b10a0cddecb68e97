#include "limits/counters.h"

#include "limits/window.h"

namespace parapet::limits {

namespace {
// A cell: window tag in the high 28 bits, count in the low 36. A tag repeats every 2^28 windows
// (8.5 years of 1-second windows), long after a stale cell could be misread.
constexpr int kCountBits = 36;
constexpr uint64_t kCountMask = (uint64_t{1} << kCountBits) - 1;
constexpr uint64_t kTagMask = (uint64_t{1} << (64 - kCountBits)) - 1;

uint64_t tag_of(int64_t w) { return static_cast<uint64_t>(w) & kTagMask; }
uint64_t cell_tag(uint64_t v) { return v >> kCountBits; }
int64_t cell_count(uint64_t v) { return static_cast<int64_t>(v & kCountMask); }
uint64_t pack(int64_t w, int64_t n) {
  uint64_t c = n < 0 ? 0 : (static_cast<uint64_t>(n) > kCountMask ? kCountMask : uint64_t(n));
  return (tag_of(w) << kCountBits) | c;
}
}  // namespace

RateCounter::RateCounter(size_t slots) : slots_(slots), slot_(new Slot[slots]) {}

uint64_t RateCounter::bump(size_t slot, int64_t w, int64_t n) {
  std::atomic<uint64_t>& c = slot_[slot].cell[w & 1];
  // Only this slot's worker writes it: a load and a store, no read-modify-write needed.
  uint64_t old = c.load(std::memory_order_relaxed);
  int64_t base = cell_tag(old) == tag_of(w) ? cell_count(old) : 0;
  c.store(pack(w, base + n), std::memory_order_seq_cst);
  return old;
}

void RateCounter::totals(int64_t w, int64_t* prev, int64_t* cur) const {
  int64_t p = 0, q = 0;
  for (size_t i = 0; i < slots_; ++i) {
    uint64_t a = slot_[i].cell[w & 1].load(std::memory_order_seq_cst);
    uint64_t b = slot_[i].cell[(w - 1) & 1].load(std::memory_order_seq_cst);
    if (cell_tag(a) == tag_of(w)) q += cell_count(a);
    if (cell_tag(b) == tag_of(w - 1)) p += cell_count(b);
  }
  *prev = p;
  *cur = q;
}

std::vector<int64_t> RateCounter::per_slot(int64_t w) const {
  std::vector<int64_t> out(slots_, 0);
  for (size_t i = 0; i < slots_; ++i) {
    uint64_t a = slot_[i].cell[w & 1].load(std::memory_order_acquire);
    if (cell_tag(a) == tag_of(w)) out[i] = cell_count(a);
  }
  return out;
}

bool RateCounter::try_add(size_t slot, int64_t w, WindowKind kind, int64_t limit, int64_t add,
                          int64_t now_ms, int64_t window_ms, int64_t* prev, int64_t* cur) {
  uint64_t old = bump(slot, w, add);
  totals(w, prev, cur);
  if (fits(kind, *prev, *cur - add, add, limit, now_ms, window_ms)) return true;
  slot_[slot].cell[w & 1].store(old, std::memory_order_seq_cst);
  *cur -= add;
  return false;
}

void RateCounter::add(size_t slot, int64_t w, int64_t n) { bump(slot, w, n); }

bool BudgetAccount::reserve(int64_t amount, int64_t limit, int64_t* used_out) {
  int64_t cur = used_.load(std::memory_order_acquire);
  for (;;) {
    if (cur + amount > limit) {
      *used_out = cur;
      return false;
    }
    if (used_.compare_exchange_weak(cur, cur + amount, std::memory_order_acq_rel)) break;
  }
  inflight_.fetch_add(amount, std::memory_order_acq_rel);
  *used_out = cur + amount;
  return true;
}

void BudgetAccount::settle(int64_t reserved, int64_t actual) {
  used_.fetch_add(actual - reserved, std::memory_order_acq_rel);
  inflight_.fetch_sub(reserved, std::memory_order_acq_rel);
}

State::State(size_t workers) : workers_(workers == 0 ? 1 : workers) {}

RateCounter* State::rate(const std::string& rule_id, std::string_view scope_value) {
  MutexLock l(&mu_);
  auto& m = rate_[rule_id];
  auto it = m.find(std::string(scope_value));
  if (it != m.end()) return it->second.get();
  std::string scope(m.size() >= kMaxScopeValues ? kOverflowScope : scope_value);
  auto& slot = m[scope];
  if (!slot) slot = std::make_unique<RateCounter>(workers_);
  return slot.get();
}

BudgetAccount* State::budget(const std::string& rule_id, std::string_view scope_value,
                             int64_t period) {
  MutexLock l(&mu_);
  auto& m = budget_[rule_id];
  auto it = m.find({std::string(scope_value), period});
  if (it != m.end()) return it->second.get();
  std::string scope(m.size() >= kMaxScopeValues ? kOverflowScope : scope_value);
  auto& slot = m[{scope, period}];
  if (!slot) slot = std::make_unique<BudgetAccount>();
  return slot.get();
}

std::vector<State::RateRow> State::rate_rows(const std::string& rule_id) const {
  MutexLock l(&mu_);
  std::vector<RateRow> out;
  auto it = rate_.find(rule_id);
  if (it == rate_.end()) return out;
  for (const auto& [scope, c] : it->second) out.push_back({scope, c.get()});
  return out;
}

std::vector<State::BudgetRow> State::budget_rows(const std::string& rule_id) const {
  MutexLock l(&mu_);
  std::vector<BudgetRow> out;
  auto it = budget_.find(rule_id);
  if (it == budget_.end()) return out;
  for (const auto& [k, a] : it->second) out.push_back({k.first, k.second, a.get()});
  return out;
}

bool State::first_seed(const std::string& rule_id) {
  MutexLock l(&mu_);
  for (const auto& s : seeded_) {
    if (s == rule_id) return false;
  }
  seeded_.push_back(rule_id);
  return true;
}

RateCounter* Local::rate(State& s, const std::string& rule_id, std::string_view scope_value) {
  key_.assign(rule_id);
  key_ += '\0';
  key_ += scope_value;
  auto it = rate_.find(key_);
  if (it != rate_.end()) return it->second;
  RateCounter* c = s.rate(rule_id, scope_value);
  if (rate_.size() >= kMaxCached) rate_.clear();  // only a cache: the State keeps the cells
  rate_.emplace(key_, c);
  return c;
}

BudgetAccount* Local::budget(State& s, const std::string& rule_id, std::string_view scope_value,
                             int64_t period) {
  key_.assign(rule_id);
  key_ += '\0';
  key_ += scope_value;
  key_ += '\0';
  key_ += std::to_string(period);
  auto it = budget_.find(key_);
  if (it != budget_.end()) return it->second;
  BudgetAccount* a = s.budget(rule_id, scope_value, period);
  if (budget_.size() >= kMaxCached) budget_.clear();
  budget_.emplace(key_, a);
  return a;
}

}  // namespace parapet::limits
