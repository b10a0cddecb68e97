#include "cost/cost.h"

#include <limits>
#include <string>

#include "cost/decimal.h"

namespace parapet::cost {

namespace {

using Wide = __int128;

Wide tokens(int64_t n) { return n > 0 ? n : 0; }

// sum is in units of 1e-12 USD (tokens * micro-USD per million tokens); returns micro-USD,
// rounded half up.
int64_t to_micros(Wide sum) {
  const Wide micros = (sum + 500'000) / 1'000'000;
  if (micros > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(micros);
}

Wide priced(const Usage& u, const Rates& r) {
  return tokens(u.input) * r.input + tokens(u.cached_read) * r.cached_read.value_or(r.input) +
         tokens(u.cache_write) * r.cache_write.value_or(r.input) + tokens(u.output) * r.output;
}

// --- x-parapet-custom-cost -------------------------------------------------------------------

constexpr size_t kMaxHeader = 1024;
constexpr int kPerTokenScale = 12;                   // 1e-12 USD per token
constexpr int64_t kMaxPerToken = 1'000'000'000'000;  // $1 per token
constexpr int kTotalScale = 6;                       // micro-USD
constexpr int64_t kMaxTotal = 1'000'000'000'000;     // $1,000,000

Error bad(std::string what) {
  return make_error(ErrorCode::kBadRequest, "x-parapet-custom-cost: " + std::move(what));
}

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool eat(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool at_end() {
    skip_ws();
    return i_ == s_.size();
  }
  char peek() {
    skip_ws();
    return i_ < s_.size() ? s_[i_] : '\0';
  }
  // A JSON string without escapes (every key we accept is plain ASCII).
  Result<std::string_view> key() {
    if (!eat('"')) return bad("expected a quoted key");
    const size_t begin = i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' || static_cast<unsigned char>(s_[i_]) < 0x20) {
        return bad("unexpected character in a key");
      }
      ++i_;
    }
    if (i_ == s_.size()) return bad("unterminated key");
    return s_.substr(begin, i_++ - begin);
  }
  // The text of a JSON number: what parse_scaled_decimal then checks digit by digit.
  std::string_view number_text() {
    skip_ws();
    const size_t begin = i_;
    while (i_ < s_.size() && ((s_[i_] >= '0' && s_[i_] <= '9') || s_[i_] == '.' || s_[i_] == 'e' ||
                              s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-')) {
      ++i_;
    }
    return s_.substr(begin, i_ - begin);
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

int64_t cost_micros(const Usage& u, const Price& p) {
  const Rates* r = &p;
  if (p.long_context) {
    const Wide prompt = tokens(u.input) + tokens(u.cached_read) + tokens(u.cache_write);
    if (prompt > p.long_context->above_prompt_tokens) r = &*p.long_context;
  }
  return to_micros(priced(u, *r));
}

Result<CustomCost> parse_custom_cost(std::string_view header) {
  if (header.size() > kMaxHeader) return bad("longer than 1 KiB");
  Reader in(header);
  if (!in.eat('{')) return bad("expected a JSON object, e.g. {\"per_token_in\":0.000001}");
  if (in.eat('}')) return bad("empty object");
  CustomCost c;
  bool seen_in = false, seen_out = false, seen_total = false;
  do {
    auto k = in.key();
    if (!k) return k.error();
    const std::string key(*k);
    if (!in.eat(':')) return bad("expected ':' after \"" + key + "\"");
    bool* seen = nullptr;
    int scale = kPerTokenScale;
    int64_t max = kMaxPerToken;
    int64_t* out = nullptr;
    if (key == "per_token_in") {
      seen = &seen_in;
      out = &c.per_token_in;
    } else if (key == "per_token_out") {
      seen = &seen_out;
      out = &c.per_token_out;
    } else if (key == "total_cost") {
      seen = &seen_total;
      out = &c.total;
      scale = kTotalScale;
      max = kMaxTotal;
    } else {
      return bad("unknown key \"" + key + "\" (per_token_in, per_token_out or total_cost)");
    }
    if (*seen) return bad("\"" + key + "\" given twice");
    *seen = true;
    const char next = in.peek();
    if (!((next >= '0' && next <= '9') || next == '-')) {
      return bad("\"" + key + "\" must be a JSON number");
    }
    auto v = parse_scaled_decimal(in.number_text(), scale, /*allow_exponent=*/true, max);
    if (!v) return bad("\"" + key + "\": " + v.error().message);
    *out = *v;
  } while (in.eat(','));
  if (!in.eat('}')) return bad("expected ',' or '}'");
  if (!in.at_end()) return bad("unexpected text after the object");
  if (seen_total && (seen_in || seen_out)) {
    return bad("give either total_cost or per_token_in/per_token_out, not both");
  }
  c.kind = seen_total ? CustomCost::Kind::kTotal : CustomCost::Kind::kPerToken;
  return c;
}

int64_t cost_micros(const Usage& u, const CustomCost& c) {
  if (c.kind == CustomCost::Kind::kTotal) return c.total;
  const Wide prompt = tokens(u.input) + tokens(u.cached_read) + tokens(u.cache_write);
  return to_micros(prompt * c.per_token_in + tokens(u.output) * c.per_token_out);
}

}  // namespace parapet::cost
