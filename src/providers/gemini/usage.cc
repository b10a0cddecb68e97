// Google Gemini generateContent / streamGenerateContent (AI Studio; Vertex paths end the same way).
// The counting rules are listed in providers/usage.h.
//
// Each streamed chunk's usageMetadata is a snapshot of the whole call so far (the later chunks of
// a long answer repeat the prompt count and grow the candidates count), so only the last one
// matters. The extractor therefore keeps the raw bytes of the last chunk that has a usageMetadata
// object and parses that one chunk at finish(): one JSON parse per stream, whatever its length.
#include <algorithm>
#include <array>

#include "providers/answer_extractor.h"
#include "providers/json_probe.h"

namespace parapet::providers::gemini {
namespace {

using json::Kind;
using json::Value;

enum Path {
  kModelVersion,
  kUsageObj,
  kPrompt,
  kCandidates,
  kCached,
  kThoughts,
  kToolUsePrompt,
  kPaths
};
constexpr std::array<std::string_view, kPaths> kPathNames = {
    "modelVersion",
    "usageMetadata",
    "usageMetadata.promptTokenCount",
    "usageMetadata.candidatesTokenCount",
    "usageMetadata.cachedContentTokenCount",
    "usageMetadata.thoughtsTokenCount",
    "usageMetadata.toolUsePromptTokenCount",
};

constexpr std::string_view kMarker = "\"usageMetadata\"";

// A model that fails mid-answer (after HTTP 200) ends the stream with `data: {"error": {...}}`:
// the last usage report seen was then not the final one.
bool is_error_event(std::string_view data) {
  size_t i = data.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || data[i] != '{') return false;
  i = data.find_first_not_of(" \t\r\n", i + 1);
  return i != std::string_view::npos && data.substr(i).starts_with("\"error\"");
}

class GenerateUsage final : public AnswerExtractor {
 public:
  explicit GenerateUsage(size_t max_json_body) : AnswerExtractor(false, max_json_body) {}

 private:
  // Returns true if doc had a usageMetadata object.
  bool read(std::string_view doc, bool padded) {
    std::array<Value, kPaths> v;
    if (!json::probe(doc, padded, kPathNames, v)) return false;
    if (v[kModelVersion].kind == Kind::kString && !v[kModelVersion].text.empty()) {
      usage_.model = v[kModelVersion].text;
    }
    if (v[kUsageObj].kind != Kind::kObject) return false;
    // promptTokenCount includes the cached part; candidates exclude thoughts. Gemini leaves out
    // counts that are zero.
    int64_t prompt = v[kPrompt].count();
    int64_t cached = v[kCached].count();
    int64_t thoughts = v[kThoughts].count();
    usage_.input =
        std::max<int64_t>(0, prompt - cached) + std::max<int64_t>(0, v[kToolUsePrompt].count());
    usage_.cached_read = std::max<int64_t>(0, cached);
    usage_.cache_write = 0;
    usage_.output = std::max<int64_t>(0, v[kCandidates].count()) + std::max<int64_t>(0, thoughts);
    usage_.reasoning = std::max<int64_t>(0, thoughts);
    usage_.source = UsageSource::kProvider;
    return true;
  }

  void on_json_body(std::string& body) override { final_seen_ = read(body, /*padded=*/true); }

  void on_json_element(std::string& element) override {
    if (has_key(element, kMarker, '{')) last_.swap(element);  // no copy: take the buffer
  }

  bool on_sse_event(const http::SseEvent& ev) override {
    if (ev.truncated) return false;
    if (has_key(ev.data, kMarker, '{')) {
      last_.assign(ev.data);
    } else if (is_error_event(ev.data)) {
      error_seen_ = true;
    }
    return false;
  }

  void on_finish(bool complete) override {
    if (last_.empty()) return;
    json::reserve_padding(last_);
    read(last_, /*padded=*/true);
    // The stream has no end marker: when it ended cleanly, its last report was the final one,
    // unless an error event ended it.
    final_seen_ = complete && !error_seen_;
    std::string().swap(last_);
  }

  std::string last_;  // the last chunk carrying usageMetadata
  bool error_seen_ = false;
};

}  // namespace

std::unique_ptr<UsageExtractor> make_generate_extractor(size_t max_json_body) {
  return std::make_unique<GenerateUsage>(max_json_body);
}

// "/v1beta/models/gemini-2.5-flash:streamGenerateContent": the model is the last path segment
// before the ':' action (also for Vertex's ".../publishers/google/models/M:generateContent").
RequestFacts inspect(std::string_view endpoint) {
  RequestFacts f;
  size_t colon = endpoint.rfind(':');
  size_t slash = endpoint.rfind('/');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
    return f;
  }
  size_t from = slash == std::string_view::npos ? 0 : slash + 1;
  f.model = std::string(endpoint.substr(from, colon - from));
  f.stream = endpoint.substr(colon) == ":streamGenerateContent";
  return f;
}

}  // namespace parapet::providers::gemini
