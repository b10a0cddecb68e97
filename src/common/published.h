// An immutable value published by a control-plane thread and read by workers without a lock in
// the steady state (VISION.md: no locks on the request path). The publisher swaps a
// shared_ptr<const T> under a mutex and bumps a generation counter; each worker keeps a
// CachedView that compares the counter (one atomic load per request) and takes the mutex only
// when the value changed. Used for key sets (access/) and limit rules (limits/).
// Thread-safety: Published is safe from any thread; a CachedView belongs to one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "common/mutex.h"

namespace parapet {

template <class T>
class Published {
 public:
  void set(std::shared_ptr<const T> v) {
    {
      MutexLock l(&mu_);
      value_ = std::move(v);
    }
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  std::shared_ptr<const T> get() const {
    MutexLock l(&mu_);
    return value_;
  }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  mutable Mutex mu_;
  std::shared_ptr<const T> value_ GUARDED_BY(mu_);
  std::atomic<uint64_t> generation_{0};
};

// Source: anything with generation() and current() returning shared_ptr<const T>.
template <class T, class Source>
class CachedView {
 public:
  const T& get(const Source& s) {
    uint64_t g = s.generation();
    if (g != generation_ || !value_) {
      value_ = s.current();
      generation_ = g;
    }
    return *value_;
  }

 private:
  uint64_t generation_ = 0;
  std::shared_ptr<const T> value_;
};

}  // namespace parapet
