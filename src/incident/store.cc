#include "incident/store.h"

#include "store/sqlite.h"

namespace parapet::incident {

namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE IF NOT EXISTS incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, severity INTEGER NOT NULL,
  status TEXT NOT NULL, subject TEXT NOT NULL DEFAULT '', firing INTEGER NOT NULL DEFAULT 0,
  commander TEXT NOT NULL DEFAULT '', comms TEXT NOT NULL DEFAULT '',
  scribe TEXT NOT NULL DEFAULT '', summary TEXT NOT NULL DEFAULT '',
  detected_us INTEGER NOT NULL DEFAULT 0, declared_us INTEGER NOT NULL DEFAULT 0,
  mitigated_us INTEGER NOT NULL DEFAULT 0, resolved_us INTEGER NOT NULL DEFAULT 0,
  window_from_us INTEGER NOT NULL DEFAULT 0, merged_into INTEGER NOT NULL DEFAULT 0,
  updated_us INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS incidents_subject ON incidents(subject, status);
CREATE TABLE IF NOT EXISTS timeline (
  id INTEGER PRIMARY KEY AUTOINCREMENT, incident_id INTEGER NOT NULL, at_us INTEGER NOT NULL,
  kind TEXT NOT NULL, author TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS timeline_incident ON timeline(incident_id, id);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, incident_id INTEGER NOT NULL, stream TEXT NOT NULL,
  kind TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_at_us INTEGER NOT NULL, created_us INTEGER NOT NULL, state TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_at_us);
CREATE TABLE IF NOT EXISTS followups (
  id INTEGER PRIMARY KEY AUTOINCREMENT, incident_id INTEGER NOT NULL, title TEXT NOT NULL,
  owner TEXT NOT NULL DEFAULT '', due_us INTEGER NOT NULL DEFAULT 0,
  threat INTEGER NOT NULL, vulnerability INTEGER NOT NULL, likelihood INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open', created_us INTEGER NOT NULL, done_us INTEGER NOT NULL DEFAULT 0);
)sql";

constexpr const char* kIncidentCols =
    "id,title,severity,status,subject,firing,commander,comms,scribe,summary,detected_us,"
    "declared_us,mitigated_us,resolved_us,window_from_us,merged_into,updated_us";

Incident read_incident(sqlite3_stmt* st) {
  using store::column_text;
  Incident i;
  i.id = sqlite3_column_int64(st, 0);
  i.title = column_text(st, 1);
  i.severity = sqlite3_column_int(st, 2);
  i.status = parse_status(column_text(st, 3)).value_or(Status::kTriage);
  i.subject = column_text(st, 4);
  i.firing = sqlite3_column_int(st, 5) != 0;
  i.commander = column_text(st, 6);
  i.comms = column_text(st, 7);
  i.scribe = column_text(st, 8);
  i.summary = column_text(st, 9);
  i.detected_us = sqlite3_column_int64(st, 10);
  i.declared_us = sqlite3_column_int64(st, 11);
  i.mitigated_us = sqlite3_column_int64(st, 12);
  i.resolved_us = sqlite3_column_int64(st, 13);
  i.window_from_us = sqlite3_column_int64(st, 14);
  i.merged_into = sqlite3_column_int64(st, 15);
  i.updated_us = sqlite3_column_int64(st, 16);
  return i;
}

// Binds the incident's fields to ?1..?16 (id excluded).
void bind_incident(sqlite3_stmt* st, const Incident& i) {
  using store::bind_text;
  bind_text(st, 1, i.title);
  sqlite3_bind_int(st, 2, i.severity);
  bind_text(st, 3, status_name(i.status));
  bind_text(st, 4, i.subject);
  sqlite3_bind_int(st, 5, i.firing ? 1 : 0);
  bind_text(st, 6, i.commander);
  bind_text(st, 7, i.comms);
  bind_text(st, 8, i.scribe);
  bind_text(st, 9, i.summary);
  sqlite3_bind_int64(st, 10, i.detected_us);
  sqlite3_bind_int64(st, 11, i.declared_us);
  sqlite3_bind_int64(st, 12, i.mitigated_us);
  sqlite3_bind_int64(st, 13, i.resolved_us);
  sqlite3_bind_int64(st, 14, i.window_from_us);
  sqlite3_bind_int64(st, 15, i.merged_into);
  sqlite3_bind_int64(st, 16, i.updated_us);
}

OutboxItem read_outbox(sqlite3_stmt* st) {
  using store::column_text;
  OutboxItem o;
  o.id = sqlite3_column_int64(st, 0);
  o.incident_id = sqlite3_column_int64(st, 1);
  o.stream = column_text(st, 2);
  o.kind = column_text(st, 3);
  o.url = column_text(st, 4);
  o.body = column_text(st, 5);
  o.attempts = sqlite3_column_int(st, 6);
  o.next_at_us = sqlite3_column_int64(st, 7);
  o.created_us = sqlite3_column_int64(st, 8);
  o.state = column_text(st, 9);
  o.last_error = column_text(st, 10);
  return o;
}
constexpr const char* kOutboxCols =
    "id,incident_id,stream,kind,url,body,attempts,next_at_us,created_us,state,last_error";

}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  auto db = store::open_db(path, false, 5000);
  if (!db) return db.error();
  PARAPET_TRY(store::exec(db->get(), kSchema));
  return std::unique_ptr<Store>(new Store(db->release()));
}

Store::~Store() { sqlite3_close_v2(db_); }

Result<int64_t> Store::insert(const Incident& inc) {
  MutexLock l(&mu_);
  auto st =
      store::prepare(db_, std::string("INSERT INTO incidents(") + (kIncidentCols + 3) +
                              ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
  if (!st) return st.error();
  bind_incident(st->get(), inc);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return store::sqlite_error(db_, "insert incident");
  return sqlite3_last_insert_rowid(db_);
}

Result<bool> Store::update(const Incident& inc) {
  MutexLock l(&mu_);
  auto st = store::prepare(
      db_,
      "UPDATE incidents SET title=?1,severity=?2,status=?3,subject=?4,firing=?5,commander=?6,"
      "comms=?7,scribe=?8,summary=?9,detected_us=?10,declared_us=?11,mitigated_us=?12,"
      "resolved_us=?13,window_from_us=?14,merged_into=?15,updated_us=?16 WHERE id=?17");
  if (!st) return st.error();
  bind_incident(st->get(), inc);
  sqlite3_bind_int64(st->get(), 17, inc.id);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return store::sqlite_error(db_, "update incident");
  return true;
}

std::optional<Incident> Store::get(int64_t id) {
  MutexLock l(&mu_);
  auto st =
      store::prepare(db_, std::string("SELECT ") + kIncidentCols + " FROM incidents WHERE id=?1");
  if (!st) return std::nullopt;
  sqlite3_bind_int64(st->get(), 1, id);
  if (sqlite3_step(st->get()) != SQLITE_ROW) return std::nullopt;
  return read_incident(st->get());
}

std::vector<Incident> Store::list(bool open_only, int limit) {
  MutexLock l(&mu_);
  std::vector<Incident> out;
  std::string sql = std::string("SELECT ") + kIncidentCols + " FROM incidents";
  if (open_only) sql += " WHERE status IN ('triage','active','mitigated')";
  sql += " ORDER BY id DESC LIMIT " + std::to_string(limit);
  auto st = store::prepare(db_, sql);
  if (!st) return out;
  while (sqlite3_step(st->get()) == SQLITE_ROW) out.push_back(read_incident(st->get()));
  return out;
}

std::optional<Incident> Store::open_for_subject(const std::string& subject) {
  MutexLock l(&mu_);
  auto st = store::prepare(db_, std::string("SELECT ") + kIncidentCols +
                                    " FROM incidents WHERE subject=?1 AND status IN "
                                    "('triage','active','mitigated') ORDER BY id DESC LIMIT 1");
  if (!st) return std::nullopt;
  store::bind_text(st->get(), 1, subject);
  if (sqlite3_step(st->get()) != SQLITE_ROW) return std::nullopt;
  return read_incident(st->get());
}

Result<int64_t> Store::add_timeline(int64_t incident_id, int64_t at_us, std::string_view kind,
                                    std::string_view author, std::string_view text) {
  MutexLock l(&mu_);
  auto st = store::prepare(
      db_, "INSERT INTO timeline(incident_id,at_us,kind,author,text) VALUES(?1,?2,?3,?4,?5)");
  if (!st) return st.error();
  sqlite3_bind_int64(st->get(), 1, incident_id);
  sqlite3_bind_int64(st->get(), 2, at_us);
  store::bind_text(st->get(), 3, kind);
  store::bind_text(st->get(), 4, author);
  store::bind_text(st->get(), 5, text);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return store::sqlite_error(db_, "add timeline");
  return sqlite3_last_insert_rowid(db_);
}

std::vector<TimelineEntry> Store::timeline(int64_t incident_id) {
  MutexLock l(&mu_);
  std::vector<TimelineEntry> out;
  auto st = store::prepare(db_,
                           "SELECT id,incident_id,at_us,kind,author,text FROM timeline WHERE "
                           "incident_id=?1 ORDER BY at_us, id");
  if (!st) return out;
  sqlite3_bind_int64(st->get(), 1, incident_id);
  while (sqlite3_step(st->get()) == SQLITE_ROW) {
    TimelineEntry e;
    e.id = sqlite3_column_int64(st->get(), 0);
    e.incident_id = sqlite3_column_int64(st->get(), 1);
    e.at_us = sqlite3_column_int64(st->get(), 2);
    e.kind = store::column_text(st->get(), 3);
    e.author = store::column_text(st->get(), 4);
    e.text = store::column_text(st->get(), 5);
    out.push_back(std::move(e));
  }
  return out;
}

Result<int64_t> Store::enqueue(const OutboxItem& o) {
  MutexLock l(&mu_);
  auto st = store::prepare(db_,
                           "INSERT INTO outbox(incident_id,stream,kind,url,body,attempts,"
                           "next_at_us,created_us,state) VALUES(?1,?2,?3,?4,?5,0,?6,?7,'pending')");
  if (!st) return st.error();
  sqlite3_bind_int64(st->get(), 1, o.incident_id);
  store::bind_text(st->get(), 2, o.stream);
  store::bind_text(st->get(), 3, o.kind);
  store::bind_text(st->get(), 4, o.url);
  store::bind_text(st->get(), 5, o.body);
  sqlite3_bind_int64(st->get(), 6, o.next_at_us);
  sqlite3_bind_int64(st->get(), 7, o.created_us);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return store::sqlite_error(db_, "enqueue");
  return sqlite3_last_insert_rowid(db_);
}

std::vector<OutboxItem> Store::due(int64_t now_us, int limit) {
  MutexLock l(&mu_);
  std::vector<OutboxItem> out;
  auto st = store::prepare(db_, std::string("SELECT ") + kOutboxCols +
                                    " FROM outbox WHERE state='pending' AND next_at_us<=?1 "
                                    "ORDER BY next_at_us, id LIMIT ?2");
  if (!st) return out;
  sqlite3_bind_int64(st->get(), 1, now_us);
  sqlite3_bind_int(st->get(), 2, limit);
  while (sqlite3_step(st->get()) == SQLITE_ROW) out.push_back(read_outbox(st->get()));
  return out;
}

std::optional<int64_t> Store::next_due() {
  MutexLock l(&mu_);
  auto st = store::prepare(db_, "SELECT min(next_at_us) FROM outbox WHERE state='pending'");
  if (!st || sqlite3_step(st->get()) != SQLITE_ROW ||
      sqlite3_column_type(st->get(), 0) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_column_int64(st->get(), 0);
}

Result<bool> Store::settle(const OutboxItem& o) {
  MutexLock l(&mu_);
  auto st = store::prepare(
      db_, "UPDATE outbox SET attempts=?1,next_at_us=?2,state=?3,last_error=?4 WHERE id=?5");
  if (!st) return st.error();
  sqlite3_bind_int(st->get(), 1, o.attempts);
  sqlite3_bind_int64(st->get(), 2, o.next_at_us);
  store::bind_text(st->get(), 3, o.state);
  store::bind_text(st->get(), 4, o.last_error);
  sqlite3_bind_int64(st->get(), 5, o.id);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return store::sqlite_error(db_, "settle outbox");
  return true;
}

std::vector<OutboxItem> Store::outbox(int64_t incident_id) {
  MutexLock l(&mu_);
  std::vector<OutboxItem> out;
  auto st = store::prepare(
      db_, std::string("SELECT ") + kOutboxCols + " FROM outbox WHERE incident_id=?1 ORDER BY id");
  if (!st) return out;
  sqlite3_bind_int64(st->get(), 1, incident_id);
  while (sqlite3_step(st->get()) == SQLITE_ROW) out.push_back(read_outbox(st->get()));
  return out;
}

namespace {
constexpr const char* kFollowCols =
    "id,incident_id,title,owner,due_us,threat,vulnerability,likelihood,status,created_us,done_us";
FollowUp read_followup(sqlite3_stmt* st) {
  FollowUp f;
  f.id = sqlite3_column_int64(st, 0);
  f.incident_id = sqlite3_column_int64(st, 1);
  f.title = store::column_text(st, 2);
  f.owner = store::column_text(st, 3);
  f.due_us = sqlite3_column_int64(st, 4);
  f.threat = sqlite3_column_int(st, 5);
  f.vulnerability = sqlite3_column_int(st, 6);
  f.likelihood = sqlite3_column_int(st, 7);
  f.status = store::column_text(st, 8);
  f.created_us = sqlite3_column_int64(st, 9);
  f.done_us = sqlite3_column_int64(st, 10);
  return f;
}
}  // namespace

Result<int64_t> Store::add_followup(const FollowUp& f) {
  MutexLock l(&mu_);
  auto st = store::prepare(db_,
                           "INSERT INTO followups(incident_id,title,owner,due_us,threat,"
                           "vulnerability,likelihood,status,created_us) "
                           "VALUES(?1,?2,?3,?4,?5,?6,?7,'open',?8)");
  if (!st) return st.error();
  sqlite3_bind_int64(st->get(), 1, f.incident_id);
  store::bind_text(st->get(), 2, f.title);
  store::bind_text(st->get(), 3, f.owner);
  sqlite3_bind_int64(st->get(), 4, f.due_us);
  sqlite3_bind_int(st->get(), 5, f.threat);
  sqlite3_bind_int(st->get(), 6, f.vulnerability);
  sqlite3_bind_int(st->get(), 7, f.likelihood);
  sqlite3_bind_int64(st->get(), 8, f.created_us);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return store::sqlite_error(db_, "add follow-up");
  return sqlite3_last_insert_rowid(db_);
}

std::vector<FollowUp> Store::followups(int64_t incident_id, bool open_only) {
  MutexLock l(&mu_);
  std::vector<FollowUp> out;
  std::string sql =
      std::string("SELECT ") + kFollowCols + " FROM followups WHERE (?1 = 0 OR incident_id = ?1)";
  if (open_only) sql += " AND status = 'open'";
  sql +=
      " ORDER BY threat*vulnerability*likelihood DESC, CASE WHEN due_us = 0 THEN 1 ELSE 0 END, "
      "due_us, id";
  auto st = store::prepare(db_, sql);
  if (!st) return out;
  sqlite3_bind_int64(st->get(), 1, incident_id);
  while (sqlite3_step(st->get()) == SQLITE_ROW) out.push_back(read_followup(st->get()));
  return out;
}

std::optional<FollowUp> Store::followup(int64_t id) {
  MutexLock l(&mu_);
  auto st =
      store::prepare(db_, std::string("SELECT ") + kFollowCols + " FROM followups WHERE id=?1");
  if (!st) return std::nullopt;
  sqlite3_bind_int64(st->get(), 1, id);
  if (sqlite3_step(st->get()) != SQLITE_ROW) return std::nullopt;
  return read_followup(st->get());
}

Result<bool> Store::set_followup_status(int64_t id, std::string_view status, int64_t at_us) {
  MutexLock l(&mu_);
  auto st = store::prepare(db_, "UPDATE followups SET status=?1, done_us=?2 WHERE id=?3");
  if (!st) return st.error();
  store::bind_text(st->get(), 1, status);
  sqlite3_bind_int64(st->get(), 2, status == "done" ? at_us : 0);
  sqlite3_bind_int64(st->get(), 3, id);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return store::sqlite_error(db_, "follow-up status");
  return sqlite3_changes(db_) > 0;
}

}  // namespace parapet::incident
