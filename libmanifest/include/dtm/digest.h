// SHA-256 digests of bytes (OpenSSL behind the crypto layer).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "dtm/status.h"

namespace dtm {

using Sha256Digest = std::array<uint8_t, 32>;

// Incremental SHA-256 (OpenSSL EVP). Not thread-safe; one per thread. Creating one
// allocates; reuse it (Finish() resets it) when hashing many small inputs.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t len);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  // Returns the digest and resets the object for reuse.
  Sha256Digest Finish();
  // The digest of the bytes so far; hashing goes on (a prefix's digest and the
  // whole input's from one pass).
  Sha256Digest Peek() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SHA-256 of `data`. Thread-safe (uses a thread-local Sha256).
Sha256Digest Sha256Of(std::string_view data);

// HMAC-SHA256 (RFC 2104) of `data` under `key`. Thread-safe.
Sha256Digest HmacSha256(std::string_view key, std::string_view data);

// HMAC-SHA256 of data given in pieces: the same MAC as HmacSha256 of their
// concatenation. Not thread-safe; Finish() once.
class HmacSha256Stream {
 public:
  explicit HmacSha256Stream(std::string_view key);
  void Update(std::string_view data) { inner_.Update(data); }
  Sha256Digest Finish();

 private:
  std::string key_;
  Sha256 inner_;
};

// Fills `out` with `size` bytes from the system's cryptographic random number
// generator; kInternal if it cannot.
Status RandomBytes(void* out, size_t size);

// Lower-case hex of bytes.
std::string ToHex(const void* data, size_t len);
inline std::string ToHex(const Sha256Digest& d) { return ToHex(d.data(), d.size()); }
inline std::string ToHex(std::string_view bytes) { return ToHex(bytes.data(), bytes.size()); }

// Parses exactly 64 hex digits (either case); an optional "sha256:" prefix (either
// case) is accepted. Anything else is kInvalidArgument saying what is wrong.
StatusOr<Sha256Digest> ParseSha256Hex(std::string_view text);
// Decodes hex digits (either case) into bytes; false for an odd length or a
// character that is not a hex digit.
bool DecodeHex(std::string_view hex, std::string* bytes);

inline std::string_view AsBytes(const Sha256Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}
// REQUIRES: bytes.size() == 32.
Sha256Digest DigestFromBytes(std::string_view bytes);

}  // namespace dtm
