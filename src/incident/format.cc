#include "incident/format.h"

#include <algorithm>
#include <ctime>

#include "common/error.h"

namespace parapet::incident {

namespace {
void kv(std::string& o, std::string_view k, std::string_view v, bool comma = true) {
  o += '"';
  o += k;
  o += "\":\"";
  append_json_escaped(o, v);
  o += comma ? "\"," : "\"";
}
void kn(std::string& o, std::string_view k, int64_t v, bool comma = true) {
  o += '"';
  o += k;
  o += "\":";
  o += std::to_string(v);
  if (comma) o += ',';
}
const char* color(const Incident& inc) {
  switch (inc.status) {
    case Status::kMitigated:
    case Status::kResolved:
    case Status::kDeclined:
    case Status::kMerged:
      return "#2eb67d";
    default:
      return inc.severity <= 2 ? "#e01e5a" : "#ecb22e";
  }
}
}  // namespace

std::string time_text(int64_t us) {
  if (us <= 0) return "";
  time_t s = static_cast<time_t>(us / 1'000'000);
  struct tm tm;
  gmtime_r(&s, &tm);
  char buf[96];  // room for any int the compiler assumes a field could hold
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>((us / 1000) % 1000));
  return buf;
}

std::string call_link(std::string_view tmpl, int64_t id) {
  std::string out(tmpl);
  for (size_t p; (p = out.find("{id}")) != std::string::npos;) {
    out.replace(p, 4, std::to_string(id));
  }
  return out;
}

std::string incident_json(const Incident& i) {
  std::string o = "{";
  kn(o, "id", i.id);
  kv(o, "title", i.title);
  kn(o, "severity", i.severity);
  kv(o, "sev", "SEV" + std::to_string(i.severity));
  kv(o, "status", status_name(i.status));
  kv(o, "subject", i.subject);
  o += std::string("\"firing\":") + (i.firing ? "true," : "false,");
  kv(o, "commander", i.commander);
  kv(o, "comms", i.comms);
  kv(o, "scribe", i.scribe);
  kv(o, "summary", i.summary);
  kn(o, "detected_us", i.detected_us);
  kn(o, "declared_us", i.declared_us);
  kn(o, "mitigated_us", i.mitigated_us);
  kn(o, "resolved_us", i.resolved_us);
  kn(o, "window_from_us", i.window_from_us);
  kn(o, "merged_into", i.merged_into);
  kn(o, "updated_us", i.updated_us, false);
  o += '}';
  return o;
}

std::string slack_body(const Incident& inc, const Message& m) {
  std::string o = "{";
  std::string head = "[" + std::string(stream_name(m.stream)) + "] Incident #" +
                     std::to_string(inc.id) + " SEV" + std::to_string(inc.severity) + " (" +
                     std::string(status_name(inc.status)) + "): " + m.text;
  kv(o, "text", head);
  o += "\"attachments\":[{";
  kv(o, "color", color(inc));
  kv(o, "title", inc.title);
  kv(o, "fallback", head);
  o += "\"fields\":[";
  bool first = true;
  for (const auto& [k, v] : m.fields) {
    if (!first) o += ',';
    first = false;
    o += '{';
    kv(o, "title", k);
    kv(o, "value", v);
    o += "\"short\":" + std::string(v.size() < 40 ? "true" : "false") + "}";
  }
  o += "],";
  kv(o, "footer", "parapet incident #" + std::to_string(inc.id) + " · " + m.event);
  kn(o, "ts", inc.updated_us / 1'000'000, false);
  o += "}]}";
  return o;
}

std::string webhook_body(const Incident& inc, const Message& m) {
  std::string o = "{";
  kv(o, "event", "incident." + m.event);
  kv(o, "stream", stream_name(m.stream));
  kv(o, "text", m.text);
  o += "\"fields\":{";
  bool first = true;
  for (const auto& [k, v] : m.fields) {
    if (!first) o += ',';
    first = false;
    kv(o, k, v, false);
  }
  o += "},\"incident\":" + incident_json(inc) + "}";
  return o;
}

std::string pagerduty_body(const Incident& inc, const Message& m, std::string_view routing_key) {
  std::string o = "{";
  kv(o, "routing_key", routing_key);
  kv(o, "event_action", m.pd_action);
  kv(o, "dedup_key", "parapet-incident-" + std::to_string(inc.id));
  if (m.pd_action == "trigger") {
    static const char* kSev[] = {"critical", "critical", "error", "warning", "info", "info"};
    o += "\"payload\":{";
    kv(o, "summary", "SEV" + std::to_string(inc.severity) + " " + inc.title);
    kv(o, "source", "parapet");
    kv(o, "severity", kSev[std::clamp(inc.severity, 1, 5)]);
    kv(o, "component", inc.subject);
    o += "\"custom_details\":{";
    bool first = true;
    for (const auto& [k, v] : m.fields) {
      if (!first) o += ',';
      first = false;
      kv(o, k, v, false);
    }
    o += "}},";
  }
  kv(o, "client", "parapet", false);
  o += '}';
  return o;
}

}  // namespace parapet::incident
