#include "access/crypto.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace parapet::access {

namespace {

constexpr size_t kNonce = 12, kTag = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

Error crypto_error(std::string what) { return make_error(ErrorCode::kInternal, std::move(what)); }

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool from_hex(std::string_view hex, unsigned char* out, size_t n) {
  if (hex.size() != 2 * n) return false;
  for (size_t i = 0; i < n; ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

std::string to_hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = kDigits[p[i] >> 4];
    s[2 * i + 1] = kDigits[p[i] & 15];
  }
  return s;
}

Result<MasterKey> parse_master_key(std::string_view hex, std::string source) {
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.front())))
    hex.remove_prefix(1);
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.remove_suffix(1);
  MasterKey k;
  k.source = std::move(source);
  if (!from_hex(hex, k.bytes.data(), k.bytes.size())) {
    return make_error(ErrorCode::kBadRequest,
                      "master key from " + k.source + " must be 64 hex digits (32 bytes)");
  }
  return k;
}

Result<MasterKey> load_master_key(std::string_view env_value, const std::string& path,
                                  bool create) {
  if (!env_value.empty()) return parse_master_key(env_value, "PARAPET_MASTER_KEY");
  std::ifstream in(path);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_master_key(ss.str(), path);
  }
  if (!create) return make_error(ErrorCode::kNotFound, "no master key at " + path);
  MasterKey k;
  k.source = path;
  if (RAND_bytes(k.bytes.data(), static_cast<int>(k.bytes.size())) != 1) {
    return crypto_error("cannot draw random bytes for a master key");
  }
  // O_EXCL: two processes racing to create it must not each write their own key.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_master_key(env_value, path, false);
    return crypto_error("cannot create master key file " + path + ": " + std::strerror(errno));
  }
  std::string text = to_hex(k.bytes.data(), k.bytes.size()) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) return crypto_error("cannot write master key file " + path);
  return k;
}

Result<std::string> seal(const MasterKey& key, std::string_view plaintext, std::string_view aad) {
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(o, kNonce) != 1) return crypto_error("cannot draw a nonce");
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), o) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o + kNonce, &len, u8(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + kNonce + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, o + kNonce + plaintext.size()) !=
          1) {
    return crypto_error("AES-256-GCM seal failed");
  }
  return out;
}

Result<std::string> unseal(const MasterKey& key, std::string_view sealed, std::string_view aad) {
  if (sealed.size() < kNonce + kTag) return crypto_error("sealed value too short");
  size_t n = sealed.size() - kNonce - kTag;
  std::string out(n, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  const unsigned char* in = u8(sealed);
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  std::array<unsigned char, kTag> tag;
  std::memcpy(tag.data(), in + kNonce + n, kTag);
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), in) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), o, &len, in + kNonce, static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), o + len, &len) != 1) {
    return crypto_error("sealed value does not open under the master key from " + key.source +
                        " (another master key, or altered)");
  }
  return out;
}

Digest sha256(std::string_view data) {
  Digest d{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr);
  return d;
}

bool digest_equal(const Digest& a, const Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_token(size_t chars) {
  // 32 symbols (5 bits each): unambiguous in a terminal and safe in headers, URLs and TOML.
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
  std::string raw(chars, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(chars));
  for (char& c : raw) c = kAlphabet[static_cast<unsigned char>(c) & 31];
  return raw;
}

}  // namespace parapet::access
