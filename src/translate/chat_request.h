// An OpenAI chat completions request, read and checked once, in the shape both targets write from.
//
// parse_chat_request() applies the rules of docs/translation.md that depend on the target: a
// parameter the target cannot honour is either dropped (when dropping does not change what the
// model is asked: store, metadata, service_tier, ...) or rejected with an OpenAI-shaped 400 that
// names it (n > 1, logprobs, audio, ...). Unknown members are rejected too: OpenAI itself rejects
// them, and silently ignoring a new parameter would change the meaning of the request.
// Internal to translate/. Thread-safety: pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "translate/translate.h"

namespace parapet::translate {

struct ChatPart {
  enum Kind { kText, kImageData, kImageUrl } kind = kText;
  std::string text;        // kText
  std::string media_type;  // kImageData: from the data URL; kImageUrl: guessed from the extension
  std::string data;        // kImageData: base64
  std::string url;         // kImageUrl
};

struct ChatToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // minified JSON object
};

enum class Role { kUser, kAssistant, kTool };

struct ChatMessage {
  Role role = Role::kUser;
  std::vector<ChatPart> parts;
  bool string_content = false;  // content was a JSON string (one kText part)
  std::vector<ChatToolCall> tool_calls;
  std::string tool_call_id;  // kTool
};

struct ChatTool {
  std::string name;
  std::string description;  // "" when absent
  std::string parameters;   // minified JSON schema; "" when absent
};

enum class ToolChoice { kUnset, kNone, kAuto, kRequired, kNamed };
enum class ResponseFormat { kText, kJsonObject, kJsonSchema };

struct ChatRequest {
  std::vector<std::string> system;  // system and developer messages' text, in order
  std::vector<ChatMessage> messages;
  std::vector<ChatTool> tools;
  ToolChoice tool_choice = ToolChoice::kUnset;
  std::string tool_choice_name;
  std::optional<bool> parallel_tool_calls;
  ResponseFormat response_format = ResponseFormat::kText;
  std::string schema;              // json_schema.schema, minified ("" when absent)
  std::string schema_description;  // json_schema.description
  std::optional<double> temperature, top_p, presence_penalty, frequency_penalty;
  std::optional<int64_t> max_tokens;  // max_completion_tokens, else max_tokens
  std::optional<int64_t> seed;
  std::vector<std::string> stop;
  bool stream = false;
  bool include_usage = false;
  std::string user;
  std::string reasoning_effort;
};

struct ParseResult {
  bool ok = false;
  ChatRequest request;
  OpenAIError error;
};

ParseResult parse_chat_request(Target target, std::string_view body);

}  // namespace parapet::translate
