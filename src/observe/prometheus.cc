#include "observe/prometheus.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>

#include "observe/analytics.h"
#include "observe/histogram.h"
#include "observe/record.h"

namespace parapet::observe {
namespace prom {

namespace {

[[maybe_unused]] bool valid_name(std::string_view n, bool colons) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (colons && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one.
size_t utf8_len(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

std::string escape_help(std::string_view h) {
  std::string out;
  for (char c : h) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_labels(const Labels& labels) {
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (const auto& [k, v] : sorted) {
    assert(valid_name(k, false) && !k.starts_with("__") && k != "le");
    if (!out.empty()) out += ',';
    out += k;
    out += "=\"";
    out += escape_label_value(v);
    out += '"';
  }
  return out;
}

void sample_line(std::string& out, std::string_view name, std::string_view labels,
                 std::string_view value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size();) {
    char c = v[i];
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (size_t n = utf8_len(v, i); n > 1) {
      out.append(v.substr(i, n));
      i += n;
      continue;
    } else if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      out += c;
    }
    ++i;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

Writer::Value& Writer::series(std::string_view name, std::string_view help, Type type,
                              const Labels& labels) {
  assert(valid_name(name, true));
  auto it = families_.find(name);
  if (it == families_.end()) it = families_.emplace(std::string(name), Family{type, {}, {}}).first;
  Family& f = it->second;
  assert(f.type == type);
  if (f.help.empty()) f.help = help;
  return f.series[render_labels(labels)];
}

void Writer::counter(std::string_view name, std::string_view help, const Labels& labels,
                     uint64_t v) {
  Value& s = series(name, help, Type::kCounter, labels);
  if (s.integral) {
    s.u += v;
  } else {
    s.d += static_cast<double>(v);
  }
}

void Writer::counter(std::string_view name, std::string_view help, const Labels& labels, double v) {
  Value& s = series(name, help, Type::kCounter, labels);
  if (s.integral) {
    s.integral = false;
    s.d = static_cast<double>(s.u);
  }
  s.d += v;
}

void Writer::gauge(std::string_view name, std::string_view help, const Labels& labels, double v) {
  Value& s = series(name, help, Type::kGauge, labels);
  s.integral = false;
  s.d += v;
}

void Writer::histogram(std::string_view name, std::string_view help, const Labels& labels,
                       std::span<const double> bounds, std::span<const uint64_t> cumulative,
                       double sum, uint64_t count) {
  assert(bounds.size() == cumulative.size());
  Value& s = series(name, help, Type::kHistogram, labels);
  if (s.bounds.empty() && s.count == 0) {
    s.bounds.assign(bounds.begin(), bounds.end());
    s.cumulative.assign(bounds.size(), 0);
  }
  assert(std::equal(bounds.begin(), bounds.end(), s.bounds.begin(), s.bounds.end()));
  for (size_t i = 0; i < cumulative.size() && i < s.cumulative.size(); ++i) {
    s.cumulative[i] += cumulative[i];
  }
  s.integral = false;
  s.d += sum;
  s.count += count;
}

std::string Writer::text() const {
  static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};
  std::string out;
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + name + " " + kTypeNames[static_cast<int>(f.type)] + "\n";
    for (const auto& [labels, v] : f.series) {
      if (f.type != Type::kHistogram) {
        sample_line(out, name, labels, v.integral ? std::to_string(v.u) : format_value(v.d));
        continue;
      }
      const std::string bucket = name + "_bucket";
      const std::string prefix = labels.empty() ? "" : labels + ",";
      for (size_t i = 0; i < v.bounds.size(); ++i) {
        sample_line(out, bucket, prefix + "le=\"" + format_value(v.bounds[i]) + "\"",
                    std::to_string(v.cumulative[i]));
      }
      sample_line(out, bucket, prefix + "le=\"+Inf\"", std::to_string(v.count));
      sample_line(out, name + "_sum", labels, format_value(v.d));
      sample_line(out, name + "_count", labels, std::to_string(v.count));
    }
  }
  return out;
}

}  // namespace prom

void add_request_counters(prom::Writer& w, const Counters& c) {
  auto get = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  w.counter("parapet_requests_total", "Requests that produced a record.", {}, get(c.requests));
  const char* kResponses = "Answers by status class.";
  w.counter("parapet_responses_total", kResponses, {{"class", "2xx"}}, get(c.responses_2xx));
  w.counter("parapet_responses_total", kResponses, {{"class", "4xx"}}, get(c.responses_4xx));
  w.counter("parapet_responses_total", kResponses, {{"class", "5xx"}}, get(c.responses_5xx));
  w.counter("parapet_responses_total", kResponses, {{"class", "other"}}, get(c.responses_other));
  w.counter("parapet_upstream_errors_total", "Requests that failed upstream.", {},
            get(c.upstream_errors));
  w.counter("parapet_client_aborts_total", "Clients that left before their answer ended.", {},
            get(c.client_aborts));
  const char* kDlp = "DLP findings in prompts and answers (docs/dlp.md).";
  w.counter("parapet_dlp_findings_total", kDlp, {{"where", "prompt"}}, get(c.dlp_prompt_findings));
  w.counter("parapet_dlp_findings_total", kDlp, {{"where", "answer"}}, get(c.dlp_answer_findings));
  w.counter("parapet_dlp_blocked_total", "Requests refused or answers cut by a DLP block.", {},
            get(c.dlp_blocked));
  w.counter("parapet_connections_total", "Client connections accepted.", {},
            get(c.connections_total));
  const char* kRefused = "Client connections refused with 503 at accept, by the limit reached.";
  w.counter("parapet_connections_refused_total", kRefused, {{"limit", "max_connections"}},
            get(c.connections_refused_max));
  w.counter("parapet_connections_refused_total", kRefused, {{"limit", "max_connections_per_ip"}},
            get(c.connections_refused_per_ip));
  w.counter("parapet_upstream_connects_total", "New upstream connections.", {},
            get(c.upstream_connects));
  w.counter("parapet_upstream_reuses_total", "Upstream requests on pooled connections.", {},
            get(c.upstream_reuses));
}

void add_analytics_metrics(prom::Writer& w, const Analytics& a) {
  const MetricsSnapshot s = a.metrics();
  auto u = [](int64_t v) { return static_cast<uint64_t>(std::max<int64_t>(v, 0)); };
  for (const MetricsSnapshot::Model& m : s.models) {
    const prom::Labels pm = {{"provider", m.provider}, {"model", m.model}};
    w.counter("parapet_model_requests_total", "Requests by provider and model.", pm,
              u(m.sums.requests));
    w.counter("parapet_model_errors_total",
              "Requests by provider and model that ended in status >= 400 or an error.", pm,
              u(m.sums.errors));
    const std::pair<const char*, int64_t> kinds[] = {
        {"input", m.sums.input_tokens},
        {"output", m.sums.output_tokens},
        {"cached_read", m.sums.cached_read_tokens},
        {"cache_write", m.sums.cache_write_tokens},
        {"reasoning", m.sums.reasoning_tokens},
    };
    for (const auto& [kind, n] : kinds) {
      w.counter("parapet_tokens_total",
                "Tokens by provider, model and kind (input excludes cached_read; reasoning is "
                "part of output).",
                {{"provider", m.provider}, {"model", m.model}, {"kind", kind}}, u(n));
    }
    w.counter("parapet_cost_micros_total", "Cost in millionths of a US dollar.", pm,
              u(m.sums.cost_micros));
    w.counter("parapet_cache_hits_total", "Requests answered from the cache.", pm,
              u(m.sums.cache_hits));
    w.counter("parapet_cache_saved_micros_total",
              "What cache hits would have cost, in millionths of a US dollar.", pm,
              u(m.sums.saved_micros));
  }
  std::vector<double> bounds;
  for (int64_t b : Histogram::prometheus_bounds_us()) bounds.push_back(b / 1e6);
  for (const MetricsSnapshot::Provider& p : s.providers) {
    const prom::Labels labels = {{"provider", p.provider}};
    const auto lat = p.latency.prometheus_buckets();
    w.histogram("parapet_request_duration_seconds", "Request duration, start to last byte.", labels,
                bounds, lat, p.latency.sum_us() / 1e6, p.latency.count());
    const auto fb = p.first_byte.prometheus_buckets();
    w.histogram("parapet_time_to_first_byte_seconds",
                "Time to the first answer byte of streamed answers (TTFT).", labels, bounds, fb,
                p.first_byte.sum_us() / 1e6, p.first_byte.count());
  }
  w.gauge("parapet_analytics_series", "Series held in the analytics rollups.", {},
          static_cast<double>(s.stats.series));
  w.gauge("parapet_analytics_memory_bytes", "Approximate memory held by the analytics rollups.", {},
          static_cast<double>(s.stats.memory_bytes));
  w.counter("parapet_analytics_out_of_range_total",
            "Records outside the analytics retention window (counted in /metrics only).", {},
            s.stats.out_of_range);
  w.counter("parapet_analytics_folded_total",
            "Records rolled up into an _other_ series because of the series cap.", {},
            s.stats.folded);
}

std::string render_analytics_metrics(const Analytics& a) {
  prom::Writer w;
  add_analytics_metrics(w, a);
  return w.text();
}

}  // namespace parapet::observe
