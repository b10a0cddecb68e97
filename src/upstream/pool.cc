#include "upstream/pool.h"

namespace parapet::upstream {

std::string pool_key(const Url& url) {
  std::string k = url.tls ? "https://" : "http://";
  k += url.host;
  k += ':';
  k += std::to_string(url.port);
  return k;
}

std::unique_ptr<Connection> Pool::take(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& v = it->second;
  auto now = Clock::now();
  while (!v.empty()) {
    std::unique_ptr<Connection> c = std::move(v.back());
    v.pop_back();
    if (c->stop_watch_idle() && now - c->idle_since < max_idle_) return c;
    c->close();
  }
  return nullptr;
}

void Pool::put(std::unique_ptr<Connection> c, size_t max_per_key) {
  if (closed_) {
    c->close();
    return;
  }
  auto& v = idle_[c->pool_key()];
  if (v.size() >= max_per_key) {
    c->close();
    return;
  }
  c->idle_since = Clock::now();
  c->watch_idle();
  v.push_back(std::move(c));
}

size_t Pool::idle_count() const {
  size_t n = 0;
  for (const auto& [k, v] : idle_) n += v.size();
  return n;
}

Result<std::shared_ptr<asio::ssl::context>> make_tls_context(const std::string& ca_file,
                                                             bool verify) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  ctx->set_default_verify_paths(ec);
  if (ec)
    return make_error(ErrorCode::kInternal, "cannot load system trust store: " + ec.message());
  if (!ca_file.empty()) {
    ctx->load_verify_file(ca_file, ec);
    if (ec) {
      return make_error(ErrorCode::kBadRequest,
                        "cannot load ca_file '" + ca_file + "': " + ec.message());
    }
  }
  ctx->set_verify_mode(verify ? asio::ssl::verify_peer : asio::ssl::verify_none);
  return ctx;
}

}  // namespace parapet::upstream
