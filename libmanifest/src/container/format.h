// Private: the byte layout of spec/container.md, shared by the writer, the
// reader and tests. All integers are little-endian.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace dtm::internal {

// Preamble: magic (8), u32 version, u32 flags.
inline constexpr size_t kPreambleSize = 16;
// Header length field.
inline constexpr size_t kHeaderLengthSize = 4;
// Frame header: u32 compressed size, u32 uncompressed size, u32 record count.
inline constexpr size_t kFrameHeaderSize = 12;
// Footer after the end marker: u64 records, u64 frames, 32-byte digest, end magic.
inline constexpr size_t kFooterCountsSize = 16;
inline constexpr size_t kDigestSize = 32;
inline constexpr std::string_view kEndMagic{"DTMEND\r\n", 8};
inline constexpr size_t kEndMagicSize = 8;

// The writer's zstd level (frame sizes: dtm::FramePolicy).
inline constexpr int kZstdLevel = 3;

// A varint encoding a u32 takes at most 5 bytes.
inline constexpr size_t kMaxVarint32Bytes = 5;

inline void PutU32(char* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(v >> (8 * i));
}
inline void PutU64(char* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (8 * i));
}
inline uint32_t GetU32(const char* in) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}
inline uint64_t GetU64(const char* in) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}
inline void AppendU32(std::string* out, uint32_t v) {
  char b[4];
  PutU32(b, v);
  out->append(b, 4);
}
inline void AppendU64(std::string* out, uint64_t v) {
  char b[8];
  PutU64(b, v);
  out->append(b, 8);
}

// Writes `v` as a protobuf base-128 varint at `out`; returns the bytes written.
// REQUIRES: `out` has room for VarintSize(v) bytes.
inline size_t PutVarint32(char* out, uint32_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<char>(v);
  return n;
}
inline size_t VarintSize(uint32_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// The result of reading a varint from a frame.
enum class VarintResult { kOk, kTruncated, kTooLong, kNotMinimal };

// Reads a shortest-form varint of at most 32 bits from [*pos, end). On kOk sets
// *value and advances *pos.
inline VarintResult GetVarint32(const char* data, size_t end, size_t* pos, uint32_t* value) {
  uint64_t v = 0;
  size_t p = *pos;
  for (size_t i = 0;; ++i) {
    if (p >= end) return VarintResult::kTruncated;
    if (i == kMaxVarint32Bytes) return VarintResult::kTooLong;
    const unsigned char b = static_cast<unsigned char>(data[p++]);
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      if (i > 0 && b == 0) return VarintResult::kNotMinimal;  // a trailing zero group
      if (v > UINT32_MAX) return VarintResult::kTooLong;
      *value = static_cast<uint32_t>(v);
      *pos = p;
      return VarintResult::kOk;
    }
  }
}

}  // namespace dtm::internal
