// parapet: flags, config, start — nothing else (STYLE.md).
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "config/config.h"
#include "server/server.h"

#ifndef PARAPET_VERSION
#define PARAPET_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{"Parapet: a self-hosted edge gateway for AI applications"};
  app.require_subcommand(1);

  parapet::config::Flags flags;
  CLI::App* serve = app.add_subcommand("serve", "Run the gateway");
  serve->add_option("--config", flags.config_path, "Config file (TOML); see config/parapet.toml");
  serve->add_option("--listen", flags.listen, "Data plane HOST:PORT (default 127.0.0.1:8700)");
  serve->add_option("--admin", flags.admin, "Admin API HOST:PORT (default 127.0.0.1:8701)");
  serve->add_option("--data-dir", flags.data_dir, "Store directory (default ./parapet-data)");
  serve
      ->add_option("--upstream", flags.upstreams,
                   "NAME=URL: override provider NAME's base URL, or add a plain HTTP origin")
      ->take_all();
  parapet::cli::add_logs_command(app);
  parapet::cli::add_stats_command(app);
  parapet::cli::add_keys_command(app);
  parapet::cli::add_circuits_command(app);
  parapet::cli::add_cache_command(app);
  parapet::cli::add_limits_command(app);
  parapet::cli::add_rules_command(app);
  parapet::cli::add_incident_command(app);
  app.add_subcommand("version", "Print the version")->callback([] {
    std::printf("parapet %s\n", PARAPET_VERSION);
  });

  CLI11_PARSE(app, argc, argv);
  if (!serve->parsed()) return 0;

  // Writes to a closed client socket must fail with EPIPE, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  // Signals are handled by the server's signal_set; block them in threads it starts.
  auto cfg = parapet::config::load(flags);
  if (!cfg) {
    std::fprintf(stderr, "parapet: %s\n", cfg.error().message.c_str());
    return 2;
  }
  parapet::server::Server server(flags, *cfg);
  if (auto started = server.start(); !started) {
    std::fprintf(stderr, "parapet: %s\n", started.error().message.c_str());
    return 1;
  }
  return server.run();
}
