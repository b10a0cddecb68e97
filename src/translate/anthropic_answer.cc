// Anthropic Messages answer (or error) -> OpenAI chat.completion (or OpenAI error).
//
// Text blocks are joined into `content`; tool_use blocks become tool_calls with Anthropic's ids
// and the input object as the arguments text; thinking blocks are not translated (OpenAI chat has
// no field for them; their tokens are still counted in usage). In JSON mode (Plan::json_via_tool)
// the forced tool's input is the content.
// Thread-safety: pure.
#include <simdjson.h>

#include "common/json_parse.h"
#include "translate/json_out.h"
#include "translate/targets.h"

namespace parapet::translate {
namespace {

using simdjson::dom::element;

Answer error_answer(OpenAIError e) {
  Answer a;
  a.status = e.status;
  a.body = std::move(e.body);
  return a;
}

int status_for_type(std::string_view type) {
  if (type == "invalid_request_error") return 400;
  if (type == "authentication_error") return 401;
  if (type == "billing_error") return 402;
  if (type == "permission_error") return 403;
  if (type == "not_found_error") return 404;
  if (type == "request_too_large") return 413;
  if (type == "rate_limit_error") return 429;
  if (type == "timeout_error") return 504;
  if (type == "overloaded_error") return 529;
  return 500;  // api_error and types added later
}

}  // namespace

// {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}; a body that is not
// this shape (an HTML page from a proxy) is reported by its status.
OpenAIError anthropic_error(int status, std::string_view body) {
  simdjson::dom::parser p;
  element doc;
  std::string_view type, message;
  if (!parse_json(p, body).get(doc) && !doc["error"]["message"].get_string().get(message)) {
    if (doc["error"]["type"].get_string().get(type)) type = {};
    if (status < 400) status = status_for_type(type);
    return provider_error(status, message, type);
  }
  if (status < 400) return provider_error(502, "the provider's error could not be read", {});
  return provider_error(status, "anthropic answered HTTP " + std::to_string(status), {});
}

Answer anthropic_answer(const Plan& plan, int status, std::string_view body,
                        const AnswerOptions& options) {
  if (status < 200 || status > 299) return error_answer(anthropic_error(status, body));
  simdjson::dom::parser p;
  element doc;
  simdjson::dom::array content;
  bool parsed = !parse_json(p, body).get(doc);
  if (!parsed || doc["content"].get_array().get(content)) {
    std::string_view type;
    if (parsed && !doc["type"].get_string().get(type) && type == "error") {
      return error_answer(anthropic_error(0, body));
    }
    return error_answer(
        provider_error(502, "the provider's answer could not be read", "bad_provider_answer"));
  }
  std::string_view id, model, stop_reason;
  if (doc["id"].get_string().get(id)) id = {};
  if (doc["model"].get_string().get(model) || model.empty()) model = plan.model;
  if (doc["stop_reason"].get_string().get(stop_reason)) stop_reason = {};

  std::string text;
  bool has_text = false;
  std::vector<ToolCallOut> calls;
  for (element block : content) {
    std::string_view type;
    if (block["type"].get_string().get(type)) continue;
    if (type == "text") {
      std::string_view t;
      if (block["text"].get_string().get(t)) continue;
      text.append(t);
      has_text = true;
    } else if (type == "tool_use") {
      std::string_view call_id, name;
      element input;
      if (block["id"].get_string().get(call_id) || block["name"].get_string().get(name)) continue;
      std::string args = block["input"].get(input) ? "{}" : simdjson::minify(input);
      if (plan.json_via_tool && name == kJsonToolName) {
        text.append(args);
        has_text = true;
        continue;
      }
      calls.push_back(ToolCallOut{std::string(call_id), std::string(name), std::move(args)});
    }
  }
  Answer a;
  a.usage = native_usage(Target::kAnthropic, body);
  std::string completion_id =
      id.empty() ? std::string(options.fallback_id) : "chatcmpl-" + std::string(id);
  a.body = completion_json(completion_id, options.created, model, has_text || calls.empty(), text,
                           calls, anthropic_finish(stop_reason, plan.json_via_tool), a.usage);
  return a;
}

}  // namespace parapet::translate
