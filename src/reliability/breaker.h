// Circuit breaking per upstream: stop sending to an upstream that keeps failing, and find out
// cheaply when it is back.
//
//   closed ──(N failures in a row, or failure share ≥ P% of ≥ M outcomes in the window)──▶ open
//   open ──(cooldown passed; the next request is let through as a probe)──▶ half-open
//   half-open ──(probe succeeds)──▶ closed        half-open ──(probe fails)──▶ open
//
// While open (and while half-open with every probe slot taken) requests fail fast with 503
// circuit_open, or go to the next fallback step. Failures are what says the upstream is unwell:
// connect failures, resets and timeouts before the answer head, and 5xx answers; a 4xx is the
// client's problem and counts as a success (the upstream answered).
//
// CircuitBreaker is the pure state machine (clock passed in, no locking). Breakers is the
// process-wide registry the workers share: one small mutex-guarded breaker per upstream name. It
// lives in the Server, outside the config Snapshot, so a SIGHUP reload keeps every breaker's state;
// thresholds are passed on each call, so a reload retunes them in place.
// Thread-safety: CircuitBreaker is not thread-safe; Breakers and its methods are.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "reliability/options.h"

namespace parapet::reliability {

using Clock = std::chrono::steady_clock;

enum class CircuitState : int { kClosed = 0, kOpen = 1, kHalfOpen = 2 };  // /metrics values
std::string_view circuit_state_name(CircuitState s);

enum class Admit { kAllowed, kProbe, kRejected };
enum class Outcome { kSuccess, kFailure, kNeutral };  // neutral: no verdict (client went away)

class CircuitBreaker {
 public:
  // Whether a request may go to the upstream now. kProbe takes one half-open slot, which the
  // caller must give back with record(..., probe=true) whatever happens.
  Admit admit(const BreakerOptions& o, Clock::time_point now);
  // Whether admit() would let a request through, without taking a probe slot.
  bool would_admit(const BreakerOptions& o, Clock::time_point now) const;
  void record(const BreakerOptions& o, Outcome out, bool probe, Clock::time_point now);

  CircuitState state() const { return state_; }
  uint64_t opens() const { return opens_; }
  uint32_t consecutive_failures() const { return consecutive_; }
  uint32_t window_requests() const { return window_total_; }
  uint32_t window_failures() const { return window_failures_; }
  Clock::time_point opened_at() const { return opened_at_; }

 private:
  void open(Clock::time_point now);
  void roll_window(const BreakerOptions& o, Clock::time_point now);

  CircuitState state_ = CircuitState::kClosed;
  uint32_t consecutive_ = 0;
  // A fixed window (reset when `window` has passed): two counters instead of a ring of buckets.
  // It can let a burst straddling a boundary slip under the rate rule; the consecutive-failure
  // rule catches a hard outage regardless.
  Clock::time_point window_start_{};
  uint32_t window_total_ = 0, window_failures_ = 0;
  Clock::time_point opened_at_{};
  uint32_t probes_in_flight_ = 0;
  uint64_t opens_ = 0;
};

struct BreakerView {
  std::string upstream;
  CircuitState state;
  uint64_t opens;
  uint32_t consecutive_failures, window_requests, window_failures;
  int64_t open_for_ms;  // since it opened (open / half-open), else 0
};

class Breakers {
 public:
  class Entry {
   public:
    // Closed is the common case: admit() answers it from an atomic copy of the state, without
    // the lock.
    Admit admit(const BreakerOptions& o, Clock::time_point now);
    bool would_admit(const BreakerOptions& o, Clock::time_point now) const;
    void record(const BreakerOptions& o, Outcome out, bool probe, Clock::time_point now);

   private:
    friend class Breakers;
    // One lock per upstream, held for a few comparisons. Breaker state must be process-wide (a
    // failing upstream fails for every worker), and the state machine changes several fields
    // together, which atomics alone would make racy or much harder to read; uncontended, the
    // lock costs tens of nanoseconds per attempt.
    mutable Mutex mu_;
    CircuitBreaker b_ GUARDED_BY(mu_);
    std::atomic<CircuitState> state_{CircuitState::kClosed};  // b_.state(), for admit()
  };

  // The breaker for `upstream`, created closed on first use; the reference stays valid for the
  // registry's lifetime (entries are never removed).
  Entry& get(std::string_view upstream);
  std::vector<BreakerView> snapshot(Clock::time_point now) const;

  // A worker's memo of get(): the registry lock is taken once per upstream name per worker, not
  // once per request. Thread-safety: one per worker thread.
  class Cache {
   public:
    Entry& get(Breakers& b, std::string_view upstream);

   private:
    std::vector<std::pair<std::string, Entry*>> entries_;  // a handful of upstreams: linear
  };

 private:
  mutable Mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_ GUARDED_BY(mu_);
};

}  // namespace parapet::reliability
