#include "incident/detectors/spend.h"

#include <cstdio>

#include "observe/record.h"

namespace parapet::incident {

void SpendDetector::observe(const observe::RequestRecord& r) {
  if (o_.budget_micros_per_day <= 0 || r.cost_micros <= 0) return;
  b_.add(record_time_us(r), {r.cost_micros});
}

void SpendDetector::evaluate(int64_t now_us, std::vector<Signal>& out) {
  // A reload may remove the budget while the detector fires: that clears it.
  if (o_.budget_micros_per_day <= 0 && !firing_) return;
  int64_t spent = b_.sum(now_us, o_.window_us)[0];
  double allowed = o_.factor * static_cast<double>(o_.budget_micros_per_day) *
                   static_cast<double>(o_.window_us) / (86400.0 * kSecond);
  bool firing = o_.budget_micros_per_day > 0 && static_cast<double>(spent) > allowed;
  if (firing == firing_) return;
  firing_ = firing;
  Signal sig;
  sig.detector = "spend_burn";
  sig.subject = "spend";
  sig.firing = firing;
  sig.severity = 3;
  sig.at_us = now_us;
  sig.window_us = o_.window_us;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "$%.4f spent in the last %llds; the daily budget $%.2f allows $%.4f at %.1fx",
                static_cast<double>(spent) / 1e6, static_cast<long long>(o_.window_us / kSecond),
                static_cast<double>(o_.budget_micros_per_day) / 1e6, allowed / 1e6, o_.factor);
  sig.evidence = buf;
  sig.title =
      firing ? "Spend is burning through the daily budget" : "Spend rate back within budget";
  out.push_back(std::move(sig));
}

Detector::Retune SpendDetector::retune(const Options& o) {
  if (o.spend == o_) return Retune::kUnchanged;
  if (o.spend.window_us != o_.window_us) return Retune::kRestart;
  o_ = o.spend;
  return Retune::kApplied;
}

}  // namespace parapet::incident
