// The shape both "is it happening at all" detectors share: count the records that match, per
// subject, over one window; the verdict is "any in the window" and it clears when a whole window
// passes without one. circuit_open (breaker.h) and fallback (fallback.h) are this with their own
// match and words.
// Memory: 11 buckets x 1 counter per subject, plus the latest matching record's detail.
// Thread-safety: none (recorder thread).
#pragma once

#include <string>
#include <string_view>

#include "incident/buckets.h"
#include "incident/detector.h"
#include "incident/detectors/series.h"

namespace parapet::incident {

class PresenceDetector : public Detector {
 public:
  explicit PresenceDetector(int64_t window_us) : window_us_(window_us) {}
  void observe(const observe::RequestRecord& r) override;
  void evaluate(int64_t now_us, std::vector<Signal>& out) override;
  Retune retune(const Options& o) override;

 protected:
  // The subject a matching record counts for, "" when it does not match; `detail` may be set to
  // what the signal should name (the latest match's is kept). The view must point into `r`.
  virtual std::string_view match(const observe::RequestRecord& r, std::string& detail) const = 0;
  // Fills title, evidence, severity and flags; detector, subject, firing, times are set already.
  virtual void describe(Signal& s, int64_t count, const std::string& detail) const = 0;
  int64_t window_us() const { return window_us_; }

 private:
  struct Series {
    Buckets<1> b;
    bool firing = false;
    std::string detail;
  };
  int64_t window_us_;
  SeriesMap<Series> series_;
};

}  // namespace parapet::incident
