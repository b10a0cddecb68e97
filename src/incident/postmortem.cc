#include "incident/postmortem.h"

#include <cstdio>

#include "incident/format.h"

namespace parapet::incident {

std::string duration_text(int64_t us) {
  if (us < 0) return "n/a";
  char buf[64];
  double s = static_cast<double>(us) / 1e6;
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm %.1fs", static_cast<int>(s / 60), s - 60 * (int)(s / 60));
  } else {
    std::snprintf(buf, sizeof buf, "%dh %dm", static_cast<int>(s / 3600),
                  static_cast<int>(s / 60) % 60);
  }
  return buf;
}

namespace {
std::string since(int64_t a, int64_t b) { return a && b ? duration_text(b - a) : "n/a"; }
std::string usd(int64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.6f", static_cast<double>(micros) / 1e6);
  return buf;
}
}  // namespace

std::string postmortem_markdown(const Incident& inc, const std::vector<TimelineEntry>& timeline,
                                const Impact& im, bool pub, const std::vector<FollowUp>& followups,
                                int64_t now_us) {
  std::string o;
  std::string id = std::to_string(inc.id);
  if (pub) {
    o += "# Incident report: " + inc.title + "\n\n";
    o += "*Draft for public disclosure. Review before publishing.*\n\n";
  } else {
    o += "# Post-mortem: incident #" + id + " — " + inc.title + "\n\n";
  }
  o += "## Summary\n\n";
  o += "- Severity: SEV" + std::to_string(inc.severity) + "\n";
  o += "- Status: " + std::string(status_name(inc.status)) + "\n";
  if (!inc.subject.empty() && !pub) o += "- Detected by: `" + inc.subject + "`\n";
  o += "- Started (impact window): " + time_text(inc.window_from_us) + "\n";
  o += "- Detected: " + time_text(inc.detected_us) + "\n";
  o += "- Declared: " + time_text(inc.declared_us) + "\n";
  o += "- Mitigated: " + time_text(inc.mitigated_us) + "\n";
  o += "- Resolved: " + time_text(inc.resolved_us) + "\n";
  if (!pub) {
    o += "- Commander: " + (inc.commander.empty() ? "—" : inc.commander) +
         "; comms: " + (inc.comms.empty() ? "—" : inc.comms) +
         "; scribe: " + (inc.scribe.empty() ? "—" : inc.scribe) + "\n";
  }
  if (!inc.summary.empty()) o += "\n" + inc.summary + "\n";
  o += "\n## Time to respond\n\n| step | time |\n|---|---|\n";
  o += "| time to detect (window start → detected) | " +
       since(inc.window_from_us, inc.detected_us) + " |\n";
  o += "| time to declare (detected → declared) | " + since(inc.detected_us, inc.declared_us) +
       " |\n";
  o += "| time to mitigate (detected → mitigated) | " + since(inc.detected_us, inc.mitigated_us) +
       " |\n";
  o += "| time to resolve (detected → resolved) | " + since(inc.detected_us, inc.resolved_us) +
       " |\n";
  o += "\n## Impact\n\n";
  o += "Window: " + time_text(im.from_us) + " to " + time_text(im.to_us) + "\n\n";
  o += "| figure | value |\n|---|---|\n";
  o += "| requests | " + std::to_string(im.requests) + " |\n";
  o += "| failed requests | " + std::to_string(im.failed) + " |\n";
  o += "| slowed requests | " + std::to_string(im.slowed) + " |\n";
  o += "| affected keys | " + std::to_string(im.keys.size()) + " |\n";
  o += "| affected clients | " + std::to_string(im.clients.size()) + " |\n";
  o += "| cost in window | " + usd(im.cost_micros) + " |\n";
  o += "| cost of failed requests | " + usd(im.failed_cost_micros) + " |\n";
  if (!im.providers.empty()) {
    o += "\nAffected providers and models:\n\n";
    for (const auto& [name, n] : im.providers) {
      o += "- " + (name.empty() ? std::string("(none)") : name) + ": " + std::to_string(n) +
           " requests\n";
    }
  }
  if (!pub) {
    if (!im.keys.empty()) {
      o += "\nAffected keys:\n\n";
      for (const auto& [k, n] : im.keys) {
        o += "- `" + (k.empty() ? std::string("(no key)") : k) + "`: " + std::to_string(n) + "\n";
      }
    }
    if (!im.clients.empty()) {
      o += "\nAffected clients:\n\n";
      for (const auto& [k, n] : im.clients) o += "- " + k + ": " + std::to_string(n) + "\n";
    }
  }
  o += "\n## Timeline (UTC)\n\n";
  for (const auto& e : timeline) {
    if (pub && e.kind != "status" && e.kind != "comms") continue;
    o += "- " + time_text(e.at_us) + " — ";
    if (!pub) o += "**" + e.kind + "** (" + e.author + ") ";
    o += e.text + "\n";
  }
  o += "\n## Root cause\n\n_To be written._\n";
  if (!pub) {
    o += "\n## What went well / what went wrong / where we got lucky\n\n_To be written._\n";
    o += "\n## Follow-up actions\n\n| # | action | owner | due | priority (T×V×L) | status |\n"
         "|---|---|---|---|---|---|\n";
    for (const auto& f : followups) {
      o += "| " + std::to_string(f.id) + " | " + f.title + " | " +
           (f.owner.empty() ? "—" : f.owner) + " | " +
           (f.due_us ? time_text(f.due_us).substr(0, 10) : "—") + " | " +
           std::to_string(f.priority()) + " (" + std::to_string(f.threat) + "×" +
           std::to_string(f.vulnerability) + "×" + std::to_string(f.likelihood) + ") | " +
           (f.overdue(now_us) ? "**overdue**" : f.status) + " |\n";
    }
    if (followups.empty()) o += "| | _to be added_ | | | | |\n";
  } else {
    o += "\n## What we are doing about it\n\n_To be written._\n";
  }
  return o;
}

}  // namespace parapet::incident
