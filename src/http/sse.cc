#include "http/sse.h"

#include <cstring>
#include <limits>

namespace parapet::http {
namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

// The first CR or LF in [p, end), or end. Two memchr passes beat a byte loop on long lines; the CR
// pass only covers the line the LF pass found.
const char* find_line_end(const char* p, const char* end) {
  const char* lf = static_cast<const char*>(std::memchr(p, '\n', end - p));
  const char* stop = lf ? lf : end;
  const char* cr = static_cast<const char*>(std::memchr(p, '\r', stop - p));
  return cr ? cr : stop;
}

bool all_ascii_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

SseParser::SseParser(size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

void SseParser::begin_next_event() {
  dispatched_ = false;
  event_ = SseEvent{};
  type_.clear();
  data_.clear();
  data_view_ = {};
  data_is_view_ = false;
  data_lines_ = 0;
  data_truncated_ = false;
}

std::string_view SseParser::pending_data() const {
  if (dispatched_) return {};
  return data_is_view_ ? data_view_ : std::string_view(data_);
}

size_t SseParser::feed(std::string_view in, bool* event_ready) {
  *event_ready = false;
  block_boundary_ = false;
  if (dispatched_) begin_next_event();
  const char* const begin = in.data();
  const char* const end = begin + in.size();
  const char* p = begin;

  if (!bom_done_) {
    while (p < end && bom_seen_ < 3) {
      if (*p != kBom[bom_seen_]) {
        // Not a BOM after all: the bytes matched so far are ordinary content of the first line.
        line_.append(kBom, bom_seen_);
        bom_done_ = true;
        break;
      }
      ++bom_seen_;
      ++p;
    }
    if (bom_seen_ == 3) bom_done_ = true;
    if (!bom_done_) return p - begin;  // the input ended inside what may still be a BOM
  }

  const size_t line_cap = max_event_bytes_ + 16;  // room for the field name
  while (p < end) {
    if (after_cr_) {
      after_cr_ = false;
      if (*p == '\n') {
        ++p;
        continue;
      }
    }
    const char* eol = find_line_end(p, end);
    size_t n = eol - p;
    if (line_.size() + n > line_cap) {
      n = line_.size() < line_cap ? line_cap - line_.size() : 0;
      line_truncated_ = true;
    }
    if (eol == end) {  // a partial line: keep it for the next piece
      line_.append(p, n);
      p = end;
      break;
    }
    LineEnd kind;
    if (line_.empty() && !line_truncated_) {
      kind = on_line(std::string_view(p, n), /*stable=*/true, false);
    } else {
      line_.append(p, n);
      kind = on_line(line_, /*stable=*/false, line_truncated_);
      line_.clear();
      line_truncated_ = false;
    }
    after_cr_ = *eol == '\r';
    p = eol + 1;
    if (kind != LineEnd::kField) {
      if (after_cr_ && p < end && *p == '\n') {  // take the whole CRLF with the block
        ++p;
        after_cr_ = false;
      }
      block_boundary_ = true;
      *event_ready = kind == LineEnd::kEvent;
      break;
    }
  }
  // No event completed: views into the input die when this call returns, so copy the data line.
  if (!*event_ready && data_is_view_) {
    data_.assign(data_view_);
    data_view_ = {};
    data_is_view_ = false;
  }
  return p - begin;
}

SseParser::LineEnd SseParser::on_line(std::string_view line, bool stable, bool truncated) {
  if (line.empty()) {
    if (data_lines_ == 0) {  // nothing to dispatch; the spec resets the type buffer too
      type_.clear();
      return LineEnd::kBlock;
    }
    event_.type = type_;
    event_.id = id_;
    event_.data = data_is_view_ ? data_view_ : std::string_view(data_);
    event_.truncated = data_truncated_;
    dispatched_ = true;
    return LineEnd::kEvent;
  }
  if (line[0] == ':') return LineEnd::kField;  // comment
  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  on_field(field, value, stable, truncated);
  return LineEnd::kField;
}

void SseParser::on_field(std::string_view field, std::string_view value, bool stable,
                         bool truncated) {
  if (field == "data") {
    append_data(value, stable, truncated);
  } else if (field == "event") {
    type_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_.assign(value);
  } else if (field == "retry") {
    if (!all_ascii_digits(value)) return;
    int64_t ms = 0;
    for (char c : value) {
      if (ms > (std::numeric_limits<int64_t>::max() - 9) / 10) {
        ms = std::numeric_limits<int64_t>::max();
        break;
      }
      ms = ms * 10 + (c - '0');
    }
    retry_ms_ = ms;
  }
  // Any other field is ignored, as the spec says.
}

void SseParser::append_data(std::string_view value, bool stable, bool truncated) {
  if (truncated) data_truncated_ = true;
  if (data_lines_ == 0 && stable && value.size() <= max_event_bytes_) {
    data_view_ = value;  // zero-copy: the usual one-line event inside one piece
    data_is_view_ = true;
    data_lines_ = 1;
    return;
  }
  if (data_is_view_) {
    data_.assign(data_view_);
    data_view_ = {};
    data_is_view_ = false;
  }
  ++data_lines_;
  size_t room = max_event_bytes_ > data_.size() ? max_event_bytes_ - data_.size() : 0;
  if (data_lines_ > 1) {
    if (room == 0) {
      data_truncated_ = true;
      return;
    }
    data_.push_back('\n');
    --room;
  }
  if (value.size() > room) {
    value = value.substr(0, room);
    data_truncated_ = true;
  }
  data_.append(value);
}

}  // namespace parapet::http
