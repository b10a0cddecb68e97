#include "reliability/breaker.h"

#include <algorithm>

namespace parapet::reliability {

std::string_view circuit_state_name(CircuitState s) {
  switch (s) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kOpen:
      return "open";
    case CircuitState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

void CircuitBreaker::open(Clock::time_point now) {
  state_ = CircuitState::kOpen;
  opened_at_ = now;
  probes_in_flight_ = 0;
  consecutive_ = 0;
  window_total_ = window_failures_ = 0;
  window_start_ = now;
  ++opens_;
}

void CircuitBreaker::roll_window(const BreakerOptions& o, Clock::time_point now) {
  if (now - window_start_ >= o.window) {
    window_start_ = now;
    window_total_ = window_failures_ = 0;
  }
}

bool CircuitBreaker::would_admit(const BreakerOptions& o, Clock::time_point now) const {
  if (!o.enabled) return true;
  switch (state_) {
    case CircuitState::kClosed:
      return true;
    case CircuitState::kOpen:
      return now - opened_at_ >= o.cooldown;
    case CircuitState::kHalfOpen:
      return probes_in_flight_ < std::max<uint32_t>(o.half_open_probes, 1);
  }
  return true;
}

Admit CircuitBreaker::admit(const BreakerOptions& o, Clock::time_point now) {
  if (!o.enabled) return Admit::kAllowed;
  if (state_ == CircuitState::kClosed) return Admit::kAllowed;
  if (state_ == CircuitState::kOpen) {
    if (now - opened_at_ < o.cooldown) return Admit::kRejected;
    state_ = CircuitState::kHalfOpen;
    probes_in_flight_ = 0;
  }
  if (probes_in_flight_ >= std::max<uint32_t>(o.half_open_probes, 1)) return Admit::kRejected;
  ++probes_in_flight_;
  return Admit::kProbe;
}

void CircuitBreaker::record(const BreakerOptions& o, Outcome out, bool probe,
                            Clock::time_point now) {
  if (probe && probes_in_flight_ > 0) --probes_in_flight_;
  if (!o.enabled || out == Outcome::kNeutral) return;
  if (state_ == CircuitState::kHalfOpen) {
    // Only a probe's verdict moves a half-open breaker; late answers to requests admitted before
    // it opened say nothing about the upstream now.
    if (!probe) return;
    if (out == Outcome::kSuccess) {
      state_ = CircuitState::kClosed;
      consecutive_ = 0;
      window_start_ = now;
      window_total_ = window_failures_ = 0;
    } else {
      open(now);
    }
    return;
  }
  if (state_ == CircuitState::kOpen) return;  // a straggler from before it opened
  roll_window(o, now);
  ++window_total_;
  if (out == Outcome::kSuccess) {
    consecutive_ = 0;
    return;
  }
  ++window_failures_;
  ++consecutive_;
  bool by_count = o.consecutive_failures > 0 && consecutive_ >= o.consecutive_failures;
  bool by_rate =
      o.failure_rate_percent > 0 && window_total_ >= std::max<uint32_t>(o.min_requests, 1) &&
      uint64_t{window_failures_} * 100 >= uint64_t{o.failure_rate_percent} * window_total_;
  if (by_count || by_rate) open(now);
}

Admit Breakers::Entry::admit(const BreakerOptions& o, Clock::time_point now) {
  if (!o.enabled || state_.load(std::memory_order_relaxed) == CircuitState::kClosed) {
    return Admit::kAllowed;
  }
  MutexLock l(&mu_);
  Admit a = b_.admit(o, now);
  state_.store(b_.state(), std::memory_order_relaxed);
  return a;
}

bool Breakers::Entry::would_admit(const BreakerOptions& o, Clock::time_point now) const {
  if (!o.enabled || state_.load(std::memory_order_relaxed) == CircuitState::kClosed) return true;
  MutexLock l(&mu_);
  return b_.would_admit(o, now);
}

void Breakers::Entry::record(const BreakerOptions& o, Outcome out, bool probe,
                             Clock::time_point now) {
  // A probe's slot goes back even if breaking was switched off meanwhile.
  if (!probe && (!o.enabled || out == Outcome::kNeutral)) return;
  MutexLock l(&mu_);
  b_.record(o, out, probe, now);
  state_.store(b_.state(), std::memory_order_relaxed);
}

Breakers::Entry& Breakers::Cache::get(Breakers& b, std::string_view upstream) {
  for (const auto& [name, e] : entries_) {
    if (name == upstream) return *e;
  }
  Entry& e = b.get(upstream);
  entries_.emplace_back(std::string(upstream), &e);
  return e;
}

Breakers::Entry& Breakers::get(std::string_view upstream) {
  MutexLock l(&mu_);
  auto it = entries_.find(std::string(upstream));
  if (it != entries_.end()) return *it->second;
  auto [ins, ok] = entries_.emplace(std::string(upstream), std::make_unique<Entry>());
  return *ins->second;
}

std::vector<BreakerView> Breakers::snapshot(Clock::time_point now) const {
  std::vector<BreakerView> out;
  {
    MutexLock l(&mu_);
    for (const auto& [name, e] : entries_) {
      MutexLock el(&e->mu_);
      const CircuitBreaker& b = e->b_;
      int64_t open_for = 0;
      if (b.state() != CircuitState::kClosed) {
        open_for = std::chrono::duration_cast<Millis>(now - b.opened_at()).count();
      }
      out.push_back({name, b.state(), b.opens(), b.consecutive_failures(), b.window_requests(),
                     b.window_failures(), open_for});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const BreakerView& a, const BreakerView& b) { return a.upstream < b.upstream; });
  return out;
}

}  // namespace parapet::reliability
