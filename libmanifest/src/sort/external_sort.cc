#include "sort/external_sort.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <numeric>

namespace dtm::internal {

namespace {
constexpr size_t kBlockBytes = 1u << 20;  // uncompressed bytes per zstd frame of a run
constexpr size_t kReadBytes = 64u << 10;  // compressed bytes read at a time per run
}  // namespace

// The records of one run, decompressed as they are read.
class ExternalSorter::RunReader {
 public:
  RunReader(int fd, const Run& run, size_t record_bytes, std::string where)
      : fd_(fd),
        run_(run),
        record_bytes_(record_bytes),
        where_(std::move(where)),
        zstd_(ZSTD_createDStream()),
        current_(record_bytes, '\0') {}
  ~RunReader() { ZSTD_freeDStream(zstd_); }

  // Moves to the next record; false after the last.
  StatusOr<bool> Advance() {
    if (given_ == run_.count) return false;
    while (data_.size() - pos_ < record_bytes_) {
      if (read_ >= run_.bytes) return Status::Internal(where_, "run ends inside a record");
      data_.erase(0, pos_);
      pos_ = 0;
      std::string in(static_cast<size_t>(std::min<uint64_t>(kReadBytes, run_.bytes - read_)), '\0');
      DTM_RETURN_IF_ERROR(ReadAt(fd_, in.data(), in.size(), run_.offset + read_, where_));
      read_ += in.size();
      ZSTD_inBuffer zin{in.data(), in.size(), 0};
      std::string out(ZSTD_DStreamOutSize(), '\0');
      while (zin.pos < zin.size) {
        ZSTD_outBuffer zout{out.data(), out.size(), 0};
        const size_t rc = ZSTD_decompressStream(zstd_, &zout, &zin);
        if (ZSTD_isError(rc)) return Status::Internal(where_, ZSTD_getErrorName(rc));
        data_.append(out.data(), zout.pos);
      }
    }
    std::memcpy(current_.data(), data_.data() + pos_, record_bytes_);
    pos_ += record_bytes_;
    ++given_;
    return true;
  }
  const char* current() const { return current_.data(); }

 private:
  int fd_;
  Run run_;
  size_t record_bytes_;
  std::string where_;
  ZSTD_DStream* zstd_;
  uint64_t read_ = 0, given_ = 0;
  std::string data_, current_;
  size_t pos_ = 0;
};

ExternalSorter::ExternalSorter(size_t record_bytes, size_t key_bytes, std::string folder,
                               size_t memory_bytes)
    : record_bytes_(record_bytes),
      key_bytes_(key_bytes),
      folder_(std::move(folder)),
      capacity_(std::max<size_t>(1, memory_bytes / record_bytes)) {}

ExternalSorter::~ExternalSorter() = default;

Status ExternalSorter::Add(const void* record) {
  if ((held_ + 1) * record_bytes_ > buffer_.size()) {
    // Grows by doubling up to the budget: a small sort takes little memory.
    const size_t records = std::min(capacity_, std::max<size_t>(1024, 2 * held_));
    buffer_.resize(records * record_bytes_);
  }
  std::memcpy(buffer_.data() + held_ * record_bytes_, record, record_bytes_);
  ++records_;
  if (++held_ == capacity_) return SpillRun();
  return Status::Ok();
}

void ExternalSorter::SortHeld() {
  order_.resize(held_);
  std::iota(order_.begin(), order_.end(), uint32_t{0});
  const char* base = buffer_.data();
  const size_t rb = record_bytes_, kb = key_bytes_;
  std::sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
    return std::memcmp(base + size_t{a} * rb, base + size_t{b} * rb, kb) < 0;
  });
}

Status ExternalSorter::SpillRun() {
  SortHeld();
  const char* base = buffer_.data();
  const size_t rb = record_bytes_;
  if (scratch_.get() < 0) {
    DTM_ASSIGN_OR_RETURN(scratch_, OpenScratchFile(folder_));
  }
  Run run;
  run.offset = scratch_end_;
  run.count = held_;
  std::string block, frame;
  auto flush = [&]() -> Status {
    if (block.empty()) return Status::Ok();
    frame.resize(ZSTD_compressBound(block.size()));
    const size_t n = ZSTD_compress(frame.data(), frame.size(), block.data(), block.size(), 1);
    if (ZSTD_isError(n)) return Status::Internal("external sort", ZSTD_getErrorName(n));
    DTM_RETURN_IF_ERROR(WriteAll(scratch_.get(), frame.data(), n, folder_ + " (scratch file)"));
    scratch_end_ += n;
    run.bytes += n;
    block.clear();
    return Status::Ok();
  };
  for (uint32_t i : order_) {
    block.append(base + size_t{i} * rb, rb);
    if (block.size() >= kBlockBytes) DTM_RETURN_IF_ERROR(flush());
  }
  DTM_RETURN_IF_ERROR(flush());
  runs_.push_back(run);
  held_ = 0;
  return Status::Ok();
}

Status ExternalSorter::Finish() {
  if (runs_.empty()) {
    // Everything fits in memory: sort it there, no disk.
    in_memory_ = true;
    SortHeld();
    return Status::Ok();
  }
  if (held_ > 0) DTM_RETURN_IF_ERROR(SpillRun());
  std::string().swap(buffer_);
  for (const Run& run : runs_) {
    readers_.push_back(std::make_unique<RunReader>(scratch_.get(), run, record_bytes_,
                                                   folder_ + " (scratch file)"));
    DTM_ASSIGN_OR_RETURN(bool more, readers_.back()->Advance());
    if (more) heap_.push_back(readers_.size() - 1);
  }
  auto greater = [&](size_t a, size_t b) {
    return std::memcmp(readers_[a]->current(), readers_[b]->current(), key_bytes_) > 0;
  };
  std::make_heap(heap_.begin(), heap_.end(), greater);
  return Status::Ok();
}

StatusOr<bool> ExternalSorter::Next(void* record) {
  if (in_memory_) {
    if (next_in_memory_ == order_.size()) return false;
    std::memcpy(record, buffer_.data() + size_t{order_[next_in_memory_++]} * record_bytes_,
                record_bytes_);
    return true;
  }
  if (heap_.empty()) return false;
  auto greater = [&](size_t a, size_t b) {
    return std::memcmp(readers_[a]->current(), readers_[b]->current(), key_bytes_) > 0;
  };
  std::pop_heap(heap_.begin(), heap_.end(), greater);
  const size_t top = heap_.back();
  std::memcpy(record, readers_[top]->current(), record_bytes_);
  DTM_ASSIGN_OR_RETURN(bool more, readers_[top]->Advance());
  if (more) {
    std::push_heap(heap_.begin(), heap_.end(), greater);
  } else {
    heap_.pop_back();
  }
  return true;
}

}  // namespace dtm::internal
