// OpenAI chat completions request -> Gemini generateContent request.
//
// System and developer messages become systemInstruction parts. Consecutive messages that land on
// the same Gemini role are merged (tool results answering parallel calls form one user turn).
// Gemini function calls carry no ids and function responses are matched by name, so a tool
// message's name is found through its tool_call_id in the nearest earlier assistant message.
// Schemas (tool parameters, response_format json_schema) go through Gemini's JSON Schema fields
// (parametersJsonSchema, responseJsonSchema) as they are: the older `parameters`/`responseSchema`
// take an OpenAPI subset that would need a lossy conversion.
// Thread-safety: pure.
#include <simdjson.h>

#include "common/json_parse.h"
#include "translate/json_out.h"
#include "translate/targets.h"

namespace parapet::translate {
namespace {

bool is_user_side(Role r) { return r != Role::kAssistant; }

// The function name answered by messages[i] (a tool message), or "" when no earlier assistant
// message made a call with that id.
std::string_view tool_name(const std::vector<ChatMessage>& msgs, size_t i) {
  for (size_t k = i; k-- > 0;) {
    if (msgs[k].role != Role::kAssistant) continue;
    for (const ChatToolCall& c : msgs[k].tool_calls) {
      if (c.id == msgs[i].tool_call_id) return c.name;
    }
  }
  return {};
}

// A tool result that is a JSON object is the function's response as is; anything else is
// wrapped as {"content": <text>} (Gemini's response must be an object).
void put_function_response(std::string& out, std::string_view name, std::string_view text) {
  out += "{\"functionResponse\":{\"name\":";
  put_str(out, name);
  out += ",\"response\":";
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (!parse_json(p, text).get(doc) && doc.type() == simdjson::dom::element_type::OBJECT) {
    put_element(out, doc);
  } else {
    out += "{\"content\":";
    put_str(out, text);
    out += '}';
  }
  out += "}}";
}

bool put_parts(std::string& out, const std::vector<ChatMessage>& msgs, size_t i, bool& first,
               OpenAIError* error) {
  const ChatMessage& m = msgs[i];
  auto sep = [&] {
    if (!first) out += ',';
    first = false;
  };
  if (m.role == Role::kTool) {
    std::string_view name = tool_name(msgs, i);
    if (name.empty()) {
      *error = bad_request("tool message tool_call_id '" + m.tool_call_id +
                               "' answers no earlier assistant tool call (Gemini matches function "
                               "responses by name)",
                           "messages", "invalid_value");
      return false;
    }
    sep();
    put_function_response(out, name, m.parts.empty() ? std::string_view() : m.parts[0].text);
    return true;
  }
  for (const ChatPart& p : m.parts) {
    switch (p.kind) {
      case ChatPart::kText:
        if (p.text.empty() && (m.parts.size() > 1 || !m.tool_calls.empty())) break;
        sep();
        out += "{\"text\":";
        put_str(out, p.text);
        out += '}';
        break;
      case ChatPart::kImageData:
        sep();
        out += "{\"inlineData\":{\"mimeType\":";
        put_str(out, p.media_type);
        out += ",\"data\":";
        put_str(out, p.data);
        out += "}}";
        break;
      case ChatPart::kImageUrl:
        sep();
        out += "{\"fileData\":{";
        if (!p.media_type.empty()) {
          out += "\"mimeType\":";
          put_str(out, p.media_type);
          out += ',';
        }
        out += "\"fileUri\":";
        put_str(out, p.url);
        out += "}}";
        break;
    }
  }
  for (const ChatToolCall& c : m.tool_calls) {
    sep();
    out += "{\"functionCall\":{\"name\":";
    put_str(out, c.name);
    out += ",\"args\":";
    out += c.arguments;
    out += "}}";
  }
  return true;
}

int64_t thinking_budget(std::string_view effort) {
  // Google's own OpenAI compatibility layer uses these budgets for reasoning_effort.
  if (effort == "none") return 0;
  if (effort == "medium") return 8192;
  if (effort == "high") return 24576;
  return 1024;  // minimal, low
}

void put_generation_config(std::string& out, const ChatRequest& r) {
  std::string g;
  auto key = [&](std::string_view k) {
    g += g.empty() ? "" : ",";
    put_key(g, k);
  };
  if (!r.stop.empty()) {
    key("stopSequences");
    g += '[';
    for (size_t i = 0; i < r.stop.size(); ++i) {
      if (i) g += ',';
      put_str(g, r.stop[i]);
    }
    g += ']';
  }
  auto real = [&](std::string_view k, const std::optional<double>& v) {
    if (!v) return;
    key(k);
    put_double(g, *v);
  };
  auto integer = [&](std::string_view k, const std::optional<int64_t>& v) {
    if (!v) return;
    key(k);
    put_int(g, *v);
  };
  real("temperature", r.temperature);
  real("topP", r.top_p);
  integer("maxOutputTokens", r.max_tokens);
  integer("seed", r.seed);
  real("presencePenalty", r.presence_penalty);
  real("frequencyPenalty", r.frequency_penalty);
  if (r.response_format != ResponseFormat::kText) {
    key("responseMimeType");
    put_str(g, "application/json");
    if (!r.schema.empty()) {
      key("responseJsonSchema");
      g += r.schema;
    }
  }
  if (!r.reasoning_effort.empty()) {
    key("thinkingConfig");
    g += "{\"thinkingBudget\":";
    put_int(g, thinking_budget(r.reasoning_effort));
    g += '}';
  }
  if (g.empty()) return;
  out += ",\"generationConfig\":{";
  out += g;
  out += '}';
}

void put_tools(std::string& out, const ChatRequest& r) {
  if (!r.tools.empty()) {
    out += ",\"tools\":[{\"functionDeclarations\":[";
    for (size_t i = 0; i < r.tools.size(); ++i) {
      const ChatTool& t = r.tools[i];
      if (i) out += ',';
      out += "{\"name\":";
      put_str(out, t.name);
      if (!t.description.empty()) {
        out += ",\"description\":";
        put_str(out, t.description);
      }
      if (!t.parameters.empty()) {
        out += ",\"parametersJsonSchema\":";
        out += t.parameters;
      }
      out += '}';
    }
    out += "]}]";
  }
  if (r.tool_choice == ToolChoice::kUnset) return;
  out += ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":";
  switch (r.tool_choice) {
    case ToolChoice::kNone:
      out += "\"NONE\"";
      break;
    case ToolChoice::kUnset:
    case ToolChoice::kAuto:
      out += "\"AUTO\"";
      break;
    case ToolChoice::kRequired:
      out += "\"ANY\"";
      break;
    case ToolChoice::kNamed:
      out += "\"ANY\",\"allowedFunctionNames\":[";
      put_str(out, r.tool_choice_name);
      out += ']';
      break;
  }
  out += "}}";
}

}  // namespace

std::string write_gemini_request(const ChatRequest& r, OpenAIError* error) {
  std::string out;
  out.reserve(256);
  out += "{\"contents\":[";
  const auto& msgs = r.messages;
  for (size_t i = 0; i < msgs.size();) {
    size_t j = i + 1;
    while (j < msgs.size() && is_user_side(msgs[j].role) == is_user_side(msgs[i].role)) ++j;
    if (i != 0) out += ',';
    out += "{\"role\":";
    out += is_user_side(msgs[i].role) ? "\"user\"" : "\"model\"";
    out += ",\"parts\":[";
    bool first = true;
    for (size_t k = i; k < j; ++k) {
      if (!put_parts(out, msgs, k, first, error)) return {};
    }
    out += "]}";
    i = j;
  }
  out += ']';
  if (!r.system.empty()) {
    out += ",\"systemInstruction\":{\"parts\":[";
    for (size_t i = 0; i < r.system.size(); ++i) {
      if (i) out += ',';
      out += "{\"text\":";
      put_str(out, r.system[i]);
      out += '}';
    }
    out += "]}";
  }
  put_tools(out, r);
  put_generation_config(out, r);
  out += '}';
  return out;
}

}  // namespace parapet::translate
