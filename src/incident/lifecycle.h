// The incident state machine, pure: what an incident is and which changes are allowed, plus the
// automatic policy (a detector signal opens an incident in triage; one still firing after
// declare_after is declared; one that clears while in triage was a false alarm and is declined;
// one that clears after declaration is mitigated; a mitigated one may resolve by itself after
// auto_resolve_after). No I/O and no clock: callers pass the time.
//
//   triage ──declare──▶ active ──▶ mitigated ──▶ resolved
//     │  ╲                 ▲            │            │
//     │   ╲ cleared        └──fires again┘            └──reopen──▶ active
//     ▼    ▼
//  declined / merged (final)
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parapet::incident {

enum class Status { kTriage, kActive, kMitigated, kResolved, kDeclined, kMerged };

std::string_view status_name(Status s);
std::optional<Status> parse_status(std::string_view s);
// Open: not resolved, declined or merged (a new signal for its subject joins it).
bool is_open(Status s);
bool transition_allowed(Status from, Status to);

struct Incident {
  int64_t id = 0;
  std::string title;
  int severity = 3;  // 1..5
  Status status = Status::kTriage;
  std::string subject;  // detector:subject that opened it; "" for incidents declared by hand
  bool firing = false;  // the subject's condition holds now
  std::string commander, comms, scribe;
  std::string summary;
  int64_t detected_us = 0, declared_us = 0, mitigated_us = 0, resolved_us = 0;
  int64_t window_from_us = 0;  // impact window start (detection minus the evidence window)
  int64_t merged_into = 0;
  int64_t updated_us = 0;
};

// Applies a status change, stamping its time. Returns false (and changes nothing) when the
// transition is not allowed.
bool apply_status(Incident& inc, Status to, int64_t now_us);

struct Policy {
  int64_t declare_after_us = 0;
  int64_t auto_resolve_after_us = 0;  // 0: never
};

// What the automatic policy wants done to an open incident at `now_us`, if anything.
std::optional<Status> on_condition_cleared(const Incident& inc);
std::optional<Status> on_condition_fired(const Incident& inc);
std::optional<Status> on_tick(const Incident& inc, const Policy& p, int64_t now_us);

}  // namespace parapet::incident
