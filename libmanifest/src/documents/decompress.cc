#include "documents/decompress.h"

#include <zlib.h>
#include <zstd.h>

#include <cstring>

namespace dtm::internal {

struct DecompressingSource::State {
  z_stream z{};
  bool z_ready = false;
  ZSTD_DStream* zstd = nullptr;
  ~State() {
    if (z_ready) inflateEnd(&z);
    if (zstd != nullptr) ZSTD_freeDStream(zstd);
  }
};

namespace {
constexpr size_t kInputBlock = 1u << 18;
}

DecompressingSource::DecompressingSource(ByteSource& in, std::string file_name)
    : in_(in), name_(std::move(file_name)), state_(std::make_unique<State>()) {}

DecompressingSource::~DecompressingSource() = default;

// Reads more compressed input when all of it has been used.
Status DecompressingSource::Fill() {
  if (input_pos_ < input_.size() || input_ended_) return Status::Ok();
  input_.resize(kInputBlock);
  DTM_ASSIGN_OR_RETURN(size_t n, in_.Read(input_.data(), input_.size()));
  input_.resize(n);
  input_pos_ = 0;
  if (n == 0) input_ended_ = true;
  return Status::Ok();
}

Status DecompressingSource::Detect() {
  detected_ = true;
  // Enough bytes to see a magic number, without assuming one Read gives them.
  input_.clear();
  while (input_.size() < 4) {
    char buf[4];
    DTM_ASSIGN_OR_RETURN(size_t n, in_.Read(buf, 4 - input_.size()));
    if (n == 0) break;
    input_.append(buf, n);
  }
  input_pos_ = 0;
  const auto* b = reinterpret_cast<const unsigned char*>(input_.data());
  if (input_.size() >= 2 && b[0] == 0x1F && b[1] == 0x8B) {
    compression_ = Compression::kGzip;
  } else if (input_.size() >= 4 && b[0] == 0x28 && b[1] == 0xB5 && b[2] == 0x2F && b[3] == 0xFD) {
    compression_ = Compression::kZstd;
    state_->zstd = ZSTD_createDStream();
    if (state_->zstd == nullptr) return Status::Internal(name_, "out of memory for zstd");
  }
  if (input_.empty()) input_ended_ = true;
  return Status::Ok();
}

StatusOr<size_t> DecompressingSource::Read(char* buffer, size_t n) {
  if (!detected_) DTM_RETURN_IF_ERROR(Detect());
  if (n == 0) return size_t{0};
  if (compression_ == Compression::kNone) {
    if (input_pos_ < input_.size()) {
      const size_t take = std::min(n, input_.size() - input_pos_);
      std::memcpy(buffer, input_.data() + input_pos_, take);
      input_pos_ += take;
      consumed_ += take;
      return take;
    }
    if (input_ended_) return size_t{0};
    DTM_ASSIGN_OR_RETURN(size_t got, in_.Read(buffer, n));
    consumed_ += got;
    return got;
  }
  for (;;) {
    DTM_RETURN_IF_ERROR(Fill());
    const size_t available = input_.size() - input_pos_;
    if (available == 0) {
      if (!stream_ended_) {
        return Status::InvalidArgument(
            name_, "byte " + std::to_string(consumed_) +
                       (compression_ == Compression::kGzip ? ": truncated gzip member"
                                                           : ": truncated zstd frame"));
      }
      return size_t{0};
    }
    const char* in = input_.data() + input_pos_;
    size_t used = 0, produced = 0;
    if (compression_ == Compression::kGzip) {
      z_stream& z = state_->z;
      if (stream_ended_) {
        member_start_ = consumed_;
        if (!state_->z_ready) {
          if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
            return Status::Internal(name_, "cannot start gzip decoding");
          }
          state_->z_ready = true;
        } else {
          inflateReset(&z);
        }
        stream_ended_ = false;
      }
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
      z.avail_in = static_cast<uInt>(available);
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
      const int rc = inflate(&z, Z_NO_FLUSH);
      used = available - z.avail_in;
      produced = std::min<size_t>(n, 1u << 30) - z.avail_out;
      if (rc == Z_STREAM_END) {
        stream_ended_ = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::InvalidArgument(
            name_, "byte " + std::to_string(consumed_ + used) + ": damaged gzip data (" +
                       (z.msg != nullptr ? z.msg : "error " + std::to_string(rc)) + ")");
      }
    } else {
      if (stream_ended_) {
        member_start_ = consumed_;
        stream_ended_ = false;
      }
      ZSTD_inBuffer zin{in, available, 0};
      ZSTD_outBuffer zout{buffer, n, 0};
      const size_t rc = ZSTD_decompressStream(state_->zstd, &zout, &zin);
      if (ZSTD_isError(rc)) {
        return Status::InvalidArgument(name_, "byte " + std::to_string(consumed_ + zin.pos) +
                                                  ": damaged zstd data (" + ZSTD_getErrorName(rc) +
                                                  ")");
      }
      used = zin.pos;
      produced = zout.pos;
      if (rc == 0) stream_ended_ = true;
    }
    input_pos_ += used;
    consumed_ += used;
    if (produced > 0) return produced;
    if (used == 0 && available > 0 && !stream_ended_) {
      return Status::InvalidArgument(
          name_, "byte " + std::to_string(consumed_) + ": compressed data makes no progress");
    }
  }
}

}  // namespace dtm::internal
