// Everything one request's trip through the gateway can touch, handed to the pipeline by the
// connection that read the request. The pipeline owns the order of phases (VISION.md):
//
//   route → WAF → auth → limits → cache lookup → upstream (pool, connect, send)
//     → stream back (cache capture) → price → cache fill → log (exactly once)
//
// Thread-safety: lives on one worker; no member is shared with another thread.
#pragma once

#include <memory>
#include <string>

#include "access/registry.h"
#include "common/asio.h"
#include "common/buffer.h"
#include "common/watchdog.h"
#include "config/config.h"
#include "http/request_parser.h"
#include "http/response_parser.h"
#include "limits/limiter.h"
#include "observe/log_id.h"
#include "observe/record.h"
#include "observe/recorder.h"
#include "pipeline/cache_state.h"
#include "providers/provider.h"
#include "reliability/breaker.h"
#include "rules/metrics.h"
#include "rules/registry.h"
#include "upstream/connection.h"
#include "upstream/pool.h"
#include "waf/engine.h"

namespace parapet::translate {
struct Plan;
}

namespace parapet::pipeline {

// Deadline phases, reported by Watchdog::fired().
enum Phase : int {
  kIdle = 0,      // between requests on a keep-alive connection
  kHeader,        // client sending the request head
  kBody,          // client sending the request body
  kConnect,       // DNS + TCP + TLS to the upstream
  kFirstByte,     // waiting for the upstream's answer head
  kUpstreamIdle,  // silence in the middle of the upstream's answer
  kTotal,         // the whole upstream exchange
  kClientWrite,   // client not taking the answer
};

// What a worker lends each request.
struct WorkerEnv {
  upstream::Pool& pool;
  asio::ssl::context* tls = nullptr;
  const upstream::ProxySettings& proxy;
  observe::Counters& counters;
  uint64_t worker_id = 0;
  observe::LogIdGenerator ids;
  observe::Recorder* recorder = nullptr;  // where records go after the log phase
  access::Registry* access = nullptr;     // gateway tokens and virtual keys (nullptr: none)
  access::View access_view;               // this worker's cached view of it
  cache::Cache* cache = nullptr;          // shared response cache (docs/cache.md); null: off

  // Process-wide circuit breakers (nullptr: none) and this worker's lookups into them.
  reliability::Breakers* breakers = nullptr;
  reliability::Breakers::Cache breaker_cache;

  // Rate limits and budgets (nullptr: none): the rules, this worker's view of them, and its
  // Limiter (its slot of the shared counters).
  limits::Registry* limits = nullptr;
  limits::View limits_view;
  std::unique_ptr<limits::Limiter> limiter;

  // WAF (nullptr: off): the rules, this worker's view and Hyperscan scratch, the shared counters,
  // and a reused list of header views.
  rules::Registry* waf = nullptr;
  rules::View waf_view;
  std::unique_ptr<waf::Scanner> waf_scanner;
  rules::MatchCounters* waf_counters = nullptr;
  std::vector<waf::Field> waf_fields;
};

// Per-connection scratch kept across requests so the steady state allocates nothing.
struct Scratch {
  std::string head;      // upstream request head / client answer head
  std::string body_out;  // decoded answer bytes waiting to be sent
  std::string frame;     // chunk-size line
  std::string forward;   // body bytes after the usage extractor, to send
  std::string guarded;   // body bytes after the DLP guard, to send
  Buffer upstream_in{16384};
  http::ResponseParser response;
};

struct Exchange {
  tcp::socket& client;
  Watchdog& watchdog;
  const http::RequestHead& req;
  std::string& body;
  const config::Snapshot& cfg;
  WorkerEnv& env;
  Scratch& scratch;
  std::string_view client_ip;
  bool draining = false;  // answer with Connection: close

  // The upstream connection in use; the connection's watchdog closes it on expiry.
  std::unique_ptr<upstream::Connection> upstream;
  bool client_gone = false;  // set by the disconnect watcher
  bool close_after = false;  // the client connection must close after this exchange
  Clock::time_point started{}, first_byte{};
  // Filled by the route phase and read by the ones after it.
  providers::Protocol protocol = providers::Protocol::kHttp;
  std::string_view endpoint;      // native path without the query
  bool stream_requested = false;  // the request asked for a streamed answer
  bool hide_usage_chunk = false;  // include_usage was injected: hide its chunk from the client
  // Set by the auth phase: credential fields (lower-case name, value) that replace the client's
  // on the way upstream, so a virtual key never leaves the gateway and the real key never reaches
  // the client.
  std::vector<std::pair<std::string, std::string>> credential_swaps;
  size_t body_capture = 0;  // bytes of each body to keep in the record (0: none)
  Clock::time_point upstream_sent{}, upstream_head{};
  // The step in use is a translated one (compat endpoint): its answer is translated back to
  // OpenAI's shape (compat_answer.cc). Points into the step.
  const translate::Plan* translation = nullptr;
  int step = -1;  // which step answers (fallback chain / universal endpoint): x-parapet-step
  asio::steady_timer* retry_wait = nullptr;  // the wait between attempts, while one runs
  std::string local_headers;  // extra "name: value\r\n" lines for a local answer (retry-after)
  observe::RequestRecord record;
  CacheState cache;  // the cache phase's lookup → fill state
  // Set by run(): the limit phase's holds and the client's own cost. settle() prices the answer
  // and releases the holds before its last bytes go out, so a client that sends its next request
  // the moment it has read this answer never finds this one's reservation still held.
  limits::Limiter::Ticket* ticket = nullptr;
  const std::optional<cost::CustomCost>* custom_cost = nullptr;
};

// Runs one request through every phase and logs it. Never throws; errors become answers.
awaitable<void> run(Exchange& x);

// Sends a complete local answer (errors, admin pages). Returns false if the client is gone.
awaitable<bool> send_local(Exchange& x, int status, std::string_view content_type,
                           std::string_view body);
awaitable<bool> send_error(Exchange& x, const Error& e);

// A whole HTTP/1.1 answer carrying e as JSON, for errors met before an Exchange exists (a request
// that could not be parsed). close: add Connection: close.
std::string error_response(const Error& e, bool close);

// Log phase: the one place a finished request's record goes. `started` is when the request's
// first byte was read; first_byte is when the answer's first byte went out (or {}).
void log(WorkerEnv& env, observe::RequestRecord&& r, Clock::time_point started,
         Clock::time_point first_byte);

// The standard reason phrase for a status ("Not Found"), or "Unknown".
std::string_view reason_phrase(int status);

}  // namespace parapet::pipeline
