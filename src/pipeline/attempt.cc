// The upstream phase: steps × attempts behind circuit breakers, with backoff between attempts, all
// before the first byte goes to the client (docs/reliability.md, pipeline/upstream.h).
#include <random>

#include "http/headers.h"
#include "pipeline/upstream.h"
#include "reliability/retry.h"

namespace parapet::pipeline {

namespace {

using http::iequals;
using reliability::Millis;

constexpr size_t kReadChunk = 16384;

Clock::time_point earlier(Clock::time_point a, Clock::time_point b) { return a < b ? a : b; }

bool has_prefix_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool method_has_body(std::string_view m) { return m == "POST" || m == "PUT" || m == "PATCH"; }

bool is_swapped(const Exchange& x, std::string_view name) {
  for (const auto& sw : x.credential_swaps) {
    if (iequals(sw.first, name)) return true;
  }
  return false;
}

// A field the gateway never forwards: framing and hop-by-hop fields (ours are written), and the
// gateway's own controls (x-parapet-*, and their cf-aig-* spellings).
bool dropped(std::string_view name, std::string_view connection, bool parses_answer) {
  return http::is_hop_by_hop(name) || iequals(name, "host") || iequals(name, "content-length") ||
         iequals(name, "expect") || has_prefix_ci(name, "x-parapet-") ||
         has_prefix_ci(name, "cf-aig-") || iequals(name, "x-forwarded-for") ||
         (parses_answer && iequals(name, "accept-encoding")) ||
         (!connection.empty() && http::list_has_token(connection, name));
}

void add_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

// The request as the upstream sees it: our request line and Host, the client's end-to-end fields
// (credentials untouched unless the auth phase swapped a virtual key) or a universal step's own
// fields, x-forwarded-for extended, and a Content-Length for the body we already hold whole.
void build_upstream_head(const Exchange& x, const Step& st, std::string& out) {
  const http::RequestHead& req = x.req;
  const std::string& body = st.own_body ? st.body : x.body;
  out.clear();
  out += req.method;
  out += ' ';
  out += st.path;
  out += " HTTP/1.1\r\nhost: ";
  out += st.url().authority();
  out += "\r\n";
  // Usage is read from the answer as it passes, so AI providers are asked for it uncompressed.
  bool parses_answer = st.protocol != providers::Protocol::kHttp;
  if (st.own_headers) {
    bool has_type = false;
    for (const auto& [name, value] : st.headers) {
      if (dropped(name, {}, parses_answer)) continue;
      has_type = has_type || name == "content-type";
      add_field(out, name, value);
    }
    if (!has_type) add_field(out, "content-type", "application/json");
  } else {
    std::string_view connection = req.headers.get("connection");
    for (const auto& h : req.headers) {
      // Swapped credentials are replaced below, or, on a step to another upstream than the one
      // they were swapped for, not sent at all: a provider key must not reach another provider.
      if (dropped(h.name, connection, parses_answer) || is_swapped(x, h.name)) continue;
      add_field(out, h.name, h.value);
    }
    if (st.credential_swaps) {
      for (const auto& [name, value] : x.credential_swaps) add_field(out, name, value);
    }
  }
  out += "x-forwarded-for: ";
  for (const auto& h : req.headers) {
    if (!iequals(h.name, "x-forwarded-for")) continue;
    out += h.value;
    out += ", ";
  }
  out += x.client_ip;
  out += "\r\n";
  if (parses_answer) out += "accept-encoding: identity\r\n";
  if (!body.empty() || method_has_body(req.method)) {
    out += "content-length: ";
    out += std::to_string(body.size());
    out += "\r\n";
  }
  out += "\r\n";
}

// One attempt's end: an answer head is parsed (x.upstream holds the connection, the parser the
// head and any body bytes that came with it), or the attempt failed before any answer byte.
struct Attempt {
  bool head = false;
  Error error;
};

void drop_connection(Exchange& x) {
  if (x.upstream) {
    x.upstream->close();
    x.upstream.reset();
  }
  x.scratch.upstream_in.consume(x.scratch.upstream_in.size());
  x.scratch.body_out.clear();
}

// One attempt: connection (pooled or new), send, wait for the answer head. A pooled connection
// that turns out dead before any answer byte is replaced once, within the same attempt: the origin
// closed it while idle, so the request never reached it.
awaitable<Attempt> attempt_once(Exchange& x, const Step& st, Clock::time_point head_end) {
  const auto& uo = x.cfg.upstream;
  const Url& url = st.url();
  build_upstream_head(x, st, x.scratch.head);
  const std::string& body = st.own_body ? st.body : x.body;
  std::string key = upstream::pool_key(url);
  http::ResponseParser& parser = x.scratch.response;
  Buffer& in = x.scratch.upstream_in;
  in.consume(in.size());
  ++x.record.attempts;

  for (int tries = 0;; ++tries) {
    bool reused = false;
    x.upstream = x.env.pool.take(key);
    if (x.upstream) {
      reused = true;
      x.env.counters.upstream_reuses.fetch_add(1, std::memory_order_relaxed);
    } else {
      x.upstream = std::make_unique<upstream::Connection>(x.client.get_executor(), key);
      x.watchdog.set(earlier(head_end, Clock::now() + uo.connect_timeout), kConnect);
      x.env.counters.upstream_connects.fetch_add(1, std::memory_order_relaxed);
      auto c = co_await x.upstream->connect(url, x.env.tls, x.env.proxy);
      if (!c || x.client_gone) {
        Error err = c ? make_error(ErrorCode::kUpstreamUnreachable, "cancelled") : c.error();
        Error shown = upstream_failure(x, err);
        drop_connection(x);
        co_return Attempt{false, shown};
      }
    }
    x.upstream_sent = Clock::now();
    x.watchdog.set(earlier(head_end, Clock::now() + uo.first_byte_timeout), kFirstByte);
    std::vector<asio::const_buffer> bufs{asio::buffer(x.scratch.head), asio::buffer(body)};
    auto [wec, wn] = co_await x.upstream->write(bufs);
    bool retry_ok = reused && tries == 0 && !x.client_gone && x.watchdog.fired() < 0;
    if (wec) {
      if (retry_ok) {
        x.upstream->close();
        continue;
      }
      Error err =
          make_error(ErrorCode::kUpstreamUnreachable, "cannot send to upstream: " + wec.message());
      Error shown = upstream_failure(x, err);
      drop_connection(x);
      co_return Attempt{false, shown};
    }
    parser.reset(&x.scratch.body_out, x.req.method == "HEAD");
    x.scratch.body_out.clear();
    bool got_any = false, retry = false;
    while (!parser.head_done()) {
      size_t avail = 0;
      char* p = in.prepare(kReadChunk, &avail);
      auto [ec, n] = co_await x.upstream->read_some(asio::buffer(p, avail));
      if (ec || n == 0) {
        // Not after a deadline: a pooled connection that stayed silent until the first-byte
        // timeout was alive and had the request; sending it again would double the wait and the
        // upstream's work.
        if (retry_ok && !got_any && x.watchdog.fired() < 0) {
          retry = true;
          break;
        }
        Error err = make_error(ErrorCode::kUpstreamUnreachable,
                               got_any ? "upstream closed the connection inside the answer head"
                                       : "upstream closed the connection without answering" +
                                             (ec ? ": " + ec.message() : std::string()));
        Error shown = upstream_failure(x, err);
        drop_connection(x);
        co_return Attempt{false, shown};
      }
      got_any = true;
      in.commit(n);
      auto fed = parser.feed(in.data());
      if (!fed) {
        Error err = fed.error();
        drop_connection(x);
        co_return Attempt{false, err};
      }
      in.consume(*fed);
    }
    if (retry) {
      x.upstream->close();
      in.consume(in.size());
      continue;
    }
    co_return Attempt{true, {}};
  }
}

// Ends an exchange that failed before the answer head reached the client.
// Takes e by reference and callers pass named values: g++ 12 destroys temporaries in a co_await
// operand twice (a double free found with ASan), so none are created there.
awaitable<void> fail_before_answer(Exchange& x, const Error& e) {
  drop_connection(x);
  if (x.client_gone) {
    x.record.status = 499;
    x.record.error_type = "client_closed";
    x.record.error_message = "client went away before the answer";
    x.close_after = true;
    co_return;
  }
  co_await send_error(x, e);
}

// What the record and the answer's head say about the step in use.
void use_step(Exchange& x, const Step& st, int index) {
  x.protocol = st.protocol;
  x.endpoint = st.endpoint;
  x.stream_requested = st.stream;
  x.hide_usage_chunk = st.hide_usage;
  x.step = index;
  x.translation = st.translation ? &*st.translation : nullptr;
  observe::RequestRecord& r = x.record;
  r.provider = st.upstream->name;
  r.endpoint = st.endpoint;
  r.model_requested = st.model;
  r.step = index;
}

reliability::RetrySettings step_settings(const reliability::RetrySettings& req, const Step& st) {
  reliability::RetrySettings s = req;
  if (st.max_attempts) s.max_attempts = *st.max_attempts;
  if (st.retry_delay) s.retry_delay = *st.retry_delay;
  if (st.backoff) s.backoff = *st.backoff;
  return s;
}

// Failures that say the upstream is unwell; the breaker ignores the others.
bool breaker_failure(const Error& e) { return e.source() == ErrorSource::kUpstream; }

double uniform01() {
  // Per worker thread: jitter needs no quality beyond "not synchronized across clients".
  thread_local std::minstd_rand rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

awaitable<void> proxy(Exchange& x, std::vector<Step>& steps,
                      const reliability::RetrySettings& retry, bool report_step) {
  const auto& uo = x.cfg.upstream;
  const reliability::BreakerOptions& bo = x.cfg.reliability.breaker;
  const Clock::time_point begin = Clock::now();
  const Clock::time_point total_end = begin + uo.total_timeout;
  // The request timeout covers every attempt and wait up to an answer head; a stream that has
  // started is not cut by it (the [upstream] idle and total timeouts still apply).
  const bool has_deadline = retry.request_timeout.count() > 0;
  const Clock::time_point request_end =
      has_deadline ? earlier(total_end, begin + retry.request_timeout) : total_end;
  http::ResponseParser& parser = x.scratch.response;
  std::optional<Error> last;  // why the last step tried gave up

  for (size_t i = 0; i < steps.size(); ++i) {
    Step& st = steps[i];
    use_step(x, st, report_step ? static_cast<int>(i) : -1);
    reliability::RetrySettings s = step_settings(retry, st);
    Clock::time_point head_end = request_end;
    bool bounded = has_deadline;
    if (st.step_timeout) {
      head_end = earlier(head_end, Clock::now() + *st.step_timeout);
      bounded = true;
    }
    reliability::Breakers::Entry* br =
        x.env.breakers ? &x.env.breaker_cache.get(*x.env.breakers, st.upstream->name) : nullptr;
    for (int attempt = 1;; ++attempt) {
      if (bounded && Clock::now() >= head_end) {  // no time left for this step (or any)
        last = make_error(ErrorCode::kUpstreamTimeout, "request timeout reached before step " +
                                                           std::to_string(i) + " could be tried");
        break;
      }
      reliability::Admit admit = br ? br->admit(bo, Clock::now()) : reliability::Admit::kAllowed;
      if (admit == reliability::Admit::kRejected) {
        last = make_error(ErrorCode::kCircuitOpen,
                          "circuit open for upstream '" + st.upstream->name + "'");
        break;
      }
      bool probe = admit == reliability::Admit::kProbe;
      Attempt a = co_await attempt_once(x, st, head_end);
      if (x.client_gone) {
        if (br) br->record(bo, reliability::Outcome::kNeutral, probe, Clock::now());
        Error gone = make_error(ErrorCode::kUpstreamUnreachable, "client went away");
        co_await fail_before_answer(x, gone);
        co_return;
      }
      std::optional<Millis> retry_after;
      if (a.head) {
        const http::ResponseHead& h = parser.head();
        if (br) {
          br->record(
              bo, h.status >= 500 ? reliability::Outcome::kFailure : reliability::Outcome::kSuccess,
              probe, Clock::now());
        }
        if (!reliability::retryable_status(h.status)) {
          co_await stream_answer(x, st.protocol, total_end);
          co_return;
        }
        retry_after = reliability::parse_retry_after(h.headers.get("retry-after"),
                                                     std::chrono::system_clock::now());
      } else {
        if (has_deadline && Clock::now() >= request_end &&
            a.error.code == ErrorCode::kUpstreamTimeout) {
          a.error.message = "request timeout of " + std::to_string(retry.request_timeout.count()) +
                            " ms reached (" + a.error.message + ")";
        }
        if (br) {
          br->record(bo,
                     breaker_failure(a.error) ? reliability::Outcome::kFailure
                                              : reliability::Outcome::kNeutral,
                     probe, Clock::now());
        }
        if (!a.error.retryable()) {
          co_await fail_before_answer(x, a.error);
          co_return;
        }
      }
      // Another attempt at this step, after a wait that ends before the deadline?
      std::optional<Millis> wait;
      if (attempt < s.max_attempts) {
        std::optional<Millis> remaining;
        if (bounded) {
          remaining = std::chrono::duration_cast<Millis>(head_end - Clock::now());
        }
        Millis backoff = reliability::backoff_delay(s, attempt + 1, uniform01);
        wait = reliability::next_wait(backoff, retry_after, remaining);
      }
      bool next_step = false;
      for (size_t j = i + 1; j < steps.size() && !next_step; ++j) {
        next_step =
            !x.env.breakers || x.env.breaker_cache.get(*x.env.breakers, steps[j].upstream->name)
                                   .would_admit(bo, Clock::now());
      }
      if (!wait && !next_step) {
        // Nothing left to try: the client gets this answer (the provider's own error, unchanged)
        // or this error.
        if (a.head) {
          co_await stream_answer(x, st.protocol, total_end);
        } else {
          co_await fail_before_answer(x, a.error);
        }
        co_return;
      }
      if (a.head) {
        last = make_error(ErrorCode::kUpstreamUnreachable,
                          "upstream answered " + std::to_string(parser.head().status));
      } else {
        last = a.error;
      }
      drop_connection(x);  // the failed answer is discarded, its connection not reused
      if (!wait) break;    // on to the next step
      x.watchdog.clear();
      // The disconnect watcher cancels this wait (x.retry_wait), so a client that hangs up during
      // a long retry-after is let go at once.
      asio::steady_timer timer(x.client.get_executor());
      timer.expires_after(*wait);
      x.retry_wait = &timer;
      co_await timer.async_wait(use_nothrow);
      x.retry_wait = nullptr;
      if (x.client_gone) {
        Error gone = make_error(ErrorCode::kUpstreamUnreachable, "client went away");
        co_await fail_before_answer(x, gone);
        co_return;
      }
    }
  }
  // Every step gave up without an answer worth passing on (open circuits, failures).
  Error e = last ? *last : make_error(ErrorCode::kCircuitOpen, "no upstream available");
  co_await fail_before_answer(x, e);
}

}  // namespace parapet::pipeline
