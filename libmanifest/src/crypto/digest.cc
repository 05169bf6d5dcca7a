// SHA-256 over OpenSSL EVP, and hex conversion of digests.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "crypto/openssl_ptr.h"
#include "crypto/openssl_util.h"
#include "dtm/digest.h"

namespace dtm {
namespace {

using internal::MdCtxPtr;

// SHA-256 with OpenSSL's default provider cannot fail short of memory
// corruption or a broken installation; the Sha256 API has no error path, so a
// failure is fatal rather than a wrong digest.
void CheckOpenSsl(int ok, const char* what) {
  if (ok == 1) return;
  std::fprintf(stderr, "dtm: fatal: %s failed: %s\n", what, internal::DrainOpenSslErrors().c_str());
  std::abort();
}

// The SHA-256 implementation, fetched once per process and shared (EVP_MD is
// reference counted and safe to use from many threads).
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    CheckOpenSsl(m != nullptr, "EVP_MD_fetch(SHA256)");
    return m;
  }();
  return md;
}

}  // namespace

struct Sha256::Impl {
  MdCtxPtr ctx;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx.reset(EVP_MD_CTX_new());
  CheckOpenSsl(impl_->ctx != nullptr, "EVP_MD_CTX_new");
  CheckOpenSsl(EVP_DigestInit_ex2(impl_->ctx.get(), Sha256Md(), nullptr), "EVP_DigestInit_ex2");
}

Sha256::~Sha256() = default;

void Sha256::Update(const void* data, size_t len) {
  CheckOpenSsl(EVP_DigestUpdate(impl_->ctx.get(), data, len), "EVP_DigestUpdate");
}

Sha256Digest Sha256::Finish() {
  Sha256Digest d;
  unsigned int len = 0;
  CheckOpenSsl(EVP_DigestFinal_ex(impl_->ctx.get(), d.data(), &len), "EVP_DigestFinal_ex");
  CheckOpenSsl(len == d.size(), "EVP_DigestFinal_ex length");
  CheckOpenSsl(EVP_DigestInit_ex2(impl_->ctx.get(), Sha256Md(), nullptr), "EVP_DigestInit_ex2");
  return d;
}

Sha256Digest Sha256::Peek() const {
  MdCtxPtr copy(EVP_MD_CTX_new());
  CheckOpenSsl(copy != nullptr, "EVP_MD_CTX_new");
  CheckOpenSsl(EVP_MD_CTX_copy_ex(copy.get(), impl_->ctx.get()), "EVP_MD_CTX_copy_ex");
  Sha256Digest d;
  unsigned int len = 0;
  CheckOpenSsl(EVP_DigestFinal_ex(copy.get(), d.data(), &len), "EVP_DigestFinal_ex");
  CheckOpenSsl(len == d.size(), "EVP_DigestFinal_ex length");
  return d;
}

namespace {

constexpr size_t kHmacBlock = 64;

// The key XORed with the inner (0x36) or outer (0x5c) pad (RFC 2104).
void HmacPad(std::string_view key, unsigned char pad, unsigned char out[kHmacBlock]) {
  unsigned char padded[kHmacBlock] = {};
  if (key.size() > kHmacBlock) {
    const Sha256Digest hashed = Sha256Of(key);
    std::memcpy(padded, hashed.data(), hashed.size());
  } else {
    std::memcpy(padded, key.data(), key.size());
  }
  for (size_t i = 0; i < kHmacBlock; ++i) out[i] = padded[i] ^ pad;
}

}  // namespace

Sha256Digest HmacSha256(std::string_view key, std::string_view data) {
  // On the thread's reused hasher: about 0.3 us for a short input, where
  // OpenSSL's one-shot HMAC() sets up a context each call (1.2 us).
  unsigned char ipad[kHmacBlock], opad[kHmacBlock];
  HmacPad(key, 0x36, ipad);
  HmacPad(key, 0x5c, opad);
  thread_local Sha256 sha;
  sha.Update(ipad, kHmacBlock);
  sha.Update(data);
  const Sha256Digest inner = sha.Finish();
  sha.Update(opad, kHmacBlock);
  sha.Update(inner.data(), inner.size());
  return sha.Finish();
}

HmacSha256Stream::HmacSha256Stream(std::string_view key) : key_(key) {
  unsigned char ipad[kHmacBlock];
  HmacPad(key_, 0x36, ipad);
  inner_.Update(ipad, kHmacBlock);
}

Sha256Digest HmacSha256Stream::Finish() {
  const Sha256Digest inner = inner_.Finish();
  unsigned char opad[kHmacBlock];
  HmacPad(key_, 0x5c, opad);
  Sha256 outer;
  outer.Update(opad, kHmacBlock);
  outer.Update(inner.data(), inner.size());
  return outer.Finish();
}

Status RandomBytes(void* out, size_t size) {
  if (size > static_cast<size_t>(INT32_MAX) ||
      RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(size)) != 1) {
    return Status::Internal("the random number generator failed");
  }
  return Status::Ok();
}

Sha256Digest Sha256Of(std::string_view data) {
  thread_local Sha256 sha;
  sha.Update(data);
  return sha.Finish();
}

std::string ToHex(const void* data, size_t len) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const auto* p = static_cast<const uint8_t*>(data);
  std::string out(2 * len, '\0');
  for (size_t i = 0; i < len; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 0xf];
  }
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

bool DecodeHex(std::string_view hex, std::string* bytes) {
  if (hex.size() % 2 != 0) return false;
  bytes->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]);
    const int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

StatusOr<Sha256Digest> ParseSha256Hex(std::string_view text) {
  std::string_view hex = text;
  if (StartsWithIgnoreCase(hex, "sha256:")) hex.remove_prefix(7);
  Sha256Digest d;
  if (hex.size() != 2 * d.size()) {
    return Status::InvalidArgument(
        "bad SHA-256 digest '" + std::string(text.substr(0, 80)) + "'",
        "want 64 hex digits, got " + std::to_string(hex.size()) + " characters");
  }
  for (size_t i = 0; i < d.size(); ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      const size_t bad = (text.size() - hex.size()) + 2 * i + (hi < 0 ? 0 : 1);
      return Status::InvalidArgument(
          "bad SHA-256 digest '" + std::string(text) + "'",
          "character " + std::to_string(bad + 1) + " is not a hex digit");
    }
    d[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return d;
}

Sha256Digest DigestFromBytes(std::string_view bytes) {
  Sha256Digest d{};
  std::memcpy(d.data(), bytes.data(), std::min(bytes.size(), d.size()));
  return d;
}

}  // namespace dtm
