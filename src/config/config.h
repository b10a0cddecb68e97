// The gateway's configuration as one immutable snapshot.
//
// A Snapshot is built by load() from the config file (TOML) with the command-line flags applied on
// top, validated as a whole, and then never changed: a reload builds a new one and each worker
// swaps its pointer on its own thread, so the request path reads configuration without locks.
// Listen addresses and the worker count are read at start only; everything else reloads on SIGHUP.
// Thread-safety: a Snapshot is immutable after load(); share it as shared_ptr<const Snapshot>.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "common/url.h"
#include "cost/price_table.h"
#include "dlp/policy.h"
#include "incident/options.h"
#include "limits/rule.h"
#include "providers/provider.h"
#include "reliability/options.h"

namespace parapet::config {

using Millis = std::chrono::milliseconds;

struct ServerOptions {
  std::string listen = "127.0.0.1:8700";
  std::string admin = "127.0.0.1:8701";
  std::string data_dir = "./parapet-data";
  int workers = 0;  // 0: one per core
  Millis drain_timeout{30000};
};

// Limits on what a client may send; beyond them the request is refused with a precise status.
struct Limits {
  size_t max_body_bytes = 32u << 20;    // 413
  size_t max_header_bytes = 64u << 10;  // request line + headers; 431
  size_t max_header_count = 100;        // 431
  size_t max_uri_bytes = 8192;          // 414
  Millis header_timeout{10000};         // first byte to end of headers; 408
  Millis body_timeout{60000};           // end of headers to end of body; 408
  Millis keepalive_timeout{75000};      // idle between requests on one connection
  Millis send_timeout{60000};           // one write to the client (it does not read); closes
  size_t max_connections = 10000;       // per process; beyond it new connections get 503
  size_t max_connections_per_ip = 0;    // per client address (0: no limit); beyond it 503
};

struct UpstreamOptions {
  Millis connect_timeout{10000};      // DNS + TCP + TLS (+ proxy CONNECT)
  Millis first_byte_timeout{300000};  // request sent to first byte of the answer head
  Millis idle_timeout{120000};        // longest silence while reading an answer
  Millis total_timeout{900000};       // whole exchange
  std::string ca_file;                // extra trust anchors (PEM); system store otherwise
  bool verify_tls = true;
  size_t max_idle_per_host = 128;  // pooled keep-alive connections, per worker
};

// One destination reachable as /{gateway}/{name}/...
struct Upstream {
  std::string name;
  // Built-in provider this name refers to, or nullptr for a custom origin.
  const providers::ProviderSpec* spec = nullptr;
  providers::Protocol protocol = providers::Protocol::kHttp;
  std::string base;  // effective base URL text, no trailing slash
  Url base_url;      // parsed base; unset (empty host) when base is a template (Azure default)
  bool base_is_template = false;
};

// The request log store (SQLite under data_dir) and the queue that feeds it.
struct LogOptions {
  int64_t retention_days = 30;      // older records are deleted; 0 keeps them forever
  uint64_t max_bytes = 1ull << 30;  // database size cap; oldest records go first; 0 = no cap
  size_t queue_capacity = 8192;     // records waiting per worker; beyond it they are dropped
                                    // (counted in parapet_records_dropped_total)
  bool store = true;                // false: records feed analytics and /metrics only
  bool bodies = false;              // keep request/answer bodies (scrubbed) in the store
  size_t body_max_bytes = 16384;    // per body; the rest is cut
};

// A key declared in the config file ([[access.keys]]): the secret is given as its SHA-256 (hex,
// from `parapet keys hash`), a virtual key's provider key by the environment variable holding it,
// so the file itself holds no usable secret.
struct ConfigKey {
  std::string id;
  std::string kind;  // "gateway_token" | "virtual_key"
  std::string name;
  std::string secret_sha256;
  std::string provider;          // virtual keys
  std::string provider_key_env;  // virtual keys
  std::vector<std::string> gateways;
};

struct AccessOptions {
  std::string master_key_file;  // "" = <data_dir>/master.key; PARAPET_MASTER_KEY wins
  std::vector<ConfigKey> keys;
};

struct CostOptions {
  std::string price_file;  // operator overrides merged over the built-in table ("" = none)
};

// The response cache (docs/cache.md). Sizes and persistence are read at start only: the cache
// outlives reloads. Per-gateway TTL and partition mode reload.
struct CacheOptions {
  uint64_t memory_bytes = 64ull << 20;  // memory tier (LRU); answers over 1/8 of it stay on disk
  bool persistent = true;               // <data_dir>/cache.db survives a restart
  uint64_t disk_bytes = 1ull << 30;     // persistent tier cap; oldest answers go first
};
struct GatewayCache {
  std::string gateway;
  int64_t ttl_s = 0;    // [gateways.X] cache_ttl; 0: off unless a request asks
  bool shared = false;  // cache_partition = "shared": tenants share answers
};

// [gateways.X.waf] (docs/waf.md). Strings are checked here; the WAF reads them as actions.
struct GatewayWaf {
  std::string gateway;
  std::string mode = "block";  // block | log | off: caps every match
  std::string body;            // "" (route default: origins block, AI routes log) | block | log
  std::vector<std::pair<std::string, std::string>> overrides;  // rule id → block | log | off
};

struct Snapshot {
  ServerOptions server;
  Limits limits;
  UpstreamOptions upstream;
  CostOptions cost;
  AccessOptions access;
  LogOptions logs;                   // start-only: the store is opened once
  reliability::Options reliability;  // retries, fallbacks, circuit breaker (docs/reliability.md)
  CacheOptions cache;
  incident::Options incident;               // [incident] (docs/incidents.md)
  std::vector<GatewayCache> gateway_cache;  // gateways with cache settings
  // The built-in price table with price_file merged on top; reloads with the config.
  std::shared_ptr<const cost::PriceTable> prices;
  std::vector<std::string> gateways;              // names accepted as /{gateway}/
  std::vector<std::string> gateways_with_bodies;  // [gateways.X] log_bodies = true
  std::vector<std::string> gateways_with_auth;    // [gateways.X] auth = true
  // [[gateways.X.limits]] and [[gateways.X.budgets]] (docs/limits.md); their counters live outside
  // the snapshot (limits::State), keyed by rule id, so a reload keeps them.
  std::vector<limits::Rule> limit_rules;
  std::vector<dlp::Policy> dlp;                         // [gateways.X.dlp] (docs/dlp.md)
  std::vector<GatewayWaf> gateway_waf;                  // gateways with [gateways.X.waf]
  std::unordered_map<std::string, Upstream> upstreams;  // every built-in provider + custom ones
  std::string config_path;                              // "" when running on defaults
  uint64_t generation = 0;                              // 1 at start, +1 per successful reload

  bool has_gateway(std::string_view name) const;
  bool gateway_requires_auth(std::string_view name) const;
  const dlp::Policy* find_dlp(std::string_view gateway) const;  // nullptr: DLP off
  const Upstream* find_upstream(std::string_view name) const;
  // The cache settings of a gateway (defaults when it has none).
  GatewayCache cache_for(std::string_view gateway) const;
  // The WAF settings of a gateway (null: defaults).
  const GatewayWaf* waf_for(std::string_view gateway) const;
};

// What the command line says; applied on top of the file at start and again at every reload.
struct Flags {
  std::string config_path;
  std::string listen, admin, data_dir;  // empty: not given
  std::vector<std::string> upstreams;   // "NAME=URL"
};

// Reads flags.config_path (if any), applies flags, validates. Errors name the file, key and reason.
Result<std::shared_ptr<const Snapshot>> load(const Flags& flags, uint64_t generation = 1);
// Same, from TOML text (tests).
Result<std::shared_ptr<const Snapshot>> load_from_string(std::string_view toml, const Flags& flags,
                                                         uint64_t generation = 1);

}  // namespace parapet::config
