// The bounded queue between the workers and the one thread that hands records to the consumers
// (store writer, analytics, live tail), so that no request ever waits on a disk or a lock.
//
// Shape: one single-producer/single-consumer ring per worker (N fixed at construction) and one
// recorder thread draining all of them. Why per-worker rings and not one shared MPSC queue: a
// shared queue makes every worker write the same cache lines (and either a lock or a CAS loop on
// its tail), which is exactly the cross-core sharing STYLE.md habit 5 forbids on the hot path. An
// SPSC ring needs only a release store of the producer's own tail index; the consumer is the only
// other party touching it. Per-producer order is kept (each ring is FIFO); records of different
// workers interleave in drain order, which is fine because nothing orders requests across workers.
//
// offer() never blocks and never syscalls in the common case: when the ring is full the record is
// dropped and counted (stats().dropped; visible on /metrics, never silent). The recorder thread
// sleeps on a futex when it has nothing to do; a producer wakes it only when it is asleep and
// either it had nothing pending (first record after idle: one wake per idle period) or the
// producer's ring is half full (one wake per ~capacity/2 records under load). While a batch is
// pending the thread otherwise sleeps until the batch window closes, so a steady trickle costs one
// wake per window, not one per record.
//
// Batching: records are delivered to consumers in batches of at most max_batch (512) records, and
// a record waits at most batch_window (50 ms) plus the commit in progress: 512 rows make one
// SQLite transaction cheap per row (~1-2 ms per commit) while 50 ms keeps the live tail live and
// bounds what a kill -9 can lose. flush() runs every flush_interval (200 ms) after records were
// consumed, every idle_flush_interval (5 s) regardless (so consumers can run housekeeping such as
// retention on an idle gateway), and once on stop().
//
// Thread-safety: offer(worker, ...) from the thread that owns `worker` only (one producer per
// ring); stats() from any thread; add_consumer/start/stop from one control thread.
// REQUIRES: no offer() runs concurrently with or after stop() (the server stops its workers
// first); an offer after stop() is refused and counted as dropped.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "core/sink.h"
#include "observe/record.h"

namespace parapet::observe {

struct RecorderOptions {
  size_t workers = 1;           // producers; offer() takes a worker index in [0, workers)
  size_t ring_capacity = 8192;  // records per worker, rounded up to a power of two. Slots are
                                // touched on first use, so memory grows to the high-water mark.
  size_t max_batch = 512;
  std::chrono::milliseconds batch_window{50};
  std::chrono::milliseconds flush_interval{200};
  std::chrono::milliseconds idle_flush_interval{5000};
};

// Counters (relaxed reads; a scrape may be a few records behind, never torn).
struct RecorderStats {
  uint64_t enqueued = 0;         // accepted by offer()
  uint64_t dropped = 0;          // refused by offer(): ring full, or offered after stop()
  uint64_t consumed = 0;         // delivered to every consumer
  uint64_t depth = 0;            // enqueued - consumed: waiting in rings or in the open batch
  uint64_t batches = 0;          // consume() rounds
  uint64_t flushes = 0;          // flush() rounds
  uint64_t consumer_errors = 0;  // consume()/flush() calls that threw (caught, counted)
  uint64_t wakeups = 0;          // futex wakes issued by producers
};

class Recorder {
 public:
  explicit Recorder(RecorderOptions opts);
  ~Recorder();  // stop()
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Consumers are called in the order added. Not owned.
  // REQUIRES: before start(); `c` outlives stop().
  void add_consumer(core::RecordConsumer& c);
  // Starts the recorder thread. Records offered before start() wait in the rings.
  void start();
  // Hands a finished record over; never blocks. Returns false (and counts a drop) when the
  // worker's ring is full; `r` is then left as it was.
  // REQUIRES: worker < options.workers, called only by that worker's thread.
  bool offer(size_t worker, RequestRecord&& r);
  // Drains every ring, delivers the last batches, calls flush() on every consumer, joins the
  // thread. Idempotent. Without start() it drains on the calling thread.
  void stop();

  RecorderStats stats() const;
  const RecorderOptions& options() const { return opts_; }

 private:
  class Ring;
  enum SleepState : uint32_t { kAwake = 0, kIdle = 1, kBatchPending = 2 };

  void run();
  size_t drain(size_t max);  // moves up to `max` records from the rings into batch_
  bool rings_need_wake(uint32_t state) const;
  void deliver();
  void flush_consumers();
  void wake();

  const RecorderOptions opts_;
  std::vector<std::unique_ptr<Ring>> rings_;
  std::vector<core::RecordConsumer*> consumers_;
  std::thread thread_;
  bool started_ = false, stopped_ = false;  // control thread only

  // Shared between producers and the recorder thread.
  alignas(64) std::atomic<uint32_t> sleep_{kAwake};  // futex word
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> wakeups_{0};

  // Written by the recorder thread only.
  alignas(64) std::atomic<uint64_t> consumed_{0};
  std::atomic<uint64_t> batches_{0}, flushes_{0}, consumer_errors_{0};
  std::vector<RequestRecord> batch_;
  size_t next_ring_ = 0;  // round-robin start so a busy worker cannot starve the others
};

}  // namespace parapet::observe
