#include "incident/lifecycle.h"

namespace parapet::incident {

std::string_view status_name(Status s) {
  switch (s) {
    case Status::kTriage:
      return "triage";
    case Status::kActive:
      return "active";
    case Status::kMitigated:
      return "mitigated";
    case Status::kResolved:
      return "resolved";
    case Status::kDeclined:
      return "declined";
    case Status::kMerged:
      return "merged";
  }
  return "triage";
}

std::optional<Status> parse_status(std::string_view s) {
  for (Status st : {Status::kTriage, Status::kActive, Status::kMitigated, Status::kResolved,
                    Status::kDeclined, Status::kMerged}) {
    if (status_name(st) == s) return st;
  }
  return std::nullopt;
}

bool is_open(Status s) {
  return s == Status::kTriage || s == Status::kActive || s == Status::kMitigated;
}

bool transition_allowed(Status from, Status to) {
  if (from == to) return false;
  switch (from) {
    case Status::kTriage:
      return true;  // declare, decline, merge, or straight to mitigated/resolved
    case Status::kActive:
      return to == Status::kMitigated || to == Status::kResolved || to == Status::kMerged;
    case Status::kMitigated:
      return to == Status::kActive || to == Status::kResolved || to == Status::kMerged;
    case Status::kResolved:
      return to == Status::kActive;  // reopened
    case Status::kDeclined:
    case Status::kMerged:
      return false;
  }
  return false;
}

bool apply_status(Incident& inc, Status to, int64_t now_us) {
  if (!transition_allowed(inc.status, to)) return false;
  switch (to) {
    case Status::kActive:
      if (!inc.declared_us) inc.declared_us = now_us;
      inc.mitigated_us = 0;
      inc.resolved_us = 0;
      break;
    case Status::kMitigated:
      if (!inc.declared_us) inc.declared_us = now_us;
      inc.mitigated_us = now_us;
      break;
    case Status::kResolved:
      if (!inc.mitigated_us) inc.mitigated_us = now_us;
      inc.resolved_us = now_us;
      break;
    case Status::kDeclined:
    case Status::kMerged:
      inc.resolved_us = now_us;
      break;
    case Status::kTriage:
      break;
  }
  inc.status = to;
  inc.updated_us = now_us;
  return true;
}

std::optional<Status> on_condition_cleared(const Incident& inc) {
  if (inc.status == Status::kTriage) return Status::kDeclined;  // cleared before anyone declared
  if (inc.status == Status::kActive) return Status::kMitigated;
  return std::nullopt;
}

std::optional<Status> on_condition_fired(const Incident& inc) {
  if (inc.status == Status::kMitigated) return Status::kActive;  // it came back
  return std::nullopt;
}

std::optional<Status> on_tick(const Incident& inc, const Policy& p, int64_t now_us) {
  if (inc.status == Status::kTriage && inc.firing && !inc.subject.empty() &&
      now_us - inc.detected_us >= p.declare_after_us) {
    return Status::kActive;
  }
  if (inc.status == Status::kMitigated && p.auto_resolve_after_us > 0 && !inc.firing &&
      now_us - inc.mitigated_us >= p.auto_resolve_after_us) {
    return Status::kResolved;
  }
  return std::nullopt;
}

}  // namespace parapet::incident
