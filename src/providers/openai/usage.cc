// OpenAI wire formats (OpenAI and every OpenAI-compatible server): chat completions, legacy
// completions and embeddings, which share the `usage` shape, and the Responses API. The counting
// rules are listed in providers/usage.h.
#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "providers/answer_extractor.h"
#include "providers/json_probe.h"
#include "providers/json_scan.h"

namespace parapet::providers::openai {
namespace {

using json::Kind;
using json::Value;

// Reasoning tokens belong in output. OpenAI counts them inside completion_tokens; xAI (and Gemini's
// OpenAI layer) report them beside it, which shows as total = prompt + completion + reasoning.
int64_t output_with_reasoning(const Value& total, int64_t prompt, int64_t completion,
                              int64_t reasoning) {
  if (reasoning > 0 && total.numeric && total.number != prompt + completion &&
      total.number == prompt + completion + reasoning) {
    return completion + reasoning;
  }
  return completion;
}

void set_model(Usage& u, const Value& model) {
  if (model.kind == Kind::kString && !model.text.empty()) u.model = model.text;
}

// ---- chat completions ------------------------------------------------------------------------

// One `usage` object's fields, in this order, under a prefix ("usage." or "x_groq.usage.").
constexpr size_t kUsageObj = 0, kPrompt = 1, kCompletion = 2, kTotal = 3, kCached = 4,
                 kCacheWrite = 5, kCacheHit = 6, kReasoning = 7, kChatFields = 8;
// Path indices: two scalars, then the two usage groups.
constexpr size_t kModel = 0, kChoices = 1, kUsage = 2, kGroqUsage = kUsage + kChatFields;

constexpr std::array<std::string_view, 2 + 2 * kChatFields> kChatPaths = {
    "model",
    "choices",
    "usage",
    "usage.prompt_tokens",
    "usage.completion_tokens",
    "usage.total_tokens",
    "usage.prompt_tokens_details.cached_tokens",
    "usage.prompt_tokens_details.cache_write_tokens",  // OpenRouter
    "usage.prompt_cache_hit_tokens",                   // DeepSeek
    "usage.completion_tokens_details.reasoning_tokens",
    "x_groq.usage",  // Groq's stream usage when include_usage was not honoured
    "x_groq.usage.prompt_tokens",
    "x_groq.usage.completion_tokens",
    "x_groq.usage.total_tokens",
    "x_groq.usage.prompt_tokens_details.cached_tokens",
    "x_groq.usage.prompt_tokens_details.cache_write_tokens",
    "x_groq.usage.prompt_cache_hit_tokens",
    "x_groq.usage.completion_tokens_details.reasoning_tokens",
};
static_assert(kChatPaths.size() <= json::kMaxPaths);

void set_chat_usage(Usage& u, const Value* f) {
  int64_t prompt = f[kPrompt].count();
  int64_t completion = f[kCompletion].count();
  int64_t cached = f[kCached].present() ? f[kCached].count() : f[kCacheHit].count();
  int64_t write = f[kCacheWrite].count();
  int64_t reasoning = f[kReasoning].count();
  u.input = std::max<int64_t>(0, prompt - cached - write);
  u.cached_read = std::max<int64_t>(0, cached);
  u.cache_write = std::max<int64_t>(0, write);
  u.output = std::max<int64_t>(0, output_with_reasoning(f[kTotal], prompt, completion, reasoning));
  u.reasoning = std::max<int64_t>(0, reasoning);
  u.source = UsageSource::kProvider;
}

class ChatUsage final : public AnswerExtractor {
 public:
  ChatUsage(bool hide, size_t max_json_body) : AnswerExtractor(hide, max_json_body) {}

 private:
  // Reads usage out of one JSON document (a body or a chunk); true if it had a usage object.
  bool read(std::string_view doc, bool padded, bool* usage_only) {
    std::array<Value, kChatPaths.size()> v;
    if (!json::probe(doc, padded, kChatPaths, v)) return false;
    set_model(usage_, v[kModel]);
    const Value* group = nullptr;
    if (v[kUsage + kUsageObj].kind == Kind::kObject) {
      group = &v[kUsage];
    } else if (v[kGroqUsage + kUsageObj].kind == Kind::kObject) {
      group = &v[kGroqUsage];
    }
    if (!group) return false;
    set_chat_usage(usage_, group);  // a full snapshot: the last one wins, never summed
    final_seen_ = true;
    const Value& choices = v[kChoices];
    *usage_only =
        group == &v[kUsage] && (choices.kind == Kind::kMissing || choices.kind == Kind::kNull ||
                                (choices.kind == Kind::kArray && choices.elements == 0));
    return true;
  }

  void on_json_body(std::string& body) override {
    bool usage_only = false;
    read(body, /*padded=*/true, &usage_only);
  }

  bool on_sse_event(const http::SseEvent& ev) override {
    if (ev.truncated || ev.data == "[DONE]") return false;
    if (!has_key(ev.data, "\"usage\"", '{')) {
      // No usage here; learn the model from the first chunks so a stream cut before its usage
      // chunk still says which model answered (Azure's first chunk has an empty one).
      if (usage_.model.empty() && model_probes_ < 3 && contains(ev.data, "\"model\"")) {
        ++model_probes_;
        static constexpr std::array<std::string_view, 1> kModelOnly = {"model"};
        std::array<Value, 1> m;
        if (json::probe(ev.data, false, kModelOnly, m)) set_model(usage_, m[0]);
      }
      return false;
    }
    bool usage_only = false;
    return read(ev.data, /*padded=*/false, &usage_only) && usage_only;
  }

  bool may_remove(std::string_view data) const override { return has_key(data, "\"usage\"", '{'); }

  int model_probes_ = 0;
};

// ---- Responses API ---------------------------------------------------------------------------

constexpr size_t kRUsageObj = 0, kRInput = 1, kROutput = 2, kRTotal = 3, kRCached = 4,
                 kRReasoning = 5, kRespFields = 6;
constexpr size_t kRType = 0, kRModel = 1, kRRespModel = 2, kRUsage = 3,
                 kRRespUsage = kRUsage + kRespFields;

constexpr std::array<std::string_view, 3 + 2 * kRespFields> kRespPaths = {
    "type",
    "model",
    "response.model",
    "usage",
    "usage.input_tokens",
    "usage.output_tokens",
    "usage.total_tokens",
    "usage.input_tokens_details.cached_tokens",
    "usage.output_tokens_details.reasoning_tokens",
    "response.usage",
    "response.usage.input_tokens",
    "response.usage.output_tokens",
    "response.usage.total_tokens",
    "response.usage.input_tokens_details.cached_tokens",
    "response.usage.output_tokens_details.reasoning_tokens",
};

void set_responses_usage(Usage& u, const Value* f) {
  int64_t input = f[kRInput].count();
  int64_t output = f[kROutput].count();
  int64_t cached = f[kRCached].count();
  int64_t reasoning = f[kRReasoning].count();
  u.input = std::max<int64_t>(0, input - cached);
  u.cached_read = std::max<int64_t>(0, cached);
  u.cache_write = 0;
  u.output = std::max<int64_t>(0, output_with_reasoning(f[kRTotal], input, output, reasoning));
  u.reasoning = std::max<int64_t>(0, reasoning);
  u.source = UsageSource::kProvider;
}

class ResponsesUsage final : public AnswerExtractor {
 public:
  explicit ResponsesUsage(size_t max_json_body) : AnswerExtractor(false, max_json_body) {}

 private:
  void on_json_body(std::string& body) override {
    std::array<Value, kRespPaths.size()> v;
    if (!json::probe(body, /*padded=*/true, kRespPaths, v)) return;
    set_model(usage_, v[kRModel]);
    if (v[kRUsage + kRUsageObj].kind != Kind::kObject) return;
    set_responses_usage(usage_, &v[kRUsage]);
    final_seen_ = true;
  }

  bool on_sse_event(const http::SseEvent& ev) override {
    if (ev.truncated) return false;
    // The terminal events carry the whole response, usage nested under it; response.created
    // names the model early, for streams that never reach the end.
    bool terminal = has_marker(ev.data, "\"response.completed\"") ||
                    has_marker(ev.data, "\"response.incomplete\"") ||
                    has_marker(ev.data, "\"response.failed\"");
    bool created = usage_.model.empty() && has_marker(ev.data, "\"response.created\"");
    if (!terminal && !created) return false;
    std::array<Value, kRespPaths.size()> v;
    if (!json::probe(ev.data, /*padded=*/false, kRespPaths, v)) return false;
    const std::string& type = v[kRType].text;
    set_model(usage_, v[kRRespModel]);
    if (type != "response.completed" && type != "response.incomplete" &&
        type != "response.failed") {
      return false;
    }
    final_seen_ = true;
    if (v[kRRespUsage + kRUsageObj].kind == Kind::kObject) {
      set_responses_usage(usage_, &v[kRRespUsage]);
    }
    return false;
  }

  static bool has_marker(std::string_view data, std::string_view marker) {
    return contains(data, marker);
  }
};

}  // namespace

std::unique_ptr<UsageExtractor> make_chat_extractor(bool hide, size_t max_json_body) {
  return std::make_unique<ChatUsage>(hide, max_json_body);
}

std::unique_ptr<UsageExtractor> make_responses_extractor(size_t max_json_body) {
  return std::make_unique<ResponsesUsage>(max_json_body);
}

}  // namespace parapet::providers::openai

namespace parapet::providers {

bool inject_include_usage(std::string& body) {
  const std::string_view doc = body;
  bool stream = false;
  std::optional<json::Member> options;  // the last stream_options: the one upstream parsers keep
  size_t top = json::skip_ws(doc, 0);
  size_t end = json::for_each_member(doc, top, [&](const json::Member& m) {
    if (m.key == "stream") stream = m.value(doc) == "true";
    if (m.key == "stream_options") options = m;
  });
  if (end == json::kNpos || json::skip_ws(doc, end) != doc.size() || !stream) return false;

  if (!options) {
    body.insert(end - 1, R"(,"stream_options":{"include_usage":true})");
    return true;
  }
  if (options->kind == 'n') {  // "stream_options": null
    body.replace(options->value_begin, options->value_end - options->value_begin,
                 R"({"include_usage":true})");
    return true;
  }
  if (options->kind != '{') return false;  // not an object: upstream rejects it; leave it be
  std::optional<json::Member> include;
  json::for_each_member(doc, options->value_begin, [&](const json::Member& m) {
    if (m.key == "include_usage") include = m;
  });
  if (include) {
    if (include->value(doc) == "true") return false;  // the client asked: nothing to hide
    body.replace(include->value_begin, include->value_end - include->value_begin, "true");
    return true;
  }
  size_t inside = options->value_begin + 1;
  bool empty = doc[json::skip_ws(doc, inside)] == '}';
  body.insert(inside, empty ? R"("include_usage":true)" : R"("include_usage":true,)");
  return true;
}

void strip_null_usage(std::string& forwarded) {
  static constexpr std::string_view kMember = "\"usage\":null";
  size_t out = 0, i = 0;
  while (true) {
    size_t at = forwarded.find(kMember, i);
    if (at == std::string::npos) break;
    size_t begin = at, end = at + kMember.size();
    if (end < forwarded.size() && forwarded[end] == ',') {
      ++end;  // `"usage":null,` — drop the comma after it
    } else if (begin > 0 && forwarded[begin - 1] == ',') {
      --begin;  // `,"usage":null}` — drop the comma before it
    }
    std::memmove(forwarded.data() + out, forwarded.data() + i, begin - i);
    out += begin - i;
    i = end;
  }
  if (i == 0) return;
  std::memmove(forwarded.data() + out, forwarded.data() + i, forwarded.size() - i);
  forwarded.resize(out + forwarded.size() - i);
}

}  // namespace parapet::providers
