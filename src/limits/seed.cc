#include "limits/seed.h"

#include <sqlite3.h>

#include <filesystem>

#include "limits/scope.h"
#include "limits/window.h"
#include "store/sqlite.h"

namespace parapet::limits {

Result<int64_t> seed_budgets(State& state, const RuleSet& rules, const std::string& logs_db,
                             int64_t now_ms) {
  std::vector<const Rule*> todo;
  for (const auto& r : rules.rules) {
    if (r.kind == RuleKind::kBudget && state.first_seed(r.id)) todo.push_back(&r);
  }
  std::error_code ec;
  if (todo.empty() || !std::filesystem::exists(logs_db, ec)) return int64_t{0};
  auto db = store::open_db(logs_db, true, 5000);
  if (!db) return db.error();
  // Monthly budgets need the whole month; daily ones filter further below.
  int64_t from_ms = now_ms;
  for (const Rule* r : todo) {
    from_ms = std::min(from_ms, period_start_ms(r->period, period_index(r->period, now_ms)));
  }
  auto st = store::prepare(db->get(),
                           "SELECT start_us, gateway, key_id, client_ip, COALESCE(metadata, ''), "
                           "cost_micros FROM requests WHERE start_us >= ? AND cost_micros > 0");
  if (!st) return st.error();
  sqlite3_bind_int64(st->get(), 1, from_ms * 1000);
  int64_t rows = 0;
  for (;;) {
    int rc = sqlite3_step(st->get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return store::sqlite_error(db->get(), "seeding budgets");
    ++rows;
    sqlite3_stmt* s = st->get();
    int64_t start_ms = sqlite3_column_int64(s, 0) / 1000;
    std::string gateway = store::column_text(s, 1), key = store::column_text(s, 2),
                ip = store::column_text(s, 3), meta = store::column_text(s, 4);
    int64_t micros = sqlite3_column_int64(s, 5);
    RequestFacts f{gateway, key, ip, meta};
    for (const Rule* r : todo) {
      if (r->gateway != gateway) continue;
      int64_t period = period_index(r->period, now_ms);
      if (period_index(r->period, start_ms) != period) continue;
      state.budget(r->id, scope_value(r->scope, f), period)->seed(micros);
    }
  }
  return rows;
}

}  // namespace parapet::limits
