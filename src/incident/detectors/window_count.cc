#include "incident/detectors/window_count.h"

namespace parapet::incident {

WindowCountDetector::WindowCountDetector(std::string name, int64_t window_ms, int64_t threshold,
                                         Value value, Describe describe)
    : name_(std::move(name)),
      window_ms_(window_ms),
      threshold_(threshold),
      value_(std::move(value)),
      describe_(std::move(describe)) {}

void WindowCountDetector::observe(const observe::RequestRecord& r, int64_t now_ms) {
  std::string subject;
  int64_t v = value_(r, &subject);
  if (v == 0) return;
  auto& s = series_[subject];
  if (!s) s = std::make_unique<Buckets>(std::max<int64_t>(1, window_ms_ / 10), window_ms_);
  s->add(now_ms, v);
}

void WindowCountDetector::evaluate(int64_t now_ms, std::vector<Signal>& out) {
  for (auto& [subject, s] : series_) {
    int64_t v, unused;
    s->sum(now_ms, window_ms_, &v, &unused);
    report(name_, subject, threshold_ > 0 && v >= threshold_, describe_(subject, v), out);
  }
}

}  // namespace parapet::incident
