#include "providers/answer_extractor.h"

#include <cstring>

#include "providers/json_probe.h"

namespace parapet::providers {
namespace {

// Blank bytes kept before the framing is known (beyond this they are forwarded, not replayed).
constexpr size_t kMaxLead = 4096;
// While hiding, an event's bytes are held at most this long: the usage-only chunk is a few hundred
// bytes, so a bigger event is not it and goes out.
constexpr size_t kMaxHeld = 64u << 10;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

bool contains(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;  // also keeps a null data() from memmem
  return memmem(haystack.data(), haystack.size(), needle.data(), needle.size()) != nullptr;
}

bool has_key(std::string_view json, std::string_view quoted_key, char value_start) {
  size_t from = 0;
  while (from < json.size()) {
    const void* hit =
        memmem(json.data() + from, json.size() - from, quoted_key.data(), quoted_key.size());
    if (!hit) return false;
    size_t i = static_cast<const char*>(hit) - json.data() + quoted_key.size();
    from = i;
    // A string value is never followed by ':', so `"key"` then ':' is a key. (Quotes inside
    // string values are escaped, so `\"key\"` does not match at all.)
    while (i < json.size() && is_blank(json[i])) ++i;
    if (i >= json.size() || json[i] != ':') continue;
    ++i;
    while (i < json.size() && is_blank(json[i])) ++i;
    if (value_start == 0 || (i < json.size() && json[i] == value_start)) return true;
  }
  return false;
}

AnswerExtractor::AnswerExtractor(bool hide, size_t max_json_body)
    : hide_(hide), max_json_body_(max_json_body) {}

void AnswerExtractor::feed(std::string_view piece, std::string& forward) {
  if (framing_ == Framing::kUnknown) {
    size_t i = 0;
    while (i < piece.size() && is_blank(piece[i])) ++i;
    // Blank bytes before the first meaningful one go out at once, whatever the split.
    forward.append(piece.substr(0, i));
    if (lead_.size() + i <= kMaxLead) lead_.append(piece.substr(0, i));
    if (i == piece.size()) return;
    start(piece[i] == '{' ? Framing::kJson : piece[i] == '[' ? Framing::kJsonArray : Framing::kSse);
    piece.remove_prefix(i);
  }
  switch (framing_) {
    case Framing::kJson:
      forward.append(piece);
      feed_json(piece);
      break;
    case Framing::kJsonArray:
      forward.append(piece);
      feed_array(piece);
      break;
    case Framing::kSse:
      if (hide_) {
        feed_sse_hiding(piece, forward);
      } else {
        forward.append(piece);
        feed_sse(piece);
      }
      break;
    case Framing::kUnknown:
      break;
  }
}

void AnswerExtractor::start(Framing f) {
  framing_ = f;
  if (f == Framing::kSse) {
    // An event larger than the JSON cap is framed but not read (its usage would not be either).
    sse_ = std::make_unique<http::SseParser>(max_json_body_);
    // Replay the blank lead (already forwarded) so the parser sees the stream the client sees.
    // Blank lines carry no data, so this dispatches nothing.
    std::string_view lead = lead_;
    while (!lead.empty()) {
      bool ready = false;
      lead.remove_prefix(sse_->feed(lead, &ready));
    }
  }
  std::string().swap(lead_);
}

void AnswerExtractor::feed_json(std::string_view piece) {
  if (body_too_big_) return;
  if (body_.size() + piece.size() > max_json_body_) {
    body_too_big_ = true;
    std::string().swap(body_);
    return;
  }
  body_.append(piece);
}

void AnswerExtractor::feed_array(std::string_view piece) {
  const char* p = piece.data();
  const size_t n = piece.size();
  size_t from = 0;  // where the current element's bytes in this piece begin
  auto keep = [&](size_t end) {
    if (element_too_big_) return;
    if (element_.size() + (end - from) > max_json_body_) {
      element_too_big_ = true;
      std::string().swap(element_);
      return;
    }
    element_.append(p + from, end - from);
  };
  for (size_t i = 0; i < n; ++i) {
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
        continue;
      }
      // Jump to the string's next quote or backslash: text is most of the bytes.
      const char* q = static_cast<const char*>(std::memchr(p + i, '"', n - i));
      const char* stop = q ? q : p + n;
      const char* b = static_cast<const char*>(std::memchr(p + i, '\\', stop - (p + i)));
      if (b) {
        escaped_ = true;
        i = b - p;
      } else if (q) {
        in_string_ = false;
        i = q - p;
      } else {
        i = n;
      }
      continue;
    }
    char c = p[i];
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      if (depth_ == 1 && c == '{') {
        in_element_ = true;
        from = i;
      }
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (depth_ > 0) --depth_;
      if (depth_ == 1 && in_element_) {
        keep(i + 1);
        if (!element_too_big_) on_json_element(element_);
        element_.clear();
        element_too_big_ = false;
        in_element_ = false;
      }
    }
  }
  if (in_element_) keep(n);
}

void AnswerExtractor::feed_sse(std::string_view piece) {
  while (!piece.empty()) {
    bool ready = false;
    piece.remove_prefix(sse_->feed(piece, &ready));
    if (ready) on_sse_event(sse_->event());
  }
}

// Bytes are forwarded block by block (a block ends at a blank line). A block is held only from its
// first byte until it is either complete (then forwarded, or dropped if it is the event to remove)
// or known not to be removable: a complete data line whose data may_remove() rejects, a block with
// no data (keep-alive comments), or more than kMaxHeld bytes.
void AnswerExtractor::feed_sse_hiding(std::string_view piece, std::string& forward) {
  while (!piece.empty()) {
    bool ready = false;
    size_t n = sse_->feed(piece, &ready);
    std::string_view chunk = piece.substr(0, n);
    piece.remove_prefix(n);
    // The previous block ended in a CR at the end of a piece: this LF completes its CRLF, so it
    // shares that block's fate (and is not held with the next block).
    if (lf_fate_ != LfFate::kNone && !chunk.empty()) {
      if (chunk[0] == '\n') {
        if (lf_fate_ == LfFate::kForward) forward.push_back('\n');
        chunk.remove_prefix(1);
      }
      lf_fate_ = LfFate::kNone;
    }
    if (sse_->at_block_boundary()) {
      bool remove = ready && on_sse_event(sse_->event()) && holding_;
      if (!remove) {
        forward.append(held_);
        forward.append(chunk);
      }
      if (!chunk.empty() && chunk.back() == '\r') {
        lf_fate_ = remove ? LfFate::kDrop : LfFate::kForward;
      }
      held_.clear();
      holding_ = true;
      continue;
    }
    // All of the piece was consumed inside a block.
    if (!holding_) {
      forward.append(chunk);
      continue;
    }
    held_.append(chunk);
    if ((sse_->pending_data_lines() > 0 && !may_remove(sse_->pending_data())) ||
        held_.size() > kMaxHeld) {
      forward.append(held_);
      held_.clear();
      holding_ = false;
    }
  }
}

void AnswerExtractor::finish(bool complete) {
  if (framing_ == Framing::kJson && !body_too_big_ && !body_.empty()) {
    json::reserve_padding(body_);
    on_json_body(body_);
  }
  on_finish(complete);
  usage_.partial = !complete || (usage_.source == UsageSource::kProvider && !final_seen_);
  // What was held is an unterminated event; an SSE client drops it at end of stream too.
  std::string().swap(held_);
  std::string().swap(body_);
  std::string().swap(element_);
}

}  // namespace parapet::providers
