// The one record every request produces — local replies, errors, blocked requests and cache hits
// included (Pingora's logging phase). Built on the worker in the log phase, then moved into the
// Recorder's queue; everything after that (store, analytics, live tail) runs off the request path.
// It never holds a credential: headers are not copied into it, and stored bodies are scrubbed.
// Thread-safety: a plain value, moved between threads, never shared.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "core/usage.h"

namespace parapet::observe {

struct RequestRecord {
  std::string id;             // x-parapet-log-id: time-sortable, unique across restarts
  int64_t start_us = 0;       // Unix epoch, microseconds
  int64_t first_byte_us = 0;  // from start to the first answer byte sent; 0 if none
  int64_t total_us = 0;       // from start to the last byte
  int64_t upstream_us = 0;    // time spent waiting on / reading from upstreams
  std::string gateway, provider;
  std::string method;
  std::string endpoint;  // native path after /{gateway}/{provider}, no query
  std::string model_requested, model_answered;
  int status = 0;          // what the client got; 499 when it went away first
  std::string error_type;  // "" on success
  std::string error_message;
  uint32_t attempts = 0;  // upstream attempts, retries and fallback steps included
  int step = -1;          // fallback / universal step that answered (from 0); -1: no steps
  bool stream = false;    // the answer was an event stream
  bool stream_interrupted = false;
  std::string client_ip;
  std::string key_id;         // virtual key / gateway token id, never the secret
  std::string metadata_json;  // x-parapet-metadata, validated JSON object, "" if none
  Usage usage;
  int64_t cost_micros = 0;                  // cost in millionths of a US dollar
  bool cost_custom = false;                 // from x-parapet-custom-cost
  std::string price_version;                // price table version used
  std::string cache_status;                 // HIT | MISS | BYPASS | "" (not cacheable)
  int64_t saved_micros = 0;                 // cache hits: what the call would have cost
  uint64_t bytes_in = 0;                    // request body bytes
  uint64_t bytes_out = 0;                   // answer body bytes sent to the client
  std::string request_body, response_body;  // only when collected; capped and scrubbed
  // DLP (docs/dlp.md): what was found, e.g. "prompt:card=1 redact; answer:email=2 flag", and
  // how many findings in each direction.
  std::string dlp;
  uint32_t dlp_prompt = 0, dlp_answer = 0;
  bool dlp_blocked = false;
  // WAF verdict (docs/waf.md): "" (nothing matched) | "log" | "block", and the matches as
  // "rule@target:name,..." (names neutralized: never a live "${").
  std::string waf_action, waf_rules;
  // The matches in detail, a JSON object keyed by rule id: {"log4shell":{"target":"headers",
  // "name":"User-Agent","action":"block","severity":"critical","excerpt":"...$\\{jndi:..."}};
  // excerpts neutralized and scrubbed. "" when nothing matched.
  std::string waf_matches;
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
  // Refused at accept with 503: limits.max_connections / limits.max_connections_per_ip.
  std::atomic<uint64_t> connections_refused_max{0}, connections_refused_per_ip{0};
  std::atomic<uint64_t> upstream_connects{0};
  std::atomic<uint64_t> upstream_reuses{0};
  std::atomic<uint64_t> dlp_prompt_findings{0}, dlp_answer_findings{0}, dlp_blocked{0};

  void count(const RequestRecord& r);
};

}  // namespace parapet::observe
