// One deadline per connection instead of a timer per read and write.
//
// Arming a timer before every socket operation doubled a proxy's CPU per request in
// ../shared/research/proxy-core-feasibility.md; here each phase only moves a time point, and the
// single timer is touched when the deadline moves earlier than it is armed for or when it wakes.
// When the deadline passes, on_fire(phase) runs once (it closes sockets; the pending operations
// then fail and their coroutine asks fired() why).
// Thread-safety: used on its owner's executor only.
#pragma once

#include <functional>
#include <memory>

#include "common/asio.h"

namespace parapet {

class Watchdog {
 public:
  explicit Watchdog(asio::any_io_executor ex) : timer_(ex) {}

  // REQUIRES: called once, before the first set(). `owner` (the object holding this Watchdog) is
  // kept alive while a wait is pending, so a late timer completion never touches freed memory.
  void init(std::weak_ptr<void> owner, std::function<void(int phase)> f) {
    owner_ = std::move(owner);
    on_fire_ = std::move(f);
  }

  void set(Clock::time_point deadline, int phase) {
    deadline_ = deadline;
    phase_ = phase;
    active_ = true;
    fired_ = -1;
    if (!waiting_) {
      armed_at_ = deadline;
      timer_.expires_at(deadline);
      wait();
    } else if (deadline < armed_at_) {
      armed_at_ = deadline;
      timer_.expires_at(deadline);  // the aborted wait re-waits on the new expiry
    }
  }
  void clear() { active_ = false; }
  // Cancels the pending wait so nothing it captured outlives the owner's work.
  void stop() {
    active_ = false;
    stopped_ = true;
    timer_.cancel();
  }
  // The phase that expired, or -1.
  int fired() const { return fired_; }

 private:
  void wait() {
    waiting_ = true;
    timer_.async_wait([this, keep = owner_.lock()](boost::system::error_code) {
      waiting_ = false;
      if (stopped_ || !active_) return;
      if (Clock::now() >= deadline_) {
        active_ = false;
        fired_ = phase_;
        on_fire_(phase_);
        return;
      }
      armed_at_ = deadline_;
      timer_.expires_at(deadline_);
      wait();
    });
  }

  asio::steady_timer timer_;
  std::weak_ptr<void> owner_;
  std::function<void(int)> on_fire_;
  Clock::time_point deadline_{}, armed_at_{};
  int phase_ = 0;
  int fired_ = -1;
  bool active_ = false, waiting_ = false, stopped_ = false;
};

}  // namespace parapet
