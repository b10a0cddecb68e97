#include "store/where.h"

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

Result<Where> build_where(const LogQuery& q, bool with_cursor) {
  Where w;
  auto add = [&](std::string_view cond) {
    w.sql += w.sql.empty() ? " WHERE " : " AND ";
    w.sql += cond;
  };
  for (const std::string* s :
       {&q.gateway, &q.provider, &q.model, &q.error_type, &q.key_id, &q.text, &q.cursor}) {
    if (s->size() > kMaxFilterText) return bad("filter text too long");
  }
  if (q.from_us) {
    add("start_us >= ?");
    w.args.emplace_back(*q.from_us);
  }
  if (q.to_us) {
    add("start_us < ?");
    w.args.emplace_back(*q.to_us);
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
  if (q.status) {
    add("status = ?");
    w.args.emplace_back(int64_t{*q.status});
  }
  if (q.status_class) {
    if (*q.status_class < 1 || *q.status_class > 5) return bad("status class must be 1xx..5xx");
    add("status BETWEEN ? AND ?");
    w.args.emplace_back(int64_t{*q.status_class} * 100);
    w.args.emplace_back(int64_t{*q.status_class} * 100 + 99);
  }
  // The "<> ''" terms repeat the partial indexes' conditions so SQLite may use them.
  if (q.errors_only) add("error_type <> ''");
  if (!q.error_type.empty()) {
    add("error_type = ? AND error_type <> ''");
    w.args.emplace_back(q.error_type);
  }
  if (!q.key_id.empty()) {
    add("key_id = ? AND key_id <> ''");
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
