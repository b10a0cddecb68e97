// The one record every request produces, local replies and errors included (Pingora's logging
// phase). "See everything" grows it into the stored, searchable RequestRecord; the gateway core
// fills the transport facts and counts it.
// Thread-safety: a plain value, built on the worker, handed to sinks by move.
#pragma once

#include <cstdint>
#include <string>

#include "common/asio.h"

namespace parapet::observe {

struct RequestRecord {
  uint64_t id = 0;
  Clock::time_point start{}, first_byte{}, end{};
  std::string gateway, provider, method, path;
  int status = 0;          // what the client got; 499 when it went away first
  std::string error_type;  // "" on success
  std::string error_message;
  uint32_t attempts = 0;   // upstream connections tried
  uint64_t bytes_in = 0;   // request body bytes
  uint64_t bytes_out = 0;  // answer body bytes sent to the client
  bool stream_interrupted = false;
};

// Per-worker counters, written by their worker only, read by the admin thread (relaxed atomics:
// the scrape may be a few requests behind, never torn).
struct Counters {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> responses_2xx{0}, responses_4xx{0}, responses_5xx{0}, responses_other{0};
  std::atomic<uint64_t> upstream_errors{0};
  std::atomic<uint64_t> client_aborts{0};
  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> upstream_connects{0};
  std::atomic<uint64_t> upstream_reuses{0};

  void count(const RequestRecord& r);
};

}  // namespace parapet::observe
