// Prints the sample /metrics exposition (tests/unit/observe/metrics_sample.h) for
// `promtool check metrics` in ctest.
#include "unit/observe/metrics_sample.h"

#include <iostream>

#include "cache/cache.h"
#include "rules/metrics.h"

int main() {
  std::cout << parapet::observe::testing::sample_exposition();
  // The response cache's families (server.cc renders them after the analytics ones).
  parapet::cache::Options o;
  o.persistent = false;
  auto c = parapet::cache::Cache::open(o);
  if (!c) return 1;
  parapet::observe::prom::Writer w;
  (*c)->add_metrics(w);
  // The WAF's families (rules/metrics.h), rendered last by server.cc.
  parapet::rules::MatchCounters waf;
  waf.inspected();
  waf.inspected();
  waf.match("log4shell", "block");
  waf.match("log4shell", "log");
  waf.write(w);
  std::cout << w.text();
  return 0;
}
