// The incident state machine (docs/incidents.md), pure: no clock, no I/O. Times come in as
// arguments; changes come out as Events the caller persists and notifies.
//
//   triage ──declare──▶ active ──clear/mitigate──▶ mitigated ──resolve──▶ resolved
//     │                   ▲                           │
//     ├─ clears within auto_decline_ms ─▶ declined    └─ fires again ─▶ active
//     └─ fires for auto_declare_ms ─▶ active
//   merged: folded into another incident by hand.
// A firing signal opens an incident in triage unless one is open (not resolved / declined /
// merged) for the same detector and subject; then it is attached to that one.
// Thread-safety: none; the Manager holds a lock around it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "incident/detectors/detector.h"

namespace parapet::incident {

enum class Status { kTriage, kActive, kMitigated, kResolved, kDeclined, kMerged };
std::string_view status_name(Status s);
bool parse_status(std::string_view text, Status* out);
bool is_open(Status s);  // triage, active, mitigated

struct TimelineEntry {
  int64_t at_ms = 0;
  std::string kind;  // signal | status | role | note | notify | declare
  std::string text;
  std::string who;  // "parapet" for automatic entries
};

struct Incident {
  int64_t id = 0;
  std::string title;
  int severity = 3;  // 1 (worst) .. 5
  Status status = Status::kTriage;
  std::string commander, comms, scribe;
  std::string detector, subject;  // "" for incidents declared by hand
  std::string evidence;           // the latest signal's evidence
  bool firing = false;            // the detector's condition holds now
  int64_t detected_ms = 0, declared_ms = 0, mitigated_ms = 0, resolved_ms = 0;
  int64_t firing_since_ms = 0;  // when the current firing stretch began
  int64_t merged_into = 0;
  std::vector<TimelineEntry> timeline;
  size_t persisted = 0;  // timeline entries already in the store (Manager)
};

struct Event {
  enum Kind { kOpened, kDeclared, kMitigated, kResolved, kDeclined, kReopened, kNote, kRole };
  Kind kind;
  int64_t incident = 0;
  std::string text;
};
std::string_view event_name(Event::Kind k);

struct Lifecycle {
  int64_t auto_decline_ms = 120'000;
  int64_t auto_declare_ms = 60'000;
  int default_severity = 3;
};

class Book {
 public:
  explicit Book(Lifecycle l) : l_(l) {}

  void on_signal(const Signal& s, int64_t now_ms);
  // Time-driven transitions: auto-declare, auto-decline.
  void tick(int64_t now_ms);

  Result<int64_t> declare(std::string title, int severity, std::string who, int64_t now_ms);
  Result<bool> set_status(int64_t id, Status to, std::string who, int64_t now_ms,
                          std::string why = {});
  Result<bool> note(int64_t id, std::string text, std::string who, int64_t now_ms);
  Result<bool> set_role(int64_t id, std::string_view role, std::string person, std::string who,
                        int64_t now_ms);
  Result<bool> set_severity(int64_t id, int severity, std::string who, int64_t now_ms);
  // Appends a timeline entry without a status change (notifications, config reloads).
  void record(int64_t id, std::string kind, std::string text, int64_t now_ms);

  const Incident* find(int64_t id) const;
  Incident* find_mut(int64_t id);
  const std::map<int64_t, Incident>& all() const { return incidents_; }
  // Loads a stored incident (start-up).
  void restore(Incident inc);
  std::vector<Event> take_events() { return std::exchange(events_, {}); }

 private:
  Incident* open_for(const std::string& detector, const std::string& subject);
  void add(Incident& inc, std::string kind, std::string text, std::string who, int64_t now);
  void emit(Event::Kind k, const Incident& inc, std::string text);
  void transition(Incident& inc, Status to, std::string who, int64_t now, std::string why);

  Lifecycle l_;
  std::map<int64_t, Incident> incidents_;
  int64_t next_id_ = 1;
  std::vector<Event> events_;
};

}  // namespace parapet::incident
