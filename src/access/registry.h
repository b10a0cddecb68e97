// The keys the gateway knows: the ones created through the admin API (persisted in
// <data_dir>/control.db, provider keys sealed under the master key) plus the ones the config file
// declares. Every change publishes a new immutable KeySet; workers pick it up on their next
// request through a View, so a created or revoked key takes effect at once, without a restart.
//
// The master key is needed only when virtual keys are stored: it comes from PARAPET_MASTER_KEY or
// the configured file (default <data_dir>/master.key, created on first use with mode 0600).
// Thread-safety: Registry methods are safe from any thread (one mutex, never taken on the request
// path in the steady state); a View belongs to one worker thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "access/keys.h"
#include "common/error.h"
#include "common/mutex.h"
#include "common/published.h"

struct sqlite3;

namespace parapet::access {

struct NewKey {
  KeyKind kind = KeyKind::kGatewayToken;
  std::string name;
  std::vector<std::string> gateways;
  std::string provider, provider_key;  // virtual keys
};

struct Created {
  Key key;             // provider_key cleared
  std::string secret;  // the full pgt_/pvk_ text; shown once, never stored
};

// One row of the listing: no secret, no provider key (a fingerprint only).
struct KeyInfo {
  Key key;                        // secret_hash and provider_key cleared
  std::string provider_key_hint;  // "sk-...wxyz" style: first 3 and last 4 characters
  int64_t revoked_us = 0;
};

class Registry {
 public:
  // Opens (creates) control.db under data_dir and loads its keys. master_key_env is the value of
  // PARAPET_MASTER_KEY ("" when unset); master_key_file "" means <data_dir>/master.key.
  static Result<std::unique_ptr<Registry>> open(const std::string& data_dir,
                                                std::string master_key_env,
                                                std::string master_key_file);
  ~Registry();

  // Replaces the config file's keys (at start and on every reload). Ids must not clash with
  // stored ones.
  Result<bool> set_config_keys(std::vector<Key> keys);
  Result<Created> create(const NewKey& k, int64_t now_us);
  // kNotFound for an unknown id; kForbidden for a key that lives in the config file.
  Result<bool> revoke(std::string_view id, int64_t now_us);
  std::vector<KeyInfo> list() const;

  std::shared_ptr<const KeySet> current() const;
  uint64_t generation() const { return published_.generation(); }

 private:
  Registry() = default;
  Result<bool> load_stored() EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Result<const MasterKey*> master(bool create) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void publish() EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::string master_key_env_, master_key_file_;
  mutable Mutex mu_;
  sqlite3* db_ GUARDED_BY(mu_) = nullptr;
  std::unique_ptr<MasterKey> master_ GUARDED_BY(mu_);
  std::vector<Key> stored_ GUARDED_BY(mu_), config_ GUARDED_BY(mu_);
  std::vector<KeyInfo> revoked_ GUARDED_BY(mu_);
  Published<KeySet> published_;
};

// A worker's cached pointer to the current KeySet (common/published.h).
using View = CachedView<KeySet, Registry>;

}  // namespace parapet::access
