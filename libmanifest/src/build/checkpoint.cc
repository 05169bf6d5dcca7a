#include "build/checkpoint.h"

#include "base/posix_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace dtm::internal {

namespace {

// File: the magic, then records, each:
//   u32 path length | path | u64 size | i64 mtime_ns | 32-byte SHA-256 |
//   the first 8 bytes of SHA-256 of everything before it in the record.
// Integers little-endian. Loading stops at the first record that is torn or
// fails its check.
constexpr std::string_view kMagic = "DTMCKPT1";
constexpr size_t kMaxPath = 64u << 10;
constexpr size_t kFlushBytes = 1u << 20;
constexpr auto kFlushInterval = std::chrono::milliseconds(200);

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t GetU64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

Status Errno(const std::string& path, const char* what) {
  return internal::ErrnoStatus("checkpoint '" + path + "'", what, errno);
}

}  // namespace

std::string BuildCheckpoint::PathFor(const std::string& output_path) {
  return output_path + ".checkpoint";
}

StatusOr<std::unique_ptr<BuildCheckpoint>> BuildCheckpoint::Open(const std::string& path,
                                                                 bool resume) {
  int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (resume ? 0 : O_TRUNC);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return Errno(path, "cannot open");
  std::unique_ptr<BuildCheckpoint> cp(new BuildCheckpoint(path, fd));
  if (resume) DTM_RETURN_IF_ERROR(cp->Load());
  // A fresh or damaged checkpoint restarts from the magic.
  if (cp->entries_.empty()) {
    if (::ftruncate(fd, 0) != 0) return Errno(path, "cannot truncate");
    cp->buffer_ = kMagic;
    DTM_RETURN_IF_ERROR(cp->Flush());
  }
  cp->StartFlusher();
  return cp;
}

BuildCheckpoint::~BuildCheckpoint() {
  StopFlusher();
  if (fd_ >= 0) {
    (void)Flush();
    ::close(fd_);
  }
}

void BuildCheckpoint::StartFlusher() {
  flusher_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!wake_.wait_for(lock, kFlushInterval, [this] { return stop_; })) {
      Status s = FlushLocked();
      if (!s.ok() && write_error_.ok()) write_error_ = s;
    }
  });
}

void BuildCheckpoint::StopFlusher() {
  if (!flusher_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  flusher_.join();
}

Status BuildCheckpoint::Load() {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? Status::Ok() : Errno(path_, "cannot read");
  std::string data;
  char block[1 << 16];
  ssize_t n;
  while ((n = ::read(fd, block, sizeof block)) > 0) data.append(block, static_cast<size_t>(n));
  int read_errno = errno;
  ::close(fd);
  if (n < 0) {
    errno = read_errno;
    return Errno(path_, "cannot read");
  }
  if (data.compare(0, kMagic.size(), kMagic) != 0) return Status::Ok();
  size_t pos = kMagic.size(), good_end = pos;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  while (data.size() - pos >= 4) {
    uint32_t len = bytes[pos] | bytes[pos + 1] << 8 | bytes[pos + 2] << 16 |
                   static_cast<uint32_t>(bytes[pos + 3]) << 24;
    size_t record = 4 + size_t{len} + 8 + 8 + 32;
    if (len > kMaxPath || data.size() - pos < record + 8) break;
    std::string_view body(data.data() + pos, record);
    Sha256Digest check = Sha256Of(body);
    if (std::memcmp(check.data(), bytes + pos + record, 8) != 0) break;
    FileDigest d;
    d.size = GetU64(bytes + pos + 4 + len);
    d.mtime_ns = static_cast<int64_t>(GetU64(bytes + pos + 12 + len));
    std::memcpy(d.sha256.data(), bytes + pos + 20 + len, 32);
    entries_[std::string(body.substr(4, len))] = d;
    pos += record + 8;
    good_end = pos;
  }
  // Drop a torn or damaged tail so that new records follow good ones.
  if (good_end != data.size() && ::ftruncate(fd_, static_cast<off_t>(good_end)) != 0) {
    return Errno(path_, "cannot truncate");
  }
  return Status::Ok();
}

const FileDigest* BuildCheckpoint::Lookup(const std::string& open_path) const {
  auto it = entries_.find(open_path);
  if (it == entries_.end()) return nullptr;
  struct stat st;
  if (::stat(open_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  if (static_cast<uint64_t>(st.st_size) != it->second.size || mtime != it->second.mtime_ns) {
    return nullptr;
  }
  return &it->second;
}

void BuildCheckpoint::Record(const std::string& open_path, const FileDigest& digest) {
  if (open_path.size() > kMaxPath) return;  // not resumable; hashed again
  std::lock_guard<std::mutex> lock(mu_);
  size_t start = buffer_.size();
  uint32_t len = static_cast<uint32_t>(open_path.size());
  for (int i = 0; i < 4; ++i) buffer_.push_back(static_cast<char>(len >> (8 * i)));
  buffer_ += open_path;
  PutU64(&buffer_, digest.size);
  PutU64(&buffer_, static_cast<uint64_t>(digest.mtime_ns));
  buffer_.append(reinterpret_cast<const char*>(digest.sha256.data()), 32);
  Sha256Digest check = Sha256Of(std::string_view(buffer_).substr(start));
  buffer_.append(reinterpret_cast<const char*>(check.data()), 8);
  if (buffer_.size() >= kFlushBytes) {
    Status s = FlushLocked();
    if (!s.ok() && write_error_.ok()) write_error_ = s;
  }
}

Status BuildCheckpoint::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  DTM_RETURN_IF_ERROR(FlushLocked());
  return write_error_;
}

Status BuildCheckpoint::FlushLocked() {
  size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      buffer_.erase(0, done);
      return Errno(path_, "cannot write");
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return Status::Ok();
}

void BuildCheckpoint::Remove() {
  StopFlusher();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  ::unlink(path_.c_str());
}

}  // namespace dtm::internal
