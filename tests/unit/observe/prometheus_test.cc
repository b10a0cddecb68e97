#include "observe/prometheus.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "metrics_sample.h"
#include "observe/analytics.h"
#include "observe/record.h"

namespace parapet::observe {
namespace {

// A strict reader of text format 0.0.4, as far as this writer uses it: returns "" when `text`
// is valid, else what is wrong with it. Stricter than Prometheus on purpose: families must be
// sorted, HELP must come before TYPE, histogram buckets ascending and cumulative.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped
  double value;
};

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

bool metric_name(std::string_view n) {
  if (n.empty() || (n[0] >= '0' && n[0] <= '9')) return false;
  for (char c : n) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  }
  return true;
}

std::string parse_sample(std::string_view line, Sample& s) {
  size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  s.name = std::string(line.substr(0, i));
  if (!metric_name(s.name)) return "bad metric name";
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t eq = line.find('=', i);
      if (eq == std::string_view::npos) return "label without =";
      std::string key(line.substr(i, eq - i));
      if (!metric_name(key) || key.find(':') != std::string::npos) return "bad label name " + key;
      if (s.labels.count(key)) return "duplicate label " + key;
      i = eq + 1;
      if (i >= line.size() || line[i] != '"') return "label value not quoted";
      ++i;
      std::string value;
      for (;; ++i) {
        if (i >= line.size()) return "unterminated label value";
        if (line[i] == '"') break;
        if (line[i] == '\\') {
          ++i;
          if (i >= line.size()) return "dangling escape";
          if (line[i] == 'n') {
            value += '\n';
          } else if (line[i] == '\\' || line[i] == '"') {
            value += line[i];
          } else {
            return "bad escape";
          }
        } else {
          value += line[i];
        }
      }
      s.labels[key] = value;
      ++i;  // closing quote
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return "unterminated labels";
    ++i;  // }
  }
  if (i >= line.size() || line[i] != ' ') return "no space before value";
  std::string v(line.substr(i + 1));
  if (v == "+Inf" || v == "-Inf" || v == "NaN") {
    s.value = v == "NaN" ? std::nan("") : (v[0] == '+' ? 1 : -1) * HUGE_VAL;
    return "";
  }
  char* end = nullptr;
  s.value = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || v.find(' ') != std::string::npos) return "bad value " + v;
  return "";
}

std::string check_exposition(const std::string& text) {
  if (text.empty() || text.back() != '\n') return "must end with a newline";
  if (!valid_utf8(text)) return "not UTF-8";
  std::istringstream in(text);
  std::string line, family, type, last_family, help_for;
  std::set<std::string> seen;
  // Histogram state per label set (without le).
  std::map<std::string, std::pair<double, double>> last_bucket;  // labels -> (le, count)
  std::map<std::string, double> inf_count, count;
  int n = 0;
  auto fail = [&](const std::string& why) { return "line " + std::to_string(n) + ": " + why; };
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("# HELP ", 0) == 0) {
      std::string rest = line.substr(7);
      help_for = rest.substr(0, rest.find(' '));
      if (seen.count(help_for)) return fail("HELP for a family seen before");
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name;
      t >> name >> type;
      if (!metric_name(name)) return fail("bad family name");
      if (type != "counter" && type != "gauge" && type != "histogram") return fail("bad type");
      if (!help_for.empty() && help_for != name) return fail("HELP of another family");
      if (!seen.insert(name).second) return fail("family declared twice");
      if (!last_family.empty() && name <= last_family) return fail("families not sorted");
      for (const auto& [labels, c] : count) {
        if (inf_count.count(labels) == 0 || inf_count[labels] != c) {
          return fail("histogram +Inf bucket != _count");
        }
      }
      family = last_family = name;
      help_for.clear();
      last_bucket.clear();
      inf_count.clear();
      count.clear();
      continue;
    }
    if (line.empty() || line[0] == '#') return fail("unexpected line");
    Sample s;
    if (std::string err = parse_sample(line, s); !err.empty()) return fail(err);
    if (family.empty()) return fail("sample before TYPE");
    if (type != "histogram") {
      if (s.name != family) return fail("sample " + s.name + " outside its family " + family);
      if (type == "counter" && !(s.value >= 0)) return fail("negative counter");
      continue;
    }
    std::map<std::string, std::string> rest = s.labels;
    rest.erase("le");
    std::string key;
    for (const auto& [k, v] : rest) key += k + "=" + v + ";";
    if (s.name == family + "_bucket") {
      if (!s.labels.count("le")) return fail("bucket without le");
      double le =
          s.labels["le"] == "+Inf" ? HUGE_VAL : std::strtod(s.labels["le"].c_str(), nullptr);
      auto it = last_bucket.find(key);
      if (it != last_bucket.end()) {
        if (le <= it->second.first) return fail("le not ascending");
        if (s.value < it->second.second) return fail("buckets not cumulative");
      }
      last_bucket[key] = {le, s.value};
      if (std::isinf(le)) inf_count[key] = s.value;
    } else if (s.name == family + "_count") {
      count[key] = s.value;
    } else if (s.name != family + "_sum") {
      return fail("sample " + s.name + " outside histogram " + family);
    }
  }
  for (const auto& [labels, c] : count) {
    if (inf_count.count(labels) == 0 || inf_count[labels] != c)
      return "last histogram: +Inf != count";
  }
  return "";
}

// Sum of a family's samples whose labels include `match`.
double sum_of(const std::string& text, const std::string& name,
              const std::map<std::string, std::string>& match = {}) {
  std::istringstream in(text);
  std::string line;
  double total = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    if (!parse_sample(line, s).empty() || s.name != name) continue;
    bool ok = true;
    for (const auto& [k, v] : match) ok = ok && s.labels.count(k) && s.labels[k] == v;
    if (ok) total += s.value;
  }
  return total;
}

TEST(Prometheus, SampleExpositionIsStrictlyValid) {
  std::string text = testing::sample_exposition();
  EXPECT_EQ(check_exposition(text), "") << text;
  // The checker itself rejects what it must.
  EXPECT_NE(check_exposition("a 1"), "");
  EXPECT_NE(check_exposition("# TYPE b counter\nb 1\n# TYPE a counter\na 1\n"), "");
  EXPECT_NE(check_exposition("# TYPE a counter\na{x=\"1\\t\"} 1\n"), "");
  EXPECT_NE(check_exposition("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                             "h_sum 1\nh_count 1\n"),
            "");
}

TEST(Prometheus, EscapesLabelValuesAndReplacesInvalidUtf8) {
  EXPECT_EQ(prom::escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(prom::escape_label_value("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(prom::escape_label_value("x\xFFy"), "x" + fffd + "y");
  EXPECT_EQ(prom::escape_label_value("\xC0\xAF"), fffd + fffd);             // overlong '/'
  EXPECT_EQ(prom::escape_label_value("\xE2\x82"), fffd + fffd);             // cut short
  EXPECT_EQ(prom::escape_label_value("\xED\xA0\x80"), fffd + fffd + fffd);  // surrogate
  prom::Writer w;
  w.counter("x_total", "Help with \\ and\nnewline.", {{"v", "q\"\n\xFF"}}, uint64_t{1});
  EXPECT_EQ(w.text(),
            "# HELP x_total Help with \\\\ and\\nnewline.\n"
            "# TYPE x_total counter\n"
            "x_total{v=\"q\\\"\\n" +
                fffd + "\"} 1\n");
}

TEST(Prometheus, OutputIsSortedAndStable) {
  auto fill = [](prom::Writer& w, bool reverse) {
    std::vector<std::function<void()>> adds = {
        [&] {
          w.counter("b_total", "B.", {{"z", "1"}, {"a", "2"}}, uint64_t{3});
        },
        [&] {
          w.counter("b_total", "B.", {{"a", "1"}, {"z", "1"}}, uint64_t{4});
        },
        [&] { w.gauge("a_open", "A.", {}, 2); },
        [&] { w.counter("c_total", "C.", {}, 0.5); },
    };
    if (reverse) std::reverse(adds.begin(), adds.end());
    for (auto& f : adds) f();
  };
  prom::Writer w1, w2;
  fill(w1, false);
  fill(w2, true);
  EXPECT_EQ(w1.text(), w2.text());
  EXPECT_EQ(w1.text(),
            "# HELP a_open A.\n# TYPE a_open gauge\na_open 2\n"
            "# HELP b_total B.\n# TYPE b_total counter\n"
            "b_total{a=\"1\",z=\"1\"} 4\nb_total{a=\"2\",z=\"1\"} 3\n"
            "# HELP c_total C.\n# TYPE c_total counter\nc_total 0.5\n");
}

TEST(Prometheus, AddingASeriesAgainAddsItsValues) {
  prom::Writer w;
  w.counter("n_total", "", {{"k", "v"}}, uint64_t{2});
  w.counter("n_total", "N.", {{"k", "v"}}, uint64_t{3});  // first non-empty HELP wins
  w.counter("n_total", "Other.", {{"k", "w"}}, uint64_t{1});
  const double bounds[] = {0.1, 1};
  const uint64_t c1[] = {1, 2}, c2[] = {0, 5};
  w.histogram("h_seconds", "H.", {}, bounds, c1, 0.75, 3);
  w.histogram("h_seconds", "H.", {}, bounds, c2, 2.5, 5);
  EXPECT_EQ(w.text(),
            "# HELP h_seconds H.\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"0.1\"} 1\nh_seconds_bucket{le=\"1\"} 7\n"
            "h_seconds_bucket{le=\"+Inf\"} 8\nh_seconds_sum 3.25\nh_seconds_count 8\n"
            "# HELP n_total N.\n# TYPE n_total counter\n"
            "n_total{k=\"v\"} 5\nn_total{k=\"w\"} 1\n");
}

TEST(Prometheus, FormatsValues) {
  EXPECT_EQ(prom::format_value(0.001), "0.001");
  EXPECT_EQ(prom::format_value(0.0025), "0.0025");
  EXPECT_EQ(prom::format_value(60), "60");
  EXPECT_EQ(prom::format_value(1.5e-7), "1.5e-07");
  EXPECT_EQ(prom::format_value(HUGE_VAL), "+Inf");
  EXPECT_EQ(prom::format_value(-HUGE_VAL), "-Inf");
  EXPECT_EQ(prom::format_value(std::nan("")), "NaN");
}

TEST(Prometheus, RequestCountersKeepTheirNamesAndAddAcrossWorkers) {
  Counters w1, w2;
  RequestRecord ok, bad, gone;
  ok.status = 200;
  bad.status = 502;
  bad.error_type = "upstream_timeout";
  gone.status = 499;
  w1.count(ok);
  w1.count(bad);
  w2.count(ok);
  w2.count(gone);
  w1.connections_total = 3;
  w2.upstream_connects = 2;
  w2.upstream_reuses = 5;
  prom::Writer w;
  add_request_counters(w, w1);
  add_request_counters(w, w2);
  w.gauge("parapet_connections_open", "Client connections open now.", {}, 1);
  std::string text = w.text();
  EXPECT_EQ(check_exposition(text), "");
  // Every sample line server.cc has always rendered, with the same HELP texts.
  for (const char* line : {
           "# HELP parapet_requests_total Requests that produced a record.",
           "parapet_requests_total 4",
           "# HELP parapet_responses_total Answers by status class.",
           "parapet_responses_total{class=\"2xx\"} 2",
           "parapet_responses_total{class=\"4xx\"} 1",
           "parapet_responses_total{class=\"5xx\"} 1",
           "parapet_responses_total{class=\"other\"} 0",
           "parapet_upstream_errors_total 1",
           "parapet_client_aborts_total 1",
           "parapet_connections_total 3",
           "parapet_upstream_connects_total 2",
           "parapet_upstream_reuses_total 5",
           "# TYPE parapet_connections_open gauge",
           "parapet_connections_open 1",
       }) {
    EXPECT_NE(text.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << text;
  }
}

TEST(Prometheus, AnalyticsMetricsAgreeWithTheRecords) {
  std::string text = testing::sample_exposition();
  auto records = testing::sample_records();
  double input = 0, output = 0, cost = 0, hits = 0, streams = 0, errors = 0;
  for (const RequestRecord& r : records) {
    input += r.usage.input;
    output += r.usage.output;
    cost += r.cost_micros;
    hits += r.cache_status == "HIT";
    streams += r.stream && r.first_byte_us > 0;
    errors += r.status >= 400 || !r.error_type.empty();
  }
  EXPECT_EQ(sum_of(text, "parapet_tokens_total", {{"kind", "input"}}), input);
  EXPECT_EQ(sum_of(text, "parapet_tokens_total", {{"kind", "output"}}), output);
  EXPECT_EQ(sum_of(text, "parapet_cost_micros_total"), cost);
  EXPECT_EQ(sum_of(text, "parapet_cache_hits_total"), hits);
  EXPECT_EQ(sum_of(text, "parapet_model_requests_total"), records.size());
  EXPECT_EQ(sum_of(text, "parapet_model_errors_total"), errors);
  EXPECT_EQ(sum_of(text, "parapet_request_duration_seconds_count"), records.size());
  EXPECT_EQ(sum_of(text, "parapet_request_duration_seconds_bucket", {{"le", "+Inf"}}),
            records.size());
  EXPECT_EQ(sum_of(text, "parapet_time_to_first_byte_seconds_count"), streams);
  EXPECT_EQ(sum_of(text, "parapet_requests_total"), records.size());
  // The model label is capped (max_metric_models = 12 in the sample), and a 300-byte name is cut.
  std::set<std::string> models;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    Sample s;
    if (line.rfind("parapet_model_requests_total", 0) == 0 && parse_sample(line, s).empty()) {
      models.insert(s.labels["provider"] + "/" + s.labels["model"]);
      EXPECT_LE(s.labels["model"].size(), 128u);
    }
  }
  EXPECT_LE(models.size(), 12u + 5u);
  EXPECT_TRUE(models.count("openai/_other_") || models.count("_other_/_other_") ||
              models.count("anthropic/_other_") || models.count("/_other_") ||
              models.count("google-ai-studio/_other_"));
}

}  // namespace
}  // namespace parapet::observe
