// Sending an upstream's answer back (proxy.cc): the pieces stream_answer() is made of, shared with
// the compat endpoint's translated answers (compat_answer.cc), which frame the client's answer
// themselves but read the upstream the same way.
// Thread-safety: the worker's thread, like the Exchange.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pipeline/exchange.h"

namespace parapet::pipeline {

inline Clock::time_point earlier(Clock::time_point a, Clock::time_point b) { return a < b ? a : b; }

// Writes `prefix` (a head, may be empty) and `data` (body bytes, framed as a chunk when chunked),
// plus the terminating chunk when last. One gathered write per call. False when the client is gone.
awaitable<bool> write_client(Exchange& x, std::string_view prefix, std::string_view data,
                             bool chunked, bool last, Clock::time_point deadline);

// The gateway's own lines of every answer head: x-parapet-log-id, -step, -cache-status,
// server-timing, and Connection (which also decides x.close_after). Ends with the blank line.
void append_own_head_fields(Exchange& x, std::string& out);

bool is_event_stream(const http::ResponseHead& h);

// The SSE event that tells a client its stream was cut, in the shape its SDK raises as an error.
std::string stream_error_event(providers::Protocol protocol, std::string_view type,
                               std::string_view message);

enum class ReadResult {
  kData,    // body bytes (possibly none) were appended to x.scratch.body_out
  kEnd,     // the upstream closed a close-delimited body: it is complete
  kBroken,  // the answer was cut, or is malformed: `broken` says why
  kGone,    // the client went away
};

// Reads the next piece of the answer whose head is in x.scratch.response, decoding its framing.
awaitable<ReadResult> read_answer(Exchange& x, Clock::time_point total_end,
                                  std::optional<Error>& broken);

// Records how an answer ended (client gone, or cut with `broken`) and returns the upstream
// connection to the pool when it can carry another request.
void end_answer(Exchange& x, const std::optional<Error>& broken);

}  // namespace parapet::pipeline
