#include "incident/intake.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <charconv>
#include <cstdlib>

namespace parapet::incident {

std::string slack_signature(std::string_view secret, std::string_view timestamp,
                            std::string_view body) {
  std::string base = "v0:";
  base += timestamp;
  base += ':';
  base += body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(base.data()), base.size(), mac, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out = "v0=";
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

bool verify_slack_signature(std::string_view secret, std::string_view timestamp,
                            std::string_view body, std::string_view signature, int64_t now_s) {
  if (secret.empty() || timestamp.empty() || signature.empty()) return false;
  int64_t ts = 0;
  auto [p, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || p != timestamp.data() + timestamp.size()) return false;
  if (std::llabs(now_s - ts) > kSlackReplayWindowS) return false;
  std::string want = slack_signature(secret, timestamp, body);
  return want.size() == signature.size() &&
         CRYPTO_memcmp(want.data(), signature.data(), want.size()) == 0;
}

namespace {
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
std::string_view next_word(std::string_view& s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  size_t sp = s.find(' ');
  std::string_view w = s.substr(0, sp);
  s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return w;
}
}  // namespace

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      out[decode(pair)] = "";
    } else {
      out[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
    }
  }
  return out;
}

Result<SlashCommand> parse_slash_text(std::string_view text) {
  SlashCommand c;
  std::string_view rest = text;
  c.verb = std::string(next_word(rest));
  if (c.verb.empty()) c.verb = "help";
  auto id = [&]() -> Result<bool> {
    c.id = std::string(next_word(rest));
    if (c.id.starts_with('#')) c.id.erase(0, 1);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(c.id.data(), c.id.data() + c.id.size(), v);
    if (c.id.empty() || ec != std::errc() || p != c.id.data() + c.id.size()) {
      return make_error(ErrorCode::kBadRequest, "`" + c.verb + "` needs an incident id");
    }
    return true;
  };
  if (c.verb == "declare") {
    std::string_view peek = rest;
    std::string_view w = next_word(peek);
    if ((w.size() == 4 && (w.starts_with("SEV") || w.starts_with("sev")) && w[3] >= '1' &&
         w[3] <= '5')) {
      c.severity = w[3] - '0';
      rest = peek;
    }
    c.text = std::string(rest);
    if (c.text.empty()) return make_error(ErrorCode::kBadRequest, "usage: declare [SEVn] TITLE");
    return c;
  }
  if (c.verb == "note" || c.verb == "commander" || c.verb == "comms" || c.verb == "scribe") {
    PARAPET_TRY(id());
    c.text = std::string(rest);
    if (c.text.starts_with('@')) c.text.erase(0, 1);
    if (c.text.empty()) return make_error(ErrorCode::kBadRequest, "usage: " + c.verb + " ID TEXT");
    return c;
  }
  if (c.verb == "mitigate" || c.verb == "resolve" || c.verb == "decline" || c.verb == "show") {
    PARAPET_TRY(id());
    return c;
  }
  if (c.verb == "list" || c.verb == "help") return c;
  return make_error(ErrorCode::kBadRequest, "unknown command `" + c.verb + "`");
}

Result<Signal> parse_alertmanager(std::string_view body, int64_t now_us) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) || !doc.is_object()) {
    return make_error(ErrorCode::kBadRequest, "Alertmanager webhook: want a JSON object");
  }
  std::string_view version, group_key, status;
  if (doc["version"].get(version) || version != "4") {
    return make_error(ErrorCode::kBadRequest, "Alertmanager webhook: want version \"4\"");
  }
  if (doc["groupKey"].get(group_key) || group_key.empty()) {
    return make_error(ErrorCode::kBadRequest, "Alertmanager webhook: no groupKey");
  }
  if (doc["status"].get(status)) status = "firing";
  std::string_view alertname, severity, summary, receiver;
  if (doc["commonLabels"]["alertname"].get(alertname)) {
  }
  if (doc["commonLabels"]["severity"].get(severity)) {
  }
  if (doc["commonAnnotations"]["summary"].get(summary)) {
  }
  if (doc["receiver"].get(receiver)) {
  }
  simdjson::dom::array alerts;
  size_t firing = 0, total = 0;
  if (!doc["alerts"].get(alerts)) {
    for (auto a : alerts) {
      ++total;
      std::string_view st;
      if (!a["status"].get(st) && st == "firing") ++firing;
      std::string_view v;
      if (alertname.empty() && !a["labels"]["alertname"].get(v)) alertname = v;
      if (summary.empty() && !a["annotations"]["summary"].get(v)) summary = v;
    }
  }
  Signal s;
  s.declare_now = true;  // Alertmanager already waited out the rule's `for:`
  s.detector = "alertmanager";
  s.subject = std::string(group_key);
  s.firing = status != "resolved";
  s.severity = severity == "critical" ? 2 : severity == "info" ? 4 : 3;
  s.at_us = now_us;
  s.title = std::string(alertname.empty() ? "Alertmanager alert" : alertname);
  if (!summary.empty()) s.title += ": " + std::string(summary);
  s.evidence = std::to_string(firing) + " of " + std::to_string(total) +
               " alerts firing (receiver " + std::string(receiver) + ", status " +
               std::string(status) + ")";
  return s;
}

}  // namespace parapet::incident
