// One stored answer: what a client received for a request, enough to replay it byte for byte and
// to log the replay with the original's tokens.
// Thread-safety: immutable once built; shared between threads as shared_ptr<const Entry>.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/usage.h"
#include "http/headers.h"

namespace parapet::cache {

struct Entry {
  std::string gateway;
  int status = 200;
  std::string reason;
  // The answer head's fields worth replaying, as "name: value\r\n" lines (content-type included;
  // hop-by-hop, framing, set-cookie, date and age dropped: see replayable()).
  std::string headers;
  std::string body;        // the bytes the client received, decoded from any chunking
  bool stream = false;     // text/event-stream: replayed chunked
  Usage usage;             // as logged for the original answer
  int64_t created_ms = 0;  // Unix epoch
  int64_t expires_ms = 0;

  size_t bytes() const {
    return gateway.size() + reason.size() + headers.size() + body.size() + 128;
  }
  bool expired(int64_t now_ms) const { return now_ms >= expires_ms; }
};
using EntryPtr = std::shared_ptr<const Entry>;

// Whether an answer header is replayed from the cache.
bool replayable(std::string_view name);

// The "name: value\r\n" block of h's replayable fields; `connection` is h's Connection value
// (fields it names are hop-by-hop).
std::string replay_headers(const http::HeaderList& h);

// A self-contained byte form for the persistent tier. parse() returns nullopt on anything
// malformed (a corrupt row is a miss, never a crash).
std::string serialize(const Entry& e);
std::optional<Entry> parse(std::string_view bytes);

}  // namespace parapet::cache
