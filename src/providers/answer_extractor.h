// The part every usage extractor shares: framing an answer body and passing its bytes on.
//
// The body's first non-blank byte picks the framing: '{' one JSON document (a non-streaming answer
// or an error), '[' a JSON array streamed element by element (Gemini without alt=sse), anything
// else Server-Sent Events. Families implement the hooks; this class owns the byte flow, so the
// forwarding rules (bytes go out at once; only while hiding is an incomplete event held back, and
// only while it may still be the event to remove) are written once.
// Internal to providers/; the pipeline sees only providers/usage.h.
// Thread-safety: one answer, one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/usage.h"
#include "http/sse.h"
#include "providers/usage.h"

namespace parapet::providers {

class AnswerExtractor : public UsageExtractor {
 public:
  void feed(std::string_view piece, std::string& forward) final;
  void finish(bool complete) final;
  const Usage& usage() const final { return usage_; }

 protected:
  AnswerExtractor(bool hide, size_t max_json_body);

  // A whole JSON answer body. Capacity for json::kPadding is reserved past its end.
  virtual void on_json_body(std::string& body) = 0;
  // One complete element of a streamed JSON array; the callee may swap the string out to keep it.
  virtual void on_json_element(std::string& element) {}
  // One SSE event. Return true if it is the event to remove (acted on only when hiding).
  virtual bool on_sse_event(const http::SseEvent& event) = 0;
  // While hiding: can an event whose data lines so far are `data` still turn out to be the one to
  // remove? False lets its bytes go to the client without waiting for the event's end.
  virtual bool may_remove(std::string_view data) const { return false; }
  // The body ended; runs before partial is computed.
  virtual void on_finish(bool complete) {}

  Usage usage_;
  // The provider's final usage report was seen (the stream did not stop before it).
  bool final_seen_ = false;

 private:
  enum class Framing { kUnknown, kJson, kJsonArray, kSse };

  void start(Framing f);
  void feed_json(std::string_view piece);
  void feed_array(std::string_view piece);
  void feed_sse(std::string_view piece);
  void feed_sse_hiding(std::string_view piece, std::string& forward);

  const bool hide_;
  const size_t max_json_body_;
  Framing framing_ = Framing::kUnknown;
  std::string lead_;  // blank bytes before the first meaningful one (already forwarded)

  // kJson
  std::string body_;
  bool body_too_big_ = false;

  // kJsonArray: a byte-level scanner for element boundaries
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  bool in_element_ = false;
  bool element_too_big_ = false;
  std::string element_;

  // kSse
  std::unique_ptr<http::SseParser> sse_;
  std::string held_;     // bytes of the current event not yet forwarded (hiding only)
  bool holding_ = true;  // the current event's bytes are being held
  // A block ended in a CR at the end of a piece; a leading LF in the next piece belongs to it.
  enum class LfFate { kNone, kForward, kDrop };
  LfFate lf_fate_ = LfFate::kNone;
};

// Substring search (glibc memmem: vectorised, unlike std::string_view::find's first-byte loop).
bool contains(std::string_view haystack, std::string_view needle);

// Marker scan: does `json` contain `quoted_key` used as a key (followed by ':'), whose value starts
// with `value_start` (0: any value)? Cheap enough to run on every SSE chunk; the JSON is parsed
// only when it says yes.
bool has_key(std::string_view json, std::string_view quoted_key, char value_start = 0);

// The family extractors (providers/<family>/usage.cc); usage.cc picks one by endpoint.
namespace openai {
std::unique_ptr<UsageExtractor> make_chat_extractor(bool hide, size_t max_json_body);
std::unique_ptr<UsageExtractor> make_responses_extractor(size_t max_json_body);
}  // namespace openai
namespace anthropic {
std::unique_ptr<UsageExtractor> make_messages_extractor(size_t max_json_body);
}  // namespace anthropic
namespace gemini {
std::unique_ptr<UsageExtractor> make_generate_extractor(size_t max_json_body);
// Model and stream from a generateContent path.
RequestFacts inspect(std::string_view endpoint);
}  // namespace gemini

}  // namespace parapet::providers
