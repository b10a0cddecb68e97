// OpenAI chat completions request -> Anthropic Messages request (POST /v1/messages).
//
// System and developer messages become the top-level `system` (joined with a blank line, in
// order: Anthropic has no system turn inside the conversation). Consecutive messages that land on
// the same Anthropic role are merged into one message, because tool results answering parallel
// tool calls must all sit in the one user message that follows the assistant's tool_use blocks.
// max_tokens is required by Anthropic: kDefaultMaxTokens when the client set none.
// Thread-safety: pure.
#include "translate/json_out.h"
#include "translate/targets.h"

namespace parapet::translate {
namespace {

void put_text_block(std::string& out, std::string_view text) {
  out += "{\"type\":\"text\",\"text\":";
  put_str(out, text);
  out += '}';
}

// Appends one message's content blocks, each preceded by a comma when `first` is false.
void put_blocks(std::string& out, const ChatMessage& m, bool& first) {
  auto sep = [&] {
    if (!first) out += ',';
    first = false;
  };
  if (m.role == Role::kTool) {
    sep();
    out += "{\"type\":\"tool_result\",\"tool_use_id\":";
    put_str(out, m.tool_call_id);
    out += ",\"content\":";
    put_str(out, m.parts.empty() ? std::string_view() : std::string_view(m.parts[0].text));
    out += '}';
    return;
  }
  for (const ChatPart& p : m.parts) {
    switch (p.kind) {
      case ChatPart::kText:
        if (p.text.empty()) break;  // Anthropic rejects empty text blocks
        sep();
        put_text_block(out, p.text);
        break;
      case ChatPart::kImageData:
        sep();
        out += "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":";
        put_str(out, p.media_type);
        out += ",\"data\":";
        put_str(out, p.data);
        out += "}}";
        break;
      case ChatPart::kImageUrl:
        sep();
        out += "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":";
        put_str(out, p.url);
        out += "}}";
        break;
    }
  }
  for (const ChatToolCall& c : m.tool_calls) {
    sep();
    out += "{\"type\":\"tool_use\",\"id\":";
    put_str(out, c.id);
    out += ",\"name\":";
    put_str(out, c.name);
    out += ",\"input\":";
    out += c.arguments;
    out += '}';
  }
}

bool is_user_side(Role r) { return r != Role::kAssistant; }

void put_messages(std::string& out, const std::vector<ChatMessage>& msgs) {
  out += "\"messages\":[";
  for (size_t i = 0; i < msgs.size();) {
    size_t j = i + 1;
    while (j < msgs.size() && is_user_side(msgs[j].role) == is_user_side(msgs[i].role)) ++j;
    if (i != 0) out += ',';
    out += "{\"role\":";
    out += is_user_side(msgs[i].role) ? "\"user\"" : "\"assistant\"";
    out += ",\"content\":";
    const ChatMessage& m = msgs[i];
    if (j == i + 1 && m.string_content && m.role != Role::kTool && m.tool_calls.empty()) {
      put_str(out, m.parts.empty() ? std::string_view() : std::string_view(m.parts[0].text));
    } else {
      out += '[';
      bool first = true;
      for (size_t k = i; k < j; ++k) put_blocks(out, msgs[k], first);
      out += ']';
    }
    out += '}';
    i = j;
  }
  out += ']';
}

void put_tools(std::string& out, const ChatRequest& r) {
  out += ",\"tools\":[";
  for (size_t i = 0; i < r.tools.size(); ++i) {
    const ChatTool& t = r.tools[i];
    if (i) out += ',';
    out += "{\"name\":";
    put_str(out, t.name);
    if (!t.description.empty()) {
      out += ",\"description\":";
      put_str(out, t.description);
    }
    out += ",\"input_schema\":";
    out += t.parameters.empty() ? "{\"type\":\"object\",\"properties\":{}}" : t.parameters;
    out += '}';
  }
  out += ']';
}

void put_tool_choice(std::string& out, const ChatRequest& r) {
  bool no_parallel = r.parallel_tool_calls.has_value() && !*r.parallel_tool_calls;
  ToolChoice c = r.tool_choice;
  if (c == ToolChoice::kUnset && !(no_parallel && !r.tools.empty())) return;
  out += ",\"tool_choice\":{\"type\":";
  switch (c) {
    case ToolChoice::kNone:
      out += "\"none\"}";
      return;  // no parallel flag on "none"
    case ToolChoice::kUnset:
    case ToolChoice::kAuto:
      out += "\"auto\"";
      break;
    case ToolChoice::kRequired:
      out += "\"any\"";
      break;
    case ToolChoice::kNamed:
      out += "\"tool\",\"name\":";
      put_str(out, r.tool_choice_name);
      break;
  }
  if (no_parallel) out += ",\"disable_parallel_tool_use\":true";
  out += '}';
}

// JSON mode: one tool whose input is the answer, and a tool_choice that forces it.
void put_json_tool(std::string& out, const ChatRequest& r) {
  out += ",\"tools\":[{\"name\":";
  put_str(out, kJsonToolName);
  out += ",\"description\":";
  put_str(out, r.schema_description.empty() ? "Respond with a JSON object." : r.schema_description);
  out += ",\"input_schema\":";
  out += r.schema.empty() ? "{\"type\":\"object\"}" : r.schema;
  out += "}],\"tool_choice\":{\"type\":\"tool\",\"name\":";
  put_str(out, kJsonToolName);
  out += '}';
}

}  // namespace

std::string write_anthropic_request(const ChatRequest& r, std::string_view model, Plan& plan) {
  std::string out;
  out.reserve(256);
  out += "{\"model\":";
  put_str(out, model);
  out += ",\"max_tokens\":";
  put_int(out, r.max_tokens.value_or(kDefaultMaxTokens));
  if (!r.system.empty()) {
    std::string system;
    for (size_t i = 0; i < r.system.size(); ++i) {
      if (i) system += "\n\n";
      system += r.system[i];
    }
    out += ",\"system\":";
    put_str(out, system);
  }
  out += ',';
  put_messages(out, r.messages);
  if (r.response_format != ResponseFormat::kText) {
    put_json_tool(out, r);
    plan.json_via_tool = true;
  } else if (!r.tools.empty()) {
    put_tools(out, r);
    put_tool_choice(out, r);
  } else if (r.tool_choice == ToolChoice::kNone || r.tool_choice == ToolChoice::kAuto) {
    // No tools: "none" and "auto" ask nothing; "required"/named would name tools that do not exist
    // and are passed on for Anthropic to refuse.
  } else if (r.tool_choice != ToolChoice::kUnset) {
    put_tool_choice(out, r);
  }
  if (!r.stop.empty()) {
    out += ",\"stop_sequences\":[";
    for (size_t i = 0; i < r.stop.size(); ++i) {
      if (i) out += ',';
      put_str(out, r.stop[i]);
    }
    out += ']';
  }
  if (r.temperature) {
    out += ",\"temperature\":";
    put_double(out, *r.temperature);
  }
  if (r.top_p) {
    out += ",\"top_p\":";
    put_double(out, *r.top_p);
  }
  if (r.stream) out += ",\"stream\":true";
  if (!r.user.empty()) {
    out += ",\"metadata\":{\"user_id\":";
    put_str(out, r.user);
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace parapet::translate
