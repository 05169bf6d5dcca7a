// ManifestReader: spec/container.md, "Layout" and "Reading".
#include <fcntl.h>

// For ZSTD_getFrameHeader (window size, dictionary id, frame type): exported by
// the shared libzstd, and the program is built against the header of the
// library it links.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>

#include "base/posix_file.h"
#include "base/text.h"
#include "container/format.h"
#include "dtm/container.h"
#include "dtm/records.h"

namespace dtm {

using namespace internal;  // NOLINT: this file implements the layout and uses the platform layer

namespace {

struct ZstdDCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

constexpr size_t kReadBlockSize = 1u << 20;
// Frames the loading thread may have ready ahead of the one being read.
constexpr size_t kFramesAhead = 2;

std::string Num(uint64_t v) { return std::to_string(v); }

}  // namespace

// Once records are asked for, a thread loads the frames (reads, hashes the file,
// decompresses and checks them, then the footer) ahead of the caller, who
// only splits them into records: reading a manifest takes two cores.
struct ManifestReader::Impl {
  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    cv.notify_all();
    if (loader.joinable()) loader.join();
  }

  std::string path;
  ContainerLimits limits;
  bool public_view = false;  // set by Open, before the loading thread starts
  bool build_part = false;   // whether Open was asked for a build part

  // --- The loading thread's (Open's before it starts). ---
  FileDescriptor fd;
  uint64_t offset = 0;  // file offset of the next byte ReadExact returns
  // Read-ahead buffer: [buf_pos, buf_len) is not yet consumed.
  std::unique_ptr<char[]> buf{new char[kReadBlockSize]};
  size_t buf_pos = 0, buf_len = 0;
  Sha256 file_hash;            // every byte of the file read so far
  Sha256Digest file_sha256{};  // set with the end; read by the caller after it
  v1::Header header;
  std::string header_bytes;
  std::unique_ptr<ZSTD_DCtx, ZstdDCtxDeleter> dctx;
  std::string compressed;
  std::string loading;         // the frame LoadFrame decompressed
  uint32_t loading_count = 0;  // its records
  uint64_t frames = 0;         // frames loaded
  uint64_t records_loaded = 0;
  bool at_end = false;  // the footer was read and checked

  // --- Between the two threads, guarded by mu. ---
  struct Loaded {
    Status status;  // not OK: the error at this place; nothing follows
    bool end = false;
    std::string frame;
    uint32_t count = 0;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Loaded> ready;
  std::vector<std::string> spare;  // frame buffers the caller is done with
  bool stop = false;
  std::thread loader;
  bool load_inline = false;  // the thread could not be started

  // --- The caller's. ---
  std::string frame;  // the current frame's records
  size_t frame_pos = 0;
  uint32_t frame_records_left = 0;
  uint64_t records = 0;
  bool done = false;
  Status failed;

  Loaded LoadOne();  // the loading thread's step (or the caller's, inline)
  void LoadFrames();
  Loaded TakeLoaded();

  // Reads exactly `n` bytes; *complete is false (and the content unspecified)
  // when the file ends first. kIOError on a read error.
  Status ReadExact(char* dst, size_t n, bool* complete);
  // ReadExact, with a truncation reported as kCorruption "truncated: ended inside <where>".
  Status ReadOrTruncated(char* dst, size_t n, std::string_view where);

  Status Corrupt(uint64_t at, const std::string& what) const {
    return Status::Corruption(path + ": offset " + Num(at) + ": " + what);
  }
  Status OverLimit(uint64_t at, const std::string& what, uint64_t limit) const {
    return Status::LimitExceeded(path + ": offset " + Num(at) + ": " + what + " exceeds limit " +
                                 Num(limit));
  }

  Status ReadPreambleAndHeader();
  // Loads the next frame into `loading`, or reads and checks the footer (and
  // sets at_end).
  Status LoadFrame();
  Status CheckZstdFrame(uint64_t at, const std::string& name, uint32_t size);
  Status CheckRecordLengths(const std::string& name, uint32_t count);
  Status ReadFooter();
  StatusOr<bool> NextBytes(std::string_view* record);
};

Status ManifestReader::Impl::ReadExact(char* dst, size_t n, bool* complete) {
  char* const start = dst;
  const size_t wanted = n;
  *complete = false;
  while (n > 0) {
    if (buf_pos == buf_len) {
      size_t got = 0;
      if (n >= kReadBlockSize) {  // large reads go straight to the destination
        DTM_RETURN_IF_ERROR(ReadFull(fd.get(), dst, n, &got, path));
        dst += got;
        n -= got;
        break;
      }
      DTM_RETURN_IF_ERROR(ReadFull(fd.get(), buf.get(), kReadBlockSize, &got, path));
      buf_pos = 0;
      buf_len = got;
      if (got == 0) break;
    }
    const size_t take = std::min(n, buf_len - buf_pos);
    std::memcpy(dst, buf.get() + buf_pos, take);
    buf_pos += take;
    dst += take;
    n -= take;
  }
  const size_t got = wanted - n;
  file_hash.Update(start, got);
  offset += got;
  *complete = n == 0;
  return Status::Ok();
}

Status ManifestReader::Impl::ReadOrTruncated(char* dst, size_t n, std::string_view where) {
  bool complete = false;
  DTM_RETURN_IF_ERROR(ReadExact(dst, n, &complete));
  if (!complete)
    return Status::Corruption(path + ": truncated: ended inside " + std::string(where));
  return Status::Ok();
}

Status ManifestReader::Impl::ReadPreambleAndHeader() {
  char pre[kPreambleSize + kHeaderLengthSize];
  DTM_RETURN_IF_ERROR(ReadOrTruncated(pre, kPreambleSize, "the preamble"));
  if (std::string_view(pre, kContainerMagic.size()) != kContainerMagic) {
    return Corrupt(0, "bad magic number: not a DTM manifest");
  }
  if (const uint32_t version = GetU32(pre + 8); version != kContainerVersion) {
    return Corrupt(8, "unsupported format version " + Num(version) + " (this reader reads " +
                          Num(kContainerVersion) + ")");
  }
  const uint32_t flags = GetU32(pre + 12);
  if (flags != 0 && flags != kPublicViewFlag && flags != kBuildPartFlag) {
    return Corrupt(12, "reserved flags are set (" + Num(flags) + "; must be 0, 1 or 2)");
  }
  if (flags == kBuildPartFlag && !build_part) {
    return Corrupt(12,
                   "flags 2: a part of a sharded build, not a manifest (dtm merge joins "
                   "the parts into one)");
  }
  if (flags != kBuildPartFlag && build_part) {
    return Corrupt(12, "flags " + Num(flags) + ": not a part of a sharded build");
  }
  public_view = flags == kPublicViewFlag;
  DTM_RETURN_IF_ERROR(ReadOrTruncated(pre + kPreambleSize, kHeaderLengthSize, "the header length"));
  const uint32_t length = GetU32(pre + kPreambleSize);
  if (length == 0) return Corrupt(kPreambleSize, "header length is 0");
  if (length > limits.max_header_bytes) {
    return OverLimit(kPreambleSize, "header length " + Num(length), limits.max_header_bytes);
  }
  header_bytes.resize(length);
  DTM_RETURN_IF_ERROR(ReadOrTruncated(header_bytes.data(), length, "the header"));
  const uint64_t at = kPreambleSize + kHeaderLengthSize;
  if (Status decoded = DecodeCanonical(header_bytes, &header); !decoded.ok()) {
    return Corrupt(at, "header: " + decoded.message());
  }
  if (Status times = CheckTimestamps(header); !times.ok()) {
    return Corrupt(at, "header." + times.message());
  }
  if (header.schema() != kSchemaId) {
    return Corrupt(at, "header.schema is " + internal::QuoteForMessage(header.schema()) +
                           ", expected '" + std::string(kSchemaId) + "'");
  }
  if (header.has_build_part() != build_part) {
    return Corrupt(at, build_part ? "a build part without header.build_part"
                                  : "header.build_part is set in a file that is not a build part");
  }
  return Status::Ok();
}

Status ManifestReader::Impl::LoadFrame() {
  const uint64_t at = offset;
  const std::string name = "frame " + Num(frames);
  char head[kFrameHeaderSize];
  bool complete = false;
  DTM_RETURN_IF_ERROR(ReadExact(head, 4, &complete));
  if (!complete) {
    return Status::Corruption(path + ": truncated: ended before " + name + " or the end marker");
  }
  const uint32_t compressed_size = GetU32(head);
  if (compressed_size == 0) return ReadFooter();
  DTM_RETURN_IF_ERROR(ReadOrTruncated(head + 4, 8, name));
  const uint32_t size = GetU32(head + 4);
  const uint32_t count = GetU32(head + 8);
  if (compressed_size > limits.max_frame_bytes) {
    return OverLimit(at, name + ": compressed size " + Num(compressed_size),
                     limits.max_frame_bytes);
  }
  if (size > limits.max_frame_bytes) {
    return OverLimit(at, name + ": uncompressed size " + Num(size), limits.max_frame_bytes);
  }
  if (count > limits.max_frame_records) {
    return OverLimit(at, name + ": record count " + Num(count), limits.max_frame_records);
  }
  if (uint64_t{size} > uint64_t{compressed_size} * limits.max_compression_ratio) {
    return Status::LimitExceeded(path + ": offset " + Num(at) + ": " + name +
                                 ": uncompressed size " + Num(size) + " is more than " +
                                 Num(limits.max_compression_ratio) + " times the compressed size " +
                                 Num(compressed_size));
  }
  if (count == 0) return Corrupt(at, name + ": record count is 0");
  // Checked before decompressing: a file cannot make its reader do more work
  // than its header announces.
  if (public_view && records_loaded + count > header.totals().sources() + 1) {
    return Corrupt(at, name + ": its " + Num(count) + " records make more than a public view's " +
                           Num(header.totals().sources()) + " sources and one");
  }
  if (!public_view && records_loaded + count > header.record_count()) {
    return Corrupt(at, name + ": its " + Num(count) + " records make more than the " +
                           Num(header.record_count()) + " of header.record_count");
  }
  if (size < count) {
    return Corrupt(at, name + ": " + Num(count) + " records cannot fit in " + Num(size) + " bytes");
  }
  compressed.resize(compressed_size);
  DTM_RETURN_IF_ERROR(ReadOrTruncated(compressed.data(), compressed_size, name));
  DTM_RETURN_IF_ERROR(CheckZstdFrame(at + kFrameHeaderSize, name, size));
  loading.resize(size);
  const size_t got =
      ZSTD_decompressDCtx(dctx.get(), loading.data(), size, compressed.data(), compressed_size);
  if (ZSTD_isError(got)) {
    return Corrupt(at + kFrameHeaderSize,
                   name + ": zstd decompression failed: " + ZSTD_getErrorName(got));
  }
  if (got != size) {
    return Corrupt(at + kFrameHeaderSize,
                   name + ": decompressed to " + Num(got) + " bytes, not " + Num(size));
  }
  DTM_RETURN_IF_ERROR(CheckRecordLengths(name, count));
  loading_count = count;
  ++frames;
  records_loaded += count;
  return Status::Ok();
}

// Checks, before decompressing, that the frame's compressed bytes are exactly
// one zstd frame that declares `size` as its content size, needs no
// dictionary, and whose window is within the limit.
Status ManifestReader::Impl::CheckZstdFrame(uint64_t at, const std::string& name, uint32_t size) {
  ZSTD_frameHeader zh;
  const size_t r = ZSTD_getFrameHeader(&zh, compressed.data(), compressed.size());
  if (ZSTD_isError(r)) {
    return Corrupt(at, name + ": not a zstd frame: " + ZSTD_getErrorName(r));
  }
  if (r != 0) return Corrupt(at, name + ": not a zstd frame: header is incomplete");
  if (zh.frameType != ZSTD_frame) return Corrupt(at, name + ": is a zstd skippable frame");
  if (zh.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Corrupt(at, name + ": zstd frame does not declare its content size");
  }
  if (zh.frameContentSize != size) {
    return Corrupt(at, name + ": zstd content size " + Num(zh.frameContentSize) +
                           " does not match the uncompressed size " + Num(size));
  }
  if (zh.dictID != 0) return Corrupt(at, name + ": zstd frame requires a dictionary");
  if (zh.windowSize > (uint64_t{1} << limits.max_window_log)) {
    return OverLimit(at, name + ": zstd window size " + Num(zh.windowSize),
                     uint64_t{1} << limits.max_window_log);
  }
  const size_t frame_size = ZSTD_findFrameCompressedSize(compressed.data(), compressed.size());
  if (ZSTD_isError(frame_size)) {
    return Corrupt(at, name + ": damaged zstd frame: " + ZSTD_getErrorName(frame_size));
  }
  if (frame_size != compressed.size()) {
    return Corrupt(
        at, name + ": " + Num(compressed.size() - frame_size) + " bytes follow the zstd frame");
  }
  return Status::Ok();
}

// Checks that the decompressed frame is exactly `count` length-prefixed
// records, each within max_record_bytes.
Status ManifestReader::Impl::CheckRecordLengths(const std::string& name, uint32_t count) {
  size_t pos = 0;
  for (uint32_t i = 0; i < count; ++i) {
    // Built only on failure: the good path must not allocate per record.
    auto where = [&] { return path + ": " + name + ": record " + Num(records_loaded + i); };
    uint32_t length = 0;
    switch (GetVarint32(loading.data(), loading.size(), &pos, &length)) {
      case VarintResult::kOk:
        break;
      case VarintResult::kTruncated:
        return Status::Corruption(where() + ": the frame ends inside its length");
      case VarintResult::kTooLong:
        return Status::Corruption(where() + ": length is not a 32-bit varint");
      case VarintResult::kNotMinimal:
        return Status::Corruption(where() + ": length is not a shortest-form varint");
    }
    if (length == 0) return Status::Corruption(where() + ": length is 0 (a record is not empty)");
    if (length > limits.max_record_bytes) {
      return Status::LimitExceeded(where() + ": length " + Num(length) + " exceeds limit " +
                                   Num(limits.max_record_bytes));
    }
    if (length > loading.size() - pos) {
      return Status::Corruption(where() + ": length " + Num(length) +
                                " runs past the end of the frame");
    }
    pos += length;
  }
  if (pos != loading.size()) {
    return Status::Corruption(path + ": " + name + ": " + Num(loading.size() - pos) +
                              " bytes left over after its " + Num(count) + " records");
  }
  return Status::Ok();
}

Status ManifestReader::Impl::ReadFooter() {
  const uint64_t at = offset;
  char footer[kFooterCountsSize + kDigestSize + kEndMagicSize];
  DTM_RETURN_IF_ERROR(ReadOrTruncated(footer, kFooterCountsSize, "the footer"));
  // The footer's digest covers every byte before it.
  const Sha256Digest computed = file_hash.Peek();
  DTM_RETURN_IF_ERROR(
      ReadOrTruncated(footer + kFooterCountsSize, kDigestSize + kEndMagicSize, "the footer"));
  if (std::memcmp(footer + kFooterCountsSize, computed.data(), kDigestSize) != 0) {
    return Status::Corruption(path + ": footer digest mismatch: file is damaged");
  }
  if (const uint64_t n = GetU64(footer); n != records_loaded) {
    return Corrupt(at, "footer counts " + Num(n) + " records, the file has " + Num(records_loaded));
  }
  if (const uint64_t n = GetU64(footer + 8); n != frames) {
    return Corrupt(at, "footer counts " + Num(n) + " frames, the file has " + Num(frames));
  }
  if (std::string_view(footer + kFooterCountsSize + kDigestSize, kEndMagicSize) != kEndMagic) {
    return Corrupt(at + kFooterCountsSize + kDigestSize, "bad end magic");
  }
  const uint64_t end = offset;
  char extra;
  bool complete = false;
  DTM_RETURN_IF_ERROR(ReadExact(&extra, 1, &complete));
  if (complete) return Corrupt(end, "unexpected bytes after the footer");
  file_sha256 = file_hash.Finish();
  at_end = true;
  return Status::Ok();
}

ManifestReader::Impl::Loaded ManifestReader::Impl::LoadOne() {
  Loaded out;
  out.status = LoadFrame();
  out.end = out.status.ok() && at_end;
  if (out.status.ok() && !at_end) {
    out.frame.swap(loading);
    out.count = loading_count;
  }
  return out;
}

void ManifestReader::Impl::LoadFrames() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [this] { return stop || ready.size() < kFramesAhead; });
      if (stop) return;
      if (!spare.empty()) {
        loading.swap(spare.back());
        spare.pop_back();
      }
    }
    Loaded out = LoadOne();
    const bool last = !out.status.ok() || out.end;
    {
      std::lock_guard<std::mutex> lock(mu);
      ready.push_back(std::move(out));
    }
    cv.notify_all();
    if (last) return;
  }
}

ManifestReader::Impl::Loaded ManifestReader::Impl::TakeLoaded() {
  if (!loader.joinable() && !load_inline) {
    try {
      loader = std::thread([this] { LoadFrames(); });
    } catch (const std::system_error&) {
      load_inline = true;  // no thread to be had: load on the caller's
    }
  }
  if (load_inline) {
    loading.swap(frame);  // reuse the caller's finished frame
    return LoadOne();
  }
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [this] { return !ready.empty(); });
  Loaded next = std::move(ready.front());
  ready.pop_front();
  // The caller is done with its current frame: the loader may reuse it.
  if (frame.capacity() > 0 && spare.empty()) spare.push_back(std::move(frame));
  frame.clear();
  lock.unlock();
  cv.notify_all();
  return next;
}

StatusOr<bool> ManifestReader::Impl::NextBytes(std::string_view* record) {
  if (!failed.ok()) return failed;
  while (frame_records_left == 0) {
    if (done) return false;
    Loaded next = TakeLoaded();
    if (!next.status.ok()) {
      failed = next.status;
      return failed;
    }
    if (next.end) {
      done = true;
      return false;
    }
    frame = std::move(next.frame);
    frame_pos = 0;
    frame_records_left = next.count;
  }
  uint32_t length = 0;
  GetVarint32(frame.data(), frame.size(), &frame_pos, &length);  // checked by LoadFrame
  *record = std::string_view(frame.data() + frame_pos, length);
  frame_pos += length;
  --frame_records_left;
  ++records;
  return true;
}

StatusOr<std::unique_ptr<ManifestReader>> ManifestReader::Open(const std::string& path,
                                                               const ContainerLimits& limits) {
  return OpenFile(path, limits, false);
}

StatusOr<std::unique_ptr<ManifestReader>> ManifestReader::OpenBuildPart(
    const std::string& path, const ContainerLimits& limits) {
  return OpenFile(path, limits, true);
}

StatusOr<std::unique_ptr<ManifestReader>> ManifestReader::OpenFile(const std::string& path,
                                                                   const ContainerLimits& limits,
                                                                   bool build_part) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->limits = limits;
  impl->build_part = build_part;
  impl->fd = FileDescriptor(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (impl->fd.get() < 0) return ErrnoStatus(path, "cannot open", errno);
  impl->dctx.reset(ZSTD_createDCtx());
  if (!impl->dctx) return Status::Internal(path + ": cannot create a zstd context");
  const size_t r =
      ZSTD_DCtx_setParameter(impl->dctx.get(), ZSTD_d_windowLogMax, limits.max_window_log);
  if (ZSTD_isError(r)) {
    return Status::InvalidArgument(path + ": limits: max_window_log " + Num(limits.max_window_log) +
                                   ": " + ZSTD_getErrorName(r));
  }
  DTM_RETURN_IF_ERROR(impl->ReadPreambleAndHeader());
  return std::unique_ptr<ManifestReader>(new ManifestReader(std::move(impl)));
}

ManifestReader::ManifestReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ManifestReader::~ManifestReader() = default;

const v1::Header& ManifestReader::header() const { return impl_->header; }
bool ManifestReader::public_view() const { return impl_->public_view; }
std::string_view ManifestReader::header_bytes() const { return impl_->header_bytes; }
uint64_t ManifestReader::records_read() const { return impl_->records; }
Sha256Digest ManifestReader::file_sha256() const { return impl_->file_sha256; }
const std::string& ManifestReader::path() const { return impl_->path; }

StatusOr<bool> ManifestReader::Next(std::string_view* record) { return impl_->NextBytes(record); }

StatusOr<bool> ManifestReader::Next(v1::Record* record) {
  std::string_view bytes;
  DTM_ASSIGN_OR_RETURN(const bool more, impl_->NextBytes(&bytes));
  if (!more) return false;
  Status decoded = DecodeCanonical(bytes, record);
  if (!decoded.ok()) {
    return Status::Corruption(impl_->path + ": record " + Num(impl_->records - 1),
                              decoded.message());
  }
  return true;
}

}  // namespace dtm
