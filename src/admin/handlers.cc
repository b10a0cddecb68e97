#include "admin/handlers.h"

#include <charconv>
#include <map>

#include "admin/time_arg.h"
#include "observe/histogram.h"
#include "store/export.h"

namespace parapet::admin {

namespace {

void append_num(std::string& out, double v) {
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.3f", v);
  out.append(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

void kv(std::string& out, std::string_view key, int64_t v) {
  out += '"';
  out += key;
  out += "\":";
  out += std::to_string(v);
  out += ',';
}

void latency_json(std::string& out, std::string_view key, const observe::LatencySummary& l) {
  out += '"';
  out += key;
  out += "\":{\"count\":" + std::to_string(l.count) + ",\"p50\":";
  append_num(out, l.p50_us / 1000.0);
  out += ",\"p90\":";
  append_num(out, l.p90_us / 1000.0);
  out += ",\"p99\":";
  append_num(out, l.p99_us / 1000.0);
  out += ",\"mean\":";
  append_num(out, l.mean_us / 1000.0);
  out += ",\"max\":";
  append_num(out, static_cast<double>(l.max_us) / 1000.0);
  out += '}';
}

}  // namespace

Reply error_reply(const Error& e) {
  return Reply{error_status(e.code), "application/json", error_json(e)};
}

Result<store::LogQuery> log_query_from(const http::Query& q, int64_t now_us) {
  if (!q.ok()) return make_error(ErrorCode::kBadRequest, "malformed query string");
  store::LogQuery lq;
  for (const auto& [k, v] : q.items()) {
    if (k == "from" || k == "to") {
      auto t = parse_time_arg(v, now_us);
      if (!t) return t.error();
      (k == "from" ? lq.from_us : lq.to_us) = *t;
    } else if (k == "gateway") {
      lq.gateway = v;
    } else if (k == "provider") {
      lq.provider = v;
    } else if (k == "model") {
      lq.model = v;
    } else if (k == "status") {
      PARAPET_TRY(store::parse_status_filter(v, lq));
    } else if (k == "errors") {
      lq.errors_only = v == "1" || v == "true";
    } else if (k == "error_type") {
      lq.error_type = v;
    } else if (k == "key_id") {
      lq.key_id = v;
    } else if (k == "metadata") {
      auto m = store::parse_metadata_filter(v);
      if (!m) return m.error();
      lq.metadata.push_back(std::move(*m));
    } else if (k == "q") {
      lq.text = v;
    } else if (k == "cursor") {
      lq.cursor = v;
    } else if (k == "limit") {
      size_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size()) {
        return make_error(ErrorCode::kBadRequest, "limit must be a number");
      }
      lq.limit = n;
    } else if (k == "format" || k == "follow") {
      // used by the endpoint itself
    } else {
      return make_error(ErrorCode::kBadRequest, "unknown filter '" + k + "'");
    }
  }
  return lq;
}

bool matches(const store::LogQuery& q, const observe::RequestRecord& r) {
  if (q.from_us && r.start_us < *q.from_us) return false;
  if (q.to_us && r.start_us >= *q.to_us) return false;
  if (!q.gateway.empty() && r.gateway != q.gateway) return false;
  if (!q.provider.empty() && r.provider != q.provider) return false;
  if (!q.model.empty() && r.model_requested != q.model && r.model_answered != q.model) return false;
  if (q.status && r.status != *q.status) return false;
  if (q.status_class && r.status / 100 != *q.status_class) return false;
  if (q.errors_only && r.error_type.empty()) return false;
  if (!q.error_type.empty() && r.error_type != q.error_type) return false;
  if (!q.key_id.empty() && r.key_id != q.key_id) return false;
  for (const auto& m : q.metadata) {
    // Compact JSON as stored: "key":"value" or "key":value.
    std::string quoted = "\"" + m.key + "\":\"" + m.value + "\"";
    std::string bare = "\"" + m.key + "\":" + m.value;
    if (r.metadata_json.find(quoted) == std::string::npos &&
        r.metadata_json.find(bare + ",") == std::string::npos &&
        r.metadata_json.find(bare + "}") == std::string::npos) {
      return false;
    }
  }
  if (!q.text.empty() && r.error_message.find(q.text) == std::string::npos) return false;
  return true;
}

Reply logs_search(const Services& s, const http::Query& q, int64_t now_us) {
  auto lq = log_query_from(q, now_us);
  if (!lq) return error_reply(lq.error());
  auto page = s.store->query(*lq);
  if (!page) return error_reply(page.error());
  Reply r;
  r.body = "{\"records\":[";
  bool first = true;
  for (const auto& rec : page->records) {
    if (!first) r.body += ',';
    first = false;
    std::string line = store::to_jsonl(rec);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    r.body += line;
  }
  r.body += "],\"next_cursor\":";
  store::append_json_string(r.body, page->next_cursor);
  r.body += '}';
  return r;
}

Reply log_get(const Services& s, std::string_view id) {
  auto rec = s.store->get(id);
  if (!rec) return error_reply(rec.error());
  if (!*rec) return error_reply(make_error(ErrorCode::kNotFound, "no record " + std::string(id)));
  Reply r;
  r.body = store::to_jsonl(**rec);
  while (!r.body.empty() && r.body.back() == '\n') r.body.pop_back();
  return r;
}

namespace {

// The value of top-level member `key` in a compact metadata object, as JSON text ("" if absent).
std::string metadata_value(std::string_view json, std::string_view key) {
  std::string needle = "\"";
  needle += key;
  needle += "\":";
  size_t at = json.find(needle);
  if (at == std::string_view::npos) return "";
  size_t i = at + needle.size();
  if (i < json.size() && json[i] == '"') {
    size_t end = i + 1;
    while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
    return std::string(json.substr(i + 1, end - i - 1));
  }
  size_t end = json.find_first_of(",}", i);
  return std::string(json.substr(i, end == std::string_view::npos ? json.size() - i : end - i));
}

Reply metadata_stats(const Services& s, const std::string& key, int64_t from_us, int64_t to_us) {
  struct Group {
    observe::RollupSums sums;
    observe::Histogram latency;
  };
  std::map<std::string, Group> groups;
  store::LogQuery lq;
  lq.from_us = from_us;
  lq.to_us = to_us;
  lq.limit = store::kMaxLimit;
  size_t scanned = 0;
  bool truncated = false;
  for (;;) {
    auto page = s.store->query(lq);
    if (!page) return error_reply(page.error());
    for (const auto& r : page->records) {
      Group& g = groups[metadata_value(r.metadata_json, key)];
      g.sums.add(r);
      g.latency.record(r.total_us);
    }
    scanned += page->records.size();
    if (page->next_cursor.empty()) break;
    if (scanned >= kMaxMetadataScan) {
      truncated = true;
      break;
    }
    lq.cursor = page->next_cursor;
  }
  Reply r;
  r.body = "{\"from_us\":" + std::to_string(from_us) + ",\"to_us\":" + std::to_string(to_us) +
           ",\"scanned\":" + std::to_string(scanned) +
           ",\"truncated\":" + (truncated ? "true" : "false") + ",\"rows\":[";
  bool first = true;
  for (const auto& [value, g] : groups) {
    if (!first) r.body += ',';
    first = false;
    std::string& o = r.body;
    o += "{\"metadata\":{";
    store::append_json_string(o, key);
    o += ':';
    store::append_json_string(o, value);
    o += "},";
    kv(o, "requests", g.sums.requests);
    kv(o, "errors", g.sums.errors);
    kv(o, "input_tokens", g.sums.input_tokens);
    kv(o, "output_tokens", g.sums.output_tokens);
    kv(o, "cached_read_tokens", g.sums.cached_read_tokens);
    kv(o, "cost_micros", g.sums.cost_micros);
    o += "\"latency_ms\":{\"p50\":";
    append_num(o, g.latency.count() ? g.latency.percentile(50) / 1000.0 : 0);
    o += ",\"p99\":";
    append_num(o, g.latency.count() ? g.latency.percentile(99) / 1000.0 : 0);
    o += "}}";
  }
  r.body += "]}";
  return r;
}

}  // namespace

Reply stats(const Services& s, const http::Query& q, int64_t now_us) {
  if (!q.ok()) return error_reply(make_error(ErrorCode::kBadRequest, "malformed query string"));
  observe::AnalyticsQuery aq;
  aq.from_us = now_us - int64_t{86400} * 1'000'000;
  aq.to_us = now_us + 1;
  std::string metadata_key;
  for (const auto& [k, v] : q.items()) {
    if (k == "from" || k == "to") {
      auto t = parse_time_arg(v, now_us);
      if (!t) return error_reply(t.error());
      (k == "from" ? aq.from_us : aq.to_us) = *t;
    } else if (k == "group_by" && v.starts_with("metadata.")) {
      metadata_key = v.substr(9);
      if (metadata_key.empty()) {
        return error_reply(make_error(ErrorCode::kBadRequest, "group_by=metadata.KEY needs a key"));
      }
    } else if (k == "group_by") {
      std::string_view rest = v;
      while (!rest.empty()) {
        size_t comma = rest.find(',');
        std::string_view g = rest.substr(0, comma);
        if (g == "gateway")
          aq.group_by |= observe::kGroupGateway;
        else if (g == "provider")
          aq.group_by |= observe::kGroupProvider;
        else if (g == "model")
          aq.group_by |= observe::kGroupModel;
        else if (g == "key_id")
          aq.group_by |= observe::kGroupKeyId;
        else if (!g.empty() && g != "none") {
          return error_reply(make_error(ErrorCode::kBadRequest,
                                        "group_by takes gateway, provider, model, key_id"));
        }
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    } else if (k == "step") {
      if (v == "minute")
        aq.step = observe::Step::kMinute;
      else if (v == "hour")
        aq.step = observe::Step::kHour;
      else if (v == "day")
        aq.step = observe::Step::kDay;
      else if (v == "total")
        aq.step = observe::Step::kTotal;
      else
        return error_reply(
            make_error(ErrorCode::kBadRequest, "step is minute, hour, day or total"));
    } else {
      return error_reply(make_error(ErrorCode::kBadRequest, "unknown parameter '" + k + "'"));
    }
  }
  if (!metadata_key.empty()) return metadata_stats(s, metadata_key, aq.from_us, aq.to_us);
  auto rows = s.analytics->query(aq);
  Reply r;
  r.body = "{\"from_us\":" + std::to_string(aq.from_us) + ",\"to_us\":" + std::to_string(aq.to_us) +
           ",\"rows\":[";
  bool first = true;
  for (const auto& row : rows) {
    if (!first) r.body += ',';
    first = false;
    std::string& o = r.body;
    o += '{';
    kv(o, "start_us", row.start_us);
    auto str = [&](std::string_view key, const std::string& v, unsigned bit) {
      if (!(aq.group_by & bit)) return;
      o += '"';
      o += key;
      o += "\":";
      store::append_json_string(o, v);
      o += ',';
    };
    str("gateway", row.group.gateway, observe::kGroupGateway);
    str("provider", row.group.provider, observe::kGroupProvider);
    str("model", row.group.model, observe::kGroupModel);
    str("key_id", row.group.key_id, observe::kGroupKeyId);
    const auto& m = row.sums;
    kv(o, "requests", m.requests);
    kv(o, "errors", m.errors);
    kv(o, "status_2xx", m.status_2xx);
    kv(o, "status_4xx", m.status_4xx);
    kv(o, "status_5xx", m.status_5xx);
    kv(o, "input_tokens", m.input_tokens);
    kv(o, "output_tokens", m.output_tokens);
    kv(o, "cached_read_tokens", m.cached_read_tokens);
    kv(o, "cache_write_tokens", m.cache_write_tokens);
    kv(o, "reasoning_tokens", m.reasoning_tokens);
    kv(o, "cost_micros", m.cost_micros);
    kv(o, "saved_micros", m.saved_micros);
    kv(o, "cache_hits", m.cache_hits);
    kv(o, "streams", m.streams);
    o += "\"error_rate\":";
    append_num(o, row.error_rate);
    o += ",\"cache_hit_rate\":";
    append_num(o, row.cache_hit_rate);
    o += ',';
    latency_json(o, "latency_ms", row.latency);
    o += ',';
    latency_json(o, "ttfb_ms", row.first_byte);
    o += '}';
  }
  r.body += "]}";
  return r;
}

}  // namespace parapet::admin
