// Gemini generateContent answer (or error) -> OpenAI chat.completion (or OpenAI error), and the
// streamGenerateContent?alt=sse stream -> chat.completion.chunk events.
//
// Only the first candidate is read (requests ask for one). Text parts are joined into content;
// thought parts (thought: true) are not translated, their tokens are counted in usage as
// reasoning. functionCall parts become tool_calls with ids `call_<n>`, n counting the answer's
// calls from 0: Gemini gives none, and these are deterministic for a given answer. finishReason
// STOP with function calls is OpenAI's "tool_calls". Each streamed chunk is a whole
// GenerateContentResponse holding the next parts; function calls arrive whole, so each becomes one
// tool_calls delta carrying id, name and all arguments. The stream has no end marker: the usage
// chunk and [DONE] follow when the body ends cleanly (finish(true)).
// Thread-safety: the functions are pure; a stream translator is used by one thread.
#include <simdjson.h>

#include <vector>

#include "common/json_parse.h"
#include "http/sse.h"
#include "translate/json_out.h"
#include "translate/targets.h"

namespace parapet::translate {
namespace {

using simdjson::dom::element;

std::string call_id(int n) { return "call_" + std::to_string(n); }

// What one GenerateContentResponse holds for the first candidate.
struct Piece {
  std::string text;
  bool has_text = false;
  std::vector<ToolCallOut> calls;
  std::string_view finish;  // "" when absent
  bool blocked = false;     // no candidate: promptFeedback.blockReason
};

void read_piece(const element& doc, int first_call, Piece& p) {
  element cand;
  if (doc["candidates"].at(0).get(cand)) {
    std::string_view reason;
    if (!doc["promptFeedback"]["blockReason"].get_string().get(reason)) p.blocked = true;
    return;
  }
  if (cand["finishReason"].get_string().get(p.finish)) p.finish = {};
  simdjson::dom::array parts;
  if (cand["content"]["parts"].get_array().get(parts)) return;
  for (element part : parts) {
    bool thought = false;
    if (!part["thought"].get_bool().get(thought) && thought) continue;
    std::string_view text;
    element call;
    if (!part["text"].get_string().get(text)) {
      p.text.append(text);
      p.has_text = true;
    } else if (!part["functionCall"].get(call)) {
      std::string_view name;
      element args;
      if (call["name"].get_string().get(name)) continue;
      p.calls.push_back(ToolCallOut{call_id(first_call + static_cast<int>(p.calls.size())),
                                    std::string(name),
                                    call["args"].get(args) ? "{}" : simdjson::minify(args)});
    }
  }
}

Answer error_answer(OpenAIError e) {
  Answer a;
  a.status = e.status;
  a.body = std::move(e.body);
  return a;
}

}  // namespace

// {"error":{"code":429,"message":"...","status":"RESOURCE_EXHAUSTED"}}
OpenAIError gemini_error(int status, std::string_view body) {
  simdjson::dom::parser p;
  element doc;
  std::string_view message, code;
  if (!parse_json(p, body).get(doc) && !doc["error"]["message"].get_string().get(message)) {
    if (doc["error"]["status"].get_string().get(code)) code = {};
    int64_t n;
    if (status < 400)
      status = !doc["error"]["code"].get_int64().get(n) && n >= 400 && n < 600 ? static_cast<int>(n)
                                                                               : 500;
    return provider_error(status, message, code);
  }
  if (status < 400) return provider_error(502, "the provider's error could not be read", {});
  return provider_error(status, "google-ai-studio answered HTTP " + std::to_string(status), {});
}

Answer gemini_answer(const Plan& plan, int status, std::string_view body,
                     const AnswerOptions& options) {
  if (status < 200 || status > 299) return error_answer(gemini_error(status, body));
  simdjson::dom::parser p;
  element doc;
  if (parse_json(p, body).get(doc) || doc.type() != simdjson::dom::element_type::OBJECT) {
    return error_answer(
        provider_error(502, "the provider's answer could not be read", "bad_provider_answer"));
  }
  element err;
  if (!doc["error"].get(err)) return error_answer(gemini_error(0, body));
  Piece piece;
  read_piece(doc, 0, piece);
  std::string_view id, model;
  if (doc["responseId"].get_string().get(id)) id = {};
  if (doc["modelVersion"].get_string().get(model) || model.empty()) model = plan.model;
  std::string_view finish =
      piece.blocked ? "content_filter" : gemini_finish(piece.finish, !piece.calls.empty());
  Answer a;
  a.usage = native_usage(Target::kGemini, body);
  std::string completion_id =
      id.empty() ? std::string(options.fallback_id) : "chatcmpl-" + std::string(id);
  a.body =
      completion_json(completion_id, options.created, model, piece.has_text || piece.calls.empty(),
                      piece.text, piece.calls, finish, a.usage);
  return a;
}

namespace {

class GeminiStream final : public StreamTranslator {
 public:
  GeminiStream(const Plan& plan, const AnswerOptions& options)
      : plan_(plan),
        fallback_id_(options.fallback_id),
        writer_(options.created, plan.include_usage),
        usage_x_(native_stream_usage(Target::kGemini)) {}

  void feed(std::string_view piece, std::string& out) override {
    if (done_) return;
    while (!piece.empty() && !done_) {
      bool ready = false;
      size_t n = sse_.feed(piece, &ready);
      // The extractor sees exactly the bytes up to the event that ends the answer, however the
      // stream was split, so usage never depends on the split.
      usage_x_->feed(piece.substr(0, n), scratch_);
      scratch_.clear();
      piece.remove_prefix(n);
      if (ready && !sse_.event().truncated) on_event(sse_.event().data, out);
    }
  }

  void finish(bool complete, std::string& out) override {
    if (done_) return;
    done_ = true;
    usage_x_->finish(complete);
    if (!complete) return;
    if (started_ && plan_.include_usage) writer_.usage(out, usage_x_->usage());
    ChunkWriter::done(out);
  }

  const Usage& usage() const override { return usage_x_->usage(); }

 private:
  void on_event(std::string_view data, std::string& out) {
    element doc;
    if (parse_json(json_, data).get(doc) || doc.type() != simdjson::dom::element_type::OBJECT) {
      return;
    }
    element err;
    if (!doc["error"].get(err)) {
      done_ = true;
      usage_x_->finish(true);  // the extractor marks usage partial: the error ended the stream
      ChunkWriter::error(out, gemini_error(0, data).body);
      return;
    }
    if (!started_) {
      started_ = true;
      std::string_view id, model;
      if (doc["responseId"].get_string().get(id)) id = {};
      if (doc["modelVersion"].get_string().get(model) || model.empty()) model = plan_.model;
      writer_.set_id_and_model(id.empty() ? fallback_id_ : "chatcmpl-" + std::string(id), model);
      writer_.choice(out, "{\"role\":\"assistant\",\"content\":\"\"}");
    }
    Piece piece;
    read_piece(doc, tools_, piece);
    if (!piece.text.empty()) {
      delta_.assign("{\"content\":");
      put_str(delta_, piece.text);
      delta_ += '}';
      writer_.choice(out, delta_);
    }
    for (const ToolCallOut& c : piece.calls) {
      delta_.assign("{\"tool_calls\":[{\"index\":");
      put_int(delta_, tools_++);
      delta_ += ",\"id\":";
      put_str(delta_, c.id);
      delta_ += ",\"type\":\"function\",\"function\":{\"name\":";
      put_str(delta_, c.name);
      delta_ += ",\"arguments\":";
      put_str(delta_, c.arguments);
      delta_ += "}}]}";
      writer_.choice(out, delta_);
    }
    if (finished_) return;
    if (piece.blocked) {
      finished_ = true;
      writer_.choice(out, "{}", "content_filter");
    } else if (!piece.finish.empty()) {
      finished_ = true;
      writer_.choice(out, "{}", gemini_finish(piece.finish, tools_ > 0));
    }
  }

  Plan plan_;
  std::string fallback_id_;
  ChunkWriter writer_;
  std::unique_ptr<providers::UsageExtractor> usage_x_;
  http::SseParser sse_;
  simdjson::dom::parser json_;
  std::string delta_;
  std::string scratch_;
  int tools_ = 0;
  bool started_ = false;
  bool finished_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<StreamTranslator> make_gemini_stream(const Plan& plan,
                                                     const AnswerOptions& options) {
  return std::make_unique<GeminiStream>(plan, options);
}

}  // namespace parapet::translate
