#include "incident/incidents.h"

#include <utility>

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
  return "?";
}

bool parse_status(std::string_view t, Status* out) {
  for (Status s : {Status::kTriage, Status::kActive, Status::kMitigated, Status::kResolved,
                   Status::kDeclined, Status::kMerged}) {
    if (status_name(s) == t) {
      *out = s;
      return true;
    }
  }
  return false;
}

bool is_open(Status s) {
  return s == Status::kTriage || s == Status::kActive || s == Status::kMitigated;
}

std::string_view event_name(Event::Kind k) {
  switch (k) {
    case Event::kOpened:
      return "opened";
    case Event::kDeclared:
      return "declared";
    case Event::kMitigated:
      return "mitigated";
    case Event::kResolved:
      return "resolved";
    case Event::kDeclined:
      return "declined";
    case Event::kReopened:
      return "reopened";
    case Event::kNote:
      return "note";
    case Event::kRole:
      return "role";
  }
  return "?";
}

Incident* Book::open_for(const std::string& detector, const std::string& subject) {
  for (auto& [id, inc] : incidents_) {
    if (is_open(inc.status) && inc.detector == detector && inc.subject == subject) return &inc;
  }
  return nullptr;
}

void Book::add(Incident& inc, std::string kind, std::string text, std::string who, int64_t now) {
  inc.timeline.push_back(TimelineEntry{now, std::move(kind), std::move(text), std::move(who)});
}

void Book::emit(Event::Kind k, const Incident& inc, std::string text) {
  events_.push_back(Event{k, inc.id, std::move(text)});
}

void Book::record(int64_t id, std::string kind, std::string text, int64_t now_ms) {
  if (Incident* inc = find_mut(id)) add(*inc, std::move(kind), std::move(text), "parapet", now_ms);
}

void Book::transition(Incident& inc, Status to, std::string who, int64_t now, std::string why) {
  Status from = inc.status;
  if (from == to) return;
  inc.status = to;
  std::string text = std::string(status_name(from)) + " -> " + std::string(status_name(to));
  if (!why.empty()) text += ": " + why;
  add(inc, "status", text, who, now);
  switch (to) {
    case Status::kActive:
      if (from == Status::kMitigated) {
        inc.mitigated_ms = 0;
        emit(Event::kReopened, inc, text);
      } else {
        if (!inc.declared_ms) inc.declared_ms = now;
        emit(Event::kDeclared, inc, text);
      }
      break;
    case Status::kMitigated:
      if (!inc.declared_ms) inc.declared_ms = now;
      inc.mitigated_ms = now;
      emit(Event::kMitigated, inc, text);
      break;
    case Status::kResolved:
      if (!inc.declared_ms) inc.declared_ms = now;
      if (!inc.mitigated_ms) inc.mitigated_ms = now;
      inc.resolved_ms = now;
      emit(Event::kResolved, inc, text);
      break;
    case Status::kDeclined:
      inc.resolved_ms = now;
      emit(Event::kDeclined, inc, text);
      break;
    case Status::kMerged:
      inc.resolved_ms = now;
      emit(Event::kResolved, inc, text);
      break;
    case Status::kTriage:
      break;
  }
}

void Book::on_signal(const Signal& s, int64_t now) {
  Incident* inc = open_for(s.detector, s.subject);
  if (!s.firing) {
    if (!inc) return;
    inc->firing = false;
    inc->evidence = s.evidence;
    add(*inc, "signal", "cleared: " + s.evidence, "parapet", now);
    if (inc->status == Status::kTriage && now - inc->detected_ms <= l_.auto_decline_ms) {
      transition(*inc, Status::kDeclined, "parapet", now,
                 "condition cleared within " + std::to_string(l_.auto_decline_ms / 1000) +
                     "s (false alarm)");
    } else if (inc->status == Status::kActive) {
      transition(*inc, Status::kMitigated, "parapet", now, "condition cleared");
    }
    return;
  }
  if (inc) {
    inc->evidence = s.evidence;
    add(*inc, "signal", "firing: " + s.evidence, "parapet", now);
    if (!inc->firing) inc->firing_since_ms = now;
    inc->firing = true;
    if (inc->status == Status::kMitigated) {
      transition(*inc, Status::kActive, "parapet", now, "condition fired again");
    }
    return;
  }
  Incident n;
  n.id = next_id_++;
  n.title = s.detector + " on " + s.subject;
  n.severity = l_.default_severity;
  n.detector = s.detector;
  n.subject = s.subject;
  n.evidence = s.evidence;
  n.firing = true;
  n.detected_ms = n.firing_since_ms = now;
  add(n, "signal", "firing: " + s.evidence, "parapet", now);
  auto& ref = incidents_[n.id] = std::move(n);
  emit(Event::kOpened, ref, ref.evidence);
}

void Book::tick(int64_t now) {
  for (auto& [id, inc] : incidents_) {
    if (inc.status == Status::kTriage && inc.firing &&
        now - inc.firing_since_ms >= l_.auto_declare_ms) {
      transition(inc, Status::kActive, "parapet", now,
                 "condition held for " + std::to_string((now - inc.firing_since_ms) / 1000) + "s");
    }
  }
}

Result<int64_t> Book::declare(std::string title, int severity, std::string who, int64_t now) {
  if (title.empty()) return make_error(ErrorCode::kBadRequest, "an incident needs a title");
  if (severity < 1 || severity > 5) {
    return make_error(ErrorCode::kBadRequest, "severity must be 1..5 (SEV1 is the worst)");
  }
  Incident n;
  n.id = next_id_++;
  n.title = std::move(title);
  n.severity = severity;
  n.detected_ms = now;
  n.commander = who;
  add(n, "declare", "declared by " + who, who, now);
  auto& ref = incidents_[n.id] = std::move(n);
  transition(ref, Status::kActive, who, now, "declared by hand");
  return ref.id;
}

Result<bool> Book::set_status(int64_t id, Status to, std::string who, int64_t now,
                              std::string why) {
  Incident* inc = find_mut(id);
  if (!inc) return make_error(ErrorCode::kNotFound, "no incident " + std::to_string(id));
  if (!is_open(inc->status) && to != Status::kResolved) {
    return make_error(ErrorCode::kBadRequest, "incident " + std::to_string(id) + " is " +
                                                  std::string(status_name(inc->status)) +
                                                  " and cannot change");
  }
  if (to == Status::kTriage) {
    return make_error(ErrorCode::kBadRequest, "an incident cannot go back to triage");
  }
  transition(*inc, to, std::move(who), now, std::move(why));
  return true;
}

Result<bool> Book::note(int64_t id, std::string text, std::string who, int64_t now) {
  Incident* inc = find_mut(id);
  if (!inc) return make_error(ErrorCode::kNotFound, "no incident " + std::to_string(id));
  if (text.empty()) return make_error(ErrorCode::kBadRequest, "empty note");
  add(*inc, "note", text, who, now);
  emit(Event::kNote, *inc, text);
  return true;
}

Result<bool> Book::set_role(int64_t id, std::string_view role, std::string person, std::string who,
                            int64_t now) {
  Incident* inc = find_mut(id);
  if (!inc) return make_error(ErrorCode::kNotFound, "no incident " + std::to_string(id));
  std::string* slot = role == "commander" ? &inc->commander
                      : role == "comms"   ? &inc->comms
                      : role == "scribe"  ? &inc->scribe
                                          : nullptr;
  if (!slot) return make_error(ErrorCode::kBadRequest, "role must be commander, comms or scribe");
  *slot = person;
  std::string text = std::string(role) + " is " + person;
  add(*inc, "role", text, who, now);
  emit(Event::kRole, *inc, text);
  return true;
}

Result<bool> Book::set_severity(int64_t id, int severity, std::string who, int64_t now) {
  Incident* inc = find_mut(id);
  if (!inc) return make_error(ErrorCode::kNotFound, "no incident " + std::to_string(id));
  if (severity < 1 || severity > 5) return make_error(ErrorCode::kBadRequest, "severity 1..5");
  inc->severity = severity;
  add(*inc, "severity", "SEV" + std::to_string(severity), who, now);
  return true;
}

const Incident* Book::find(int64_t id) const {
  auto it = incidents_.find(id);
  return it == incidents_.end() ? nullptr : &it->second;
}

Incident* Book::find_mut(int64_t id) {
  auto it = incidents_.find(id);
  return it == incidents_.end() ? nullptr : &it->second;
}

void Book::restore(Incident inc) {
  next_id_ = std::max(next_id_, inc.id + 1);
  int64_t id = inc.id;
  incidents_[id] = std::move(inc);
}

}  // namespace parapet::incident
