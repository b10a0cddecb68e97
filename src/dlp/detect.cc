#include "dlp/detect.h"

#include <array>

#include "observe/scrub.h"

namespace parapet::dlp {

namespace {

constexpr size_t npos = std::string_view::npos;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
// Bytes of UTF-8 multi-byte characters count as letters: "José4111..." is one word.
bool is_wordish(char c) {
  return is_alnum(c) || c == '_' || (static_cast<unsigned char>(c) >= 0x80);
}

// A finding may start at i: the text before is not part of the same word. A JSON escape (\n, \t,
// \") before i ends a word too, since the text it stands for does.
bool starts_word(std::string_view t, size_t i) {
  if (i == 0) return true;
  char p = t[i - 1];
  if (!is_wordish(p)) return true;
  return i >= 2 && t[i - 2] == '\\' && is_alpha(p);
}

bool ends_word(std::string_view t, size_t e) { return e >= t.size() || !is_wordish(t[e]); }

// Numbers inside a longer dotted or dashed run (dates, versions, IP addresses) are not
// phone or card numbers: "10.168.100.1234", "2024-01-15-5551234567".
bool inside_number_run(std::string_view t, size_t b, size_t e) {
  if (b >= 2 && (t[b - 1] == '.' || t[b - 1] == '-' || t[b - 1] == '/') && is_digit(t[b - 2])) {
    return true;
  }
  return e + 1 < t.size() && (t[e] == '.' || t[e] == '-' || t[e] == '/') && is_digit(t[e + 1]);
}

// Issuer prefix and the lengths that issuer uses (ISO/IEC 7812 ranges as the networks publish
// them): a Luhn-valid run of digits is a card only if both fit, which keeps the 1-in-10 chance
// of a random number passing Luhn from turning ids into cards.
bool card_prefix_ok(std::string_view d) {
  auto pre = [&](size_t n) {
    int v = 0;
    for (size_t k = 0; k < n && k < d.size(); ++k) v = v * 10 + (d[k] - '0');
    return v;
  };
  size_t n = d.size();
  int p2 = pre(2), p3 = pre(3), p4 = pre(4);
  if (d[0] == '4') return n == 13 || n == 16 || n == 19;                     // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16;  // Mastercard
  if (p2 == 34 || p2 == 37) return n == 15;                                  // Amex
  if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649)) return n >= 16;    // Discover
  if (p2 == 35 || p2 == 62) return n >= 16;                                  // JCB, UnionPay
  if (p2 == 36 || p2 == 38 || (p3 >= 300 && p3 <= 305)) return n >= 14;      // Diners
  return false;
}

// Card: digit groups separated by one space or dash; the longest 13-19 digit prefix of groups
// that passes Luhn with a known issuer prefix.
size_t match_card(std::string_view t, size_t i) {
  std::string digits;
  size_t best = npos;
  size_t j = i;
  while (j < t.size() && digits.size() <= 19) {
    size_t g = j;
    while (g < t.size() && is_digit(t[g]) && digits.size() < 20) digits += t[g++];
    if (g == j) break;
    if (digits.size() >= 13 && digits.size() <= 19 && ends_word(t, g) && luhn_ok(digits) &&
        card_prefix_ok(digits)) {
      best = g;
    }
    if (g + 1 < t.size() && (t[g] == ' ' || t[g] == '-') && is_digit(t[g + 1])) {
      j = g + 1;
    } else {
      break;
    }
  }
  if (best != npos && inside_number_run(t, i, best)) return npos;
  return best;
}

size_t digits_at(std::string_view t, size_t i, size_t n) {
  for (size_t k = 0; k < n; ++k) {
    if (i + k >= t.size() || !is_digit(t[i + k])) return npos;
  }
  return i + n;
}

size_t match_ssn(std::string_view t, size_t i) {
  size_t a = digits_at(t, i, 3);
  if (a == npos || a >= t.size() || t[a] != '-') return npos;
  size_t g = digits_at(t, a + 1, 2);
  if (g == npos || g >= t.size() || t[g] != '-') return npos;
  size_t s = digits_at(t, g + 1, 4);
  if (s == npos || !ends_word(t, s) || inside_number_run(t, i, s)) return npos;
  std::string_view area = t.substr(i, 3), group = t.substr(a + 1, 2), serial = t.substr(g + 1, 4);
  if (area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000") {
    return npos;
  }
  return s;
}

size_t match_phone(std::string_view t, size_t i) {
  auto sep = [](char c) { return c == ' ' || c == '-' || c == '.'; };
  if (t[i] == '+') {
    // E.164: + then 8-15 digits, single separators or a parenthesised area code between them.
    size_t j = i + 1, n = 0;
    while (j < t.size() && n <= 15) {
      if (is_digit(t[j])) {
        ++n;
        ++j;
      } else if ((sep(t[j]) || t[j] == '(' || t[j] == ')') && j + 1 < t.size() &&
                 (is_digit(t[j + 1]) || t[j + 1] == '(' || sep(t[j + 1]))) {
        ++j;
      } else {
        break;
      }
    }
    while (j > i && !is_digit(t[j - 1])) --j;
    if (n < 8 || n > 15 || !ends_word(t, j)) return npos;
    return j;
  }
  // North American: (ddd) ddd-dddd, ddd-ddd-dddd, ddd.ddd.dddd, ddd ddd dddd — separators
  // required, so a bare 10-digit number (an id, an amount) is not taken for a phone.
  size_t j = i;
  bool paren = t[j] == '(';
  if (paren) ++j;
  size_t a = digits_at(t, j, 3);
  if (a == npos) return npos;
  if (paren) {
    if (a >= t.size() || t[a] != ')') return npos;
    ++a;
    if (a < t.size() && t[a] == ' ') ++a;
  } else {
    if (a >= t.size() || !sep(t[a])) return npos;
    ++a;
  }
  size_t b = digits_at(t, a, 3);
  if (b == npos || b >= t.size() || !sep(t[b])) return npos;
  size_t c = digits_at(t, b + 1, 4);
  if (c == npos || !ends_word(t, c) || inside_number_run(t, i, c)) return npos;
  if (t[i + (paren ? 1 : 0)] == '0' || t[i + (paren ? 1 : 0)] == '1') return npos;  // area 2-9
  return c;
}

struct IbanCountry {
  char code[3];
  uint8_t length;
};
// ISO 13616 registry lengths (SWIFT IBAN registry), the countries most text will mention.
constexpr IbanCountry kIban[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BR", 29}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18},
    {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
    {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LI", 21},
    {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MR", 27},
    {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25},
    {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VG", 24}, {"XK", 20},
};

size_t match_iban(std::string_view t, size_t i) {
  if (i + 4 > t.size() || !is_upper(t[i]) || !is_upper(t[i + 1]) || !is_digit(t[i + 2]) ||
      !is_digit(t[i + 3])) {
    return npos;
  }
  size_t want = 0;
  for (const auto& c : kIban) {
    if (c.code[0] == t[i] && c.code[1] == t[i + 1]) want = c.length;
  }
  if (want == 0) return npos;
  std::string compact;
  size_t j = i;
  while (j < t.size() && compact.size() < want) {
    char c = t[j];
    if (is_digit(c) || is_upper(c)) {
      compact += c;
      ++j;
    } else if (c == ' ' && j + 1 < t.size() && is_alnum(t[j + 1]) && compact.size() % 4 == 0) {
      ++j;  // printed form: groups of four
    } else {
      break;
    }
  }
  if (compact.size() != want || !ends_word(t, j) || !iban_ok(compact)) return npos;
  return j;
}

bool local_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// At an '@': the local part before it (back to a word start, at most 64 bytes, not before
// `floor`) and the domain after it.
bool match_email(std::string_view t, size_t at, size_t floor, size_t& b, size_t& e) {
  size_t s = at;
  while (s > floor && at - s < 64 && local_char(t[s - 1])) --s;
  // A JSON escape is a boundary: "\nbob@x.io" is "bob@x.io" after a newline.
  if (s + 1 < at && s > 0 && t[s - 1] == '\\') ++s;
  while (s < at && (t[s] == '.' || t[s] == '-')) ++s;
  if (s == at || t[at - 1] == '.') return false;
  size_t j = at + 1, labels = 0, last_label = 0;
  size_t label_start = j;
  while (j < t.size() && j - at <= 253) {
    char c = t[j];
    if (is_alnum(c) || c == '-') {
      ++j;
    } else if (c == '.' && j > label_start && j + 1 < t.size() && is_alnum(t[j + 1])) {
      ++labels;
      ++j;
      label_start = j;
    } else {
      break;
    }
  }
  last_label = j - label_start;
  if (labels == 0 || last_label < 2 || !ends_word(t, j)) return false;
  for (size_t k = label_start; k < j; ++k) {
    if (!is_alpha(t[k])) return false;  // the TLD is letters
  }
  b = s;
  e = j;
  return true;
}

size_t match_private_key(std::string_view t, size_t i) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  if (t.compare(i, kBegin.size(), kBegin) != 0) return npos;
  size_t head_end = t.find("-----", i + kBegin.size());
  if (head_end == npos || head_end - i > 80) return npos;
  std::string_view label = t.substr(i + kBegin.size(), head_end - i - kBegin.size());
  if (label.size() < 11 || label.substr(label.size() - 11) != "PRIVATE KEY") return npos;
  size_t limit = std::min(t.size(), i + 8192);
  size_t end = t.substr(0, limit).find("-----END ", head_end + 5);
  if (end == npos) return limit;  // cut off: everything after the BEGIN line is secret
  size_t close = t.substr(0, limit).find("-----", end + 9);
  return close == npos ? limit : close + 5;
}

}  // namespace

std::string_view kind_name(Kind k) {
  static constexpr std::array<std::string_view, kKinds> kNames = {
      "api_key", "private_key", "card", "iban", "ssn", "email", "phone"};
  return kNames[static_cast<size_t>(k)];
}

bool parse_kind(std::string_view name, Kind* out) {
  for (size_t k = 0; k < kKinds; ++k) {
    if (kind_name(static_cast<Kind>(k)) == name) {
      *out = static_cast<Kind>(k);
      return true;
    }
  }
  return false;
}

bool luhn_ok(std::string_view digits) {
  int sum = 0;
  bool dbl = false;
  for (size_t k = digits.size(); k-- > 0;) {
    int d = digits[k] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool iban_ok(std::string_view s) {
  if (s.size() < 15 || s.size() > 34) return false;
  int rem = 0;
  auto add = [&](char c) {
    if (is_digit(c)) {
      rem = (rem * 10 + (c - '0')) % 97;
    } else {
      int v = c - 'A' + 10;
      rem = (rem * 100 + v) % 97;
    }
  };
  for (size_t k = 4; k < s.size(); ++k) add(s[k]);
  for (size_t k = 0; k < 4; ++k) add(s[k]);
  return rem == 1;
}

void scan(std::string_view t, KindSet kinds, std::vector<Finding>& out) {
  auto on = [&](Kind k) { return (kinds & bit(k)) != 0; };
  size_t floor = 0;  // end of the last finding: findings never overlap
  size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    size_t end = npos, keep = 0;
    Kind kind = Kind::kApiKey;
    size_t begin = i;
    if (c == '@' && on(Kind::kEmail)) {
      size_t b, e;
      if (match_email(t, i, floor, b, e)) {
        begin = b;
        end = e;
        kind = Kind::kEmail;
      }
    } else if (starts_word(t, i)) {
      if (c == '-' && on(Kind::kPrivateKey) && (end = match_private_key(t, i)) != npos) {
        kind = Kind::kPrivateKey;
      } else if (on(Kind::kApiKey) && (end = observe::match_credential(t, i, &keep)) != npos) {
        kind = Kind::kApiKey;
      } else if (is_digit(c)) {
        if (on(Kind::kCard) && (end = match_card(t, i)) != npos) {
          kind = Kind::kCard;
        } else if (on(Kind::kSsn) && (end = match_ssn(t, i)) != npos) {
          kind = Kind::kSsn;
        } else if (on(Kind::kPhone) && (end = match_phone(t, i)) != npos) {
          kind = Kind::kPhone;
        }
      } else if ((c == '+' || c == '(') && on(Kind::kPhone)) {
        if ((end = match_phone(t, i)) != npos) kind = Kind::kPhone;
      } else if (is_upper(c) && on(Kind::kIban) && (end = match_iban(t, i)) != npos) {
        kind = Kind::kIban;
      }
    }
    if (end == npos) {
      ++i;
      continue;
    }
    out.push_back(Finding{kind, begin, end, keep});
    floor = end;
    i = end;
  }
}

void mask(std::string& text, const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    size_t stop = std::min(f.end, text.size());
    size_t keep_tail = 0;
    if (f.kind == Kind::kCard) keep_tail = 4;  // the last four, as receipts print them
    size_t tail_from = stop;
    for (size_t seen = 0; tail_from > f.begin && seen < keep_tail;) {
      --tail_from;
      if (is_digit(text[tail_from])) ++seen;
    }
    const size_t until = keep_tail ? tail_from : stop;
    for (size_t k = f.begin + f.keep; k < until; ++k) {
      if (text[k] == '\\') {  // a JSON escape (\n, \u00e9) stays whole, so the JSON stays valid
        k += k + 1 < until && text[k + 1] == 'u' ? 5 : 1;
        continue;
      }
      if (is_alnum(text[k]) || static_cast<unsigned char>(text[k]) >= 0x80) text[k] = '*';
    }
  }
}

}  // namespace parapet::dlp
