#include "base/base64.h"

#include <cstdint>

namespace dtm::internal {
namespace {

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of `c`, or -1. `*alphabet` records which alphabet the
// characters seen so far belong to (-1 unknown, 0 standard, 1 URL-safe).
int SextetOf(char c, int* alphabet) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  const int kind = (c == '+' || c == '/') ? 0 : (c == '-' || c == '_') ? 1 : -1;
  if (kind < 0 || (*alphabet >= 0 && *alphabet != kind)) return -1;
  *alphabet = kind;
  return (c == '+' || c == '-') ? 62 : 63;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = static_cast<uint8_t>(bytes[i]) << 16 |
                       static_cast<uint8_t>(bytes[i + 1]) << 8 | static_cast<uint8_t>(bytes[i + 2]);
    out += kStandard[v >> 18];
    out += kStandard[(v >> 12) & 63];
    out += kStandard[(v >> 6) & 63];
    out += kStandard[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kStandard[v >> 18];
    out += kStandard[(v >> 12) & 63];
    out += rest == 2 ? kStandard[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

StatusOr<std::string> Base64Decode(std::string_view text) {
  size_t data_len = text.size();
  if (text.size() % 4 == 0) {
    // Padded form: up to two trailing '='.
    while (data_len > 0 && text.size() - data_len < 2 && text[data_len - 1] == '=') --data_len;
  }
  if (data_len % 4 == 1) {
    return Status::InvalidArgument(
        "bad base64", "length " + std::to_string(text.size()) + " is not that of any encoding");
  }
  std::string out;
  out.reserve(data_len / 4 * 3 + 2);
  int alphabet = -1;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < data_len; ++i) {
    const int v = SextetOf(text[i], &alphabet);
    if (v < 0) {
      return Status::InvalidArgument("bad base64",
                                     "unexpected character at offset " + std::to_string(i));
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) {
    return Status::InvalidArgument("bad base64", "non-zero bits after the last byte");
  }
  return out;
}

}  // namespace dtm::internal
