#include "cache/cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <filesystem>
#include <thread>

namespace parapet::cache {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

EntryPtr entry(size_t body_bytes, std::string gw = "g") {
  auto e = std::make_shared<Entry>();
  e->gateway = std::move(gw);
  e->body.assign(body_bytes, 'x');
  e->created_ms = now_ms();
  e->expires_ms = e->created_ms + 60'000;
  return e;
}

// Runs coroutine `f` on its own io_context thread and waits for it.
template <class F>
void run_on_thread(F f) {
  asio::io_context ioc;
  asio::co_spawn(ioc, std::move(f), asio::detached);
  std::thread t([&] { ioc.run(); });
  t.join();
}

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parapet-cache-c-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Options opts(bool persistent) {
    Options o;
    o.memory_bytes = 80'000;  // entries over 10'000 bytes go to disk only
    o.persistent = persistent;
    o.path = (dir_ / "cache.db").string();
    return o;
  }
  std::filesystem::path dir_;
};

TEST_F(CacheTest, LargeEntriesAreServedFromDiskAndSurviveReopen) {
  {
    auto c = Cache::open(opts(true));
    ASSERT_TRUE(c);
    Cache& cache = **c;
    EntryPtr got_small, got_big;
    run_on_thread([&]() -> awaitable<void> {
      std::string k1 = "small", k2 = "big";
      EntryPtr s = entry(100), b = entry(50'000);
      co_await cache.store(k1, s);
      co_await cache.store(k2, b);  // waits for the disk write: it cannot go to memory
      int64_t now = now_ms();
      got_small = co_await cache.lookup(k1, now);
      got_big = co_await cache.lookup(k2, now);
    });
    ASSERT_NE(got_small, nullptr);
    ASSERT_NE(got_big, nullptr);
    EXPECT_EQ(got_big->body.size(), 50'000u);
  }
  auto c = Cache::open(opts(true));
  ASSERT_TRUE(c);
  EntryPtr got;
  run_on_thread([&]() -> awaitable<void> {
    std::string k = "small";
    int64_t now = now_ms();
    got = co_await (*c)->lookup(k, now);
  });
  ASSERT_NE(got, nullptr) << "the persistent tier survived the restart";
  EXPECT_EQ((*c)->purge(""), 2u);
}

TEST_F(CacheTest, MemoryOnlyCacheForgetsOnReopen) {
  {
    auto c = Cache::open(opts(false));
    ASSERT_TRUE(c);
    run_on_thread([&]() -> awaitable<void> {
      std::string k = "k";
      EntryPtr e = entry(10);
      co_await (*c)->store(k, e);
    });
    EXPECT_NE((*c)->stats_json().find("\"entries\":1,"), std::string::npos);
  }
  auto c = Cache::open(opts(false));
  EntryPtr got;
  run_on_thread([&]() -> awaitable<void> {
    std::string k = "k";
    int64_t now = now_ms();
    got = co_await (*c)->lookup(k, now);
  });
  EXPECT_EQ(got, nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "cache.db"));
}

TEST_F(CacheTest, FlightsWakeWaitersOnOtherThreads) {
  auto c = Cache::open(opts(false));
  ASSERT_TRUE(c);
  Cache& cache = **c;
  bool leader = false;
  auto flight = cache.join("k", leader);
  ASSERT_TRUE(leader);
  bool second_leader = true;
  auto same = cache.join("k", second_leader);
  EXPECT_FALSE(second_leader);
  EXPECT_EQ(same, flight);

  // Three waiters, each on its own thread and io_context, with a deadline far away: only the
  // leader's finish can end their wait quickly.
  constexpr int kWaiters = 3;
  std::atomic<int> parked{0}, woke{0};
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<asio::io_context>> ctxs;
  auto start = Clock::now();
  for (int i = 0; i < kWaiters; ++i) {
    ctxs.push_back(std::make_unique<asio::io_context>());
    asio::io_context& ioc = *ctxs.back();
    asio::co_spawn(
        ioc,
        [&, f = flight]() -> awaitable<void> {
          asio::any_io_executor ex = co_await asio::this_coro::executor;
          Clock::time_point deadline = Clock::now() + std::chrono::seconds(30);
          parked.fetch_add(1);
          co_await f->wait(ex, deadline);
          woke.fetch_add(1);
        },
        asio::detached);
    threads.emplace_back([&ioc] { ioc.run(); });
  }
  while (parked.load() < kWaiters) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let them reach the timer
  EXPECT_EQ(woke.load(), 0);
  cache.finish_flight("k", flight);
  for (auto& t : threads) t.join();
  EXPECT_EQ(woke.load(), kWaiters);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  // The key is free again: the next request leads a new flight.
  bool again = false;
  auto next = cache.join("k", again);
  EXPECT_TRUE(again);
  EXPECT_NE(next, flight);
  cache.finish_flight("k", next);
}

TEST_F(CacheTest, WaitOnAFinishedFlightReturnsAtOnceAndDeadlineBoundsAWait) {
  auto c = Cache::open(opts(false));
  Cache& cache = **c;
  bool leader = false;
  auto done = cache.join("a", leader);
  cache.finish_flight("a", done);
  auto pending = cache.join("b", leader);
  Clock::duration waited_done{}, waited_pending{};
  run_on_thread([&]() -> awaitable<void> {
    asio::any_io_executor ex = co_await asio::this_coro::executor;
    auto t0 = Clock::now();
    Clock::time_point far = t0 + std::chrono::seconds(30);
    co_await done->wait(ex, far);
    waited_done = Clock::now() - t0;
    auto t1 = Clock::now();
    Clock::time_point soon = t1 + std::chrono::milliseconds(50);
    co_await pending->wait(ex, soon);
    waited_pending = Clock::now() - t1;
  });
  EXPECT_LT(waited_done, std::chrono::seconds(1));
  EXPECT_GE(waited_pending, std::chrono::milliseconds(50));
  EXPECT_LT(waited_pending, std::chrono::seconds(5));
  cache.finish_flight("b", pending);
}

}  // namespace
}  // namespace parapet::cache
