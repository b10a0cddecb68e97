// What the cache phase keeps for one request between its lookup and its fill: the controls and
// key, the flight it leads (if any), and the answer captured as it streams to the client.
// Thread-safety: lives in one Exchange, on one worker.
#pragma once

#include <memory>
#include <string>

#include "cache/cache.h"
#include "cache/key.h"
#include "http/response_parser.h"

namespace parapet::pipeline {

struct CacheState {
  CacheState() = default;
  CacheState(const CacheState&) = delete;
  CacheState& operator=(const CacheState&) = delete;
  // A leader that never reached the fill (error, client gone, coroutine destroyed) still ends its
  // flight, so waiters go upstream instead of waiting out their deadline.
  ~CacheState() {
    if (flight) owner->finish_flight(key, flight);
  }

  cache::Controls controls;
  cache::Digest body_digest{};
  std::string key;
  cache::Cache* owner = nullptr;
  std::shared_ptr<cache::Flight> flight;  // set while this request leads identical ones

  // The answer as the client receives it (stream_answer calls begin() and capture()).
  bool fill = false;  // this request's answer may be stored
  bool began = false;
  bool too_big = false;
  uint64_t limit = 0;  // largest body worth keeping
  int status = 0;
  std::string reason, headers, body;
  bool stream = false;

  void begin(const http::ResponseHead& h, bool event_stream) {
    if (!fill) return;
    began = true;
    status = h.status;
    reason = h.reason;
    headers = cache::replay_headers(h.headers);
    stream = event_stream;
  }
  // An answer the gateway framed itself (a translated one): its status and header lines.
  void begin_own(int own_status, std::string header_lines, bool event_stream) {
    if (!fill) return;
    began = true;
    status = own_status;
    reason.clear();
    headers = std::move(header_lines);
    stream = event_stream;
  }
  void capture(std::string_view bytes) {
    if (!began || too_big) return;
    if (body.size() + bytes.size() > limit) {
      too_big = true;
      body.clear();
      body.shrink_to_fit();
      return;
    }
    body.append(bytes);
  }
};

}  // namespace parapet::pipeline
