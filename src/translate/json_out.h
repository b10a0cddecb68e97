// Small JSON writing helpers shared by the translators, and the OpenAI objects every target emits
// the same way: errors, usage, chat.completion.chunk framing.
// Internal to translate/. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/usage.h"
#include "translate/translate.h"

namespace simdjson::dom {
class element;
}

namespace parapet::translate {

// Appends "s" quoted and escaped.
void put_str(std::string& out, std::string_view s);
// Appends `"key":`.
void put_key(std::string& out, std::string_view key);
void put_int(std::string& out, int64_t v);
// Shortest text that reads back as the same double (0.7 stays 0.7).
void put_double(std::string& out, double v);
// Appends a parsed JSON value, minified.
void put_element(std::string& out, const simdjson::dom::element& e);

// {"error":{"message":...,"type":...,"param":param|null,"code":code|null}}
std::string openai_error_json(std::string_view message, std::string_view type,
                              std::string_view param = {}, std::string_view code = {});
OpenAIError bad_request(std::string_view message, std::string_view param = {},
                        std::string_view code = {});

// OpenAI's error `type` for an HTTP status.
std::string_view openai_error_type(int status);

// The OpenAI usage object for a canonical Usage: prompt_tokens counts cached reads and cache
// writes (OpenAI's prompt_tokens includes cached tokens); completion_tokens includes reasoning.
// cache_write_tokens (OpenRouter's field) is added when there were cache writes, so the OpenAI
// usage extractor reads the translated answer back to the same canonical Usage.
void put_openai_usage(std::string& out, const Usage& u);

struct ToolCallOut {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text
};

// A whole chat.completion object. content null when has_content is false.
std::string completion_json(std::string_view id, int64_t created, std::string_view model,
                            bool has_content, std::string_view content,
                            const std::vector<ToolCallOut>& calls, std::string_view finish,
                            const Usage& usage);

// The OpenAI error for a provider's error answer: `status` is the native HTTP status, `message`
// and `code` what the provider said (code: Anthropic's error type, Gemini's status name).
// Statuses pass through except Anthropic's 529 (overloaded), which becomes 503.
OpenAIError provider_error(int status, std::string_view message, std::string_view code);

// Writes chat.completion.chunk events with one id/model/created.
class ChunkWriter {
 public:
  ChunkWriter(int64_t created, bool include_usage) : created_(created), usage_(include_usage) {}
  // Both are written into every chunk: the escaped head is built once here, not per chunk.
  void set_id_and_model(std::string_view id, std::string_view model);

  // `data: {..."choices":[{"index":0,"delta":<delta>,"logprobs":null,"finish_reason":<f>}]}`;
  // delta is a JSON object text, finish "" means null.
  void choice(std::string& out, std::string_view delta, std::string_view finish = {}) const;
  void usage(std::string& out, const Usage& u) const;  // choices [] and the usage object
  static void done(std::string& out) { out += "data: [DONE]\n\n"; }
  static void error(std::string& out, std::string_view error_json);

 private:
  int64_t created_;
  bool usage_;
  std::string head_;  // `data: {"id":...,"object":...,"created":...,"model":...`
};

// OpenAI finish_reason for Anthropic's stop_reason / Gemini's finishReason.
std::string_view anthropic_finish(std::string_view stop_reason, bool json_via_tool);
std::string_view gemini_finish(std::string_view finish_reason, bool has_tool_calls);

}  // namespace parapet::translate
