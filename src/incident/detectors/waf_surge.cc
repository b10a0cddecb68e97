// WAF attack surge: the surge detector counting WAF hits. The RequestRecord of this branch has no
// WAF verdict field yet (the security-edge work adds `waf_action`), so a hit is a record whose
// error_type is "waf_blocked". When the field lands, add `|| !r.waf_action.empty()` here: blocked
// and flagged ("log") requests both count as attack traffic.
#include "incident/detectors/surge.h"
#include "observe/record.h"

namespace parapet::incident {

bool is_waf_hit(const observe::RequestRecord& r) { return r.error_type == "waf_blocked"; }

std::unique_ptr<Detector> make_waf_surge(const SurgeOptions& o) {
  return std::make_unique<SurgeDetector>(SurgeKind::kWaf, o);
}

}  // namespace parapet::incident
