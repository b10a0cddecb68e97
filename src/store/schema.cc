#include "store/schema.h"

#include <type_traits>

#include "observe/scrub.h"
#include "store/fields.h"
#include "store/sqlite.h"

namespace parapet::store {

namespace {

// Migration N brings the schema from version N-1 to N. Never edit one that has shipped.
constexpr const char* kMigrations[] = {
    // 1: one row per request. Text fields are NOT NULL ('' when absent) so filters need no
    // NULL cases; metadata is a JSON object or NULL (json_extract on '' would fail).
    R"sql(
CREATE TABLE requests (
  id TEXT NOT NULL,
  start_us INTEGER NOT NULL,
  first_byte_us INTEGER NOT NULL,
  total_us INTEGER NOT NULL,
  upstream_us INTEGER NOT NULL,
  gateway TEXT NOT NULL,
  provider TEXT NOT NULL,
  method TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  model_requested TEXT NOT NULL,
  model_answered TEXT NOT NULL,
  status INTEGER NOT NULL,
  error_type TEXT NOT NULL,
  error_message TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  stream INTEGER NOT NULL,
  stream_interrupted INTEGER NOT NULL,
  client_ip TEXT NOT NULL,
  key_id TEXT NOT NULL,
  metadata TEXT,
  tokens_input INTEGER NOT NULL,
  tokens_output INTEGER NOT NULL,
  tokens_cached_read INTEGER NOT NULL,
  tokens_cache_write INTEGER NOT NULL,
  tokens_reasoning INTEGER NOT NULL,
  usage_source TEXT NOT NULL,
  usage_partial INTEGER NOT NULL,
  usage_model TEXT NOT NULL,
  cost_micros INTEGER NOT NULL,
  cost_custom INTEGER NOT NULL,
  price_version TEXT NOT NULL,
  cache_status TEXT NOT NULL,
  saved_micros INTEGER NOT NULL,
  bytes_in INTEGER NOT NULL,
  bytes_out INTEGER NOT NULL,
  request_body TEXT NOT NULL,
  response_body TEXT NOT NULL
);
-- Pagination (newest first), time ranges and age retention: ids are ULIDs, which sort by the
-- request's start time, so one index serves all three.
CREATE UNIQUE INDEX requests_id ON requests(id);
-- Failures are rare and searched for; partial indexes cost nothing on successful requests.
-- requests_failed lists failed requests in id order, so a status or status-class search walks
-- them newest first without sorting.
CREATE INDEX requests_failed ON requests(id) WHERE status >= 400;
CREATE INDEX requests_error ON requests(error_type, id) WHERE error_type <> '';
-- Deliberately no index on gateway, provider, model or key_id: each costs 1-5 us per row on the
-- writer (docs/logs.md), and a search on them walks requests_id newest first, stopping at the
-- page size, which is fast for any value that is not very rare.
)sql",
    // 2: which fallback / universal step answered (-1: the request had no steps). Rows written
    // before it read as -1.
    "ALTER TABLE requests ADD COLUMN step INTEGER NOT NULL DEFAULT -1;",
    // 3: DLP findings (docs/dlp.md). Rows written before it read as none.
    "ALTER TABLE requests ADD COLUMN dlp TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE requests ADD COLUMN dlp_prompt INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE requests ADD COLUMN dlp_answer INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE requests ADD COLUMN dlp_blocked INTEGER NOT NULL DEFAULT 0;",
    // 4: the WAF's verdict ('' | 'log' | 'block'), its matches ("rule@target:name,...") and their
    // detail (JSON object by rule id, or NULL). Rows written before it read as no verdict.
    "ALTER TABLE requests ADD COLUMN waf_action TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE requests ADD COLUMN waf_rules TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE requests ADD COLUMN waf_matches TEXT;",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

}  // namespace

Result<int> read_schema_version(sqlite3* db) {
  auto exists = query_int(
      db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'");
  if (!exists) return exists.error();
  if (*exists == 0) return 0;
  auto v = query_int(db, "SELECT coalesce(max(version), 0) FROM schema_version");
  if (!v) return v.error();
  return static_cast<int>(*v);
}

Result<int> migrate(sqlite3* db) {
  // IMMEDIATE: two processes opening the same new file cannot both run migration 1.
  PARAPET_TRY(exec(db, "BEGIN IMMEDIATE"));
  auto fail = [&](Error e) -> Result<int> {
    exec(db, "ROLLBACK");
    return e;
  };
  auto v = read_schema_version(db);
  if (!v) return fail(v.error());
  int version = *v;
  if (version > kSchemaVersion) {
    return fail(make_error(ErrorCode::kInternal, "store schema version " + std::to_string(version) +
                                                     " is newer than this binary's " +
                                                     std::to_string(kSchemaVersion)));
  }
  if (version == 0) {
    if (auto r = exec(db,
                      "CREATE TABLE schema_version(version INTEGER NOT NULL);"
                      "INSERT INTO schema_version VALUES (0);");
        !r) {
      return fail(r.error());
    }
  }
  for (; version < kSchemaVersion; ++version) {
    if (auto r = exec(db, kMigrations[version]); !r) {
      return fail(make_error(ErrorCode::kInternal, "migration " + std::to_string(version + 1) +
                                                       ": " + r.error().message));
    }
    if (auto r = exec(db, "UPDATE schema_version SET version = " + std::to_string(version + 1));
        !r) {
      return fail(r.error());
    }
  }
  PARAPET_TRY(exec(db, "COMMIT"));
  return version;
}

const std::string& column_list() {
  static const std::string list = [] {
    std::string out;
    for (std::string_view n : field_names()) {
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  }();
  return list;
}

void bind_record(sqlite3_stmt* st, const observe::RequestRecord& r) {
  int i = 0;
  // Safe logs: no stored text carries a live "${" lookup (observe/scrub.h). SQLite copies the
  // neutralized text (SQLITE_TRANSIENT); text without "${" is bound in place as before.
  auto bind_safe = [st](int col, std::string_view s) {
    if (!observe::has_lookup(s)) {
      bind_text(st, col, s);
      return;
    }
    std::string safe = observe::neutralize_lookups(s);
    sqlite3_bind_text(st, col, safe.data(), static_cast<int>(safe.size()), SQLITE_TRANSIENT);
  };
  for_each_field(r, [&](std::string_view, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    ++i;
    if constexpr (std::is_same_v<T, std::string>) {
      bind_safe(i, v);
    } else if constexpr (std::is_same_v<T, JsonRef<const std::string>>) {
      if (v.text.empty()) {
        sqlite3_bind_null(st, i);
      } else {
        bind_safe(i, v.text);
      }
    } else if constexpr (std::is_same_v<T, UsageSource>) {
      bind_text(st, i, usage_source_name(v));
    } else {
      sqlite3_bind_int64(st, i, static_cast<sqlite3_int64>(v));
    }
  });
}

observe::RequestRecord read_record(sqlite3_stmt* st) {
  observe::RequestRecord r;
  int i = 0;
  for_each_field(r, [&](std::string_view, auto&& v) {
    using T = std::remove_cvref_t<decltype(v)>;
    const int col = i++;
    if constexpr (std::is_same_v<T, std::string>) {
      v = column_text(st, col);
    } else if constexpr (std::is_same_v<T, JsonRef<std::string>>) {
      v.text = column_text(st, col);
    } else if constexpr (std::is_same_v<T, UsageSource>) {
      v = parse_usage_source(column_text(st, col));
    } else if constexpr (std::is_same_v<T, bool>) {
      v = sqlite3_column_int64(st, col) != 0;
    } else {
      v = static_cast<T>(sqlite3_column_int64(st, col));
    }
  });
  return r;
}

}  // namespace parapet::store
