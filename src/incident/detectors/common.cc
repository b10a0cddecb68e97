#include <string>

#include "incident/detector.h"
#include "observe/record.h"

namespace parapet::incident {

int64_t record_time_us(const observe::RequestRecord& r) { return r.start_us + r.total_us; }

std::string provider_model(const observe::RequestRecord& r) {
  const std::string& m = !r.model_requested.empty() ? r.model_requested : r.model_answered;
  if (m.empty()) return r.provider;
  std::string out;
  out.reserve(r.provider.size() + 1 + m.size());
  out += r.provider;
  out += '/';
  out += m;
  return out;
}

bool is_provider_failure(const observe::RequestRecord& r) {
  return r.status >= 500 || r.error_type.starts_with("upstream_");
}

const char* stream_name(Stream s) {
  switch (s) {
    case Stream::kDebug:
      return "debug";
    case Stream::kImpact:
      return "impact";
    case Stream::kComms:
      return "comms";
  }
  return "debug";
}

const char* dest_kind_name(DestKind k) {
  switch (k) {
    case DestKind::kSlack:
      return "slack";
    case DestKind::kWebhook:
      return "webhook";
    case DestKind::kPagerDuty:
      return "pagerduty";
  }
  return "slack";
}

}  // namespace parapet::incident
