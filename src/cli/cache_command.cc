// `parapet cache stats` and `parapet cache purge [--gateway G]`: /admin/cache from a terminal.
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/admin_client.h"
#include "cli/commands.h"

namespace parapet::cli {

namespace {

struct CacheArgs {
  std::string admin = "127.0.0.1:8701";
  std::string gateway;
  bool json = false;
};

uint64_t field(simdjson::dom::element e, std::string_view path) {
  uint64_t v = 0;
  if (e.at_pointer(path).get_uint64().get(v) != simdjson::SUCCESS) return 0;
  return v;
}

// Query-string escaping for a gateway name ([a-z0-9-_] by config rule, escaped anyway).
std::string pct(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int answer_or_fail(const Result<AdminAnswer>& a) {
  if (!a) {
    std::fprintf(stderr, "parapet: %s\n", a.error().message.c_str());
    return 1;
  }
  if (a.value().status != 200) {
    std::fprintf(stderr, "parapet: admin API answered %d: %s\n", a.value().status,
                 a.value().body.c_str());
    return 1;
  }
  return 0;
}

int run_stats(const CacheArgs& a) {
  auto ans = admin_get(a.admin, "/admin/cache");
  if (int rc = answer_or_fail(ans)) return rc;
  const std::string& body = ans.value().body;
  if (a.json) {
    std::printf("%s\n", body.c_str());
    return 0;
  }
  simdjson::dom::parser p;
  simdjson::dom::element root;
  if (p.parse(body).get(root) != simdjson::SUCCESS) {
    std::fprintf(stderr, "parapet: admin API answered something that is not JSON\n");
    return 1;
  }
  uint64_t hits = field(root, "/hits"), misses = field(root, "/misses");
  double rate = hits + misses ? 100.0 * static_cast<double>(hits) / (hits + misses) : 0;
  std::printf("entries    %llu (%llu bytes)\n", (unsigned long long)field(root, "/entries"),
              (unsigned long long)field(root, "/bytes"));
  std::printf("memory     %llu entries, %llu / %llu bytes, %llu evicted\n",
              (unsigned long long)field(root, "/memory/entries"),
              (unsigned long long)field(root, "/memory/bytes"),
              (unsigned long long)field(root, "/memory/max_bytes"),
              (unsigned long long)field(root, "/memory/evictions"));
  bool disk = false;
  if (root.at_pointer("/disk/enabled").get(disk) != simdjson::SUCCESS) disk = false;
  if (disk) {
    std::printf("disk       %llu entries, %llu / %llu bytes, %llu evicted\n",
                (unsigned long long)field(root, "/disk/entries"),
                (unsigned long long)field(root, "/disk/bytes"),
                (unsigned long long)field(root, "/disk/max_bytes"),
                (unsigned long long)field(root, "/disk/evictions"));
  } else {
    std::printf("disk       off\n");
  }
  std::printf("hits       %llu (%.1f%% of lookups)\n", (unsigned long long)hits, rate);
  std::printf("misses     %llu\n", (unsigned long long)misses);
  std::printf("bypasses   %llu\n", (unsigned long long)field(root, "/bypasses"));
  std::printf("coalesced  %llu\n", (unsigned long long)field(root, "/coalesced"));
  std::printf("stores     %llu\n", (unsigned long long)field(root, "/stores"));
  return 0;
}

int run_purge(const CacheArgs& a) {
  std::string target = "/admin/cache";
  if (!a.gateway.empty()) target += "?gateway=" + pct(a.gateway);
  auto ans = admin_call(a.admin, "DELETE", target, {});
  if (int rc = answer_or_fail(ans)) return rc;
  if (a.json) {
    std::printf("%s\n", ans.value().body.c_str());
    return 0;
  }
  simdjson::dom::parser p;
  simdjson::dom::element root;
  uint64_t n = 0;
  if (p.parse(ans.value().body).get(root) == simdjson::SUCCESS) n = field(root, "/purged");
  std::printf("purged %llu cached answers%s%s\n", (unsigned long long)n,
              a.gateway.empty() ? "" : " of gateway ", a.gateway.c_str());
  return 0;
}

}  // namespace

void add_cache_command(CLI::App& app) {
  auto a = std::make_shared<CacheArgs>();
  CLI::App* c = app.add_subcommand("cache", "Response cache: stats and purge");
  c->require_subcommand(1);
  CLI::App* stats = c->add_subcommand("stats", "Entries, sizes, hits, misses, coalesced");
  stats->add_option("--admin", a->admin, "Admin API HOST:PORT");
  stats->add_flag("--json", a->json, "Print the admin API's JSON");
  stats->callback([a] { std::exit(run_stats(*a)); });
  CLI::App* purge = c->add_subcommand("purge", "Drop cached answers (all, or one gateway's)");
  purge->add_option("--admin", a->admin, "Admin API HOST:PORT");
  purge->add_option("--gateway", a->gateway, "Only this gateway's answers");
  purge->add_flag("--json", a->json, "Print the admin API's JSON");
  purge->callback([a] { std::exit(run_purge(*a)); });
}

}  // namespace parapet::cli
