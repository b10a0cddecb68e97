// Where finished RequestRecords go after the request path has let go of them.
// Consumers (store writer, analytics, live tail) run on the recorder's own thread, in batches, so
// none of them can slow a request; each sees every record exactly once, in arrival order.
// Thread-safety: consume()/flush() are called from the recorder thread only.
#pragma once

#include <span>

namespace parapet::observe {
struct RequestRecord;
}

namespace parapet::core {

class RecordConsumer {
 public:
  virtual ~RecordConsumer() = default;
  virtual void consume(std::span<const observe::RequestRecord> batch) = 0;
  // Make everything consumed so far durable/visible (called on shutdown and periodically).
  virtual void flush() {}
};

}  // namespace parapet::core
