// The reader side of SqliteStore: search, count and lookup on the read-only connection.
#include "store/schema.h"
#include "store/sqlite_store.h"
#include "store/where.h"

namespace parapet::store {

Result<LogPage> SqliteStore::query(const LogQuery& q) const {
  auto where = build_where(q, /*with_cursor=*/true, opts_.id_lag.count());
  if (!where) return where.error();
  const size_t limit = q.limit == 0 ? kDefaultLimit : std::min(q.limit, kMaxLimit);

  std::lock_guard lock(read_mu_);
  sqlite3* d = reader_.get();
  auto st = prepare(
      d, "SELECT " + column_list() + " FROM requests" + where->sql + " ORDER BY id DESC LIMIT ?");
  if (!st) return st.error();
  bind_args(st->get(), where->args);
  // One row more than asked tells whether another page exists.
  sqlite3_bind_int64(st->get(), static_cast<int>(where->args.size()) + 1,
                     static_cast<sqlite3_int64>(limit + 1));
  LogPage page;
  int rc;
  while ((rc = sqlite3_step(st->get())) == SQLITE_ROW) {
    page.records.push_back(read_record(st->get()));
  }
  if (rc != SQLITE_DONE) return sqlite_error(d, "query");
  if (page.records.size() > limit) {
    page.records.pop_back();
    page.next_cursor = page.records.back().id;
  }
  return page;
}

Result<uint64_t> SqliteStore::count(const LogQuery& q) const {
  auto where = build_where(q, /*with_cursor=*/false, opts_.id_lag.count());
  if (!where) return where.error();
  std::lock_guard lock(read_mu_);
  sqlite3* d = reader_.get();
  auto st = prepare(d, "SELECT count(*) FROM requests" + where->sql);
  if (!st) return st.error();
  bind_args(st->get(), where->args);
  if (sqlite3_step(st->get()) != SQLITE_ROW) return sqlite_error(d, "count");
  return static_cast<uint64_t>(sqlite3_column_int64(st->get(), 0));
}

Result<std::optional<observe::RequestRecord>> SqliteStore::get(std::string_view id) const {
  std::lock_guard lock(read_mu_);
  sqlite3* d = reader_.get();
  auto st = prepare(d, "SELECT " + column_list() + " FROM requests WHERE id = ?");
  if (!st) return st.error();
  bind_text(st->get(), 1, id);
  const int rc = sqlite3_step(st->get());
  if (rc == SQLITE_ROW) return std::optional<observe::RequestRecord>(read_record(st->get()));
  if (rc == SQLITE_DONE) return std::optional<observe::RequestRecord>();
  return sqlite_error(d, "get");
}

}  // namespace parapet::store
