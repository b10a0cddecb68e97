#include "admin/live_tail.h"

#include <boost/asio/post.hpp>

#include "store/export.h"

namespace parapet::admin {

void LiveTail::consume(std::span<const observe::RequestRecord> batch) {
  if (listeners_.load(std::memory_order_acquire) == 0 || batch.empty()) return;
  auto lines = std::make_shared<std::vector<Line>>();
  lines->reserve(batch.size());
  for (const auto& r : batch) {
    Line l{r, store::to_jsonl(r)};
    while (!l.json.empty() && l.json.back() == '\n') l.json.pop_back();
    l.record.request_body.clear();
    l.record.response_body.clear();
    lines->push_back(std::move(l));
  }
  Batch b = std::move(lines);
  asio::post(ioc_, [this, b] {
    for (Subscriber* s : subs_) {
      if (s->pending_lines + b->size() > kMaxPendingLines) {
        s->dropped += b->size();
        continue;
      }
      s->pending.push_back(b);
      s->pending_lines += b->size();
      s->wake.cancel();
    }
  });
}

void LiveTail::subscribe(Subscriber* s) {
  subs_.insert(s);
  listeners_.store(subs_.size(), std::memory_order_release);
}

void LiveTail::unsubscribe(Subscriber* s) {
  subs_.erase(s);
  listeners_.store(subs_.size(), std::memory_order_release);
}

}  // namespace parapet::admin
