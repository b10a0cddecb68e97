#include "rules/registry.h"

#include <sqlite3.h>

#include "store/sqlite.h"

namespace parapet::rules {

namespace {

constexpr char kSchema[] = R"(
CREATE TABLE IF NOT EXISTS waf_rule_files(
  version INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  deployed_ms INTEGER NOT NULL,
  who TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS waf_history(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  version INTEGER NOT NULL,
  action TEXT NOT NULL,
  who TEXT NOT NULL,
  rules INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS waf_active(
  k INTEGER PRIMARY KEY CHECK (k = 1),
  version INTEGER NOT NULL
);)";

std::string label_for(uint64_t version) {
  return version == 0 ? "managed" : "managed + custom v" + std::to_string(version);
}

}  // namespace

Result<std::shared_ptr<const waf::RuleSet>> compile_with_managed(std::string_view custom_text,
                                                                 uint64_t version) {
  std::vector<waf::Rule> all = waf::managed_rules();
  if (!custom_text.empty()) {
    auto custom = waf::parse_rules(custom_text, "rule file");
    if (!custom) return custom.error();
    for (auto& r : *custom) {
      for (const auto& m : waf::managed_rules()) {
        if (m.id == r.id) {
          return make_error(ErrorCode::kBadRequest,
                            "rule file: id '" + r.id +
                                "' is a managed rule; change its action with "
                                "[[gateways.NAME.waf.overrides]] instead");
        }
      }
      all.push_back(std::move(r));
    }
  }
  return waf::RuleSet::compile(std::move(all), version, label_for(version));
}

Result<std::unique_ptr<Registry>> Registry::open(const std::string& data_dir) {
  return open_path(data_dir + "/control.db");
}

std::unique_ptr<Registry> Registry::in_memory() {
  auto r = open_path(":memory:");
  return r ? std::move(*r) : nullptr;
}

Result<std::unique_ptr<Registry>> Registry::open_path(const std::string& path) {
  std::unique_ptr<Registry> r(new Registry());
  auto db = store::open_db(path, false, 5000);
  if (!db) return db.error();
  MutexLock l(&r->mu_);
  r->db_ = db->release();
  if (path != ":memory:") PARAPET_TRY(store::exec(r->db_, "PRAGMA journal_mode=WAL;"));
  PARAPET_TRY(store::exec(r->db_, kSchema));
  auto active = store::query_int(r->db_, "SELECT coalesce(max(version), 0) FROM waf_active");
  if (!active) return active.error();
  std::string text;
  if (*active > 0) {
    auto st = store::prepare(r->db_, "SELECT text FROM waf_rule_files WHERE version = ?");
    if (!st) return st.error();
    sqlite3_bind_int64(st->get(), 1, *active);
    if (sqlite3_step(st->get()) == SQLITE_ROW) text = store::column_text(st->get(), 0);
  }
  if (auto a = r->activate(static_cast<uint64_t>(*active), std::move(text)); !a) {
    return make_error(ErrorCode::kInternal, "control.db: stored WAF rules: " + a.error().message);
  }
  return r;
}

Registry::~Registry() {
  MutexLock l(&mu_);
  if (db_) sqlite3_close_v2(db_);
}

Result<bool> Registry::activate(uint64_t version, std::string text) {
  auto set = compile_with_managed(text, version);
  if (!set) return set.error();
  active_ = version;
  active_text_ = std::move(text);
  published_.set(std::move(*set));
  return true;
}

Result<bool> Registry::record(std::string_view action, uint64_t version, std::string_view who,
                              int64_t now_ms, size_t rules) {
  auto st = store::prepare(
      db_, "INSERT INTO waf_history(at_ms, version, action, who, rules) VALUES (?, ?, ?, ?, ?)");
  if (!st) return st.error();
  sqlite3_bind_int64(st->get(), 1, now_ms);
  sqlite3_bind_int64(st->get(), 2, static_cast<sqlite3_int64>(version));
  store::bind_text(st->get(), 3, action);
  store::bind_text(st->get(), 4, who);
  sqlite3_bind_int64(st->get(), 5, static_cast<sqlite3_int64>(rules));
  if (sqlite3_step(st->get()) != SQLITE_DONE) return store::sqlite_error(db_, "waf_history");
  auto up = store::prepare(db_, "INSERT OR REPLACE INTO waf_active(k, version) VALUES (1, ?)");
  if (!up) return up.error();
  sqlite3_bind_int64(up->get(), 1, static_cast<sqlite3_int64>(version));
  if (sqlite3_step(up->get()) != SQLITE_DONE) return store::sqlite_error(db_, "waf_active");
  return true;
}

Result<uint64_t> Registry::deploy(std::string_view text, std::string_view who, int64_t now_ms) {
  // Validate and compile before anything is stored: a bad file changes nothing.
  auto custom = waf::parse_rules(text, "rule file");
  if (!custom) return custom.error();
  MutexLock l(&mu_);
  auto next = store::query_int(db_, "SELECT coalesce(max(version), 0) + 1 FROM waf_rule_files");
  if (!next) return next.error();
  uint64_t version = static_cast<uint64_t>(*next);
  auto set = compile_with_managed(text, version);
  if (!set) return set.error();
  PARAPET_TRY(store::exec(db_, "BEGIN IMMEDIATE"));
  auto st = store::prepare(
      db_, "INSERT INTO waf_rule_files(version, text, deployed_ms, who) VALUES (?, ?, ?, ?)");
  if (!st) {
    store::exec(db_, "ROLLBACK");
    return st.error();
  }
  sqlite3_bind_int64(st->get(), 1, static_cast<sqlite3_int64>(version));
  store::bind_text(st->get(), 2, text);
  sqlite3_bind_int64(st->get(), 3, now_ms);
  store::bind_text(st->get(), 4, who);
  if (sqlite3_step(st->get()) != SQLITE_DONE) {
    auto e = store::sqlite_error(db_, "waf_rule_files");
    store::exec(db_, "ROLLBACK");
    return e;
  }
  if (auto rec = record("deploy", version, who, now_ms, custom->size()); !rec) {
    store::exec(db_, "ROLLBACK");
    return rec.error();
  }
  PARAPET_TRY(store::exec(db_, "COMMIT"));
  active_ = version;
  active_text_ = std::string(text);
  published_.set(std::move(*set));
  return version;
}

Result<uint64_t> Registry::rollback(std::string_view who, int64_t now_ms) {
  MutexLock l(&mu_);
  if (active_ == 0) return make_error(ErrorCode::kNotFound, "no custom rule file to roll back");
  auto st = store::prepare(db_,
                           "SELECT version, text FROM waf_rule_files WHERE version < ? "
                           "ORDER BY version DESC LIMIT 1");
  if (!st) return st.error();
  sqlite3_bind_int64(st->get(), 1, static_cast<sqlite3_int64>(active_));
  uint64_t version = 0;
  std::string text;
  if (sqlite3_step(st->get()) == SQLITE_ROW) {
    version = static_cast<uint64_t>(sqlite3_column_int64(st->get(), 0));
    text = store::column_text(st->get(), 1);
  }
  auto set = compile_with_managed(text, version);
  if (!set) return set.error();
  size_t n = 0;
  if (!text.empty()) {
    if (auto parsed = waf::parse_rules(text, "rule file")) n = parsed->size();
  }
  PARAPET_TRY(record("rollback", version, who, now_ms, n));
  active_ = version;
  active_text_ = std::move(text);
  published_.set(std::move(*set));
  return version;
}

uint64_t Registry::active_version() const {
  MutexLock l(&mu_);
  return active_;
}

std::string Registry::active_text() const {
  MutexLock l(&mu_);
  return active_text_;
}

std::vector<HistoryEntry> Registry::history() const {
  MutexLock l(&mu_);
  std::vector<HistoryEntry> out;
  auto st = store::prepare(db_,
                           "SELECT at_ms, version, action, who, rules FROM waf_history "
                           "ORDER BY seq");
  if (!st) return out;
  while (sqlite3_step(st->get()) == SQLITE_ROW) {
    HistoryEntry h;
    h.at_ms = sqlite3_column_int64(st->get(), 0);
    h.version = static_cast<uint64_t>(sqlite3_column_int64(st->get(), 1));
    h.action = store::column_text(st->get(), 2);
    h.who = store::column_text(st->get(), 3);
    h.rules = static_cast<size_t>(sqlite3_column_int64(st->get(), 4));
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace parapet::rules
