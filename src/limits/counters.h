// The limiter's shared state: rate counters and budget accounts, one per (rule id, scope value),
// kept outside the config Snapshot so a SIGHUP reload keeps them (they are keyed by rule id).
//
// Rate counters — exact across workers. Each worker owns one slot of every counter (a single
// writer per slot) holding two cells, one per window parity, each packing (window tag, count).
// Admitting a request is increment-then-check: the worker adds 1 to its own slot (a seq_cst
// store), then sums every slot (seq_cst loads); when the sum is over the limit it puts its slot
// back and refuses. Why this never admits more than `limit` per window, at any concurrency:
// take the admitted requests of one window in the seq_cst order of their increments; the last
// one's sum is read after every earlier admitted increment (none of them is ever undone), so it
// sees all of them plus itself and refuses if that exceeds the limit. Requests on one worker do
// not interleave between the increment and the check (no co_await in between). The price is
// the opposite error: a request can be refused because another worker's increment, later undone,
// was counted. At most W-1 such transient increments exist at any instant for W workers, so a
// request is refused only once at least limit-(W-1) requests of the window were admitted: the
// admitted count of a window ends between limit-(W-1) and limit whenever more than limit arrive.
// Token counters are added after the answer (add()); they are checked, not reserved, before it.
//
// Budget accounts — one atomic per (budget, scope value, period): reserve() is a CAS loop that
// adds the worst-case cost only if the total stays within the limit, so concurrent reservations
// can never jointly exceed it; settle() replaces the reservation by the real cost.
//
// Cells are created on first use under a mutex and never freed (their addresses stay valid), so a
// worker caches them in its Local and the request path takes no lock once a scope value is known.
// Memory: one rate cell per (rule, scope value) and one budget cell per (budget, scope value,
// period); a rule that meets more than kMaxScopeValues distinct values sends the rest to the
// shared value "(overflow)" (stricter, never looser).
// Thread-safety: State is safe from any thread; a Local belongs to one worker thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "limits/rule.h"

namespace parapet::limits {

inline constexpr size_t kMaxScopeValues = 100'000;
inline constexpr std::string_view kOverflowScope = "(overflow)";

class RateCounter {
 public:
  explicit RateCounter(size_t slots);

  // Admits `add` in window `w` for worker `slot` when the total stays within the rule (see the
  // header comment); on refusal nothing is counted. prev/cur receive the totals seen (cur
  // including `add` when admitted).
  bool try_add(size_t slot, int64_t w, WindowKind kind, int64_t limit, int64_t add, int64_t now_ms,
               int64_t window_ms, int64_t* prev, int64_t* cur);
  // Counts `n` (tokens after an answer) without a check.
  void add(size_t slot, int64_t w, int64_t n);
  // Totals of windows w-1 and w over all slots.
  void totals(int64_t w, int64_t* prev, int64_t* cur) const;
  // Window w's count in each worker's slot (listings: shows the merge at work).
  std::vector<int64_t> per_slot(int64_t w) const;

  // Requests this counter refused (parapet_limit_refused_total); off the admission path.
  std::atomic<uint64_t> refused{0};

 private:
  struct alignas(64) Slot {
    std::atomic<uint64_t> cell[2]{0, 0};
  };
  // Returns the old cell value; stores the new one.
  uint64_t bump(size_t slot, int64_t w, int64_t n);
  size_t slots_;
  std::unique_ptr<Slot[]> slot_;
};

class BudgetAccount {
 public:
  // Adds `amount` when used + amount <= limit. Returns false (and changes nothing) otherwise;
  // *used_out gets the total seen.
  bool reserve(int64_t amount, int64_t limit, int64_t* used_out);
  // Replaces a reservation by the real cost (which may be larger: then the account goes over and
  // later requests are refused until the period ends).
  void settle(int64_t reserved, int64_t actual);
  // Spend recorded before this process (seeded from the log store).
  void seed(int64_t micros) { used_.fetch_add(micros, std::memory_order_acq_rel); }
  int64_t used() const { return used_.load(std::memory_order_acquire); }
  int64_t in_flight() const { return inflight_.load(std::memory_order_acquire); }

  std::atomic<uint64_t> refused{0};  // requests this account could not cover

 private:
  std::atomic<int64_t> used_{0};      // settled spend + outstanding reservations
  std::atomic<int64_t> inflight_{0};  // outstanding reservations
};

class State {
 public:
  explicit State(size_t workers);
  size_t workers() const { return workers_; }

  RateCounter* rate(const std::string& rule_id, std::string_view scope_value);
  BudgetAccount* budget(const std::string& rule_id, std::string_view scope_value, int64_t period);

  // For listings: every scope value a rule has seen.
  struct RateRow {
    std::string scope;
    const RateCounter* counter;
  };
  struct BudgetRow {
    std::string scope;
    int64_t period;
    const BudgetAccount* account;
  };
  std::vector<RateRow> rate_rows(const std::string& rule_id) const;
  std::vector<BudgetRow> budget_rows(const std::string& rule_id) const;

  // True the first time it is called for `rule_id`: a budget's spend is seeded from the log store
  // once per process, not again when a reload or a re-added rule brings the same id back.
  bool first_seed(const std::string& rule_id);

 private:
  size_t workers_;
  mutable Mutex mu_;
  std::unordered_map<std::string, std::map<std::string, std::unique_ptr<RateCounter>>> rate_
      GUARDED_BY(mu_);
  std::unordered_map<std::string,
                     std::map<std::pair<std::string, int64_t>, std::unique_ptr<BudgetAccount>>>
      budget_ GUARDED_BY(mu_);
  std::vector<std::string> seeded_ GUARDED_BY(mu_);
};

// A worker's cache of cell addresses: the State's mutex only on a scope value's first request.
class Local {
 public:
  RateCounter* rate(State& s, const std::string& rule_id, std::string_view scope_value);
  BudgetAccount* budget(State& s, const std::string& rule_id, std::string_view scope_value,
                        int64_t period);

 private:
  static constexpr size_t kMaxCached = 4 * kMaxScopeValues;
  std::string key_;
  std::unordered_map<std::string, RateCounter*> rate_;
  std::unordered_map<std::string, BudgetAccount*> budget_;
};

}  // namespace parapet::limits
