// Shared by the store tests: a fresh directory per test (removed afterwards) and realistic records.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "observe/log_id.h"
#include "store/sqlite_store.h"

namespace parapet::store::testing {

inline constexpr int64_t kT0Ms = 1'790'000'000'000;  // a fixed "now" in 2026, milliseconds

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "parapet-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string db_path() const { return (dir_ / "logs" / "parapet.db").string(); }

  std::unique_ptr<SqliteStore> open(StoreOptions o = {}) {
    if (o.path.empty()) o.path = db_path();
    auto s = SqliteStore::open(std::move(o));
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(*s) : nullptr;
  }

  // A plausible answered chat completion that started at `ms`.
  observe::RequestRecord make(int64_t ms) {
    observe::RequestRecord r;
    r.id = ids_.next(ms);
    r.start_us = ms * 1000 + 123;
    r.first_byte_us = 180'000;
    r.total_us = 950'000;
    r.upstream_us = 940'000;
    r.gateway = "default";
    r.provider = "openai";
    r.method = "POST";
    r.endpoint = "/chat/completions";
    r.model_requested = "gpt-4o-mini";
    r.model_answered = "gpt-4o-mini-2024-07-18";
    r.status = 200;
    r.attempts = 1;
    r.client_ip = "10.0.0.7";
    r.key_id = "key_team_a";
    r.usage.input = 812;
    r.usage.output = 96;
    r.usage.cached_read = 1024;
    r.usage.source = UsageSource::kProvider;
    r.usage.model = r.model_answered;
    r.cost_micros = 180;
    r.price_version = "2026-11-01";
    r.cache_status = "MISS";
    r.bytes_in = 2345;
    r.bytes_out = 1234;
    return r;
  }

  std::vector<std::string> ids(const std::vector<observe::RequestRecord>& rs) {
    std::vector<std::string> out;
    for (const auto& r : rs) out.push_back(r.id);
    return out;
  }

  std::filesystem::path dir_;
  observe::LogIdGenerator ids_;
};

}  // namespace parapet::store::testing
