// Admission against the rules of a gateway, and the accounting after the answer. One Limiter per
// worker (it owns that worker's slot of every rate counter); the State behind it is shared.
//
//   admit():  request rules count the request (increment-then-check, counters.h); token rules
//             refuse when the window is already spent; budgets reserve the request's worst-case
//             cost. A request refused by one rule is counted by none (earlier increments and
//             reservations are undone).
//   finish(): token rules add the answer's tokens; budgets replace the reservation by the real
//             cost (released in full when the request never reached a provider).
// Thread-safety: a Limiter belongs to one worker thread; State and Registry are shared.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "cost/cost.h"
#include "limits/counters.h"
#include "limits/registry.h"
#include "limits/scope.h"

namespace parapet::limits {

// What the worst case of a request is made of, for budgets (docs/limits.md "Reservations").
struct CostBasis {
  int64_t prompt_tokens = 0;      // an upper bound (the body's size in bytes)
  int64_t max_output_tokens = 0;  // from the body; 0: not given (the budget's default applies)
  const cost::Price* price = nullptr;
  std::optional<cost::CustomCost> custom;  // x-parapet-custom-cost wins over the table
  // The model asked for. Without one (model lists, plain HTTP origins) and without a custom cost
  // a request is not a model call and budgets do not apply to it.
  std::string model;
};

// Worst-case cost in micro-dollars under `rule`, or kForbidden when nothing prices the request.
Result<int64_t> worst_case_micros(const CostBasis& b, const Rule& rule);

// Why a request was refused, with the response headers that explain it.
struct Refusal {
  Error error;
  std::string headers;  // "name: value\r\n" lines: retry-after and x-ratelimit-*
};

class Limiter {
 public:
  Limiter(State& state, size_t slot) : state_(state), slot_(slot) {}

  struct Ticket {
    struct Tokens {
      RateCounter* counter;
      int64_t window_ms;
    };
    struct Hold {
      BudgetAccount* account;
      int64_t reserved;
    };
    std::vector<Tokens> tokens;
    std::vector<Hold> holds;
    bool empty() const { return tokens.empty() && holds.empty(); }
  };

  // REQUIRES: ticket is empty. On refusal the ticket stays empty and nothing is counted.
  std::optional<Refusal> admit(const RuleSet& rules, const RequestFacts& facts,
                               const CostBasis& basis, int64_t now_ms, Ticket& ticket);
  // After the answer (or the failure): tokens = input + output of the answer, cost_micros = what
  // the request cost (0 when it reached no provider). Empties the ticket.
  void finish(Ticket& ticket, int64_t tokens, int64_t cost_micros, int64_t now_ms);

 private:
  void undo(Ticket& t, const std::vector<std::pair<RateCounter*, int64_t>>& counted);
  State& state_;
  Local local_;
  size_t slot_;
};

// "$24.99" style, for messages.
std::string usd(int64_t micros);

}  // namespace parapet::limits
