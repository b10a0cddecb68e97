// DLP on an answer as it streams to the client (docs/dlp.md), with a bounded holdback.
//
// The guard sits between the upstream and the client: feed() takes the next bytes and gives back
// those that may go now. It holds back the last `holdback` characters of answer text, so a secret
// the model writes across several pieces is seen whole before any of it leaves; everything before
// that goes on at once, so the stream keeps streaming.
//   - Event streams (SSE): the text is the concatenation of the string values of text members
//     (content, text, partial_json, arguments) of the events, across events; whole events are held
//     and released. A secret split over ten token events is found and masked in each of them.
//   - Other bodies: the raw bytes are the text.
// Masking keeps every length (dlp::mask), so framing, Content-Length and JSON stay valid.
// A finding that ends exactly where the text seen so far ends is not acted on until more text
// comes (the number may go on), or the answer ends.
// Block: the guard stops at the first finding; feed() returns false and `out` holds what may
// still be sent (the events before it). Whole (non-stream) answers are held entirely under block.
//
// Thread-safety: one guard per answer, one thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dlp/policy.h"

namespace parapet::dlp {

class AnswerGuard {
 public:
  AnswerGuard(Action action, KindSet kinds, size_t holdback, bool event_stream);

  // Appends to `out` what may be sent now. False once a block action found something.
  bool feed(std::string_view in, std::string& out);
  // The answer ended: everything still held is scanned and released (unless blocked).
  bool finish(std::string& out);

  bool blocked() const { return blocked_; }
  Action action() const { return action_; }
  // Under block a whole (non-stream) answer is released only at finish().
  bool holds_whole() const { return action_ == Action::kBlock && !sse_; }
  uint32_t found(Kind k) const { return counts_[static_cast<size_t>(k)]; }
  uint32_t found_total() const;
  // "card=1,email=2" (kinds in enum order), "" when nothing was found.
  std::string summary() const;

  // Bytes of whole answers held at most under block before they are refused.
  static constexpr size_t kMaxHeld = 32u << 20;

 private:
  struct Segment {
    size_t begin, end;  // raw range in held_ of one text value
  };
  struct Event {
    size_t end;   // raw end (exclusive) in held_
    size_t text;  // text bytes in its segments
  };

  bool step(bool last, std::string& out);
  void parse_event(size_t begin, size_t end);
  void release(size_t raw_end, std::string& out);

  Action action_;
  KindSet kinds_;
  size_t holdback_;
  bool sse_;
  bool blocked_ = false;
  std::string held_;
  size_t parsed_ = 0;              // held_ bytes split into events so far (SSE)
  std::vector<Event> events_;      // complete held events (SSE)
  std::vector<Segment> segments_;  // their text segments, in order
  size_t floor_ = 0;               // virtual-text offset up to which findings were acted on
  std::array<uint32_t, kKinds> counts_{};
  std::string text_;               // scratch: the held virtual text
  std::vector<size_t> map_;        // scratch: virtual offset -> raw offset
  std::vector<Finding> findings_;  // scratch
};

}  // namespace parapet::dlp
