// Anthropic Messages stream -> OpenAI chat.completion.chunk stream, event by event.
//
//   message_start                  -> first chunk: delta {role: assistant, content: ""}
//   content_block_start text       -> its text, if any
//   content_block_start tool_use   -> tool_calls[{index, id, type, function{name, arguments:""}}]
//   content_block_delta text_delta -> delta.content
//   content_block_delta input_json_delta -> tool_calls[{index, function{arguments: fragment}}]
//   message_delta (stop_reason)    -> empty delta with finish_reason
//   message_stop                   -> usage chunk (when asked), then [DONE]
//   error                          -> an OpenAI error event; the stream ends there
//   ping, thinking and signature deltas, other block types -> nothing
// OpenAI numbers tool calls among tool calls, Anthropic numbers content blocks among all blocks:
// blocks_ maps one to the other. In JSON mode the forced tool's input fragments are content.
// Thread-safety: one stream, one thread.
#include <simdjson.h>

#include <vector>

#include "common/json_parse.h"
#include "http/sse.h"
#include "translate/json_out.h"
#include "translate/targets.h"

namespace parapet::translate {
namespace {

using simdjson::dom::element;

constexpr int kTextBlock = -1, kJsonBlock = -2, kIgnoredBlock = -3;

class AnthropicStream final : public StreamTranslator {
 public:
  AnthropicStream(const Plan& plan, const AnswerOptions& options)
      : plan_(plan),
        fallback_id_(options.fallback_id),
        writer_(options.created, plan.include_usage),
        usage_x_(native_stream_usage(Target::kAnthropic)) {}

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
  }

  const Usage& usage() const override { return usage_x_->usage(); }

 private:
  void start(std::string& out, std::string_view id, std::string_view model) {
    if (started_) return;
    started_ = true;
    writer_.set_id_and_model(id.empty() ? fallback_id_ : "chatcmpl-" + std::string(id),
                             model.empty() ? std::string_view(plan_.model) : model);
    writer_.choice(out, "{\"role\":\"assistant\",\"content\":\"\"}");
  }

  void content(std::string& out, std::string_view text) {
    if (text.empty()) return;
    delta_.assign("{\"content\":");
    put_str(delta_, text);
    delta_ += '}';
    writer_.choice(out, delta_);
  }

  void tool_start(std::string& out, int index, std::string_view id, std::string_view name) {
    delta_.assign("{\"tool_calls\":[{\"index\":");
    put_int(delta_, index);
    delta_ += ",\"id\":";
    put_str(delta_, id);
    delta_ += ",\"type\":\"function\",\"function\":{\"name\":";
    put_str(delta_, name);
    delta_ += ",\"arguments\":\"\"}}]}";
    writer_.choice(out, delta_);
  }

  void tool_arguments(std::string& out, int index, std::string_view fragment) {
    if (fragment.empty()) return;
    delta_.assign("{\"tool_calls\":[{\"index\":");
    put_int(delta_, index);
    delta_ += ",\"function\":{\"arguments\":";
    put_str(delta_, fragment);
    delta_ += "}}]}";
    writer_.choice(out, delta_);
  }

  int& block(int64_t index) {
    if (index < 0 || index > 4096) return ignored_ = kIgnoredBlock;  // no real answer has as many
    if (static_cast<size_t>(index) >= blocks_.size()) blocks_.resize(index + 1, kIgnoredBlock);
    return blocks_[index];
  }

  void on_event(std::string_view data, std::string& out) {
    element ev;
    std::string_view type;
    if (parse_json(json_, data).get(ev) || ev["type"].get_string().get(type)) {
      return;  // not an event we can read; Anthropic sends none such
    }
    if (type == "message_start") {
      std::string_view id, model;
      if (ev["message"]["id"].get_string().get(id)) id = {};
      if (ev["message"]["model"].get_string().get(model)) model = {};
      start(out, id, model);
    } else if (type == "content_block_start") {
      start(out, {}, {});
      int64_t index;
      std::string_view block_type;
      element cb;
      if (ev["index"].get_int64().get(index) || ev["content_block"].get(cb) ||
          cb["type"].get_string().get(block_type)) {
        return;
      }
      if (block_type == "text") {
        block(index) = kTextBlock;
        std::string_view text;
        if (!cb["text"].get_string().get(text)) content(out, text);
      } else if (block_type == "tool_use") {
        std::string_view id, name;
        if (cb["id"].get_string().get(id) || cb["name"].get_string().get(name)) return;
        if (plan_.json_via_tool && name == kJsonToolName) {
          block(index) = kJsonBlock;
          return;
        }
        block(index) = tools_;
        tool_start(out, tools_++, id, name);
      } else {
        block(index) = kIgnoredBlock;  // thinking, server tools: nothing in OpenAI chat
      }
    } else if (type == "content_block_delta") {
      int64_t index;
      std::string_view delta_type, text;
      if (ev["index"].get_int64().get(index) || ev["delta"]["type"].get_string().get(delta_type)) {
        return;
      }
      int kind = block(index);
      if (delta_type == "text_delta" && kind == kTextBlock) {
        if (!ev["delta"]["text"].get_string().get(text)) content(out, text);
      } else if (delta_type == "input_json_delta" && kind != kTextBlock && kind != kIgnoredBlock) {
        if (ev["delta"]["partial_json"].get_string().get(text)) return;
        if (kind == kJsonBlock) {
          content(out, text);
        } else {
          tool_arguments(out, kind, text);
        }
      }
    } else if (type == "message_delta") {
      std::string_view reason;
      if (finished_ || ev["delta"]["stop_reason"].get_string().get(reason)) return;
      start(out, {}, {});
      finished_ = true;
      writer_.choice(out, "{}", anthropic_finish(reason, plan_.json_via_tool));
    } else if (type == "message_stop") {
      start(out, {}, {});
      done_ = true;
      usage_x_->finish(true);
      if (plan_.include_usage) writer_.usage(out, usage_x_->usage());
      ChunkWriter::done(out);
    } else if (type == "error") {
      done_ = true;
      usage_x_->finish(true);
      ChunkWriter::error(out, anthropic_error(0, data).body);
    }
  }

  Plan plan_;
  std::string fallback_id_;
  ChunkWriter writer_;
  std::unique_ptr<providers::UsageExtractor> usage_x_;
  http::SseParser sse_;
  simdjson::dom::parser json_;
  std::vector<int> blocks_;  // content block index -> OpenAI tool index, or a k*Block kind
  std::string delta_;
  std::string scratch_;
  int ignored_ = kIgnoredBlock;
  int tools_ = 0;
  bool started_ = false;
  bool finished_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<StreamTranslator> make_anthropic_stream(const Plan& plan,
                                                        const AnswerOptions& options) {
  return std::make_unique<AnthropicStream>(plan, options);
}

}  // namespace parapet::translate
