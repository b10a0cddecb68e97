#include "observe/recorder.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <ctime>
#include <memory>
#include <span>

namespace parapet::observe {

namespace {

using SteadyClock = std::chrono::steady_clock;

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "the futex word must be a plain 32-bit integer");

// std::atomic::wait has no timeout, and the recorder must wake for its batch window and flush
// interval, so the futex is used directly (Linux is the only target).
void futex_wait(std::atomic<uint32_t>& word, uint32_t expected, SteadyClock::duration d) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  if (ns <= 0) return;
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  // Returns on wake, timeout, EINTR or EAGAIN (word already changed): the caller re-checks.
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, &ts, nullptr,
          0);
}

void futex_wake(std::atomic<uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr,
          0);
}

// Counters with a single writer: a plain load + store, no locked read-modify-write.
void bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

}  // namespace

// Lamport's single-producer/single-consumer ring. Indices grow without wrapping (64 bits) and
// are masked into the slot array. Each side keeps a cached copy of the other's index so the
// shared cache line is read only when the ring looks full (producer) or empty (consumer).
// Slots are raw storage: a record is constructed on push and destroyed on pop, so untouched
// slots never become resident memory.
class Recorder::Ring {
 public:
  explicit Ring(size_t capacity)
      : cap_(std::bit_ceil(std::max<size_t>(capacity, 2))),
        mask_(cap_ - 1),
        slots_(std::allocator<RequestRecord>().allocate(cap_)) {}

  ~Ring() {
    for (uint64_t h = head_.load(), t = tail_.load(); h != t; ++h) {
      std::destroy_at(&slots_[h & mask_]);
    }
    std::allocator<RequestRecord>().deallocate(slots_, cap_);
  }

  // Producer side.
  bool push(RequestRecord&& r) {
    const uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t - head_cache_ >= cap_) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (t - head_cache_ >= cap_) {
        bump(dropped_);
        return false;
      }
    }
    std::construct_at(&slots_[t & mask_], std::move(r));
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }
  // Producer side, only on the rare path where the recorder sleeps with a batch pending.
  bool half_full() {
    const uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t - head_cache_ < cap_ / 2) return false;
    head_cache_ = head_.load(std::memory_order_acquire);
    return t - head_cache_ >= cap_ / 2;
  }
  void count_drop() { bump(dropped_); }

  // Consumer side.
  size_t pop_into(std::vector<RequestRecord>& out, size_t max) {
    const uint64_t h = head_.load(std::memory_order_relaxed);
    const uint64_t t = tail_.load(std::memory_order_acquire);
    const size_t n = static_cast<size_t>(std::min<uint64_t>(t - h, max));
    for (size_t i = 0; i < n; ++i) {
      RequestRecord* s = &slots_[(h + i) & mask_];
      out.emplace_back(std::move(*s));
      std::destroy_at(s);
    }
    if (n) head_.store(h + n, std::memory_order_release);
    return n;
  }

  // Any thread (approximate while producers run).
  uint64_t size() const {
    const uint64_t h = head_.load(std::memory_order_acquire);
    return tail_.load(std::memory_order_acquire) - h;
  }
  uint64_t enqueued() const { return tail_.load(std::memory_order_relaxed); }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  size_t capacity() const { return cap_; }

 private:
  const size_t cap_, mask_;
  RequestRecord* const slots_;
  // Producer's line.
  alignas(64) std::atomic<uint64_t> tail_{0};
  uint64_t head_cache_ = 0;
  std::atomic<uint64_t> dropped_{0};
  // Consumer's line.
  alignas(64) std::atomic<uint64_t> head_{0};
};

Recorder::Recorder(RecorderOptions opts) : opts_(std::move(opts)) {
  rings_.reserve(opts_.workers);
  for (size_t i = 0; i < opts_.workers; ++i) {
    rings_.push_back(std::make_unique<Ring>(opts_.ring_capacity));
  }
  batch_.reserve(std::max<size_t>(opts_.max_batch, 1));
}

Recorder::~Recorder() { stop(); }

void Recorder::add_consumer(core::RecordConsumer& c) { consumers_.push_back(&c); }

void Recorder::start() {
  if (started_ || stopped_) return;
  started_ = true;
  thread_ = std::thread([this] { run(); });
}

bool Recorder::offer(size_t worker, RequestRecord&& r) {
  Ring& ring = *rings_[worker];
  if (stopping_.load(std::memory_order_relaxed)) [[unlikely]] {
    ring.count_drop();
    return false;
  }
  if (!ring.push(std::move(r))) return false;
  // Pairs with the fence in run(): either the recorder sees our record when it re-checks the
  // rings before sleeping, or we see that it sleeps (Dekker).
  std::atomic_thread_fence(std::memory_order_seq_cst);
  const uint32_t s = sleep_.load(std::memory_order_relaxed);
  if (s != kAwake) [[unlikely]] {
    if (s == kIdle || ring.half_full()) wake();
  }
  return true;
}

void Recorder::wake() {
  if (sleep_.exchange(kAwake, std::memory_order_acq_rel) != kAwake) {
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    futex_wake(sleep_);
  }
}

void Recorder::stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_.store(true, std::memory_order_seq_cst);
  if (started_) {
    sleep_.store(kAwake, std::memory_order_seq_cst);
    futex_wake(sleep_);
    thread_.join();
  } else {
    run();  // drains what was offered before a start() that never came
  }
}

size_t Recorder::drain(size_t max) {
  size_t got = 0;
  const size_t n = rings_.size();
  for (size_t k = 0; k < n && got < max; ++k) {
    got += rings_[(next_ring_ + k) % n]->pop_into(batch_, max - got);
  }
  if (n) next_ring_ = (next_ring_ + 1) % n;
  return got;
}

bool Recorder::rings_need_wake(uint32_t state) const {
  for (const auto& r : rings_) {
    const uint64_t size = r->size();
    if (state == kIdle ? size > 0 : size >= r->capacity() / 2) return true;
  }
  return false;
}

void Recorder::deliver() {
  const std::span<const RequestRecord> batch(batch_);
  for (core::RecordConsumer* c : consumers_) {
    // The thread boundary: a consumer's failure must not stop the others or the recorder.
    try {
      c->consume(batch);
    } catch (...) {
      bump(consumer_errors_);
    }
  }
  bump(consumed_, batch_.size());
  bump(batches_);
  batch_.clear();
}

void Recorder::flush_consumers() {
  for (core::RecordConsumer* c : consumers_) {
    try {
      c->flush();
    } catch (...) {
      bump(consumer_errors_);
    }
  }
  bump(flushes_);
}

void Recorder::run() {
  const size_t max_batch = std::max<size_t>(opts_.max_batch, 1);
  auto last_flush = SteadyClock::now();
  // The window of a batch opens when the rings were last seen empty: its records arrived after
  // that, so none waits longer than batch_window (plus the commit in progress) to be delivered.
  SteadyClock::time_point batch_open{}, seen_empty = last_flush;
  bool dirty = false;  // consumed since the last flush
  for (;;) {
    const bool stopping = stopping_.load(std::memory_order_acquire);
    const size_t room = max_batch - batch_.size();  // > 0: a full batch is delivered at once
    const bool was_empty = batch_.empty();
    const size_t got = drain(room);
    auto now = SteadyClock::now();
    if (was_empty && got) batch_open = seen_empty;
    if (got < room) seen_empty = now;
    if (!batch_.empty() &&
        (batch_.size() >= max_batch || stopping || now - batch_open >= opts_.batch_window)) {
      deliver();
      dirty = true;
      now = SteadyClock::now();
    }
    if (stopping) {
      if (got == 0 && batch_.empty()) break;
      continue;
    }
    if ((dirty && now - last_flush >= opts_.flush_interval) ||
        now - last_flush >= opts_.idle_flush_interval) {
      flush_consumers();
      dirty = false;
      last_flush = now = SteadyClock::now();
    }
    if (got == room) continue;  // the rings may hold more: no sleep under load

    auto deadline = last_flush + (dirty ? opts_.flush_interval : opts_.idle_flush_interval);
    uint32_t state = kIdle;
    if (!batch_.empty()) {
      deadline = std::min(deadline, batch_open + opts_.batch_window);
      state = kBatchPending;
    }
    sleep_.store(state, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!stopping_.load(std::memory_order_relaxed) && !rings_need_wake(state)) {
      futex_wait(sleep_, state, deadline - now);
    }
    sleep_.store(kAwake, std::memory_order_relaxed);
  }
  flush_consumers();
}

RecorderStats Recorder::stats() const {
  RecorderStats s;
  for (const auto& r : rings_) {
    s.enqueued += r->enqueued();
    s.dropped += r->dropped();
  }
  s.consumed = consumed_.load(std::memory_order_relaxed);
  s.depth = s.enqueued > s.consumed ? s.enqueued - s.consumed : 0;
  s.batches = batches_.load(std::memory_order_relaxed);
  s.flushes = flushes_.load(std::memory_order_relaxed);
  s.consumer_errors = consumer_errors_.load(std::memory_order_relaxed);
  s.wakeups = wakeups_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace parapet::observe
