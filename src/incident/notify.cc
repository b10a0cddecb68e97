#include "incident/notify.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>

#include "common/url.h"

namespace parapet::incident {

namespace {

std::string q(std::string_view s) {
  std::string out = "\"";
  append_json_escaped(out, s);
  out += '"';
  return out;
}

std::string usd(int64_t micros) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "$%.6f", static_cast<double>(micros) / 1e6);
  return buf;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "-" : out;
}

const char* color(Event::Kind k) {
  switch (k) {
    case Event::kMitigated:
      return "warning";
    case Event::kResolved:
    case Event::kDeclined:
      return "good";
    case Event::kNote:
    case Event::kRole:
      return "#439FE0";
    default:
      return "danger";
  }
}

std::string headline(std::string_view stream, const Event& e, const Incident& inc) {
  return "[SEV" + std::to_string(inc.severity) + "] Incident #" + std::to_string(inc.id) + " " +
         std::string(event_name(e.kind)) + ": " + inc.title + " (" + std::string(stream) + ")";
}

std::string body_text(std::string_view stream, const Event& e, const Incident& inc,
                      const Impact* impact) {
  if (stream == "impact" && impact) {
    return std::to_string(impact->requests) + " requests, " + std::to_string(impact->failed) +
           " failed, cost " + usd(impact->cost_micros) + "; providers " + join(impact->providers) +
           "; models " + join(impact->models) + "; " + std::to_string(impact->keys.size()) +
           " keys affected";
  }
  if (stream == "debug") return inc.evidence.empty() ? e.text : inc.evidence;
  return e.text;
}

}  // namespace

bool routed(std::string_view stream, Event::Kind k) {
  if (stream == "debug") return k != Event::kRole;
  if (stream == "impact") {
    return k == Event::kDeclared || k == Event::kMitigated || k == Event::kResolved ||
           k == Event::kReopened;
  }
  if (stream == "comms") return k != Event::kOpened;
  return false;
}

std::optional<std::string> render(const Destination& d, const Event& e, const Incident& inc,
                                  const Impact* impact, const std::string& call_link) {
  std::string title = headline(d.stream, e, inc);
  std::string text = body_text(d.stream, e, inc, impact);
  std::string link;
  if (e.kind == Event::kDeclared && !call_link.empty()) {
    link = call_link;
    for (size_t p; (p = link.find("{id}")) != std::string::npos;) {
      link.replace(p, 4, std::to_string(inc.id));
    }
  }
  if (d.type == "pagerduty") {
    const char* action = e.kind == Event::kDeclared || e.kind == Event::kReopened   ? "trigger"
                         : e.kind == Event::kMitigated                              ? "acknowledge"
                         : e.kind == Event::kResolved || e.kind == Event::kDeclined ? "resolve"
                                                                                    : nullptr;
    if (!action) return std::nullopt;
    const char* sev = inc.severity <= 1   ? "critical"
                      : inc.severity == 2 ? "error"
                      : inc.severity == 3 ? "warning"
                                          : "info";
    return "{\"routing_key\":" + q(d.routing_key) + ",\"event_action\":\"" + action +
           "\",\"dedup_key\":" + q(std::to_string(inc.id)) +
           ",\"payload\":{\"summary\":" + q(title + " - " + text) +
           ",\"source\":\"parapet\",\"severity\":\"" + sev + "\",\"component\":" + q(inc.subject) +
           ",\"class\":" + q(inc.detector) + "}}";
  }
  std::string fields =
      "[{\"title\":\"Status\",\"value\":" + q(std::string(status_name(inc.status))) +
      ",\"short\":true},{\"title\":\"Severity\",\"value\":" +
      q("SEV" + std::to_string(inc.severity)) + ",\"short\":true}";
  if (!inc.commander.empty()) {
    fields += ",{\"title\":\"Commander\",\"value\":" + q(inc.commander) + ",\"short\":true}";
  }
  if (!inc.detector.empty()) {
    fields += ",{\"title\":\"Detector\",\"value\":" + q(inc.detector + " / " + inc.subject) +
              ",\"short\":true}";
  }
  if (impact && d.stream == "impact") {
    fields +=
        ",{\"title\":\"Requests\",\"value\":" + q(std::to_string(impact->requests)) +
        ",\"short\":true},{\"title\":\"Failed\",\"value\":" + q(std::to_string(impact->failed)) +
        ",\"short\":true},{\"title\":\"Cost\",\"value\":" + q(usd(impact->cost_micros)) +
        ",\"short\":true}";
  }
  if (!link.empty()) fields += ",{\"title\":\"Call\",\"value\":" + q(link) + ",\"short\":false}";
  fields += ']';
  if (d.type == "slack") {
    return "{\"text\":" + q(title) + ",\"attachments\":[{\"color\":" + q(color(e.kind)) +
           ",\"title\":" + q(inc.title) + ",\"text\":" + q(text) + ",\"fields\":" + fields + "}]}";
  }
  // Generic webhook.
  std::string out = "{\"event\":" + q(std::string(event_name(e.kind))) +
                    ",\"stream\":" + q(d.stream) + ",\"text\":" + q(text) +
                    ",\"incident\":{\"id\":" + std::to_string(inc.id) +
                    ",\"title\":" + q(inc.title) + ",\"severity\":" + std::to_string(inc.severity) +
                    ",\"status\":" + q(std::string(status_name(inc.status))) +
                    ",\"detector\":" + q(inc.detector) + ",\"subject\":" + q(inc.subject) + "}";
  if (impact) {
    out += ",\"impact\":{\"requests\":" + std::to_string(impact->requests) +
           ",\"failed\":" + std::to_string(impact->failed) +
           ",\"cost_micros\":" + std::to_string(impact->cost_micros) + "}";
  }
  if (!link.empty()) out += ",\"call_link\":" + q(link);
  return out + "}";
}

Result<int> post_json(const std::string& url_text, const std::string& body, int timeout_ms) {
  auto url = parse_url(url_text);
  if (!url) return url.error();
  if (url->tls) {
    return make_error(ErrorCode::kBadRequest, "https destinations are not supported yet");
  }
  namespace beast = boost::beast;
  namespace http = beast::http;
  using boost::asio::ip::tcp;
  try {
    boost::asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    auto results = resolver.resolve(url->host, std::to_string(url->port));
    stream.connect(results);
    // The URL's path is kept whole here (parse_url strips a trailing slash only).
    http::request<http::string_body> req{http::verb::post, url->path.empty() ? "/" : url->path, 11};
    req.set(http::field::host, url->authority());
    req.set(http::field::content_type, "application/json");
    req.set(http::field::user_agent, "parapet-incident");
    req.body() = body;
    req.prepare_payload();
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return static_cast<int>(res.result_int());
  } catch (const std::exception& ex) {
    return make_error(ErrorCode::kUpstreamUnreachable,
                      std::string("POST ") + url_text + ": " + ex.what());
  }
}

}  // namespace parapet::incident
