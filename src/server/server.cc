#include "server/server.h"

#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "access/config_keys.h"
#include "access/registry.h"
#include "admin/cache.h"
#include "admin/circuits.h"
#include "admin/incidents.h"
#include "admin/keys.h"
#include "admin/limits.h"
#include "admin/live_tail.h"
#include "admin/rules.h"
#include "cache/cache.h"
#include "incident/manager.h"
#include "limits/counters.h"
#include "limits/metrics.h"
#include "limits/registry.h"
#include "limits/seed.h"
#include "observe/analytics.h"
#include "observe/prometheus.h"
#include "observe/recorder.h"
#include "pipeline/exchange.h"
#include "rules/metrics.h"
#include "rules/registry.h"
#include "server/admin_server.h"
#include "server/worker.h"
#include "store/sqlite_store.h"
#include "upstream/pool.h"

#ifndef PARAPET_VERSION
#define PARAPET_VERSION "0.1.0"
#endif

namespace parapet::server {

Result<tcp::endpoint> parse_endpoint(const std::string& text) {
  std::string host;
  std::string_view port_text;
  if (text.starts_with('[')) {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return make_error(ErrorCode::kBadRequest, "bad address '" + text + "', want [v6]:PORT");
    }
    host = text.substr(1, close - 1);
    port_text = std::string_view(text).substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
      return make_error(ErrorCode::kBadRequest, "bad address '" + text + "', want HOST:PORT");
    }
    host = text.substr(0, colon);
    port_text = std::string_view(text).substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return make_error(ErrorCode::kBadRequest, "bad port in '" + text + "'");
  }
  if (host.empty() || host == "*") host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code aec;
  auto addr = asio::ip::make_address(host, aec);
  if (aec)
    return make_error(ErrorCode::kBadRequest, "bad host in '" + text + "': use an IP address");
  return tcp::endpoint(addr, static_cast<uint16_t>(port));
}

namespace {
std::string endpoint_text(const tcp::endpoint& ep) {
  std::string a = ep.address().to_string();
  if (ep.address().is_v6()) a = "[" + a + "]";
  return a + ":" + std::to_string(ep.port());
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int worker_count(const config::Snapshot& s) {
  if (s.server.workers > 0) return s.server.workers;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}
}  // namespace

Server::Server(config::Flags flags, std::shared_ptr<const config::Snapshot> cfg)
    : flags_(std::move(flags)), cfg_(std::move(cfg)), shared_(std::make_unique<Shared>()) {
  shared_->proxy = upstream::ProxySettings::from_env();
  breakers_ = std::make_unique<reliability::Breakers>();
  shared_->breakers = breakers_.get();
}

Server::~Server() {
  // Workers first (they offer records), then the recorder (it drains into the consumers).
  workers_.clear();
  if (recorder_) recorder_->stop();
  if (incidents_) incidents_->stop();
}

Result<bool> Server::start() {
  std::error_code fec;
  std::filesystem::create_directories(cfg_->server.data_dir, fec);
  if (fec) {
    return make_error(ErrorCode::kInternal,
                      "cannot create data dir '" + cfg_->server.data_dir + "': " + fec.message());
  }
  auto tls = upstream::make_tls_context(cfg_->upstream.ca_file, cfg_->upstream.verify_tls);
  if (!tls) return tls.error();
  auto data_ep = parse_endpoint(cfg_->server.listen);
  if (!data_ep) return data_ep.error();
  auto admin_ep = parse_endpoint(cfg_->server.admin);
  if (!admin_ep) return admin_ep.error();

  store::StoreOptions so;
  so.path = (std::filesystem::path(cfg_->server.data_dir) / "logs.db").string();
  so.retention.max_age_days = cfg_->logs.retention_days;
  so.retention.max_bytes = cfg_->logs.max_bytes;
  auto st = store::SqliteStore::open(std::move(so));
  if (!st) return st.error();
  store_ = std::move(*st);
  auto reg = access::Registry::open(cfg_->server.data_dir,
                                    access::getenv_lookup("PARAPET_MASTER_KEY").value_or(""),
                                    cfg_->access.master_key_file);
  if (!reg) return reg.error();
  access_ = std::move(*reg);
  auto config_keys = access::keys_from_config(cfg_->access, access::getenv_lookup);
  if (!config_keys) return config_keys.error();
  PARAPET_TRY(access_->set_config_keys(std::move(*config_keys)));
  shared_->access = access_.get();
  analytics_ = std::make_unique<observe::Analytics>();
  tail_ = std::make_unique<admin::LiveTail>(ioc_);

  int n = worker_count(*cfg_);
  auto limits = limits::Registry::open(cfg_->server.data_dir);
  if (!limits) return limits.error();
  limits_ = std::move(*limits);
  PARAPET_TRY(limits_->set_config_rules(cfg_->limit_rules));
  limit_state_ = std::make_unique<limits::State>(static_cast<size_t>(n));
  PARAPET_TRY(limits::seed_budgets(*limit_state_, *limits_->current(), logs_db_path(), now_ms()));
  shared_->limits = limits_.get();
  shared_->limit_state = limit_state_.get();
  auto waf = rules::Registry::open(cfg_->server.data_dir);
  if (!waf) return waf.error();
  waf_ = std::move(*waf);
  waf_counters_ = std::make_unique<rules::MatchCounters>();
  shared_->waf = waf_.get();
  shared_->waf_counters = waf_counters_.get();
  observe::RecorderOptions ro;
  ro.workers = static_cast<size_t>(n);
  ro.ring_capacity = cfg_->logs.queue_capacity;
  recorder_ = std::make_unique<observe::Recorder>(ro);
  if (cfg_->logs.store) recorder_->add_consumer(*store_);
  recorder_->add_consumer(*analytics_);
  recorder_->add_consumer(*tail_);
  {
    // Incidents: detectors on the record stream, after the store so impact queries see the batch.
    auto ist = incident::Store::open(
        (std::filesystem::path(cfg_->server.data_dir) / "incidents.db").string());
    if (!ist) return ist.error();
    // https destinations trust what upstreams trust: the system store plus [upstream] ca_file.
    incidents_ = std::make_unique<incident::Manager>(
        cfg_->incident, std::move(*ist), logs_db_path(), incident::Manager::Clock{},
        [ca = cfg_->upstream.ca_file](const std::string& url, const std::string& body,
                                      int64_t timeout_us) {
          return incident::http_post_json(url, body, timeout_us, ca);
        });
    recorder_->add_consumer(*incidents_);
    incidents_->start();
  }
  recorder_->start();
  shared_->recorder = recorder_.get();
  cache::Options co;
  co.memory_bytes = cfg_->cache.memory_bytes;
  co.persistent = cfg_->cache.persistent;
  co.disk_bytes = cfg_->cache.disk_bytes;
  co.path = (std::filesystem::path(cfg_->server.data_dir) / "cache.db").string();
  auto cache = cache::Cache::open(co);
  if (!cache) return cache.error();
  cache_ = std::move(*cache);
  shared_->cache = cache_.get();

  tcp::endpoint bound = *data_ep;
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>(i, *shared_, cfg_, *tls);
    // With port 0 the first worker picks the port and the others join it.
    auto ep = w->listen(bound);
    if (!ep) return ep.error();
    bound = *ep;
    workers_.push_back(std::move(w));
  }
  admin_ = std::make_unique<AdminServer>(
      ioc_, admin::Services{store_.get(), analytics_.get(), recorder_.get()}, *tail_,
      AdminHooks{[this] { return draining_; }, [this] { return metrics_text(); },
                 [this] { return cfg_->generation; }});
  admin_->handle("/keys", admin::keys_handler(*access_));
  admin_->handle("/incidents", admin::incidents_handler(*incidents_));
  admin_->handle("/status", admin::status_handler(*incidents_, [this] {
                   // Components: providers that answered in the last 24 hours.
                   int64_t now = now_ms() * 1000;
                   std::vector<std::string> out;
                   for (const auto& row : analytics_->query(now - 86'400'000'000LL, now + 1,
                                                            observe::kGroupProvider)) {
                     if (!row.group.provider.empty()) out.push_back(row.group.provider);
                   }
                   return out;
                 }));
  admin_->handle("/circuits", admin::circuits_handler(*breakers_));
  admin_->handle("/cache",
                 [c = cache_.get()](const admin::Request& r) { return admin::cache_admin(*c, r); });
  admin_->handle("/limits", admin::limits_handler(
                                *limits_, *limit_state_, logs_db_path(),
                                [this](std::string_view g) { return cfg_->has_gateway(g); }));
  admin_->handle("/rules",
                 admin::rules_handler(*waf_, logs_db_path(), [this](const std::string& w) {
                   incidents_->change_applied("rules", w);
                 }));
  // The admin API's token (docs/access.md): read once at start; unset means no check, which is
  // what the default 127.0.0.1-only admin listener is for.
  if (const char* token = std::getenv("PARAPET_ADMIN_TOKEN"); token && *token) {
    admin_->require_token(token);
  }
  auto admin_bound = admin_->listen(*admin_ep);
  if (!admin_bound) return admin_bound.error();
  // Signal handling is in place before anyone can learn our ports: a supervisor that sends SIGHUP
  // right after the listening line must not kill us with the default action.
  signals_ = std::make_unique<asio::signal_set>(ioc_, SIGHUP, SIGTERM, SIGINT);
  wait_signal();
  for (auto& w : workers_) w->start();
  admin_->start();
  std::printf("listening data=%s admin=%s\n", endpoint_text(bound).c_str(),
              endpoint_text(*admin_bound).c_str());
  std::fflush(stdout);
  return true;
}

std::string Server::logs_db_path() const {
  return (std::filesystem::path(cfg_->server.data_dir) / "logs.db").string();
}

void Server::reload() {
  auto next = config::load(flags_, cfg_->generation + 1);
  if (!next) {
    std::fprintf(stderr, "parapet: reload failed, keeping the running config: %s\n",
                 next.error().message.c_str());
    return;
  }
  std::shared_ptr<asio::ssl::context> tls;
  if ((*next)->upstream.ca_file != cfg_->upstream.ca_file ||
      (*next)->upstream.verify_tls != cfg_->upstream.verify_tls) {
    auto t = upstream::make_tls_context((*next)->upstream.ca_file, (*next)->upstream.verify_tls);
    if (!t) {
      std::fprintf(stderr, "parapet: reload failed, keeping the running config: %s\n",
                   t.error().message.c_str());
      return;
    }
    tls = *t;
  }
  auto config_keys = access::keys_from_config((*next)->access, access::getenv_lookup);
  if (config_keys) {
    auto set = access_->set_config_keys(std::move(*config_keys));
    if (!set) config_keys = set.error();
  }
  if (!config_keys) {
    std::fprintf(stderr, "parapet: reload failed, keeping the running config: %s\n",
                 config_keys.error().message.c_str());
    return;
  }
  if (auto set = limits_->set_config_rules((*next)->limit_rules); !set) {
    std::fprintf(stderr, "parapet: reload failed, keeping the running config: %s\n",
                 set.error().message.c_str());
    return;
  }
  if (auto seeded =
          limits::seed_budgets(*limit_state_, *limits_->current(), logs_db_path(), now_ms());
      !seeded) {
    std::fprintf(stderr, "parapet: budget spend not seeded: %s\n", seeded.error().message.c_str());
  }
  cfg_ = *next;
  for (auto& w : workers_) w->update_config(cfg_, tls);
  incidents_->reconfigure(cfg_->incident);
  incidents_->config_reloaded(cfg_->generation);
  std::fprintf(stderr, "parapet: config reloaded (generation %llu)\n",
               static_cast<unsigned long long>(cfg_->generation));
}

void Server::begin_drain() {
  if (draining_) return;
  draining_ = true;
  std::fprintf(stderr, "parapet: draining (up to %lld ms)\n",
               static_cast<long long>(cfg_->server.drain_timeout.count()));
  for (auto& w : workers_) w->drain();
  auto deadline = Clock::now() + cfg_->server.drain_timeout;
  // Polls the session counts: shutdown is rare, and this keeps workers free of callbacks into us.
  asio::co_spawn(
      ioc_,
      [this, deadline]() -> awaitable<void> {
        asio::steady_timer t(ioc_);
        bool forced = false;
        for (;;) {
          size_t open = 0;
          for (auto& w : workers_) open += w->sessions();
          if (open == 0) break;
          if (!forced && Clock::now() >= deadline) {
            std::fprintf(stderr, "parapet: drain deadline reached, closing %zu connections\n",
                         open);
            for (auto& w : workers_) w->force_close();
            forced = true;
          }
          t.expires_after(std::chrono::milliseconds(20));
          co_await t.async_wait(use_nothrow);
        }
        boost::system::error_code ec;
        // Every record of the drained requests reaches the store before we exit.
        for (auto& w : workers_) w->join();
        recorder_->stop();
        admin_->stop();
        signals_->cancel(ec);
        ioc_.stop();
      },
      asio::detached);
}

void Server::wait_signal() {
  signals_->async_wait([this](boost::system::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      reload();
    } else {
      begin_drain();
    }
    wait_signal();
  });
}

int Server::run() {
  ioc_.run();
  for (auto& w : workers_) w->join();
  return 0;
}

std::string Server::metrics_text() const {
  observe::prom::Writer w;
  size_t open = 0;
  for (const auto& wk : workers_) {
    observe::add_request_counters(w, wk->counters());
    open += wk->sessions();
  }
  w.gauge("parapet_connections_open", "Client connections open now.", {},
          static_cast<double>(open));
  observe::RecorderStats rs = recorder_->stats();
  w.counter("parapet_records_total", "Request records accepted by the recorder queue.", {},
            rs.enqueued);
  w.counter("parapet_records_dropped_total",
            "Request records dropped because the recorder queue was full.", {}, rs.dropped);
  w.gauge("parapet_record_queue_depth", "Request records waiting to be stored.", {},
          static_cast<double>(rs.depth));
  store::StoreStats ss = store_->stats();
  w.counter("parapet_store_rows_written_total", "Rows written to the log store.", {},
            ss.rows_written);
  w.counter("parapet_store_write_errors_total", "Failed log store writes.", {}, ss.write_errors);
  observe::add_analytics_metrics(w, *analytics_);
  admin::add_circuit_metrics(w, *breakers_);
  cache_->add_metrics(w);
  limits::add_metrics(w, *limit_state_, *limits_->current(), now_ms());
  waf_counters_->write(w);
  return w.text();
}

}  // namespace parapet::server
