// WAF attack surge: the surge detector counting WAF hits. A hit is any record the WAF matched,
// blocked ("block") or only flagged ("log", e.g. attack strings in prompts on AI routes): both are
// attack traffic, and flagged-only rules are exactly where a surge should make a person look.
// error_type "waf_blocked" also counts, for records written before the verdict field existed.
#include "incident/detectors/surge.h"
#include "observe/record.h"

namespace parapet::incident {

bool is_waf_hit(const observe::RequestRecord& r) {
  return !r.waf_action.empty() || r.error_type == "waf_blocked";
}

std::unique_ptr<Detector> make_waf_surge(const SurgeOptions& o) {
  return std::make_unique<SurgeDetector>(SurgeKind::kWaf, o);
}

}  // namespace parapet::incident
