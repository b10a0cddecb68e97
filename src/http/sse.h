// Incremental Server-Sent Events parser (WHATWG HTML, "event stream interpretation").
//
// Bytes go in as they come off the socket, split anywhere; complete events come out one at a
// time. feed() stops right after the line end that completes an event and says how many bytes it
// consumed, so a caller that forwards the stream knows exactly which bytes made up each event (the
// usage extractors use this to remove one event from what the client sees).
//
// What the spec asks and this does: one UTF-8 BOM at the very start is dropped; lines end with
// CRLF, LF or CR, and a CR ending one piece plus an LF starting the next are one line end; a line
// starting with `:` is a comment; one space after the field's colon is dropped; `data` lines are
// joined with "\n"; an `id` containing NUL is ignored and the last id carries over to later events;
// `retry` counts only when it is all ASCII digits; a block with no `data` line dispatches nothing;
// unknown fields are ignored; an event not closed by a blank line when the stream ends is dropped
// (the caller simply stops feeding).
//
// Allocation: event views point into the input when the event's only data line arrived inside one
// piece (the common case), otherwise into buffers the parser keeps and reuses, so a warm parser
// does not allocate. Memory is bounded: data beyond max_event_bytes is cut and the event is
// delivered with `truncated` set.
// Thread-safety: one parser per stream, used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace parapet::http {

struct SseEvent {
  std::string_view type;   // the `event` field; empty means the spec's default type "message"
  std::string_view data;   // data lines joined with "\n", no trailing "\n"
  std::string_view id;     // the last event id seen on the stream so far ("" if none)
  bool truncated = false;  // data was longer than max_event_bytes and was cut
};

class SseParser {
 public:
  static constexpr size_t kDefaultMaxEventBytes = 16u << 20;

  explicit SseParser(size_t max_event_bytes = kDefaultMaxEventBytes);

  // Consumes bytes from the front of `in`: up to and including the next blank line (the end of a
  // block of lines, which dispatches an event if the block had data), or all of `in`. Returns how
  // many bytes were consumed. *event_ready says whether event() now holds a dispatched event; it
  // and its views stay valid until the next call (REQUIRES: `in`'s bytes stay alive that long).
  size_t feed(std::string_view in, bool* event_ready);

  // The last feed() stopped at the end of a block (with or without an event): the bytes consumed
  // since the previous boundary are exactly one block, e.g. one event or one keep-alive comment.
  bool at_block_boundary() const { return block_boundary_; }

  const SseEvent& event() const { return event_; }

  // The event being received: data lines completed so far, joined; valid until the next feed().
  std::string_view pending_data() const;
  int pending_data_lines() const { return dispatched_ ? 0 : data_lines_; }

  // The last valid `retry` field in milliseconds, or -1 when none came.
  int64_t retry_ms() const { return retry_ms_; }

 private:
  enum class LineEnd { kField, kBlock, kEvent };
  // Handles one complete line: a field, a blank line ending a block without data, or a blank line
  // dispatching an event. `stable` is true when `line` points into the caller's input (valid until
  // feed returns), false when it is line_.
  LineEnd on_line(std::string_view line, bool stable, bool truncated);
  void on_field(std::string_view field, std::string_view value, bool stable, bool truncated);
  void append_data(std::string_view value, bool stable, bool truncated);
  void begin_next_event();

  size_t max_event_bytes_;
  SseEvent event_;
  std::string line_;  // a line split across pieces
  bool line_truncated_ = false;
  bool after_cr_ = false;  // the last byte consumed was a CR: a leading LF belongs to it
  uint8_t bom_seen_ = 0;   // bytes of a leading BOM matched so far
  bool bom_done_ = false;
  bool dispatched_ = false;  // event_ is live; clear the buffers on the next feed()
  bool block_boundary_ = false;

  std::string type_;
  std::string id_;
  std::string data_;            // joined data when it is not a view into the input
  std::string_view data_view_;  // the single data line, a view into the current input
  bool data_is_view_ = false;
  int data_lines_ = 0;
  bool data_truncated_ = false;
  int64_t retry_ms_ = -1;
};

}  // namespace parapet::http
