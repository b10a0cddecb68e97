#include "observe/record.h"

namespace parapet::observe {

void Counters::count(const RequestRecord& r) {
  auto inc = [](std::atomic<uint64_t>& c) {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  };
  inc(requests);
  if (r.status >= 200 && r.status < 300) {
    inc(responses_2xx);
  } else if (r.status >= 400 && r.status < 500) {
    inc(responses_4xx);
  } else if (r.status >= 500 && r.status < 600) {
    inc(responses_5xx);
  } else {
    inc(responses_other);
  }
  if (r.status == 499) inc(client_aborts);
  if (r.error_type.starts_with("upstream")) inc(upstream_errors);
  auto add = [](std::atomic<uint64_t>& c, uint64_t n) {
    if (n) c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  };
  add(dlp_prompt_findings, r.dlp_prompt);
  add(dlp_answer_findings, r.dlp_answer);
  if (r.dlp_blocked) inc(dlp_blocked);
}

}  // namespace parapet::observe
