// A file's bytes as its documents' format reads them: gzip (any number of
// members, RFC 1952) and zstd (any number of frames, RFC 8878) are recognized
// by their magic numbers and decompressed; anything else passes unchanged.
#pragma once

#include <memory>
#include <string>

#include "documents/extract.h"

namespace dtm::internal {

enum class Compression { kNone, kGzip, kZstd };

// Wraps `in`; errors name `file_name` and the compressed byte offset:
// "truncated gzip stream", "damaged zstd data". Not thread-safe.
class DecompressingSource : public ByteSource {
 public:
  DecompressingSource(ByteSource& in, std::string file_name);
  ~DecompressingSource() override;
  StatusOr<size_t> Read(char* buffer, size_t n) override;

  // Known after the first Read.
  Compression compression() const { return compression_; }
  // Compressed bytes consumed so far.
  uint64_t consumed() const { return consumed_; }
  // Gzip: the compressed offset at which the member being read began.
  uint64_t member_start() const { return member_start_; }

 private:
  struct State;
  Status Fill();
  Status Detect();

  ByteSource& in_;
  std::string name_;
  Compression compression_ = Compression::kNone;
  bool detected_ = false;
  bool input_ended_ = false;
  bool stream_ended_ = true;  // between gzip members or zstd frames
  std::string input_;
  size_t input_pos_ = 0;
  uint64_t consumed_ = 0;
  uint64_t member_start_ = 0;
  std::unique_ptr<State> state_;
};

}  // namespace dtm::internal
