#include "access/registry.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>

#include "store/sqlite.h"

namespace parapet::access {

namespace {

constexpr char kSchema[] = R"(
CREATE TABLE IF NOT EXISTS access_keys(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  provider TEXT NOT NULL DEFAULT '',
  gateways TEXT NOT NULL DEFAULT '',
  provider_key_sealed BLOB,
  created_us INTEGER NOT NULL,
  revoked_us INTEGER
);)";

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += ',';
    s += x;
  }
  return s;
}

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t c = s.find(',');
    if (c != 0) out.emplace_back(s.substr(0, c));
    if (c == std::string_view::npos) break;
    s.remove_prefix(c + 1);
  }
  return out;
}

std::string hint(std::string_view k) {
  if (k.size() < 12) return "...";
  return std::string(k.substr(0, 3)) + "..." + std::string(k.substr(k.size() - 4));
}

KeyInfo info_of(const Key& k, int64_t revoked_us) {
  KeyInfo i;
  i.key = k;
  i.key.secret_hash = {};
  i.key.provider_key.clear();
  if (k.kind == KeyKind::kVirtualKey) i.provider_key_hint = hint(k.provider_key);
  i.revoked_us = revoked_us;
  return i;
}

}  // namespace

Result<std::unique_ptr<Registry>> Registry::open(const std::string& data_dir,
                                                 std::string master_key_env,
                                                 std::string master_key_file) {
  std::unique_ptr<Registry> r(new Registry());
  r->master_key_env_ = std::move(master_key_env);
  r->master_key_file_ = master_key_file.empty() ? data_dir + "/master.key" : master_key_file;
  std::string path = data_dir + "/control.db";
  auto db = store::open_db(path, false, 5000);
  if (!db) return db.error();
  // Sealed provider keys and secret hashes: readable by the gateway's user only.
  ::chmod(path.c_str(), 0600);
  MutexLock l(&r->mu_);
  r->db_ = db->release();
  PARAPET_TRY(store::exec(r->db_, "PRAGMA journal_mode=WAL;"));
  PARAPET_TRY(store::exec(r->db_, kSchema));
  PARAPET_TRY(r->load_stored());
  r->publish();
  return r;
}

Registry::~Registry() {
  MutexLock l(&mu_);
  if (db_) sqlite3_close_v2(db_);
}

Result<const MasterKey*> Registry::master(bool create) {
  if (!master_) {
    auto m = load_master_key(master_key_env_, master_key_file_, create);
    if (!m) return m.error();
    master_ = std::make_unique<MasterKey>(std::move(*m));
  }
  return master_.get();
}

Result<bool> Registry::load_stored() {
  auto st = store::prepare(db_,
                           "SELECT id, kind, name, secret_sha256, provider, gateways, "
                           "provider_key_sealed, created_us, revoked_us FROM access_keys "
                           "ORDER BY created_us");
  if (!st) return st.error();
  stored_.clear();
  revoked_.clear();
  for (;;) {
    int rc = sqlite3_step(st->get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return store::sqlite_error(db_, "reading access_keys");
    sqlite3_stmt* s = st->get();
    Key k;
    k.id = store::column_text(s, 0);
    auto kind = parse_kind(store::column_text(s, 1));
    if (!kind) return make_error(ErrorCode::kInternal, "access_keys: bad kind for " + k.id);
    k.kind = *kind;
    k.name = store::column_text(s, 2);
    if (!from_hex(store::column_text(s, 3), k.secret_hash.data(), k.secret_hash.size())) {
      return make_error(ErrorCode::kInternal, "access_keys: bad secret hash for " + k.id);
    }
    k.provider = store::column_text(s, 4);
    k.gateways = split(store::column_text(s, 5));
    k.created_us = sqlite3_column_int64(s, 7);
    k.origin = "admin";
    bool revoked = sqlite3_column_type(s, 8) != SQLITE_NULL;
    if (revoked) {
      revoked_.push_back(info_of(k, sqlite3_column_int64(s, 8)));
      continue;
    }
    if (k.kind == KeyKind::kVirtualKey) {
      auto m = master(false);
      if (!m) {
        return make_error(ErrorCode::kInternal,
                          "control.db holds virtual keys but the master key is missing (" +
                              m.error().message +
                              "); set PARAPET_MASTER_KEY or [access] "
                              "master_key_file");
      }
      const void* blob = sqlite3_column_blob(s, 6);
      std::string_view sealed(static_cast<const char*>(blob),
                              static_cast<size_t>(sqlite3_column_bytes(s, 6)));
      auto plain = unseal(**m, sealed, k.id);
      if (!plain) {
        return make_error(ErrorCode::kInternal,
                          "virtual key " + k.id + ": " + plain.error().message);
      }
      k.provider_key = std::move(*plain);
    }
    stored_.push_back(std::move(k));
  }
  return true;
}

void Registry::publish() {
  std::vector<Key> all = config_;
  all.insert(all.end(), stored_.begin(), stored_.end());
  published_.set(std::make_shared<const KeySet>(std::move(all)));
}

Result<bool> Registry::set_config_keys(std::vector<Key> keys) {
  MutexLock l(&mu_);
  for (const auto& k : keys) {
    for (const auto& s : stored_) {
      if (s.id == k.id) {
        return make_error(ErrorCode::kBadRequest, "[[access.keys]] id '" + k.id +
                                                      "' is also a key created through the "
                                                      "admin API");
      }
    }
  }
  config_ = std::move(keys);
  for (auto& k : config_) k.origin = "config";
  publish();
  return true;
}

Result<Created> Registry::create(const NewKey& nk, int64_t now_us) {
  MutexLock l(&mu_);
  if (nk.kind == KeyKind::kVirtualKey && (nk.provider.empty() || nk.provider_key.empty())) {
    return make_error(ErrorCode::kBadRequest, "a virtual key needs provider and provider_key");
  }
  if (nk.kind == KeyKind::kVirtualKey && looks_like_virtual_key(nk.provider_key)) {
    return make_error(ErrorCode::kBadRequest, "provider_key must be the provider's own key");
  }
  Created c;
  c.key.kind = nk.kind;
  c.key.name = nk.name;
  c.key.gateways = nk.gateways;
  c.key.provider = nk.kind == KeyKind::kVirtualKey ? nk.provider : std::string();
  c.key.created_us = now_us;
  c.key.origin = "admin";
  c.key.id = random_token(12);
  std::string secret = random_token(32);
  c.key.secret_hash = sha256(secret);
  c.secret = format_secret(nk.kind, c.key.id, secret);
  std::string sealed;
  if (nk.kind == KeyKind::kVirtualKey) {
    auto m = master(true);
    if (!m) return m.error();
    auto s = seal(**m, nk.provider_key, c.key.id);
    if (!s) return s.error();
    sealed = std::move(*s);
  }
  auto st = store::prepare(db_,
                           "INSERT INTO access_keys(id, kind, name, secret_sha256, provider, "
                           "gateways, provider_key_sealed, created_us) VALUES(?,?,?,?,?,?,?,?)");
  if (!st) return st.error();
  sqlite3_stmt* s = st->get();
  std::string hash_hex = to_hex(c.key.secret_hash), gws = join(c.key.gateways);
  std::string_view kind = kind_name(c.key.kind);
  store::bind_text(s, 1, c.key.id);
  store::bind_text(s, 2, kind);
  store::bind_text(s, 3, c.key.name);
  store::bind_text(s, 4, hash_hex);
  store::bind_text(s, 5, c.key.provider);
  store::bind_text(s, 6, gws);
  if (sealed.empty()) {
    sqlite3_bind_null(s, 7);
  } else {
    sqlite3_bind_blob(s, 7, sealed.data(), static_cast<int>(sealed.size()), SQLITE_STATIC);
  }
  sqlite3_bind_int64(s, 8, now_us);
  if (sqlite3_step(s) != SQLITE_DONE) return store::sqlite_error(db_, "storing a key");
  Key live = c.key;
  live.provider_key = nk.provider_key;
  stored_.push_back(std::move(live));
  publish();
  return c;
}

Result<bool> Registry::revoke(std::string_view id, int64_t now_us) {
  MutexLock l(&mu_);
  for (const auto& k : config_) {
    if (k.id == id) {
      return make_error(ErrorCode::kForbidden, "key " + std::string(id) +
                                                   " is defined in the config file; remove it "
                                                   "there and reload");
    }
  }
  auto it = std::find_if(stored_.begin(), stored_.end(), [&](const Key& k) { return k.id == id; });
  if (it == stored_.end()) {
    return make_error(ErrorCode::kNotFound, "no active key " + std::string(id));
  }
  auto st = store::prepare(db_, "UPDATE access_keys SET revoked_us = ? WHERE id = ?");
  if (!st) return st.error();
  sqlite3_bind_int64(st->get(), 1, now_us);
  store::bind_text(st->get(), 2, id);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return store::sqlite_error(db_, "revoking a key");
  revoked_.push_back(info_of(*it, now_us));
  stored_.erase(it);
  publish();
  return true;
}

std::vector<KeyInfo> Registry::list() const {
  MutexLock l(&mu_);
  std::vector<KeyInfo> out;
  for (const auto& k : config_) out.push_back(info_of(k, 0));
  for (const auto& k : stored_) out.push_back(info_of(k, 0));
  out.insert(out.end(), revoked_.begin(), revoked_.end());
  return out;
}

std::shared_ptr<const KeySet> Registry::current() const { return published_.get(); }

}  // namespace parapet::access
