// Incidents, their timelines and the notification outbox, in <data_dir>/incidents.db. A file of
// its own, not tables in logs.db: incidents must outlive the logs' retention (logs.db deletes
// records by age and size), and the log writer's batch transactions on the recorder thread never
// wait on an incident write or the other way round. WAL mode; one connection behind a mutex.
// Thread-safety: every method is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/mutex.h"
#include "incident/lifecycle.h"

struct sqlite3;

namespace parapet::incident {

struct TimelineEntry {
  int64_t id = 0, incident_id = 0, at_us = 0;
  std::string kind;    // signal | status | role | severity | note | notify | notify_failed | config
  std::string author;  // "parapet" for automatic entries
  std::string text;
};

struct OutboxItem {
  int64_t id = 0, incident_id = 0;
  std::string stream, kind, url;  // kind: slack | webhook | pagerduty
  std::string body;               // JSON to POST
  int attempts = 0;
  int64_t next_at_us = 0, created_us = 0;
  std::string state = "pending";  // pending | sent | failed
  std::string last_error;
};

// A follow-up action ("code red" workstream item). Priority = threat x vulnerability x
// likelihood, each 1..5 (1..125).
struct FollowUp {
  int64_t id = 0, incident_id = 0;
  std::string title, owner;
  int64_t due_us = 0;  // 0: no due date
  int threat = 3, vulnerability = 3, likelihood = 3;
  std::string status = "open";  // open | done
  int64_t created_us = 0, done_us = 0;
  int priority() const { return threat * vulnerability * likelihood; }
  bool overdue(int64_t now_us) const { return status == "open" && due_us && due_us < now_us; }
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> open(const std::string& path);
  ~Store();

  Result<int64_t> insert(const Incident& inc) LOCKS_EXCLUDED(mu_);
  Result<bool> update(const Incident& inc) LOCKS_EXCLUDED(mu_);
  std::optional<Incident> get(int64_t id) LOCKS_EXCLUDED(mu_);
  std::vector<Incident> list(bool open_only, int limit = 200) LOCKS_EXCLUDED(mu_);
  std::optional<Incident> open_for_subject(const std::string& subject) LOCKS_EXCLUDED(mu_);

  Result<int64_t> add_timeline(int64_t incident_id, int64_t at_us, std::string_view kind,
                               std::string_view author, std::string_view text) LOCKS_EXCLUDED(mu_);
  std::vector<TimelineEntry> timeline(int64_t incident_id) LOCKS_EXCLUDED(mu_);

  Result<int64_t> enqueue(const OutboxItem& item) LOCKS_EXCLUDED(mu_);
  std::vector<OutboxItem> due(int64_t now_us, int limit) LOCKS_EXCLUDED(mu_);
  std::optional<int64_t> next_due() LOCKS_EXCLUDED(mu_);            // earliest pending next_at_us
  Result<bool> settle(const OutboxItem& item) LOCKS_EXCLUDED(mu_);  // attempts/next/state/error
  std::vector<OutboxItem> outbox(int64_t incident_id) LOCKS_EXCLUDED(mu_);

  Result<int64_t> add_followup(const FollowUp& f) LOCKS_EXCLUDED(mu_);
  // incident_id 0: every incident's. Sorted by priority (highest first), then due date.
  std::vector<FollowUp> followups(int64_t incident_id, bool open_only) LOCKS_EXCLUDED(mu_);
  std::optional<FollowUp> followup(int64_t id) LOCKS_EXCLUDED(mu_);
  Result<bool> set_followup_status(int64_t id, std::string_view status, int64_t at_us)
      LOCKS_EXCLUDED(mu_);

 private:
  explicit Store(sqlite3* db) : db_(db) {}
  Mutex mu_;
  sqlite3* db_ GUARDED_BY(mu_);
};

}  // namespace parapet::incident
