// Secrets at rest and in flight: AES-256-GCM sealing of stored provider keys under the master key,
// SHA-256 of presented secrets, random ids and secrets. OpenSSL does the cryptography; this file
// only fixes the formats (docs/access.md):
//   sealed blob = 12-byte random nonce || ciphertext || 16-byte GCM tag, with the key's id as AAD,
//   so a sealed value copied onto another key's row does not open.
// Thread-safety: free functions and an immutable MasterKey; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace parapet::access {

using Digest = std::array<unsigned char, 32>;

struct MasterKey {
  std::array<unsigned char, 32> bytes{};
  std::string source;  // where it came from, for messages ("env PARAPET_MASTER_KEY", a path)
};

// The master key: PARAPET_MASTER_KEY (64 hex digits) when `env_value` is non-empty, else the file
// at `path` (64 hex digits, whitespace ignored). When the file does not exist and `create` is set,
// a new random key is written there with mode 0600.
Result<MasterKey> load_master_key(std::string_view env_value, const std::string& path, bool create);
// Parses 64 hex digits (surrounding whitespace ignored).
Result<MasterKey> parse_master_key(std::string_view hex, std::string source);

Result<std::string> seal(const MasterKey& key, std::string_view plaintext, std::string_view aad);
// Errors when the blob was sealed under another key or AAD, or was altered.
Result<std::string> unseal(const MasterKey& key, std::string_view sealed, std::string_view aad);

Digest sha256(std::string_view data);
// Constant-time equality, so a verifier does not leak how much of a digest matched.
bool digest_equal(const Digest& a, const Digest& b);
std::string to_hex(const unsigned char* p, size_t n);
inline std::string to_hex(const Digest& d) { return to_hex(d.data(), d.size()); }
// Exactly 2*out.size() hex digits into out; false otherwise.
bool from_hex(std::string_view hex, unsigned char* out, size_t n);
// n random bytes from the OS CSPRNG, as lowercase base32 / base64url-ish text of `chars` length.
std::string random_token(size_t chars);

}  // namespace parapet::access
