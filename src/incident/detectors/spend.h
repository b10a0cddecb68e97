// Spend burn: money spent over the last window (all gateways) against a daily budget's rate.
// Fires when spend(window) > factor x budget_per_day x window / 1 day, i.e. the budget would be
// gone in a day / factor at this pace. Off when no budget is configured.
// Memory: 10 buckets x 1 counter.
// Thread-safety: none (recorder thread).
#pragma once

#include "incident/buckets.h"
#include "incident/detector.h"

namespace parapet::incident {

class SpendDetector final : public Detector {
 public:
  explicit SpendDetector(SpendOptions o) : o_(o), b_(std::max<int64_t>(1, o.window_us / 10), 11) {}
  std::string_view name() const override { return "spend_burn"; }
  void observe(const observe::RequestRecord& r) override;
  void evaluate(int64_t now_us, std::vector<Signal>& out) override;
  Retune retune(const Options& o) override;

 private:
  SpendOptions o_;
  Buckets<1> b_;
  bool firing_ = false;
};

}  // namespace parapet::incident
