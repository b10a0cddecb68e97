// Reads and checks an OpenAI chat completions request (see chat_request.h and
// docs/translation.md for the rules).
#include "translate/chat_request.h"

#include <simdjson.h>

#include "common/json_parse.h"
#include "translate/json_out.h"

namespace parapet::translate {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

struct Fail {
  std::string message;
  std::string param;
  std::string code = "invalid_value";
};

const char* target_name(Target t) {
  return t == Target::kAnthropic ? "anthropic" : "google-ai-studio";
}

bool is_null(const element& e) { return e.type() == element_type::NULL_VALUE; }

std::optional<Fail> unsupported(Target t, std::string_view param, std::string_view why = {}) {
  std::string m = "parameter '" + std::string(param) + "' is not supported by " + target_name(t);
  if (!why.empty()) m += ": " + std::string(why);
  return Fail{m, std::string(param), "unsupported_parameter"};
}

std::optional<Fail> wrong_type(std::string_view param, std::string_view expected) {
  return Fail{"'" + std::string(param) + "' must be " + std::string(expected), std::string(param)};
}

// Lowercase extension of a URL's path, without query or fragment.
std::string_view url_extension(std::string_view url) {
  size_t end = url.find_first_of("?#");
  if (end != std::string_view::npos) url = url.substr(0, end);
  size_t dot = url.rfind('.');
  size_t slash = url.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return url.substr(dot + 1);
}

std::string guess_image_type(std::string_view url) {
  std::string ext(url_extension(url));
  for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "webp") return "image/webp";
  if (ext == "heic") return "image/heic";
  if (ext == "heif") return "image/heif";
  return "";
}

class Reader {
 public:
  explicit Reader(Target t) : t_(t) {}
  std::optional<Fail> read(const object& root, ChatRequest& r);

 private:
  std::optional<Fail> read_messages(const element& e, ChatRequest& r);
  std::optional<Fail> read_message(const object& m, size_t i, ChatRequest& r);
  std::optional<Fail> read_text(const element& content, std::string_view param, std::string& text);
  std::optional<Fail> read_user_parts(const element& content, std::string_view param,
                                      ChatMessage& m);
  std::optional<Fail> read_tool_calls(const element& e, std::string_view param, ChatMessage& m);
  std::optional<Fail> read_tools(const element& e, ChatRequest& r);
  std::optional<Fail> read_tool_choice(const element& e, ChatRequest& r);
  std::optional<Fail> read_response_format(const element& e, ChatRequest& r);
  std::optional<Fail> read_number(const element& e, std::string_view param,
                                  std::optional<double>& out);

  Target t_;
};

std::optional<Fail> Reader::read_number(const element& e, std::string_view param,
                                        std::optional<double>& out) {
  double d;
  if (e.get_double().get(d)) return wrong_type(param, "a number");
  out = d;
  return std::nullopt;
}

// A string, or an array of text parts (joined with "\n").
std::optional<Fail> Reader::read_text(const element& content, std::string_view param,
                                      std::string& text) {
  std::string_view s;
  if (!content.get_string().get(s)) {
    text.assign(s);
    return std::nullopt;
  }
  array parts;
  if (content.get_array().get(parts)) return wrong_type(param, "a string or an array of parts");
  bool first = true;
  for (element p : parts) {
    std::string_view type, part_text;
    if (p["type"].get_string().get(type) || type != "text" ||
        p["text"].get_string().get(part_text)) {
      return wrong_type(param, "text parts only");
    }
    if (!first) text += '\n';
    text.append(part_text);
    first = false;
  }
  return std::nullopt;
}

std::optional<Fail> Reader::read_user_parts(const element& content, std::string_view param,
                                            ChatMessage& m) {
  std::string_view s;
  if (!content.get_string().get(s)) {
    m.parts.push_back(ChatPart{ChatPart::kText, std::string(s), {}, {}, {}});
    m.string_content = true;
    return std::nullopt;
  }
  array parts;
  if (content.get_array().get(parts)) return wrong_type(param, "a string or an array of parts");
  for (element p : parts) {
    std::string_view type;
    if (p["type"].get_string().get(type)) return wrong_type(param, "parts with a 'type'");
    if (type == "text") {
      std::string_view text;
      if (p["text"].get_string().get(text)) return wrong_type(param, "text parts with 'text'");
      m.parts.push_back(ChatPart{ChatPart::kText, std::string(text), {}, {}, {}});
    } else if (type == "image_url") {
      std::string_view url;
      if (p["image_url"]["url"].get_string().get(url)) {
        return wrong_type(param, "image_url parts with 'image_url.url'");
      }
      if (url.starts_with("data:")) {
        // data:<media type>;base64,<data>
        size_t comma = url.find(',');
        std::string_view head = url.substr(5, comma == std::string_view::npos ? 0 : comma - 5);
        if (comma == std::string_view::npos || !head.ends_with(";base64")) {
          return Fail{"image data URLs must be base64: data:<type>;base64,<data>",
                      std::string(param)};
        }
        m.parts.push_back(ChatPart{ChatPart::kImageData,
                                   {},
                                   std::string(head.substr(0, head.size() - 7)),
                                   std::string(url.substr(comma + 1)),
                                   {}});
      } else if (url.starts_with("https://") || url.starts_with("http://")) {
        m.parts.push_back(
            ChatPart{ChatPart::kImageUrl, {}, guess_image_type(url), {}, std::string(url)});
      } else {
        return Fail{"image_url.url must be an http(s) URL or a base64 data URL",
                    std::string(param)};
      }
    } else {
      return Fail{
          "content part type '" + std::string(type) + "' is not supported by " + target_name(t_),
          std::string(param), "unsupported_parameter"};
    }
  }
  return std::nullopt;
}

std::optional<Fail> Reader::read_tool_calls(const element& e, std::string_view param,
                                            ChatMessage& m) {
  array calls;
  if (e.get_array().get(calls)) return wrong_type(param, "an array");
  for (element c : calls) {
    std::string_view id, type, name, args;
    if (c["id"].get_string().get(id)) return wrong_type(param, "tool calls with an 'id'");
    if (!c["type"].get_string().get(type) && type != "function") {
      return unsupported(t_, std::string(param) + " of type '" + std::string(type) + "'");
    }
    if (c["function"]["name"].get_string().get(name)) {
      return wrong_type(param, "tool calls with 'function.name'");
    }
    if (c["function"]["arguments"].get_string().get(args)) args = "";
    ChatToolCall call{std::string(id), std::string(name), "{}"};
    if (!args.empty()) {
      // Both targets take the arguments as a JSON object, not text.
      simdjson::dom::parser p;
      element doc;
      if (p.parse(args).get(doc) || doc.type() != element_type::OBJECT) {
        return Fail{"tool call '" + std::string(id) + "' arguments are not a JSON object",
                    std::string(param)};
      }
      call.arguments = simdjson::minify(doc);
    }
    m.tool_calls.push_back(std::move(call));
  }
  return std::nullopt;
}

std::optional<Fail> Reader::read_message(const object& msg, size_t i, ChatRequest& r) {
  std::string param = "messages[" + std::to_string(i) + "]";
  std::string_view role;
  if (msg["role"].get_string().get(role)) return wrong_type(param + ".role", "a string");
  element content;
  bool has_content = !msg["content"].get(content) && !is_null(content);
  for (auto [key, value] : msg) {
    if (key == "role" || key == "content" || key == "name") continue;  // name: not translated
    if (role == "assistant" && (key == "tool_calls" || key == "refusal")) continue;
    if (role == "tool" && key == "tool_call_id") continue;
    if (is_null(value)) continue;
    return unsupported(t_, param + "." + std::string(key));
  }
  if (role == "system" || role == "developer") {
    if (!has_content) return wrong_type(param + ".content", "present");
    std::string text;
    if (auto f = read_text(content, param + ".content", text)) return f;
    r.system.push_back(std::move(text));
    return std::nullopt;
  }
  ChatMessage m;
  if (role == "user") {
    if (!has_content) return wrong_type(param + ".content", "present");
    if (auto f = read_user_parts(content, param + ".content", m)) return f;
  } else if (role == "assistant") {
    m.role = Role::kAssistant;
    if (has_content) {
      std::string text;
      std::string_view s;
      if (!content.get_string().get(s)) {
        m.string_content = true;
        text.assign(s);
      } else {
        array parts;
        if (content.get_array().get(parts)) return wrong_type(param + ".content", "text parts");
        for (element p : parts) {
          std::string_view type, part;
          if (p["type"].get_string().get(type)) return wrong_type(param + ".content", "text parts");
          const char* field = type == "refusal" ? "refusal" : "text";
          if ((type != "text" && type != "refusal") || p[field].get_string().get(part)) {
            return wrong_type(param + ".content", "text or refusal parts");
          }
          text.append(part);
        }
      }
      if (!text.empty()) m.parts.push_back(ChatPart{ChatPart::kText, std::move(text), {}, {}, {}});
    }
    element calls;
    if (!msg["tool_calls"].get(calls) && !is_null(calls)) {
      if (auto f = read_tool_calls(calls, param + ".tool_calls", m)) return f;
    }
  } else if (role == "tool") {
    m.role = Role::kTool;
    std::string_view id;
    if (msg["tool_call_id"].get_string().get(id)) {
      return wrong_type(param + ".tool_call_id", "a string");
    }
    m.tool_call_id.assign(id);
    std::string text;
    if (has_content) {
      if (auto f = read_text(content, param + ".content", text)) return f;
    }
    m.parts.push_back(ChatPart{ChatPart::kText, std::move(text), {}, {}, {}});
    m.string_content = true;
  } else {
    return unsupported(t_, param + ".role '" + std::string(role) + "'");
  }
  r.messages.push_back(std::move(m));
  return std::nullopt;
}

std::optional<Fail> Reader::read_messages(const element& e, ChatRequest& r) {
  array msgs;
  if (e.get_array().get(msgs)) return wrong_type("messages", "an array");
  size_t i = 0;
  for (element m : msgs) {
    object o;
    if (m.get_object().get(o))
      return wrong_type("messages[" + std::to_string(i) + "]", "an object");
    if (auto f = read_message(o, i, r)) return f;
    ++i;
  }
  if (r.messages.empty()) {
    return Fail{"'messages' must contain at least one user or assistant message", "messages"};
  }
  return std::nullopt;
}

std::optional<Fail> Reader::read_tools(const element& e, ChatRequest& r) {
  array tools;
  if (e.get_array().get(tools)) return wrong_type("tools", "an array");
  for (element t : tools) {
    std::string_view type, name, description;
    if (t["type"].get_string().get(type) || type != "function") {
      return unsupported(t_, "tools[].type other than 'function'");
    }
    element fn;
    if (t["function"].get(fn) || fn["name"].get_string().get(name)) {
      return wrong_type("tools", "functions with a 'name'");
    }
    ChatTool tool{std::string(name), {}, {}};
    if (!fn["description"].get_string().get(description)) tool.description.assign(description);
    element params;
    if (!fn["parameters"].get(params) && !is_null(params)) {
      if (params.type() != element_type::OBJECT) {
        return wrong_type("tools[].function.parameters", "an object");
      }
      tool.parameters = simdjson::minify(params);
    }
    r.tools.push_back(std::move(tool));
  }
  return std::nullopt;
}

std::optional<Fail> Reader::read_tool_choice(const element& e, ChatRequest& r) {
  std::string_view s;
  if (!e.get_string().get(s)) {
    if (s == "none") {
      r.tool_choice = ToolChoice::kNone;
    } else if (s == "auto") {
      r.tool_choice = ToolChoice::kAuto;
    } else if (s == "required") {
      r.tool_choice = ToolChoice::kRequired;
    } else {
      return wrong_type("tool_choice", "none, auto, required or a named function");
    }
    return std::nullopt;
  }
  std::string_view type, name;
  if (e["type"].get_string().get(type) || type != "function" ||
      e["function"]["name"].get_string().get(name)) {
    return unsupported(t_, "tool_choice", "only none, auto, required and {type: function} work");
  }
  r.tool_choice = ToolChoice::kNamed;
  r.tool_choice_name.assign(name);
  return std::nullopt;
}

std::optional<Fail> Reader::read_response_format(const element& e, ChatRequest& r) {
  std::string_view type;
  if (e["type"].get_string().get(type)) return wrong_type("response_format", "{type: ...}");
  if (type == "text") return std::nullopt;
  if (type == "json_object") {
    r.response_format = ResponseFormat::kJsonObject;
    return std::nullopt;
  }
  if (type != "json_schema")
    return unsupported(t_, "response_format.type '" + std::string(type) + "'");
  r.response_format = ResponseFormat::kJsonSchema;
  element js, schema;
  if (e["json_schema"].get(js) || js.type() != element_type::OBJECT) {
    return wrong_type("response_format.json_schema", "an object");
  }
  if (!js["schema"].get(schema) && !is_null(schema)) {
    if (schema.type() != element_type::OBJECT) {
      return wrong_type("response_format.json_schema.schema", "an object");
    }
    r.schema = simdjson::minify(schema);
  }
  std::string_view description;
  if (!js["description"].get_string().get(description)) r.schema_description.assign(description);
  return std::nullopt;
}

std::optional<Fail> Reader::read(const object& root, ChatRequest& r) {
  bool anthropic = t_ == Target::kAnthropic;
  std::optional<int64_t> max_tokens, max_completion_tokens;
  bool has_messages = false;
  for (auto [key, value] : root) {
    if (is_null(value)) continue;  // SDKs send null for "not set"
    if (key == "model") continue;
    if (key == "messages") {
      has_messages = true;
      if (auto f = read_messages(value, r)) return f;
    } else if (key == "tools") {
      if (auto f = read_tools(value, r)) return f;
    } else if (key == "tool_choice") {
      if (auto f = read_tool_choice(value, r)) return f;
    } else if (key == "parallel_tool_calls") {
      bool b;
      if (value.get_bool().get(b)) return wrong_type(key, "a boolean");
      r.parallel_tool_calls = b;
    } else if (key == "response_format") {
      if (auto f = read_response_format(value, r)) return f;
    } else if (key == "temperature") {
      if (auto f = read_number(value, key, r.temperature)) return f;
      if (anthropic && *r.temperature > 1) {
        return unsupported(t_, key, "Anthropic's range is 0 to 1 and a value above 1 has no equal");
      }
    } else if (key == "top_p") {
      if (auto f = read_number(value, key, r.top_p)) return f;
    } else if (key == "presence_penalty" || key == "frequency_penalty") {
      std::optional<double>& out =
          key == "presence_penalty" ? r.presence_penalty : r.frequency_penalty;
      if (auto f = read_number(value, key, out)) return f;
      if (*out == 0) {
        out.reset();
      } else if (anthropic) {
        return unsupported(t_, key);
      }
    } else if (key == "max_tokens" || key == "max_completion_tokens") {
      int64_t n;
      if (value.get_int64().get(n) || n < 1) return wrong_type(key, "a positive integer");
      (key == "max_tokens" ? max_tokens : max_completion_tokens) = n;
    } else if (key == "stop") {
      std::string_view s;
      array stops;
      if (!value.get_string().get(s)) {
        r.stop.emplace_back(s);
      } else if (!value.get_array().get(stops)) {
        for (element st : stops) {
          if (st.get_string().get(s)) return wrong_type(key, "a string or an array of strings");
          r.stop.emplace_back(s);
        }
      } else {
        return wrong_type(key, "a string or an array of strings");
      }
    } else if (key == "stream") {
      if (value.get_bool().get(r.stream)) return wrong_type(key, "a boolean");
    } else if (key == "stream_options") {
      element iu;
      if (!value["include_usage"].get(iu) && !is_null(iu) && iu.get_bool().get(r.include_usage)) {
        return wrong_type("stream_options.include_usage", "a boolean");
      }
    } else if (key == "user") {
      std::string_view s;
      if (value.get_string().get(s)) return wrong_type(key, "a string");
      if (anthropic) r.user.assign(s);  // Gemini has no such field; it does not change the answer
    } else if (key == "seed") {
      int64_t n;
      if (value.get_int64().get(n)) return wrong_type(key, "an integer");
      if (!anthropic) r.seed = n;  // Anthropic has no seed: best-effort determinism is dropped
    } else if (key == "n") {
      int64_t n;
      if (value.get_int64().get(n)) return wrong_type(key, "an integer");
      if (n != 1) return unsupported(t_, "n", "only n = 1 is translated");
    } else if (key == "logprobs") {
      bool b;
      if (value.get_bool().get(b)) return wrong_type(key, "a boolean");
      if (b) return unsupported(t_, key);
    } else if (key == "top_logprobs") {
      return unsupported(t_, key);
    } else if (key == "logit_bias") {
      object o;
      if (value.get_object().get(o)) return wrong_type(key, "an object");
      if (o.size() != 0) return unsupported(t_, key);
    } else if (key == "reasoning_effort") {
      std::string_view s;
      if (value.get_string().get(s)) return wrong_type(key, "a string");
      if (anthropic) {
        return unsupported(
            t_, key, "Anthropic's extended thinking needs a token budget and is not translated");
      }
      if (s != "none" && s != "minimal" && s != "low" && s != "medium" && s != "high") {
        return wrong_type(key, "none, minimal, low, medium or high");
      }
      r.reasoning_effort.assign(s);
    } else if (key == "modalities") {
      array a;
      if (value.get_array().get(a)) return wrong_type(key, "an array");
      for (element m : a) {
        std::string_view s;
        if (m.get_string().get(s) || s != "text") return unsupported(t_, key, "only [\"text\"]");
      }
    } else if (key == "store" || key == "metadata" || key == "service_tier" ||
               key == "prediction") {
      // OpenAI-side storage, billing tier and latency hints: they do not change the answer.
    } else {
      return unsupported(t_, key);
    }
  }
  if (!has_messages) return Fail{"'messages' is required", "messages"};
  r.max_tokens = max_completion_tokens ? max_completion_tokens : max_tokens;
  if (!r.stream) r.include_usage = false;
  if (anthropic && r.response_format != ResponseFormat::kText && !r.tools.empty()) {
    return unsupported(t_, "response_format",
                       "JSON output is asked of Anthropic through a forced tool, which cannot be "
                       "combined with 'tools'");
  }
  return std::nullopt;
}

}  // namespace

ParseResult parse_chat_request(Target target, std::string_view body) {
  ParseResult out;
  simdjson::dom::parser parser;
  element doc;
  object root;
  if (parse_json(parser, body).get(doc) || doc.get_object().get(root)) {
    out.error = bad_request("the request body is not a JSON object");
    return out;
  }
  Reader reader(target);
  if (auto f = reader.read(root, out.request)) {
    out.error = bad_request(std::move(f->message), f->param, f->code);
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace parapet::translate
