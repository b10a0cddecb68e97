// Local answers: errors and small bodies the gateway writes itself.
#include <charconv>

#include "pipeline/exchange.h"

namespace parapet::pipeline {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 417:
      return "Expectation Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 499:
      return "Client Closed Request";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

namespace {
void append_head(std::string& out, int status, std::string_view content_type, size_t length,
                 bool close, std::string_view log_id = {}, std::string_view extra = {}) {
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\ncontent-type: ";
  out += content_type;
  out += "\r\ncontent-length: ";
  out += std::to_string(length);
  out += "\r\n";
  if (!log_id.empty()) {
    out += "x-parapet-log-id: ";
    out += log_id;
    out += "\r\n";
  }
  out += extra;
  if (close) out += "connection: close\r\n";
  out += "\r\n";
}
}  // namespace

std::string error_response(const Error& e, bool close) {
  std::string body = error_json(e);
  std::string out;
  append_head(out, error_status(e.code), "application/json", body.size(), close);
  out += body;
  return out;
}

awaitable<bool> send_local(Exchange& x, int status, std::string_view content_type,
                           std::string_view body) {
  bool close = x.close_after || x.draining || !x.req.keep_alive;
  if (close) x.close_after = true;
  std::string& head = x.scratch.head;
  head.clear();
  append_head(head, status, content_type, body.size(), close, x.record.id, x.local_headers);
  x.record.status = status;
  if (x.first_byte == Clock::time_point{}) x.first_byte = Clock::now();
  std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(body)};
  x.watchdog.set(Clock::now() + x.cfg.limits.send_timeout, kClientWrite);
  auto [ec, n] = co_await asio::async_write(x.client, bufs, use_nothrow);
  if (ec) {
    x.close_after = true;
    co_return false;
  }
  x.record.bytes_out += body.size();
  co_return true;
}

awaitable<bool> send_error(Exchange& x, const Error& e) {
  x.record.error_type = error_type(e.code);
  x.record.error_message = e.message;
  // A client error in the request's framing leaves the connection in an unknown state.
  if (e.code == ErrorCode::kBadRequest) x.close_after = true;
  std::string body = error_json(e);  // named: see fail_before_answer() on g++ 12 temporaries
  co_return co_await send_local(x, error_status(e.code), "application/json", body);
}

void log(WorkerEnv& env, observe::RequestRecord&& r, Clock::time_point started,
         Clock::time_point first_byte) {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  auto now = Clock::now();
  int64_t wall_now =
      duration_cast<microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  r.total_us = duration_cast<microseconds>(now - started).count();
  r.start_us = wall_now - r.total_us;
  if (first_byte != Clock::time_point{}) {
    r.first_byte_us = duration_cast<microseconds>(first_byte - started).count();
  }
  if (r.id.empty()) r.id = env.ids.next(r.start_us / 1000);
  env.counters.count(r);
  // Never blocks: a full queue drops the record and counts it (parapet_records_dropped_total).
  if (env.recorder) env.recorder->offer(env.worker_id, std::move(r));
}

}  // namespace parapet::pipeline
