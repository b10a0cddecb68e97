#include "observe/recorder.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace parapet::observe {
namespace {

using namespace std::chrono_literals;

// Remembers what it was given; the test thread waits on it without sleeping blindly.
class Collector : public core::RecordConsumer {
 public:
  void consume(std::span<const RequestRecord> batch) override {
    std::lock_guard lock(mu_);
    batch_sizes.push_back(batch.size());
    for (const RequestRecord& r : batch) {
      seen.emplace_back(r.gateway, r.start_us);
    }
    cv_.notify_all();
  }
  void flush() override {
    std::lock_guard lock(mu_);
    ++flushes;
    flushed_at_consumed = seen.size();
    cv_.notify_all();
  }
  // Waits (bounded) until pred() holds under the lock.
  template <class P>
  bool wait_for(P pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, pred);
  }

  std::vector<std::pair<std::string, int64_t>> seen;  // (producer, sequence)
  std::vector<size_t> batch_sizes;
  size_t flushes = 0, flushed_at_consumed = 0;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
};

RequestRecord make(size_t worker, int64_t seq) {
  RequestRecord r;
  r.gateway = "w" + std::to_string(worker);
  r.start_us = seq;
  r.model_requested = "gpt-4o-mini";  // something to move
  return r;
}

TEST(Recorder, EveryRecordConsumedOnceInPerProducerOrder) {
  constexpr size_t kWorkers = 4;
  constexpr int64_t kPerWorker = 20000;
  RecorderOptions o;
  o.workers = kWorkers;
  o.ring_capacity = 256;  // small: producers overrun it and must retry
  o.max_batch = 100;
  Recorder rec(o);
  Collector c;
  rec.add_consumer(c);
  rec.start();
  std::vector<uint64_t> refused(kWorkers, 0);
  std::vector<std::thread> producers;
  for (size_t w = 0; w < kWorkers; ++w) {
    producers.emplace_back([&, w] {
      for (int64_t i = 0; i < kPerWorker; ++i) {
        RequestRecord r = make(w, i);
        while (!rec.offer(w, std::move(r))) {  // refused: r is intact, try again
          ++refused[w];
          std::this_thread::yield();
        }
      }
    });
  }
  for (auto& t : producers) t.join();
  rec.stop();

  ASSERT_EQ(c.seen.size(), kWorkers * kPerWorker);
  std::vector<int64_t> next(kWorkers, 0);
  for (const auto& [gw, seq] : c.seen) {
    const size_t w = std::stoul(gw.substr(1));
    ASSERT_EQ(seq, next[w]) << "producer " << w;
    ++next[w];
  }
  for (size_t b : c.batch_sizes) EXPECT_LE(b, 100u);
  const RecorderStats s = rec.stats();
  EXPECT_EQ(s.enqueued, kWorkers * kPerWorker);
  EXPECT_EQ(s.consumed, kWorkers * kPerWorker);
  EXPECT_EQ(s.dropped, refused[0] + refused[1] + refused[2] + refused[3]);
  EXPECT_EQ(s.depth, 0u);
  EXPECT_EQ(s.batches, c.batch_sizes.size());
}

TEST(Recorder, OverflowIsCountedNotSilent) {
  RecorderOptions o;
  o.ring_capacity = 8;
  Recorder rec(o);
  Collector c;
  rec.add_consumer(c);
  size_t accepted = 0;
  for (int i = 0; i < 20; ++i) accepted += rec.offer(0, make(0, i));  // not started: nobody drains
  EXPECT_EQ(accepted, 8u);
  RecorderStats s = rec.stats();
  EXPECT_EQ(s.enqueued, 8u);
  EXPECT_EQ(s.dropped, 12u);
  EXPECT_EQ(s.depth, 8u);
  rec.start();
  rec.stop();
  s = rec.stats();
  EXPECT_EQ(s.consumed, 8u);
  EXPECT_EQ(s.depth, 0u);
  ASSERT_EQ(c.seen.size(), 8u);
  EXPECT_EQ(c.seen.back().second, 7);  // the first eight were kept, the rest refused
}

TEST(Recorder, StopDrainsEverythingAndFlushes) {
  RecorderOptions o;
  o.workers = 2;
  o.batch_window = 1h;  // only stop() can deliver
  o.flush_interval = 1h;
  o.idle_flush_interval = 1h;
  Recorder rec(o);
  Collector a, b;
  rec.add_consumer(a);
  rec.add_consumer(b);
  rec.start();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(rec.offer(i % 2, make(i % 2, i)));
  rec.stop();
  EXPECT_EQ(a.seen.size(), 1000u);
  EXPECT_EQ(b.seen, a.seen);  // every consumer, same records, same order
  EXPECT_EQ(a.flushes, 1u);
  EXPECT_EQ(a.flushed_at_consumed, 1000u);  // the final flush comes after the last batch
  EXPECT_EQ(rec.stats().consumed, 1000u);
}

TEST(Recorder, StopWithoutStartDrainsOnTheCallingThread) {
  Recorder rec(RecorderOptions{});
  Collector c;
  rec.add_consumer(c);
  ASSERT_TRUE(rec.offer(0, make(0, 1)));
  rec.stop();
  EXPECT_EQ(c.seen.size(), 1u);
  EXPECT_EQ(c.flushes, 1u);
}

TEST(Recorder, OfferAfterStopIsRefusedAndCounted) {
  Recorder rec(RecorderOptions{});
  rec.start();
  rec.stop();
  EXPECT_FALSE(rec.offer(0, make(0, 1)));
  EXPECT_EQ(rec.stats().dropped, 1u);
  EXPECT_EQ(rec.stats().enqueued, 0u);
}

TEST(Recorder, LoneRecordIsDeliveredWithinTheBatchWindowAndFlushed) {
  RecorderOptions o;
  o.batch_window = 20ms;
  o.flush_interval = 20ms;
  Recorder rec(o);
  Collector c;
  rec.add_consumer(c);
  rec.start();
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(rec.offer(0, make(0, 42)));
  ASSERT_TRUE(c.wait_for([&] { return c.seen.size() == 1 && c.flushes >= 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(c.seen[0].second, 42);
  EXPECT_EQ(rec.stats().consumed, 1u);
  rec.stop();
}

TEST(Recorder, ProducersDoNotWakeTheRecorderPerRecord) {
  RecorderOptions o;
  o.batch_window = 200ms;
  o.max_batch = 100000;
  Recorder rec(o);
  Collector c;
  rec.add_consumer(c);
  rec.start();
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(rec.offer(0, make(0, i)));
  ASSERT_TRUE(c.wait_for([&] { return c.seen.size() == 2000; }));
  // One wake when the first record arrives to an idle recorder; the rest ride the open batch.
  EXPECT_LE(rec.stats().wakeups, 3u);
  rec.stop();
}

class Throwing : public core::RecordConsumer {
 public:
  void consume(std::span<const RequestRecord>) override { throw std::runtime_error("disk gone"); }
};

TEST(Recorder, AFailingConsumerIsCountedAndDoesNotStopTheOthers) {
  Recorder rec(RecorderOptions{});
  Throwing bad;
  Collector good;
  rec.add_consumer(bad);
  rec.add_consumer(good);
  rec.start();
  ASSERT_TRUE(rec.offer(0, make(0, 1)));
  rec.stop();
  EXPECT_EQ(good.seen.size(), 1u);
  EXPECT_EQ(rec.stats().consumer_errors, 1u);
  EXPECT_EQ(rec.stats().consumed, 1u);
}

}  // namespace
}  // namespace parapet::observe
