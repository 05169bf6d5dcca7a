// A stream of bytes pulled by a reader: a file being hashed, a decompressor,
// a string. The interface between the platform layer and the parsers.
#pragma once

#include <cstddef>
#include <string_view>

#include "dtm/status.h"

namespace dtm::internal {

// Read returns up to `n` bytes (0 only at the end) or an error that names the
// source. Not thread-safe.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual StatusOr<size_t> Read(char* buffer, size_t n) = 0;
};

// The bytes of a string, which must outlive the source.
class StringByteSource : public ByteSource {
 public:
  explicit StringByteSource(std::string_view data) : data_(data) {}
  StatusOr<size_t> Read(char* buffer, size_t n) override;

 private:
  std::string_view data_;
};

}  // namespace dtm::internal
