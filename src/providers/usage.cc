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

// OpenAI, Anthropic and Cohere requests name the model and ask for a stream in the body.
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

}  // namespace

RequestFacts inspect_request(Protocol protocol, std::string_view endpoint, std::string_view query,
                             std::string_view body) {
  (void)query;
  switch (protocol) {
    case Protocol::kOpenAI:
    case Protocol::kAnthropic:
    case Protocol::kCohere:
      return inspect_body(body);
    case Protocol::kGemini:
      return gemini::inspect(trim_slash(endpoint));
    case Protocol::kHttp:
      break;
  }
  return {};
}

bool takes_include_usage(Protocol protocol, std::string_view endpoint) {
  endpoint = trim_slash(endpoint);
  // "/chat/completions" and the legacy "/completions", under any prefix (Azure, /v1, ...).
  return protocol == Protocol::kOpenAI && ends_with(endpoint, "/completions");
}

std::unique_ptr<UsageExtractor> make_usage_extractor(Protocol protocol, std::string_view endpoint,
                                                     bool streaming, bool hide_injected_usage_chunk,
                                                     size_t max_json_body) {
  endpoint = trim_slash(endpoint);
  switch (protocol) {
    case Protocol::kOpenAI:
      return openai::make_extractor(endpoint, streaming && hide_injected_usage_chunk,
                                    max_json_body);
    case Protocol::kAnthropic:
      return anthropic::make_extractor(endpoint, max_json_body);
    case Protocol::kGemini:
      return gemini::make_extractor(endpoint, max_json_body);
    case Protocol::kCohere:  // Cohere's meta.billed_units is not read yet
    case Protocol::kHttp:
      break;
  }
  return nullptr;
}

}  // namespace parapet::providers
