// JSON writing helpers and the OpenAI objects shared by both targets (see json_out.h).
#include "translate/json_out.h"

#include <simdjson.h>

#include <charconv>

#include "common/error.h"

namespace parapet::translate {

void put_str(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

void put_key(std::string& out, std::string_view key) {
  put_str(out, key);
  out += ':';
}

void put_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void put_double(std::string& out, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void put_element(std::string& out, const simdjson::dom::element& e) { out += simdjson::minify(e); }

std::string_view openai_error_type(int status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_error";
    default:
      break;
  }
  return status >= 500 ? "server_error" : "invalid_request_error";
}

std::string openai_error_json(std::string_view message, std::string_view type,
                              std::string_view param, std::string_view code) {
  std::string out = "{\"error\":{\"message\":";
  put_str(out, message);
  out += ",\"type\":";
  put_str(out, type);
  out += ",\"param\":";
  if (param.empty()) {
    out += "null";
  } else {
    put_str(out, param);
  }
  out += ",\"code\":";
  if (code.empty()) {
    out += "null";
  } else {
    put_str(out, code);
  }
  out += "}}";
  return out;
}

OpenAIError bad_request(std::string_view message, std::string_view param, std::string_view code) {
  return OpenAIError{400, openai_error_json(message, "invalid_request_error", param, code)};
}

void put_openai_usage(std::string& out, const Usage& u) {
  int64_t prompt = u.input + u.cached_read + u.cache_write;
  out += "{\"prompt_tokens\":";
  put_int(out, prompt);
  out += ",\"completion_tokens\":";
  put_int(out, u.output);
  out += ",\"total_tokens\":";
  put_int(out, prompt + u.output);
  out += ",\"prompt_tokens_details\":{\"cached_tokens\":";
  put_int(out, u.cached_read);
  if (u.cache_write > 0) {
    out += ",\"cache_write_tokens\":";
    put_int(out, u.cache_write);
  }
  out += "},\"completion_tokens_details\":{\"reasoning_tokens\":";
  put_int(out, u.reasoning);
  out += "}}";
}

std::string completion_json(std::string_view id, int64_t created, std::string_view model,
                            bool has_content, std::string_view content,
                            const std::vector<ToolCallOut>& calls, std::string_view finish,
                            const Usage& usage) {
  std::string out = "{\"id\":";
  put_str(out, id);
  out += ",\"object\":\"chat.completion\",\"created\":";
  put_int(out, created);
  out += ",\"model\":";
  put_str(out, model);
  out += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":";
  if (has_content) {
    put_str(out, content);
  } else {
    out += "null";
  }
  out += ",\"refusal\":null";
  if (!calls.empty()) {
    out += ",\"tool_calls\":[";
    for (size_t i = 0; i < calls.size(); ++i) {
      if (i) out += ',';
      out += "{\"id\":";
      put_str(out, calls[i].id);
      out += ",\"type\":\"function\",\"function\":{\"name\":";
      put_str(out, calls[i].name);
      out += ",\"arguments\":";
      put_str(out, calls[i].arguments);
      out += "}}";
    }
    out += ']';
  }
  out += "},\"logprobs\":null,\"finish_reason\":";
  put_str(out, finish);
  out += "}],\"usage\":";
  put_openai_usage(out, usage);
  out += '}';
  return out;
}

OpenAIError provider_error(int status, std::string_view message, std::string_view code) {
  if (status == 529) status = 503;
  if (status < 400 || status > 599) status = 502;
  return OpenAIError{status, openai_error_json(message, openai_error_type(status), {}, code)};
}

void ChunkWriter::set_id_and_model(std::string_view id, std::string_view model) {
  head_ = "data: {\"id\":";
  put_str(head_, id);
  head_ += ",\"object\":\"chat.completion.chunk\",\"created\":";
  put_int(head_, created_);
  head_ += ",\"model\":";
  put_str(head_, model);
}

void ChunkWriter::choice(std::string& out, std::string_view delta, std::string_view finish) const {
  out += head_;
  out += ",\"choices\":[{\"index\":0,\"delta\":";
  out += delta;
  out += ",\"logprobs\":null,\"finish_reason\":";
  if (finish.empty()) {
    out += "null";
  } else {
    put_str(out, finish);
  }
  out += "}]";
  if (usage_) out += ",\"usage\":null";
  out += "}\n\n";
}

void ChunkWriter::usage(std::string& out, const Usage& u) const {
  out += head_;
  out += ",\"choices\":[],\"usage\":";
  put_openai_usage(out, u);
  out += "}\n\n";
}

void ChunkWriter::error(std::string& out, std::string_view error_json) {
  out += "data: ";
  out += error_json;
  out += "\n\n";
}

std::string_view anthropic_finish(std::string_view r, bool json_via_tool) {
  if (r == "max_tokens" || r == "model_context_window_exceeded") return "length";
  if (r == "tool_use") return json_via_tool ? "stop" : "tool_calls";
  if (r == "refusal") return "content_filter";
  return "stop";  // end_turn, stop_sequence, pause_turn, and reasons added later
}

std::string_view gemini_finish(std::string_view r, bool has_tool_calls) {
  if (r == "MAX_TOKENS") return "length";
  if (r == "SAFETY" || r == "RECITATION" || r == "BLOCKLIST" || r == "PROHIBITED_CONTENT" ||
      r == "SPII" || r == "IMAGE_SAFETY" || r == "IMAGE_PROHIBITED_CONTENT" ||
      r == "IMAGE_RECITATION") {
    return "content_filter";
  }
  // STOP; also OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL...: OpenAI has no closer value.
  return has_tool_calls ? "tool_calls" : "stop";
}

}  // namespace parapet::translate
