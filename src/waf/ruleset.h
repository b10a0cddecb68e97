// A compiled, immutable rule set: rules grouped by their transforms, each group's literals (rule
// patterns and detector prefilters) in one Hyperscan block-mode database. Compiled off the request
// path (admin thread, start-up) and published to workers (waf/registry.h).
//
// Hyperscan needs SSSE3; on a CPU where hs_valid_platform() fails (or a database does not compile)
// the set falls back to a plain literal search per literal (std::string_view::find, which is a
// memchr-driven scan): same results, slower with many literals (docs/waf.md "Engine").
//
// A Scanner is the per-worker scratch (Hyperscan scratch space, hit table, normalization buffers):
// one per worker thread, never shared; it regrows its scratch when it first meets a new set.
// Thread-safety: RuleSet is immutable and shared; a Scanner belongs to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "waf/rule.h"

namespace parapet::waf {

class Scanner;

class RuleSet {
 public:
  // One literal of a group: which rule it belongs to and whether it only wakes a detector.
  struct Literal {
    std::string text;
    uint32_t rule = 0;  // index into rules()
    bool prefilter = false;
  };
  struct Group {
    uint32_t transforms = 0;
    uint32_t targets = 0;          // union of its rules' targets
    std::vector<uint32_t> rules;   // indices into rules()
    std::vector<uint32_t> always;  // detector rules with no prefilter literals
    std::vector<Literal> literals;
    void* db = nullptr;  // hs_database_t*, or null: literal fallback
  };

  // `label` is what admin listings show (e.g. "managed+custom v3").
  static Result<std::shared_ptr<const RuleSet>> compile(std::vector<Rule> rules, uint64_t version,
                                                        std::string label,
                                                        bool use_hyperscan = true);
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  const std::vector<Rule>& rules() const { return rules_; }
  const std::vector<Group>& groups() const { return groups_; }
  uint64_t version() const { return version_; }
  const std::string& label() const { return label_; }
  bool hyperscan() const { return hyperscan_; }
  uint64_t serial() const { return serial_; }  // unique per compiled set (Scanner regrow)
  const Rule* find(std::string_view id) const;

 private:
  RuleSet() = default;
  std::vector<Rule> rules_;
  std::vector<Group> groups_;
  uint64_t version_ = 0, serial_ = 0;
  std::string label_;
  bool hyperscan_ = false;
};

// True when Hyperscan can run on this CPU.
bool hyperscan_available();

// One request part inside a Scanner's per-group buffer: [begin, end) of the normalized text.
struct Span {
  uint32_t begin = 0, end = 0;
  uint32_t target = 0;                  // Target
  uint32_t name_off = 0, name_len = 0;  // into Scanner::names
  bool sensitive = false;
};

// A literal found in a span: the first occurrence per (literal, span).
struct Hit {
  uint64_t end = 0;  // offset just past the match in the group buffer
  uint32_t literal = 0;
  uint32_t span = 0;
};

class Scanner {
 public:
  Scanner();
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Finds g's literals in `buf` (request parts separated by NUL, described by `spans`): one Hit
  // per (literal, span) at its first occurrence, ordered by end offset then literal.
  void scan(const RuleSet& set, const RuleSet::Group& g, std::string_view buf,
            const std::vector<Span>& spans, std::vector<Hit>& hits);

  // Per-request buffers reused by inspect() (engine.cc): one text + spans per group, part names,
  // normalization scratch, per-rule state.
  std::vector<std::string> bufs;
  std::vector<std::vector<Span>> spans;
  std::vector<Hit> hits;
  std::string names, norm, tmp, key;
  std::vector<uint8_t> effective, done;

 private:
  void prepare(const RuleSet& set);
  void* scratch_ = nullptr;  // hs_scratch_t*
  uint64_t prepared_ = 0;
  std::vector<int64_t> last_span_;  // per literal, during scan()
};

}  // namespace parapet::waf
