#include "incident/impact.h"

#include <filesystem>

#include "store/sqlite.h"
#include "store/where.h"

namespace parapet::incident {

namespace {
// The id bounds only let SQLite seek the requests_id index (ids are ULIDs sorted by time, see
// store/where.h); start_us decides.
constexpr const char* kWindow = "start_us >= ?1 AND start_us < ?2 AND id >= ?4 AND id < ?5";
constexpr int64_t kIdLagMs = 5 * 60'000;  // SqliteStore's default id_lag

void bind_window(sqlite3_stmt* st, int64_t from, int64_t to, int64_t slow, const std::string& lo,
                 const std::string& hi) {
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  sqlite3_bind_int64(st, 3, slow);
  store::bind_text(st, 4, lo);
  store::bind_text(st, 5, hi);
}

constexpr const char* kAffected =
    "(status >= 500 OR error_type LIKE 'upstream\\_%' ESCAPE '\\' OR total_us >= ?3)";

Result<std::vector<std::pair<std::string, int64_t>>> group(sqlite3* db, const std::string& expr,
                                                           int64_t from, int64_t to, int64_t slow) {
  std::vector<std::pair<std::string, int64_t>> out;
  auto st = store::prepare(db, "SELECT " + expr + " AS g, count(*) FROM requests WHERE " + kWindow +
                                   " AND " + kAffected +
                                   " GROUP BY g ORDER BY count(*) DESC, g LIMIT 50");
  if (!st) return st.error();
  std::string lo = store::id_floor(from / 1000 - store::kIdLeadMs);
  std::string hi = store::id_floor(to / 1000 + 1 + kIdLagMs);
  bind_window(st->get(), from, to, slow, lo, hi);
  while (sqlite3_step(st->get()) == SQLITE_ROW) {
    out.emplace_back(store::column_text(st->get(), 0), sqlite3_column_int64(st->get(), 1));
  }
  return out;
}

void list_json(std::string& o, const char* name,
               const std::vector<std::pair<std::string, int64_t>>& v) {
  o += ",\"";
  o += name;
  o += "\":[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) o += ',';
    o += "{\"name\":\"";
    append_json_escaped(o, v[i].first);
    o += "\",\"requests\":" + std::to_string(v[i].second) + "}";
  }
  o += ']';
}
}  // namespace

Result<Impact> compute_impact(const std::string& logs_db, int64_t from_us, int64_t to_us,
                              int64_t slow_us) {
  Impact im;
  im.from_us = from_us;
  im.to_us = to_us;
  std::error_code ec;
  if (!std::filesystem::exists(logs_db, ec)) return im;
  auto db = store::open_db(logs_db, true, 2000);
  if (!db) return db.error();
  auto st = store::prepare(
      db->get(),
      "SELECT count(*), "
      "coalesce(sum(status >= 500 OR error_type LIKE 'upstream\\_%' ESCAPE '\\'),0), "
      "coalesce(sum(total_us >= ?3),0), coalesce(sum(cost_micros),0), "
      "coalesce(sum(CASE WHEN status >= 500 OR error_type LIKE 'upstream\\_%' ESCAPE '\\' "
      "THEN cost_micros ELSE 0 END),0) FROM requests WHERE " +
          std::string(kWindow));
  if (!st) return st.error();
  std::string lo = store::id_floor(from_us / 1000 - store::kIdLeadMs);
  std::string hi = store::id_floor(to_us / 1000 + 1 + kIdLagMs);
  bind_window(st->get(), from_us, to_us, slow_us, lo, hi);
  if (sqlite3_step(st->get()) == SQLITE_ROW) {
    im.requests = sqlite3_column_int64(st->get(), 0);
    im.failed = sqlite3_column_int64(st->get(), 1);
    im.slowed = sqlite3_column_int64(st->get(), 2);
    im.cost_micros = sqlite3_column_int64(st->get(), 3);
    im.failed_cost_micros = sqlite3_column_int64(st->get(), 4);
  }
  auto keys = group(db->get(), "key_id", from_us, to_us, slow_us);
  if (!keys) return keys.error();
  im.keys = std::move(*keys);
  auto clients = group(db->get(), "client_ip", from_us, to_us, slow_us);
  if (!clients) return clients.error();
  im.clients = std::move(*clients);
  auto prov = group(db->get(),
                    "provider || CASE WHEN model_requested != '' THEN '/' || model_requested "
                    "ELSE '' END",
                    from_us, to_us, slow_us);
  if (!prov) return prov.error();
  im.providers = std::move(*prov);
  return im;
}

std::string impact_json(const Impact& im, bool include_private) {
  std::string o =
      "{\"from_us\":" + std::to_string(im.from_us) + ",\"to_us\":" + std::to_string(im.to_us) +
      ",\"requests\":" + std::to_string(im.requests) + ",\"failed\":" + std::to_string(im.failed) +
      ",\"slowed\":" + std::to_string(im.slowed) +
      ",\"cost_micros\":" + std::to_string(im.cost_micros) +
      ",\"failed_cost_micros\":" + std::to_string(im.failed_cost_micros) +
      ",\"affected_keys\":" + std::to_string(im.keys.size()) +
      ",\"affected_clients\":" + std::to_string(im.clients.size());
  list_json(o, "providers", im.providers);
  if (include_private) {
    list_json(o, "keys", im.keys);
    list_json(o, "clients", im.clients);
  }
  o += '}';
  return o;
}

}  // namespace parapet::incident
