// `parapet keys`: gateway tokens and virtual keys through the admin API (docs/access.md), plus
// `generate` / `hash` for keys declared in the config file, which need no running gateway.
#include "access/keys.h"

#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "access/crypto.h"
#include "cli/admin_client.h"
#include "cli/commands.h"

namespace parapet::cli {

namespace {

struct KeyArgs {
  std::string admin = "127.0.0.1:8701";
  std::string name, provider, provider_key_env, id, kind = "gateway_token";
  bool provider_key_stdin = false, json = false;
  std::vector<std::string> gateways;
};

int fail(const std::string& msg) {
  std::fprintf(stderr, "parapet: %s\n", msg.c_str());
  return 1;
}

// Prints the admin API's answer; returns the exit code (0 for 2xx).
int call(const KeyArgs& a, std::string_view method, const std::string& target,
         const std::string& body, simdjson::dom::element* out, simdjson::dom::parser& parser) {
  auto r = admin_call(a.admin, method, target, body);
  if (!r) return fail(r.error().message);
  if (r->status < 200 || r->status > 299) {
    return fail("admin API answered " + std::to_string(r->status) + ": " + r->body);
  }
  if (out && parser.parse(r->body).get(*out)) return fail("admin API answered malformed JSON");
  if (a.json) std::printf("%s\n", r->body.c_str());
  return 0;
}

std::string s(simdjson::dom::element e, const char* k) {
  std::string_view v;
  return e[k].get(v) ? std::string() : std::string(v);
}

int run_list(const KeyArgs& a) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (int rc = call(a, "GET", "/keys", {}, &doc, parser); rc || a.json) return rc;
  std::printf("%-14s %-14s %-8s %-18s %-16s %-12s %s\n", "ID", "KIND", "ORIGIN", "NAME", "PROVIDER",
              "KEY", "STATE");
  simdjson::dom::array keys;
  if (doc["keys"].get(keys)) return fail("admin API answered without keys");
  for (auto k : keys) {
    bool revoked = false;
    if (k["revoked"].get(revoked)) revoked = false;
    std::printf("%-14s %-14s %-8s %-18s %-16s %-12s %s\n", s(k, "id").c_str(), s(k, "kind").c_str(),
                s(k, "origin").c_str(), s(k, "name").c_str(), s(k, "provider").c_str(),
                s(k, "provider_key_hint").c_str(), revoked ? "revoked" : "active");
  }
  return 0;
}

std::string body_of(const KeyArgs& a, std::string_view kind, const std::string& provider_key) {
  std::string b = "{\"kind\":\"";
  b += kind;
  b += "\",\"name\":\"";
  append_json_escaped(b, a.name);
  b += "\",\"gateways\":[";
  for (size_t i = 0; i < a.gateways.size(); ++i) {
    if (i) b += ',';
    b += '"';
    append_json_escaped(b, a.gateways[i]);
    b += '"';
  }
  b += ']';
  if (kind == "virtual_key") {
    b += ",\"provider\":\"";
    append_json_escaped(b, a.provider);
    b += "\",\"provider_key\":\"";
    append_json_escaped(b, provider_key);
    b += '"';
  }
  b += '}';
  return b;
}

int run_create(const KeyArgs& a, std::string_view kind) {
  std::string provider_key;
  if (kind == "virtual_key") {
    // The provider key never goes on the command line, where `ps` and shell history would see it.
    if (a.provider_key_stdin) {
      std::getline(std::cin, provider_key);
    } else if (!a.provider_key_env.empty()) {
      const char* v = std::getenv(a.provider_key_env.c_str());
      if (!v || !*v) return fail("environment variable " + a.provider_key_env + " is not set");
      provider_key = v;
    } else {
      return fail("give the provider key with --provider-key-env VAR or --provider-key-stdin");
    }
    while (!provider_key.empty() && (provider_key.back() == '\r' || provider_key.back() == ' '))
      provider_key.pop_back();
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (int rc = call(a, "POST", "/keys", body_of(a, kind, provider_key), &doc, parser); rc || a.json)
    return rc;
  std::printf("id:     %s\nsecret: %s\n(the secret is shown once; Parapet keeps only its hash)\n",
              s(doc["key"], "id").c_str(), s(doc, "secret").c_str());
  return 0;
}

int run_revoke(const KeyArgs& a) {
  simdjson::dom::parser parser;
  if (int rc = call(a, "DELETE", "/keys/" + a.id, {}, nullptr, parser)) return rc;
  if (!a.json) std::printf("revoked %s\n", a.id.c_str());
  return 0;
}

// A config-file key: a fresh secret for the holder and the hash for [[access.keys]].
int run_generate(const KeyArgs& a) {
  auto kind = access::parse_kind(a.kind);
  if (!kind) return fail("--kind must be gateway_token or virtual_key");
  std::string secret = access::random_token(32);
  std::printf("secret:        %s\nsecret_sha256 = \"%s\"\n",
              access::format_secret(*kind, a.id, secret).c_str(),
              access::to_hex(access::sha256(secret)).c_str());
  return 0;
}

int run_hash() {
  std::string token;
  std::getline(std::cin, token);
  auto p = access::parse_presented(token);
  if (!p) return fail("not a Parapet key (pgt_ID_SECRET or pvk_ID_SECRET)");
  std::printf("%s\n", access::to_hex(access::sha256(p->secret)).c_str());
  return 0;
}

}  // namespace

void add_keys_command(CLI::App& app) {
  auto a = std::make_shared<KeyArgs>();
  CLI::App* c = app.add_subcommand("keys", "Gateway tokens and virtual keys");
  c->require_subcommand(1);
  c->add_option("--admin", a->admin, "Admin API HOST:PORT")->capture_default_str();
  c->add_flag("--json", a->json, "Print the admin API's JSON");

  CLI::App* list = c->add_subcommand("list", "Every key, active and revoked (never a secret)");
  list->callback([a] { std::exit(run_list(*a)); });

  CLI::App* tok = c->add_subcommand("create-token", "A gateway token for x-parapet-authorization");
  tok->add_option("--name", a->name, "Label")->required();
  tok->add_option("--gateway", a->gateways, "Gateway it opens (repeatable; default: all)");
  tok->callback([a] { std::exit(run_create(*a, "gateway_token")); });

  CLI::App* vk =
      c->add_subcommand("create-virtual", "A virtual key standing in for a provider key");
  vk->add_option("--name", a->name, "Label")->required();
  vk->add_option("--provider", a->provider, "Provider it unlocks, e.g. openai")->required();
  vk->add_option("--provider-key-env", a->provider_key_env, "Variable holding the provider key");
  vk->add_flag("--provider-key-stdin", a->provider_key_stdin, "Read the provider key from stdin");
  vk->add_option("--gateway", a->gateways, "Gateway it works on (repeatable; default: all)");
  vk->callback([a] { std::exit(run_create(*a, "virtual_key")); });

  CLI::App* rv = c->add_subcommand("revoke", "Revoke a key at once, on every worker");
  rv->add_option("id", a->id, "Key id")->required();
  rv->callback([a] { std::exit(run_revoke(*a)); });

  CLI::App* gen = c->add_subcommand("generate", "A new secret and its hash for [[access.keys]]");
  gen->add_option("--id", a->id, "The id to put in the config file")->required();
  gen->add_option("--kind", a->kind, "gateway_token | virtual_key")->capture_default_str();
  gen->callback([a] { std::exit(run_generate(*a)); });

  CLI::App* h = c->add_subcommand("hash", "secret_sha256 of a key read from stdin");
  h->callback([] { std::exit(run_hash()); });
}

}  // namespace parapet::cli
