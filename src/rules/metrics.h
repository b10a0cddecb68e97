// WAF counters (STYLE.md habit 7), read at scrape time:
//   parapet_waf_inspected_total                  requests the WAF inspected
//   parapet_waf_matches_total{rule,action}       rule matches by the action taken (block | log)
// Matches are rare next to requests, so they go to one shared map under a mutex (labels are rule
// ids: bounded by the rule set; unknown ids past 256 distinct ones count as "_other_"). The
// inspected count is a relaxed atomic.
// Thread-safety: safe from any thread.
#pragma once

#include <atomic>
#include <map>
#include <string>

#include "common/mutex.h"
#include "observe/prometheus.h"

namespace parapet::rules {

class MatchCounters {
 public:
  void inspected() { inspected_.fetch_add(1, std::memory_order_relaxed); }
  void match(std::string_view rule, std::string_view action);
  void write(observe::prom::Writer& w) const;

 private:
  std::atomic<uint64_t> inspected_{0};
  mutable Mutex mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> matches_ GUARDED_BY(mu_);
};

}  // namespace parapet::rules
