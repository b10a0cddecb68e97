#include "store/where.h"

#include <algorithm>

#include "store/sqlite.h"

namespace parapet::store {

namespace {

constexpr size_t kMaxFilterText = 1024;

Error bad(std::string msg) { return make_error(ErrorCode::kBadRequest, std::move(msg)); }

// LIKE pattern matching `s` anywhere, with LIKE's own wildcards taken literally.
std::string like_contains(std::string_view s) {
  std::string out = "%";
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

}  // namespace

std::string id_floor(int64_t unix_ms) {
  static constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  auto t = static_cast<uint64_t>(std::max<int64_t>(unix_ms, 0)) & ((uint64_t{1} << 48) - 1);
  std::string out(26, '0');
  for (int i = 9; i >= 0; --i) {
    out[i] = kCrockford[t & 31];
    t >>= 5;
  }
  return out;
}

Result<Where> build_where(const LogQuery& q, bool with_cursor, int64_t id_lag_ms) {
  Where w;
  auto add = [&](std::string_view cond) {
    w.sql += w.sql.empty() ? " WHERE " : " AND ";
    w.sql += cond;
  };
  for (const std::string* s :
       {&q.gateway, &q.provider, &q.model, &q.error_type, &q.key_id, &q.text, &q.cursor}) {
    if (s->size() > kMaxFilterText) return bad("filter text too long");
  }
  // Exact on start_us; the id bounds only let SQLite seek requests_id (see where.h).
  if (q.from_us) {
    add("start_us >= ? AND id >= ?");
    w.args.emplace_back(*q.from_us);
    w.args.emplace_back(id_floor(*q.from_us / 1000 - kIdLeadMs));
  }
  if (q.to_us) {
    add("start_us < ? AND id < ?");
    w.args.emplace_back(*q.to_us);
    w.args.emplace_back(id_floor(*q.to_us / 1000 + 1 + id_lag_ms));
  }
  if (!q.gateway.empty()) {
    add("gateway = ?");
    w.args.emplace_back(q.gateway);
  }
  if (!q.provider.empty()) {
    add("provider = ?");
    w.args.emplace_back(q.provider);
  }
  if (!q.model.empty()) {
    add("(model_answered = ? OR model_requested = ?)");
    w.args.emplace_back(q.model);
    w.args.emplace_back(q.model);
  }
  // The "status >= 400" and "<> ''" terms repeat the partial indexes' conditions word for word,
  // which is how SQLite knows it may use them.
  if (q.status) {
    add(*q.status >= 400 ? "status = ? AND status >= 400" : "status = ?");
    w.args.emplace_back(int64_t{*q.status});
  }
  if (q.status_class) {
    if (*q.status_class < 1 || *q.status_class > 5) return bad("status class must be 1xx..5xx");
    add(*q.status_class >= 4 ? "status BETWEEN ? AND ? AND status >= 400"
                             : "status BETWEEN ? AND ?");
    w.args.emplace_back(int64_t{*q.status_class} * 100);
    w.args.emplace_back(int64_t{*q.status_class} * 100 + 99);
  }
  if (q.errors_only) add("error_type <> ''");
  if (!q.error_type.empty()) {
    add("error_type = ? AND error_type <> ''");
    w.args.emplace_back(q.error_type);
  }
  if (!q.key_id.empty()) {
    add("key_id = ?");
    w.args.emplace_back(q.key_id);
  }
  if (q.metadata.size() > kMaxMetadataFilters) return bad("too many metadata filters");
  for (const MetadataFilter& m : q.metadata) {
    auto checked = parse_metadata_filter(m.key + "=");
    if (!checked) return checked.error();
    if (m.value.size() > kMaxFilterText) return bad("filter text too long");
    // json_extract gives 1/0 for JSON booleans; json_type tells them apart from numbers.
    add("(CASE json_type(metadata, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
        "ELSE CAST(json_extract(metadata, ?) AS TEXT) END) = ?");
    std::string path = "$.\"" + m.key + "\"";
    w.args.emplace_back(path);
    w.args.emplace_back(std::move(path));
    w.args.emplace_back(m.value);
  }
  if (!q.text.empty()) {
    add("error_message LIKE ? ESCAPE '\\'");
    w.args.emplace_back(like_contains(q.text));
  }
  if (with_cursor && !q.cursor.empty()) {
    add("id < ?");
    w.args.emplace_back(q.cursor);
  }
  return w;
}

void bind_args(sqlite3_stmt* st, const std::vector<SqlArg>& args) {
  int i = 0;
  for (const SqlArg& a : args) {
    ++i;
    if (const auto* n = std::get_if<int64_t>(&a)) {
      sqlite3_bind_int64(st, i, *n);
    } else {
      bind_text(st, i, std::get<std::string>(a));
    }
  }
}

}  // namespace parapet::store
