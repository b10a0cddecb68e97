#include "cli/commands.h"

#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "cli/admin_client.h"

namespace parapet::cli {

namespace {

struct LogFilters {
  std::string admin = "127.0.0.1:8701";
  std::string gateway, provider, model, status, from, to, error_type, key_id, text;
  std::vector<std::string> metadata;
  size_t limit = 50;
  std::string format = "table";
  bool follow = false;
  bool errors = false;
};

std::string pct(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void add_param(std::string& q, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  q += q.empty() ? '?' : '&';
  q += key;
  q += '=';
  q += pct(value);
}

std::string filter_query(const LogFilters& f) {
  std::string q;
  add_param(q, "gateway", f.gateway);
  add_param(q, "provider", f.provider);
  add_param(q, "model", f.model);
  add_param(q, "status", f.status);
  add_param(q, "from", f.from);
  add_param(q, "to", f.to);
  add_param(q, "error_type", f.error_type);
  add_param(q, "key_id", f.key_id);
  add_param(q, "q", f.text);
  for (const auto& m : f.metadata) add_param(q, "metadata", m);
  if (f.errors) add_param(q, "errors", "1");
  return q;
}

int fail(const std::string& msg) {
  std::fprintf(stderr, "parapet: %s\n", msg.c_str());
  return 1;
}

std::string utc(int64_t us) {
  std::time_t t = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>((us / 1000) % 1000));
  return out;
}

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

int64_t num(simdjson::dom::element e, const char* key) {
  int64_t v = 0;
  if (e[key].get_int64().get(v) == simdjson::SUCCESS) return v;
  uint64_t u = 0;
  if (e[key].get_uint64().get(u) == simdjson::SUCCESS) return static_cast<int64_t>(u);
  return 0;
}

void print_log_header() {
  std::printf("%-24s %-4s %-8s %-16s %-28s %7s %7s %10s %9s  %s\n", "time (UTC)", "code", "gateway",
              "provider", "model", "in", "out", "cost $", "ms", "id");
}

void print_log_row(simdjson::dom::element r) {
  std::string model = str(r, "model_answered");
  if (model.empty()) model = str(r, "model_requested");
  std::string err = str(r, "error_type");
  std::printf("%-24s %-4lld %-8s %-16s %-28s %7lld %7lld %10.6f %9.1f  %s%s%s\n",
              utc(num(r, "start_us")).c_str(), static_cast<long long>(num(r, "status")),
              str(r, "gateway").c_str(), str(r, "provider").c_str(), model.c_str(),
              static_cast<long long>(num(r, "tokens_input")),
              static_cast<long long>(num(r, "tokens_output")), num(r, "cost_micros") / 1e6,
              num(r, "total_us") / 1000.0, str(r, "id").c_str(), err.empty() ? "" : "  ",
              err.c_str());
}

int run_logs(const LogFilters& f) {
  std::string q = filter_query(f);
  if (f.follow) {
    // The live tail is SSE: one `data: {record}` per record.
    bool table = f.format == "table";
    if (table) print_log_header();
    std::string pending;
    simdjson::dom::parser parser;
    auto st = admin_stream(f.admin, "/logs/stream" + q, [&](std::string_view bytes) {
      pending.append(bytes);
      size_t end;
      while ((end = pending.find("\n\n")) != std::string::npos) {
        std::string event = pending.substr(0, end);
        pending.erase(0, end + 2);
        if (!event.starts_with("data: ")) continue;
        std::string json = event.substr(6);
        if (!table) {
          std::printf("%s\n", json.c_str());
        } else {
          simdjson::dom::element e;
          if (parser.parse(json).get(e) == simdjson::SUCCESS) print_log_row(e);
        }
        std::fflush(stdout);
      }
      return true;
    });
    if (!st) return fail(st.error().message);
    return *st == 200 ? 0 : fail("admin API answered " + std::to_string(*st));
  }
  if (f.format == "csv" || f.format == "jsonl") {
    std::string target = "/logs/export" + q + (q.empty() ? "?" : "&") + "format=" + f.format;
    size_t written = 0;
    auto st = admin_stream(f.admin, target, [&](std::string_view bytes) {
      std::fwrite(bytes.data(), 1, bytes.size(), stdout);
      written += bytes.size();
      return true;
    });
    if (!st) return fail(st.error().message);
    return *st == 200 ? 0 : fail("admin API answered " + std::to_string(*st));
  }
  if (f.format != "table" && f.format != "json")
    return fail("--format is table, json, jsonl or csv");
  std::string target = "/logs" + q + (q.empty() ? "?" : "&") + "limit=" + std::to_string(f.limit);
  auto a = admin_get(f.admin, target);
  if (!a) return fail(a.error().message);
  if (a->status != 200) return fail("admin API: " + a->body);
  if (f.format == "json") {
    std::printf("%s\n", a->body.c_str());
    return 0;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(a->body).get(doc) != simdjson::SUCCESS) return fail("admin API sent bad JSON");
  print_log_header();
  simdjson::dom::array records;
  if (doc["records"].get_array().get(records) == simdjson::SUCCESS) {
    for (auto r : records) print_log_row(r);
  }
  return 0;
}

struct StatsArgs {
  std::string admin = "127.0.0.1:8701";
  std::string from = "24h", to, group_by, step = "total";
  bool json = false;
};

int run_stats(const StatsArgs& s) {
  std::string q;
  add_param(q, "from", s.from);
  add_param(q, "to", s.to);
  add_param(q, "group_by", s.group_by);
  add_param(q, "step", s.step);
  auto a = admin_get(s.admin, "/stats" + q);
  if (!a) return fail(a.error().message);
  if (a->status != 200) return fail("admin API: " + a->body);
  if (s.json) {
    std::printf("%s\n", a->body.c_str());
    return 0;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(a->body).get(doc) != simdjson::SUCCESS) return fail("admin API sent bad JSON");
  std::printf("%-24s %-36s %9s %7s %11s %11s %12s %9s %9s\n", "from (UTC)", "group", "requests",
              "errors", "tokens in", "tokens out", "cost $", "p50 ms", "p99 ms");
  simdjson::dom::array rows;
  if (doc["rows"].get_array().get(rows) != simdjson::SUCCESS) return 0;
  for (auto r : rows) {
    std::string group;
    for (const char* k : {"gateway", "provider", "model", "key_id"}) {
      std::string v = str(r, k);
      if (r[k].error() == simdjson::SUCCESS) {
        if (!group.empty()) group += '/';
        group += v.empty() ? "-" : v;
      }
    }
    simdjson::dom::object tags;
    if (r["metadata"].get_object().get(tags) == simdjson::SUCCESS) {
      for (auto field : tags) {
        std::string_view v;
        if (field.value.get_string().get(v) != simdjson::SUCCESS) v = "";
        group = std::string(field.key) + "=" + (v.empty() ? "-" : std::string(v));
      }
    }
    if (group.empty()) group = "(all)";
    double p50 = 0, p99 = 0;
    if (r["latency_ms"]["p50"].get_double().get(p50)) p50 = 0;
    if (r["latency_ms"]["p99"].get_double().get(p99)) p99 = 0;
    std::printf(
        "%-24s %-36s %9lld %7lld %11lld %11lld %12.6f %9.1f %9.1f\n",
        utc(num(r, "start_us")).c_str(), group.c_str(), static_cast<long long>(num(r, "requests")),
        static_cast<long long>(num(r, "errors")), static_cast<long long>(num(r, "input_tokens")),
        static_cast<long long>(num(r, "output_tokens")), num(r, "cost_micros") / 1e6, p50, p99);
  }
  return 0;
}

}  // namespace

void add_logs_command(CLI::App& app) {
  auto f = std::make_shared<LogFilters>();
  CLI::App* c = app.add_subcommand("logs", "Search, export or follow request logs");
  c->add_option("--admin", f->admin, "Admin API HOST:PORT");
  c->add_flag("-f,--follow", f->follow, "Stream new records as they are recorded");
  c->add_option("--format", f->format, "table | json | jsonl | csv");
  c->add_option("--gateway", f->gateway);
  c->add_option("--provider", f->provider);
  c->add_option("--model", f->model);
  c->add_option("--status", f->status, "429 or 4xx");
  c->add_flag("--errors", f->errors, "Only failed requests");
  c->add_option("--error-type", f->error_type);
  c->add_option("--key-id", f->key_id);
  c->add_option("--metadata", f->metadata, "key=value (repeatable)");
  c->add_option("-q,--query", f->text, "Text in error messages");
  c->add_option("--from", f->from, "Unix seconds, RFC 3339, or an age such as 15m");
  c->add_option("--to", f->to);
  c->add_option("-n,--limit", f->limit, "Rows for table/json (max 1000)");
  c->callback([f] { std::exit(run_logs(*f)); });
}

void add_stats_command(CLI::App& app) {
  auto s = std::make_shared<StatsArgs>();
  CLI::App* c = app.add_subcommand("stats", "Requests, tokens, cost, errors and latency");
  c->add_option("--admin", s->admin, "Admin API HOST:PORT");
  c->add_option("--from", s->from, "Unix seconds, RFC 3339, or an age such as 24h");
  c->add_option("--to", s->to);
  c->add_option("--group-by", s->group_by, "gateway,provider,model,key_id or metadata.KEY");
  c->add_option("--step", s->step, "minute | hour | day | total");
  c->add_flag("--json", s->json, "Print the admin API's JSON");
  c->callback([s] { std::exit(run_stats(*s)); });
}

}  // namespace parapet::cli
