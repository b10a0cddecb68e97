// Incident response in the running gateway (docs/incidents.md). The Manager is a RecordConsumer:
// the detectors see every record on the recorder thread, off the request path; their signals drive
// the incident Book; every change is written to <data_dir>/incidents.db (tables incidents,
// timeline, outbox) and each notification goes through the outbox to its own thread, which
// delivers with retry and backoff and records each delivery in the incident's timeline.
// Thread-safety: consume()/flush() on the recorder thread; the API methods from any thread (the
// admin thread); one mutex guards the book, the detectors' output and the database connection.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>

#include "core/sink.h"
#include "incident/incidents.h"
#include "incident/notify.h"
#include "incident/options.h"
#include "store/sqlite.h"

namespace parapet::incident {

class Manager : public core::RecordConsumer {
 public:
  using Clock = std::function<int64_t()>;  // Unix ms
  static Result<std::unique_ptr<Manager>> open(Options o, const std::string& data_dir,
                                               std::string logs_db, Clock clock = {});
  ~Manager() override;  // stop()

  void consume(std::span<const observe::RequestRecord> batch) override;
  void flush() override;  // evaluates detectors and time-driven transitions

  void start();  // the notifier thread
  void stop();

  // Admin API. JSON answers.
  std::string list_json();
  Result<std::string> get_json(int64_t id);
  Result<int64_t> declare(std::string title, int severity, std::string who);
  Result<bool> set_status(int64_t id, std::string_view status, std::string who, std::string why);
  Result<bool> note(int64_t id, std::string text, std::string who);
  Result<bool> set_role(int64_t id, std::string_view role, std::string person, std::string who);
  Result<std::string> postmortem(int64_t id, bool public_version);
  // Impact from logs.db over the incident window.
  Result<Impact> impact(const Incident& inc);
  // Runs pending deliveries now (tests; the notifier thread calls it).
  void deliver_due();

 private:
  Manager(Options o, std::string logs_db, Clock clock);
  Result<bool> init_db(const std::string& path);
  Result<bool> load();
  void evaluate_locked(int64_t now);
  void after_change_locked(int64_t now);  // persist + enqueue notifications
  void persist_locked(Incident& inc);
  void run();

  Options o_;
  std::string logs_db_;
  Clock clock_;
  std::mutex mu_;
  Book book_;
  std::vector<std::unique_ptr<Detector>> detectors_;
  store::DbPtr db_;
  int64_t last_eval_ms_ = 0;
  std::condition_variable cv_;
  bool stopping_ = false, started_ = false;
  std::thread thread_;
};

}  // namespace parapet::incident
