// Live tail: new records pushed to admin clients as they are recorded (`GET /logs/stream`, SSE,
// and `parapet logs --follow`). A RecordConsumer on the recorder thread serializes each batch
// once, only while someone listens, and posts it to the admin thread, where each subscriber keeps
// a bounded queue: a tail that cannot keep up loses lines (counted) instead of growing memory.
// Thread-safety: consume() on the recorder thread; subscribe()/unsubscribe() and Subscriber on
// the admin thread.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/asio.h"
#include "core/sink.h"
#include "observe/record.h"
#include "store/log_query.h"

namespace parapet::admin {

class LiveTail final : public core::RecordConsumer {
 public:
  struct Line {
    observe::RequestRecord record;  // for filtering
    std::string json;               // one JSON object, no newline
  };
  using Batch = std::shared_ptr<const std::vector<Line>>;

  struct Subscriber {
    explicit Subscriber(asio::any_io_executor ex) : wake(ex) {}
    store::LogQuery filter;
    std::deque<Batch> pending;
    size_t pending_lines = 0;
    uint64_t dropped = 0;
    asio::steady_timer wake;  // cancelled when a batch arrives
  };

  explicit LiveTail(asio::io_context& admin_ioc) : ioc_(admin_ioc) {}

  void consume(std::span<const observe::RequestRecord> batch) override;

  void subscribe(Subscriber* s);
  void unsubscribe(Subscriber* s);

  static constexpr size_t kMaxPendingLines = 10000;

 private:
  asio::io_context& ioc_;
  std::atomic<size_t> listeners_{0};
  std::unordered_set<Subscriber*> subs_;  // admin thread only
};

}  // namespace parapet::admin
