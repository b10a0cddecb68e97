#include "providers/usage.h"

#include "providers/answer_extractor.h"
#include "providers/json_scan.h"

namespace parapet::providers {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim_slash(std::string_view endpoint) {
  while (endpoint.size() > 1 && endpoint.back() == '/') endpoint.remove_suffix(1);
  return endpoint;
}

// OpenAI, Anthropic and Cohere style requests name the model and ask for a stream in the body.
RequestFacts inspect_body(std::string_view body) {
  RequestFacts f;
  bool ok = json::for_each_top_member(body, [&](const json::Member& m) {
    if (m.key == "model") {
      f.model = json::string_value(body, m);  // a key given twice: the last one counts
    } else if (m.key == "stream") {
      f.stream = m.value(body) == "true";
    } else if (m.key == "stream_options") {
      f.client_asked_usage = false;
      if (m.kind != '{') return;
      json::for_each_member(body, m.value_begin, [&](const json::Member& o) {
        if (o.key == "include_usage") f.client_asked_usage = o.value(body) == "true";
      });
    }
  });
  if (!ok) return {};
  return f;
}

// The wire format an answer has follows from the endpoint, whatever the provider's own protocol:
// Anthropic and Gemini also serve OpenAI-style /chat/completions, and xAI serves /v1/messages.
enum class Shape { kNone, kChat, kResponses, kMessages, kGenerate };

Shape shape_of(std::string_view endpoint) {
  if (ends_with(endpoint, ":generateContent") || ends_with(endpoint, ":streamGenerateContent")) {
    return Shape::kGenerate;
  }
  if (ends_with(endpoint, "/messages")) return Shape::kMessages;  // not .../count_tokens
  // "/chat/completions", legacy "/completions", "/embeddings", under any prefix (Azure, /v1, ...).
  if (ends_with(endpoint, "/completions") || ends_with(endpoint, "/embeddings")) {
    return Shape::kChat;
  }
  if (ends_with(endpoint, "/responses")) return Shape::kResponses;  // not /responses/{id}
  return Shape::kNone;  // model lists, token counting, files, batches...
}

}  // namespace

RequestFacts inspect_request(Protocol protocol, std::string_view endpoint, std::string_view query,
                             std::string_view body) {
  (void)query;
  if (protocol == Protocol::kHttp) return {};
  endpoint = trim_slash(endpoint);
  if (shape_of(endpoint) == Shape::kGenerate) return gemini::inspect(endpoint);
  return inspect_body(body);
}

bool takes_include_usage(Protocol protocol, std::string_view endpoint) {
  return protocol == Protocol::kOpenAI && ends_with(trim_slash(endpoint), "/completions");
}

std::unique_ptr<UsageExtractor> make_usage_extractor(Protocol protocol, std::string_view endpoint,
                                                     bool streaming, bool hide_injected_usage_chunk,
                                                     size_t max_json_body) {
  if (protocol == Protocol::kHttp) return nullptr;  // a plain origin: nothing is parsed
  switch (shape_of(trim_slash(endpoint))) {
    case Shape::kChat:
      return openai::make_chat_extractor(streaming && hide_injected_usage_chunk, max_json_body);
    case Shape::kResponses:
      return openai::make_responses_extractor(max_json_body);
    case Shape::kMessages:
      return anthropic::make_messages_extractor(max_json_body);
    case Shape::kGenerate:
      return gemini::make_generate_extractor(max_json_body);
    case Shape::kNone:
      break;
  }
  return nullptr;
}

}  // namespace parapet::providers
