// Retro-hunt (VISION.md B): a rule run over stored request records — "when did this first hit us?"
// Pure: the caller feeds records (rules/hunt_reader.h reads them from logs.db) and reads the
// report. A record matches when the rule matches what the record kept of the request (the path,
// and the request body when bodies were logged), or when the WAF flagged it with that rule id at
// the time (waf_rules), which covers headers the store never keeps.
// Thread-safety: a Hunt belongs to one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "waf/engine.h"
#include "waf/ruleset.h"

namespace parapet::waf {

// What a stored record offers the hunt (views, valid during add()).
struct HuntRecord {
  std::string_view id;
  int64_t start_us = 0;
  std::string_view client_ip, key_id, method, endpoint, request_body, waf_rules;
};

struct HuntReport {
  uint64_t scanned = 0, matched = 0;
  int64_t first_us = 0, last_us = 0;
  std::string first_id, last_id;
  std::vector<std::pair<std::string, uint64_t>> top_ips, top_keys, locations;  // most first
};

class Hunt {
 public:
  // `rules`: what to hunt for (every rule's action is treated as a match whatever it says).
  explicit Hunt(std::shared_ptr<const RuleSet> rules);
  void add(const HuntRecord& r);
  HuntReport report(size_t top = 5) const;

 private:
  std::shared_ptr<const RuleSet> rules_;
  Scanner scanner_;
  Policy policy_;
  HuntReport rep_;
  std::map<std::string, uint64_t> ips_, keys_, locations_;
};

// Rule ids and "target:name" locations from a record's waf_rules summary ("id@target:name,...").
std::vector<std::pair<std::string, std::string>> parse_summary(std::string_view summary);

}  // namespace parapet::waf
