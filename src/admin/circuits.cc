#include "admin/circuits.h"

namespace parapet::admin {

std::string circuits_json(const std::vector<reliability::BreakerView>& views) {
  std::string out = "{\"circuits\":[";
  bool first = true;
  for (const auto& v : views) {
    if (!first) out += ',';
    first = false;
    out += "{\"upstream\":\"";
    append_json_escaped(out, v.upstream);
    out += "\",\"state\":\"";
    out += reliability::circuit_state_name(v.state);
    out += "\",\"opens\":" + std::to_string(v.opens);
    out += ",\"consecutive_failures\":" + std::to_string(v.consecutive_failures);
    out += ",\"window_requests\":" + std::to_string(v.window_requests);
    out += ",\"window_failures\":" + std::to_string(v.window_failures);
    out += ",\"open_for_ms\":" + std::to_string(v.open_for_ms);
    out += '}';
  }
  out += "]}";
  return out;
}

Handler circuits_handler(reliability::Breakers& breakers) {
  return [&breakers](const Request& req) -> Reply {
    if (req.method != "GET" && req.method != "HEAD") {
      return error_reply(make_error(ErrorCode::kMethodNotAllowed, "/admin/circuits takes GET"));
    }
    if (req.path != "/circuits") {
      return error_reply(make_error(ErrorCode::kNotFound,
                                    "no admin endpoint " + std::string(req.path.substr(0, 128))));
    }
    return {200, "application/json", circuits_json(breakers.snapshot(reliability::Clock::now()))};
  };
}

void add_circuit_metrics(observe::prom::Writer& w, const reliability::Breakers& breakers) {
  for (const auto& v : breakers.snapshot(reliability::Clock::now())) {
    observe::prom::Labels l{{std::string("upstream"), v.upstream}};
    w.gauge("parapet_circuit_state",
            "Circuit breaker state per upstream: 0 closed, 1 open, 2 half-open.", l,
            static_cast<double>(static_cast<int>(v.state)));
    w.counter("parapet_circuit_opens_total", "Times the upstream's circuit breaker opened.", l,
              v.opens);
  }
}

}  // namespace parapet::admin
