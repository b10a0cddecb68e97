#include "rules/metrics.h"

namespace parapet::rules {

void MatchCounters::match(std::string_view rule, std::string_view action) {
  MutexLock l(&mu_);
  std::pair<std::string, std::string> k{std::string(rule), std::string(action)};
  if (matches_.size() >= 256 && !matches_.count(k)) k.first = "_other_";
  ++matches_[std::move(k)];
}

void MatchCounters::write(observe::prom::Writer& w) const {
  w.counter("parapet_waf_inspected_total", "Requests inspected by the WAF.", {},
            inspected_.load(std::memory_order_relaxed));
  MutexLock l(&mu_);
  for (const auto& [k, v] : matches_) {
    w.counter("parapet_waf_matches_total", "WAF rule matches by the action taken.",
              {{"rule", k.first}, {"action", k.second}}, v);
  }
}

}  // namespace parapet::rules
