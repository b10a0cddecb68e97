#include "dlp/guard.h"

#include <algorithm>

namespace parapet::dlp {

namespace {

constexpr size_t npos = std::string::npos;
// Held bytes of an event stream beyond which whole events go out even without enough text after
// them (a stream of huge non-text events must not pile up).
constexpr size_t kMaxHeldStream = 256u << 10;

bool text_member(std::string_view key) {
  return key == "content" || key == "text" || key == "partial_json" || key == "arguments";
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The end of the first event (the blank line after it included) at or after `from`, or npos.
size_t event_end(std::string_view s, size_t from) {
  size_t lf = s.find("\n\n", from);
  size_t crlf = s.find("\r\n\r\n", from);
  if (lf == npos && crlf == npos) return npos;
  if (crlf != npos && (lf == npos || crlf < lf)) return crlf + 4;
  return lf + 2;
}

}  // namespace

AnswerGuard::AnswerGuard(Action action, KindSet kinds, size_t holdback, bool event_stream)
    : action_(action), kinds_(kinds), holdback_(holdback), sse_(event_stream) {}

uint32_t AnswerGuard::found_total() const {
  uint32_t n = 0;
  for (uint32_t c : counts_) n += c;
  return n;
}

std::string AnswerGuard::summary() const {
  std::string out;
  for (size_t k = 0; k < kKinds; ++k) {
    if (counts_[k] == 0) continue;
    if (!out.empty()) out += ',';
    out += kind_name(static_cast<Kind>(k));
    out += '=';
    out += std::to_string(counts_[k]);
  }
  return out;
}

// Text segments of one event: the raw insides of string values of text members. A small linear
// tokenizer: strings, and whether a string is a key (a ':' follows) or a value.
void AnswerGuard::parse_event(size_t begin, size_t end) {
  std::string_view s(held_.data(), end);
  size_t text = 0;
  std::string_view key;
  size_t i = begin;
  while (i < end) {
    if (s[i] != '"') {
      ++i;
      continue;
    }
    size_t b = i + 1, j = b;
    while (j < end && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
    if (j >= end) break;
    size_t after = j + 1;
    while (after < end && is_space(s[after])) ++after;
    if (after < end && s[after] == ':') {
      key = s.substr(b, j - b);
    } else if (text_member(key) && j > b) {
      segments_.push_back(Segment{b, j});
      text += j - b;
    }
    i = j + 1;
  }
  events_.push_back(Event{end, text});
}

bool AnswerGuard::feed(std::string_view in, std::string& out) {
  if (blocked_) return false;
  held_.append(in);
  return step(false, out);
}

bool AnswerGuard::finish(std::string& out) {
  if (blocked_) return false;
  return step(true, out);
}

void AnswerGuard::release(size_t raw_end, std::string& out) {
  if (raw_end == 0) return;
  out.append(held_, 0, raw_end);
  held_.erase(0, raw_end);
  parsed_ -= std::min(parsed_, raw_end);
  if (!sse_) {
    floor_ -= std::min(floor_, raw_end);
    return;
  }
  size_t gone_text = 0, e = 0;
  while (e < events_.size() && events_[e].end <= raw_end) gone_text += events_[e++].text;
  events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(e));
  for (auto& ev : events_) ev.end -= raw_end;
  size_t sg = 0;
  while (sg < segments_.size() && segments_[sg].end <= raw_end) ++sg;
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(sg));
  for (auto& seg : segments_) {
    seg.begin -= raw_end;
    seg.end -= raw_end;
  }
  floor_ -= std::min(floor_, gone_text);
}

bool AnswerGuard::step(bool last, std::string& out) {
  // 1. The text to scan and where each of its bytes is in held_.
  std::string_view view;
  if (sse_) {
    for (size_t e = event_end(held_, parsed_); e != npos; e = event_end(held_, parsed_)) {
      parse_event(parsed_, e);
      parsed_ = e;
    }
    if (last && parsed_ < held_.size()) {  // a last event without its blank line
      parse_event(parsed_, held_.size());
      parsed_ = held_.size();
    }
    text_.clear();
    map_.clear();
    for (const Segment& sg : segments_) {
      text_.append(held_, sg.begin, sg.end - sg.begin);
      for (size_t k = sg.begin; k < sg.end; ++k) map_.push_back(k);
    }
    view = text_;
  } else {
    view = held_;
  }

  // 2. Findings not acted on yet.
  findings_.clear();
  scan(view, kinds_, findings_);
  for (const Finding& f : findings_) {
    if (f.begin < floor_) continue;
    if (!last && f.end == view.size()) break;  // may go on in the next piece
    ++counts_[static_cast<size_t>(f.kind)];
    floor_ = f.end;
    if (action_ == Action::kBlock) {
      blocked_ = true;
      if (sse_) {  // the events before the one the finding starts in may still go
        size_t at = map_[f.begin], raw_end = 0;
        for (const Event& ev : events_) {
          if (ev.end > at) break;
          raw_end = ev.end;
        }
        release(raw_end, out);
      }
      held_.clear();
      return false;
    }
    if (action_ == Action::kRedact) {
      if (sse_) {
        std::vector<Finding> one{f};
        mask(text_, one);
        for (size_t k = f.begin; k < f.end; ++k) held_[map_[k]] = text_[k];
      } else {
        std::vector<Finding> one{f};
        mask(held_, one);
      }
    }
  }

  // 3. Release what is far enough behind the end of the text.
  if (last) {
    release(held_.size(), out);
    return true;
  }
  if (!sse_) {
    if (action_ == Action::kBlock) {
      if (held_.size() > kMaxHeld) {
        blocked_ = true;  // cannot be checked whole: refused rather than sent unchecked
        held_.clear();
        return false;
      }
      return true;
    }
    if (held_.size() > holdback_) release(held_.size() - holdback_, out);
    return true;
  }
  size_t after = 0;
  for (const Event& ev : events_) after += ev.text;
  size_t raw_end = 0;
  for (const Event& ev : events_) {
    bool big = held_.size() - raw_end > kMaxHeldStream;
    if (after < holdback_ + ev.text && !big) break;
    // Under block, the text after this event must also have been checked: it has (step 2).
    after -= ev.text;
    raw_end = ev.end;
  }
  release(raw_end, out);
  return true;
}

}  // namespace parapet::dlp
