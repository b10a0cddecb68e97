#include "limits/registry.h"

#include <sqlite3.h>

#include <algorithm>

#include "store/sqlite.h"

namespace parapet::limits {

namespace {

constexpr char kSchema[] = R"(
CREATE TABLE IF NOT EXISTS limit_rules(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  gateway TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  requests TEXT NOT NULL DEFAULT '',
  tokens TEXT NOT NULL DEFAULT '',
  window TEXT NOT NULL DEFAULT '',
  window_kind TEXT NOT NULL DEFAULT '',
  limit_usd TEXT NOT NULL DEFAULT '',
  period TEXT NOT NULL DEFAULT '',
  max_output_tokens TEXT NOT NULL DEFAULT '',
  created_us INTEGER NOT NULL
);)";

// Spec fields in column order (after id and kind).
std::vector<std::string RuleSpec::*> spec_columns() {
  return {&RuleSpec::gateway,   &RuleSpec::scope,  &RuleSpec::requests,
          &RuleSpec::tokens,    &RuleSpec::window, &RuleSpec::kind,
          &RuleSpec::limit_usd, &RuleSpec::period, &RuleSpec::max_output_tokens};
}

}  // namespace

Result<std::unique_ptr<Registry>> Registry::open(const std::string& data_dir) {
  std::unique_ptr<Registry> r(new Registry());
  auto db = store::open_db(data_dir + "/control.db", false, 5000);
  if (!db) return db.error();
  MutexLock l(&r->mu_);
  r->db_ = db->release();
  PARAPET_TRY(store::exec(r->db_, "PRAGMA journal_mode=WAL;"));
  PARAPET_TRY(store::exec(r->db_, kSchema));
  PARAPET_TRY(r->load_stored());
  r->publish();
  return r;
}

std::unique_ptr<Registry> Registry::in_memory() {
  std::unique_ptr<Registry> r(new Registry());
  MutexLock l(&r->mu_);
  r->publish();
  return r;
}

Registry::~Registry() {
  MutexLock l(&mu_);
  if (db_) sqlite3_close_v2(db_);
}

Result<bool> Registry::load_stored() {
  auto st = store::prepare(db_,
                           "SELECT id, kind, gateway, scope, requests, tokens, window, "
                           "window_kind, limit_usd, period, max_output_tokens FROM limit_rules "
                           "ORDER BY created_us, id");
  if (!st) return st.error();
  stored_.clear();
  for (;;) {
    int rc = sqlite3_step(st->get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return store::sqlite_error(db_, "reading limit_rules");
    RuleSpec spec;
    spec.id = store::column_text(st->get(), 0);
    std::string kind = store::column_text(st->get(), 1);
    int col = 2;
    for (auto f : spec_columns()) spec.*f = store::column_text(st->get(), col++);
    auto rule = build_rule(std::move(spec), kind);
    if (!rule) return make_error(ErrorCode::kInternal, "control.db: " + rule.error().message);
    rule->origin = "admin";
    stored_.push_back(std::move(*rule));
  }
  return true;
}

void Registry::publish() {
  auto set = std::make_shared<RuleSet>();
  set->rules = config_;
  set->rules.insert(set->rules.end(), stored_.begin(), stored_.end());
  published_.set(std::move(set));
}

Result<bool> Registry::set_config_rules(std::vector<Rule> rules) {
  MutexLock l(&mu_);
  for (size_t i = 0; i < rules.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (rules[j].id == rules[i].id) {
        return make_error(ErrorCode::kBadRequest,
                          "limit rule id '" + rules[i].id + "' is declared twice");
      }
    }
    for (const auto& s : stored_) {
      if (s.id == rules[i].id) {
        return make_error(
            ErrorCode::kBadRequest,
            "limit rule id '" + s.id + "' is also a rule created through the admin API");
      }
    }
    rules[i].origin = "config";
  }
  config_ = std::move(rules);
  publish();
  return true;
}

Result<Rule> Registry::add(RuleSpec spec, std::string_view kind) {
  auto rule = build_rule(std::move(spec), kind);
  if (!rule) return rule.error();
  rule->origin = "admin";
  MutexLock l(&mu_);
  for (const auto* v : {&config_, &stored_}) {
    for (const auto& r : *v) {
      if (r.id == rule->id) {
        return make_error(ErrorCode::kBadRequest, "limit rule id '" + r.id + "' already exists");
      }
    }
  }
  if (db_) {
    auto st = store::prepare(db_,
                             "INSERT INTO limit_rules(id, kind, gateway, scope, requests, tokens, "
                             "window, window_kind, limit_usd, period, max_output_tokens, "
                             "created_us) VALUES (?,?,?,?,?,?,?,?,?,?,?,"
                             "CAST(strftime('%s','now') AS INTEGER) * 1000000)");
    if (!st) return st.error();
    std::string_view kn = kind_name(rule->kind);
    store::bind_text(st->get(), 1, rule->id);
    store::bind_text(st->get(), 2, kn);
    int col = 3;
    for (auto f : spec_columns()) store::bind_text(st->get(), col++, rule->spec.*f);
    if (sqlite3_step(st->get()) != SQLITE_DONE) {
      return store::sqlite_error(db_, "saving limit rule");
    }
  }
  stored_.push_back(*rule);
  publish();
  return *rule;
}

Result<bool> Registry::remove(std::string_view id) {
  MutexLock l(&mu_);
  for (const auto& r : config_) {
    if (r.id == id) {
      return make_error(ErrorCode::kForbidden, "limit rule '" + std::string(id) +
                                                   "' is declared in the config file; remove it "
                                                   "there and reload");
    }
  }
  auto it = std::find_if(stored_.begin(), stored_.end(), [&](const Rule& r) { return r.id == id; });
  if (it == stored_.end()) {
    return make_error(ErrorCode::kNotFound, "no limit rule '" + std::string(id) + "'");
  }
  if (db_) {
    auto st = store::prepare(db_, "DELETE FROM limit_rules WHERE id = ?");
    if (!st) return st.error();
    store::bind_text(st->get(), 1, id);
    if (sqlite3_step(st->get()) != SQLITE_DONE) {
      return store::sqlite_error(db_, "deleting limit rule");
    }
  }
  stored_.erase(it);
  publish();
  return true;
}

std::shared_ptr<const RuleSet> Registry::current() const { return published_.get(); }

}  // namespace parapet::limits
