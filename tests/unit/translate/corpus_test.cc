// The translation conformance corpus: tests/corpus/translate/<provider>/<scenario>/ holds
//   openai_request.json   what an OpenAI client sends (model "provider/model")
//   native_request.json   the native body we must send (absent when the request is refused)
//   openai_error.json     the 400 the client gets instead, for refused requests
//   native_answer.json | native_stream.sse   what the provider answered (its real wire format)
//   openai_answer.json | openai_stream.sse   what the client must get
//   usage.json            the canonical Usage (core/usage.h) the call must be recorded with
//   scenario.json         native_path, native_status (default 200), openai_status
// JSON is compared semantically (canonical text), streams event by event. Streams are also fed
// one byte at a time and in random splits: the output bytes must not depend on the splits. The
// usage must equal what the providers' own extractor reads from the native answer (a native call's
// usage), and what the OpenAI extractor reads back from the translated answer.
// PARAPET_TRANSLATE_REGEN=1 writes the expected files from the current output instead (for
// authoring new scenarios; review every diff before committing).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "providers/usage.h"
#include "translate/translate.h"
#include "unit/translate/json_canon.h"

namespace parapet::translate {
namespace {

namespace fs = std::filesystem;
using testing::canonical;

constexpr int64_t kCreated = 1763800000;
constexpr std::string_view kFallbackId = "chatcmpl-parapet-test";

fs::path corpus_root() { return fs::path(PARAPET_SOURCE_DIR) / "tests/corpus/translate"; }

bool regen() { return std::getenv("PARAPET_TRANSLATE_REGEN") != nullptr; }

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write(const fs::path& p, std::string_view s) {
  std::ofstream f(p, std::ios::binary);
  f << s;
}

std::vector<std::string> scenarios() {
  std::vector<std::string> out;
  for (const char* provider : {"anthropic", "google-ai-studio"}) {
    fs::path dir = corpus_root() / provider;
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_directory())
        out.push_back(std::string(provider) + "/" + e.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Scenario {
  std::string native_path;
  int native_status = 200;
  int openai_status = 200;
};

Scenario read_scenario(const fs::path& dir) {
  Scenario s;
  std::string text = read(dir / "scenario.json");
  if (text.empty()) return s;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  EXPECT_FALSE(p.parse(text).get(doc)) << "scenario.json";
  std::string_view path;
  int64_t n;
  if (!doc["native_path"].get_string().get(path)) s.native_path = path;
  if (!doc["native_status"].get_int64().get(n)) s.native_status = static_cast<int>(n);
  if (!doc["openai_status"].get_int64().get(n)) s.openai_status = static_cast<int>(n);
  return s;
}

void write_scenario(const fs::path& dir, const Scenario& s) {
  std::string out = "{\n  \"native_path\": \"" + s.native_path +
                    "\",\n  \"native_status\": " + std::to_string(s.native_status) +
                    ",\n  \"openai_status\": " + std::to_string(s.openai_status) + "\n}\n";
  write(dir / "scenario.json", out);
}

std::string usage_json(const Usage& u) {
  return "{\n  \"input\": " + std::to_string(u.input) +
         ",\n  \"output\": " + std::to_string(u.output) +
         ",\n  \"cached_read\": " + std::to_string(u.cached_read) +
         ",\n  \"cache_write\": " + std::to_string(u.cache_write) +
         ",\n  \"reasoning\": " + std::to_string(u.reasoning) + ",\n  \"source\": \"" +
         std::string(usage_source_name(u.source)) +
         "\",\n  \"partial\": " + (u.partial ? "true" : "false") + ",\n  \"model\": \"" + u.model +
         "\"\n}\n";
}

// The SSE events of an OpenAI stream: the text after "data: " of each, in order.
std::vector<std::string> events(std::string_view stream) {
  std::vector<std::string> out;
  while (!stream.empty()) {
    size_t end = stream.find("\n\n");
    std::string_view ev = stream.substr(0, end);
    EXPECT_TRUE(ev.starts_with("data: ")) << "event: " << ev;
    out.emplace_back(ev.substr(std::min<size_t>(6, ev.size())));
    if (end == std::string_view::npos) {
      ADD_FAILURE() << "stream does not end with a blank line";
      break;
    }
    stream.remove_prefix(end + 2);
  }
  return out;
}

void expect_same_stream(std::string_view want, std::string_view got) {
  std::vector<std::string> w = events(want), g = events(got);
  ASSERT_EQ(w.size(), g.size()) << "got:\n" << got;
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] == "[DONE]" || g[i] == "[DONE]") {
      EXPECT_EQ(w[i], g[i]) << "event " << i;
    } else {
      EXPECT_EQ(canonical(w[i]), canonical(g[i])) << "event " << i;
    }
  }
}

void expect_usage(const Usage& want, const Usage& got, std::string_view what) {
  EXPECT_EQ(want.input, got.input) << what;
  EXPECT_EQ(want.output, got.output) << what;
  EXPECT_EQ(want.cached_read, got.cached_read) << what;
  EXPECT_EQ(want.cache_write, got.cache_write) << what;
  EXPECT_EQ(want.reasoning, got.reasoning) << what;
  EXPECT_EQ(want.source, got.source) << what;
  EXPECT_EQ(want.partial, got.partial) << what;
  EXPECT_EQ(want.model, got.model) << what;
}

// What a native call's record would hold: the provider's extractor over the native answer.
Usage native_call_usage(Target t, bool stream, std::string_view body) {
  bool anthropic = t == Target::kAnthropic;
  auto x = providers::make_usage_extractor(
      anthropic ? providers::Protocol::kAnthropic : providers::Protocol::kGemini,
      anthropic ? "/v1/messages"
                : (stream ? "/v1beta/models/m:streamGenerateContent"
                          : "/v1beta/models/m:generateContent"),
      stream, false);
  std::string forward;
  x->feed(body, forward);
  x->finish(true);
  return x->usage();
}

// What the OpenAI extractor reads from the translated answer.
Usage openai_read_usage(bool stream, std::string_view body) {
  auto x = providers::make_usage_extractor(providers::Protocol::kOpenAI, "/chat/completions",
                                           stream, false);
  std::string forward;
  x->feed(body, forward);
  x->finish(true);
  return x->usage();
}

std::string run_stream(const Plan& plan, std::string_view native, const std::vector<size_t>& cuts,
                       Usage* usage) {
  AnswerOptions opt{kCreated, kFallbackId};
  auto t = make_stream_translator(plan, opt);
  std::string out;
  size_t at = 0;
  for (size_t cut : cuts) {
    t->feed(native.substr(at, cut - at), out);
    at = cut;
  }
  t->feed(native.substr(at), out);
  t->finish(true, out);
  if (usage) *usage = t->usage();
  return out;
}

class TranslateCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(TranslateCorpus, Scenario) {
  fs::path dir = corpus_root() / GetParam();
  std::string provider_name = GetParam().substr(0, GetParam().find('/'));
  std::string request = read(dir / "openai_request.json");
  ASSERT_FALSE(request.empty()) << "missing openai_request.json";
  Scenario sc = read_scenario(dir);

  simdjson::dom::parser p;
  simdjson::dom::element doc;
  std::string_view model, provider, name;
  ASSERT_FALSE(p.parse(request).get(doc));
  ASSERT_FALSE(doc["model"].get_string().get(model));
  ASSERT_TRUE(split_model(model, &provider, &name));
  ASSERT_EQ(provider, provider_name);
  Target target;
  ASSERT_TRUE(target_for_provider(provider, &target));

  RequestResult r = translate_request(target, name, request);
  // Idempotent: the same input gives the same bytes.
  RequestResult again = translate_request(target, name, request);
  EXPECT_EQ(r.native.body, again.native.body);
  EXPECT_EQ(r.error.body, again.error.body);

  if (!r.ok || fs::exists(dir / "openai_error.json")) {
    if (regen()) {
      write(dir / "openai_error.json", r.error.body);
      return;
    }
    ASSERT_FALSE(r.ok) << "expected a refusal, got " << r.native.body;
    EXPECT_EQ(r.error.status, 400);
    EXPECT_EQ(canonical(read(dir / "openai_error.json")), canonical(r.error.body));
    return;
  }
  if (regen()) {
    write(dir / "native_request.json", r.native.body);
    sc.native_path = r.native.path;
  } else {
    EXPECT_EQ(canonical(read(dir / "native_request.json")), canonical(r.native.body));
    EXPECT_EQ(sc.native_path, r.native.path);
  }

  bool stream = fs::exists(dir / "native_stream.sse");
  std::string native = read(dir / (stream ? "native_stream.sse" : "native_answer.json"));
  ASSERT_FALSE(native.empty()) << "missing native answer";
  Usage got_usage;
  std::string got;
  if (stream) {
    ASSERT_TRUE(r.native.plan.stream);
    got = run_stream(r.native.plan, native, {}, &got_usage);
    // Chunking independence: every byte boundary, then random splits.
    std::vector<size_t> every;
    for (size_t i = 1; i < native.size(); ++i) every.push_back(i);
    Usage split_usage;
    EXPECT_EQ(got, run_stream(r.native.plan, native, every, &split_usage)) << "byte by byte";
    expect_usage(got_usage, split_usage, "byte by byte");
    std::mt19937 rng(static_cast<unsigned>(native.size()));
    for (int round = 0; round < 20; ++round) {
      std::vector<size_t> cuts;
      for (size_t at = 0;;) {
        at += 1 + rng() % 97;
        if (at >= native.size()) break;
        cuts.push_back(at);
      }
      EXPECT_EQ(got, run_stream(r.native.plan, native, cuts, nullptr)) << "random split " << round;
    }
    sc.openai_status = 200;
    if (regen()) {
      write(dir / "openai_stream.sse", got);
    } else {
      expect_same_stream(read(dir / "openai_stream.sse"), got);
    }
  } else {
    Answer a = translate_answer(r.native.plan, sc.native_status, native, {kCreated, kFallbackId});
    Answer a2 = translate_answer(r.native.plan, sc.native_status, native, {kCreated, kFallbackId});
    EXPECT_EQ(a.body, a2.body);
    got = a.body;
    got_usage = a.usage;
    if (regen()) {
      write(dir / "openai_answer.json", got);
      sc.openai_status = a.status;
    } else {
      EXPECT_EQ(canonical(read(dir / "openai_answer.json")), canonical(got));
      EXPECT_EQ(sc.openai_status, a.status);
    }
  }

  // Usage: as recorded, as a native call records it, as an OpenAI client would read it back.
  if (regen()) {
    write(dir / "usage.json", usage_json(got_usage));
    write_scenario(dir, sc);
    return;
  }
  std::string want_usage = read(dir / "usage.json");
  EXPECT_EQ(canonical(want_usage), canonical(usage_json(got_usage)));
  Usage native_usage = native_call_usage(target, stream, native);
  if (sc.native_status >= 200 && sc.native_status < 300) {
    expect_usage(native_usage, got_usage, "native call's usage");
  } else {
    EXPECT_EQ(got_usage.source, UsageSource::kNone);
  }
  bool reports_usage = got_usage.source == UsageSource::kProvider && !got_usage.partial &&
                       (!stream || r.native.plan.include_usage);
  if (reports_usage) {
    Usage back = openai_read_usage(stream, got);
    EXPECT_EQ(back.input, got_usage.input);
    EXPECT_EQ(back.cached_read, got_usage.cached_read);
    EXPECT_EQ(back.cache_write, got_usage.cache_write);
    EXPECT_EQ(back.output, got_usage.output);
    EXPECT_EQ(back.reasoning, got_usage.reasoning);
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

INSTANTIATE_TEST_SUITE_P(All, TranslateCorpus, ::testing::ValuesIn(scenarios()), test_name);

// The scenario matrix of issue #5 is present for both providers, so the corpus cannot shrink
// without a test noticing.
TEST(TranslateCorpusMatrix, EveryScenarioForBothProviders) {
  for (const char* provider : {"anthropic", "google-ai-studio"}) {
    for (const char* s :
         {"text", "text_stream", "system_prompt", "multi_turn", "image", "tool_call",
          "tool_call_stream", "parallel_tool_calls", "parallel_tool_calls_stream", "tool_results",
          "json_mode", "json_mode_stream", "stop_sequence", "max_tokens", "max_tokens_stream",
          "provider_error", "mid_stream_error", "cached_tokens", "cached_tokens_stream"}) {
      fs::path dir = corpus_root() / provider / s;
      EXPECT_TRUE(fs::exists(dir / "openai_request.json")) << dir;
      EXPECT_TRUE(fs::exists(dir / "native_request.json")) << dir;
      EXPECT_TRUE(fs::exists(dir / "usage.json")) << dir;
      EXPECT_TRUE(fs::exists(dir / "openai_answer.json") || fs::exists(dir / "openai_stream.sse"))
          << dir;
    }
  }
}

}  // namespace
}  // namespace parapet::translate
