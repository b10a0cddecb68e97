// `parapet circuits`: the circuit breakers' state from GET /admin/circuits (docs/reliability.md).
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "cli/admin_client.h"
#include "cli/commands.h"

namespace parapet::cli {

namespace {

struct CircuitsArgs {
  std::string admin = "127.0.0.1:8701";
  bool json = false;
};

int run_circuits(const CircuitsArgs& a) {
  auto r = admin_get(a.admin, "/circuits");
  if (!r) {
    std::fprintf(stderr, "parapet: %s\n", r.error().message.c_str());
    return 1;
  }
  if (r->status != 200) {
    std::fprintf(stderr, "parapet: admin API: %s\n", r->body.c_str());
    return 1;
  }
  if (a.json) {
    std::printf("%s\n", r->body.c_str());
    return 0;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array rows;
  if (parser.parse(r->body).get(doc) || doc["circuits"].get_array().get(rows)) {
    std::fprintf(stderr, "parapet: admin API sent bad JSON\n");
    return 1;
  }
  std::printf("%-24s %-10s %6s %12s %16s %12s\n", "upstream", "state", "opens", "consecutive",
              "window fail/req", "open for ms");
  for (auto c : rows) {
    std::string_view up, state;
    if (c["upstream"].get(up) || c["state"].get(state)) continue;
    auto num = [&](const char* key) {
      int64_t v = 0;
      return c[key].get(v) == simdjson::SUCCESS ? v : 0;
    };
    int64_t opens = num("opens"), consecutive = num("consecutive_failures"),
            wreq = num("window_requests"), wfail = num("window_failures"),
            open_for = num("open_for_ms");
    std::string window = std::to_string(wfail) + "/" + std::to_string(wreq);
    std::string upstream(up), st(state);
    std::printf("%-24s %-10s %6lld %12lld %16s %12lld\n", upstream.c_str(), st.c_str(),
                static_cast<long long>(opens), static_cast<long long>(consecutive), window.c_str(),
                static_cast<long long>(open_for));
  }
  return 0;
}

}  // namespace

void add_circuits_command(CLI::App& app) {
  auto a = std::make_shared<CircuitsArgs>();
  CLI::App* c = app.add_subcommand("circuits", "Circuit breaker state per upstream");
  c->add_option("--admin", a->admin, "Admin API HOST:PORT");
  c->add_flag("--json", a->json, "Print the admin API's JSON");
  c->callback([a] { std::exit(run_circuits(*a)); });
}

}  // namespace parapet::cli
