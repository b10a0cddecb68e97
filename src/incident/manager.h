// The incident engine: feeds every record to the detectors (a core::RecordConsumer, so it runs on
// the recorder thread, never on the request path), turns their signals into incidents through the
// lifecycle policy, keeps the timeline in the store, and queues notifications in the persisted
// outbox, which its own notifier thread delivers with retries (notify.cc). The admin API and the
// CLI change incidents through the same methods.
// Thread-safety: consume()/flush() on the recorder thread (they alone touch the detectors); every
// other public method from any thread (one mutex serializes incident changes, another guards the
// options a reload replaces).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/error.h"
#include "core/sink.h"
#include "incident/detector.h"
#include "incident/format.h"
#include "incident/impact.h"
#include "incident/store.h"

namespace parapet::incident {

struct Change {  // fields of an update; unset ones stay
  std::optional<std::string> title, commander, comms, scribe, summary;
  std::optional<int> severity;
  std::optional<Status> status;
  int64_t merged_into = 0;
};

class Manager final : public core::RecordConsumer {
 public:
  using Clock = std::function<int64_t()>;  // Unix µs
  // http_post(url, body, timeout_us) -> status (tests inject their own).
  using Poster = std::function<Result<int>(const std::string&, const std::string&, int64_t)>;

  Manager(Options o, std::unique_ptr<Store> store, std::string logs_db, Clock clock = {},
          Poster poster = {});
  ~Manager() override;

  void start();  // the notifier thread
  void stop();

  void consume(std::span<const observe::RequestRecord> batch) override;
  void flush() override;

  // The engine's steps, public for tests.
  void handle(const Signal& s);
  void tick(int64_t now_us);
  // Delivers what is due in the outbox now; returns how many were attempted.
  int deliver_due(int64_t now_us);

  Result<Incident> declare(std::string title, int severity, std::string author, std::string summary,
                           std::string commander);
  // merged_into set: the incident becomes merged into that (open) one.
  Result<Incident> update(int64_t id, Change c, const std::string& author);
  Result<bool> note(int64_t id, const std::string& author, const std::string& text);
  // Follow-ups: recorded in the incident's timeline too. REQUIRES: threat, vulnerability,
  // likelihood in 1..5 (checked).
  Result<FollowUp> add_followup(FollowUp f, const std::string& author);
  Result<FollowUp> complete_followup(int64_t followup_id, const std::string& author);
  void config_reloaded(uint64_t generation);
  // A change to the running gateway (kind: "config", "rules", ...) goes into the timeline of every
  // open incident: "what changed while it was happening" is the first question of a review.
  void change_applied(const std::string& kind, const std::string& what);
  // A config reload: destinations, call link, triage and resolve delays, impact and notification
  // settings apply at once; detector thresholds on the recorder thread's next batch (retune():
  // history kept unless a window's length changed, docs/incidents.md), noted in the timeline of
  // every open incident.
  void reconfigure(Options next);

  Store& store() { return *store_; }
  Result<Impact> impact(const Incident& inc);
  int64_t now() const { return clock_(); }
  Options options() const;  // a copy: a reload replaces them

 private:
  void notify(const Incident& inc, const Message& m);
  void set_status_locked(Incident& inc, Status to, const std::string& author,
                         const std::string& why);
  std::vector<std::pair<std::string, std::string>> impact_fields(const Incident& inc);
  void notifier_loop();
  void apply_pending();  // recorder thread: retunes or rebuilds the detectors
  void forget_firing(std::string_view detector);

  mutable std::mutex opt_mu_;
  Options o_;                       // guarded by opt_mu_
  std::optional<Options> pending_;  // guarded by opt_mu_: for the detectors, not yet applied
  std::atomic<bool> has_pending_{false};
  std::atomic<bool> enabled_;
  std::unique_ptr<Store> store_;
  std::string logs_db_;
  Clock clock_;
  Poster poster_;
  std::vector<std::unique_ptr<Detector>> detectors_;  // recorder thread only
  std::vector<Signal> signals_;                       // recorder thread only
  std::mutex mu_;                                     // incident changes
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stopping_ = false, kicked_ = false;
  std::thread notifier_;
};

// POST of a JSON body over http:// or https:// (notify.cc); https verifies the peer against the
// system store plus `ca_file` (may be "") and checks the host name.
Result<int> http_post_json(const std::string& url, const std::string& body, int64_t timeout_us,
                           const std::string& ca_file);

}  // namespace parapet::incident
