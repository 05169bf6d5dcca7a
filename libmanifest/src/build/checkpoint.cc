#include "build/checkpoint.h"

#include "base/posix_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace dtm::internal {

namespace {

// File: the magic, then records, each:
//   u32 path length | path | u64 size | i64 mtime_ns | 32-byte SHA-256 |
//   the first 16 bytes of HMAC-SHA256(key, kMacLabel | everything before it
//   in the record).
// Integers little-endian. Loading stops at the first record that is torn or
// fails its check.
constexpr std::string_view kMagic = "DTMCKPT2";
constexpr std::string_view kMacLabel = "dtm build checkpoint record\0";
constexpr size_t kMacBytes = 16;
constexpr size_t kKeyBytes = 32;
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

Sha256Digest RecordMac(const std::string& key, std::string_view record) {
  std::string data(kMacLabel);
  data += record;
  return HmacSha256(key, data);
}

Status Errno(const std::string& path, const char* what) {
  return internal::ErrnoStatus("checkpoint '" + path + "'", what, errno);
}

// The key file: exactly kKeyBytes, a regular file of this user that no one
// else may read or write (a key others can read lets them forge records).
StatusOr<std::string> ReadKey(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return internal::ErrnoStatus(path, "cannot open the checkpoint key", errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return internal::ErrnoStatus(path, "stat", errno);
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0 ||
      st.st_size != static_cast<off_t>(kKeyBytes)) {
    return Status::InvalidArgument(
        path,
        "a checkpoint key must be a file of 32 bytes that only its owner, this user, can "
        "read and write (remove it and a new one is made)");
  }
  std::string key(kKeyBytes, '\0');
  size_t got = 0;
  DTM_RETURN_IF_ERROR(internal::ReadFull(fd.get(), key.data(), key.size(), &got, path));
  if (got != kKeyBytes) return Status::IOError(path, "the checkpoint key changed while read");
  return key;
}

StatusOr<std::string> LoadOrCreateKeyAt(const std::string& path) {
  if (path.empty()) {
    return Status::InvalidArgument("checkpoint key",
                                   "neither XDG_STATE_HOME nor HOME is set, so there is none");
  }
  StatusOr<std::string> key = ReadKey(path);
  if (key.ok() || key.status().code() != StatusCode::kNotFound) return key;
  DTM_RETURN_IF_ERROR(internal::MakeFolders(internal::ParentDirectory(path), 0700));
  std::string fresh(kKeyBytes, '\0');
  DTM_RETURN_IF_ERROR(RandomBytes(fresh.data(), fresh.size()));
  // Another build may create it first: then both use that one.
  Status created = internal::CreateFileExclusively(path, fresh, 0600);
  if (!created.ok() && created.code() != StatusCode::kInvalidArgument) return created;
  return ReadKey(path);
}

// Opens the checkpoint file for reading and appending without following a
// link: whatever is at `path` and is not a regular file is removed first.
StatusOr<int> OpenCheckpointFile(const std::string& path, bool truncate) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && ::unlink(path.c_str()) != 0) {
    return Errno(path, "is not a regular file and cannot be removed");
  }
  const int flags = O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  FileDescriptor fd(::open(path.c_str(), flags | (truncate ? O_TRUNC : 0), 0600));
  if (fd.get() < 0) return Errno(path, "cannot open");
  if (::fstat(fd.get(), &st) != 0) return Errno(path, "cannot stat");
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument("checkpoint '" + path + "'", "is not a regular file");
  }
  return fd.Release();
}

}  // namespace

StatusOr<std::string> LoadOrCreateCheckpointKey(const std::string& path) {
  return LoadOrCreateKeyAt(path);
}

std::string BuildCheckpoint::PathFor(const std::string& output_path) {
  return output_path + ".checkpoint";
}

std::string BuildCheckpoint::KeyPath() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && state[0] == '/') return std::string(state) + "/dtm/checkpoint.key";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/')
    return std::string(home) + "/.local/state/dtm/checkpoint.key";
  return "";
}

StatusOr<std::unique_ptr<BuildCheckpoint>> BuildCheckpoint::Open(const std::string& path,
                                                                 bool resume,
                                                                 const std::string& key_path) {
  StatusOr<std::string> key = LoadOrCreateKeyAt(key_path.empty() ? KeyPath() : key_path);
  if (!key.ok()) {
    if (resume) return key.status().WithContext("cannot resume");
    return std::unique_ptr<BuildCheckpoint>(new BuildCheckpoint(path, -1, ""));
  }
  DTM_ASSIGN_OR_RETURN(const int fd, OpenCheckpointFile(path, !resume));
  std::unique_ptr<BuildCheckpoint> cp(new BuildCheckpoint(path, fd, std::move(*key)));
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
  std::string data;
  char block[1 << 16];
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(fd_, block, sizeof block, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(path_, "cannot read");
    if (n == 0) break;
    data.append(block, static_cast<size_t>(n));
    at += n;
  }
  if (data.compare(0, kMagic.size(), kMagic) != 0) return Status::Ok();
  size_t pos = kMagic.size(), good_end = pos;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  while (data.size() - pos >= 4) {
    uint32_t len = bytes[pos] | bytes[pos + 1] << 8 | bytes[pos + 2] << 16 |
                   static_cast<uint32_t>(bytes[pos + 3]) << 24;
    size_t record = 4 + size_t{len} + 8 + 8 + 32;
    if (len > kMaxPath || data.size() - pos < record + kMacBytes) break;
    std::string_view body(data.data() + pos, record);
    const Sha256Digest mac = RecordMac(key_, body);
    if (std::memcmp(mac.data(), bytes + pos + record, kMacBytes) != 0) break;
    FileDigest d;
    d.size = GetU64(bytes + pos + 4 + len);
    d.mtime_ns = static_cast<int64_t>(GetU64(bytes + pos + 12 + len));
    std::memcpy(d.sha256.data(), bytes + pos + 20 + len, 32);
    entries_[std::string(body.substr(4, len))] = d;
    pos += record + kMacBytes;
    good_end = pos;
  }
  // Drop a torn, damaged or forged tail so that new records follow good ones.
  if (good_end != data.size() && ::ftruncate(fd_, static_cast<off_t>(good_end)) != 0) {
    return Errno(path_, "cannot truncate");
  }
  return Status::Ok();
}

const FileDigest* BuildCheckpoint::Lookup(const std::string& open_path,
                                          const FileIdentity& now) const {
  auto it = entries_.find(open_path);
  if (it == entries_.end()) return nullptr;
  if (now.size != it->second.size || now.mtime_ns != it->second.mtime_ns) return nullptr;
  return &it->second;
}

void BuildCheckpoint::Record(const std::string& open_path, const FileDigest& digest) {
  if (fd_ < 0 || open_path.size() > kMaxPath) return;  // not resumable; hashed again
  // The record and its MAC are made outside the lock: threads only queue.
  std::string record;
  uint32_t len = static_cast<uint32_t>(open_path.size());
  for (int i = 0; i < 4; ++i) record.push_back(static_cast<char>(len >> (8 * i)));
  record += open_path;
  PutU64(&record, digest.size);
  PutU64(&record, static_cast<uint64_t>(digest.mtime_ns));
  record.append(reinterpret_cast<const char*>(digest.sha256.data()), 32);
  const Sha256Digest mac = RecordMac(key_, record);
  record.append(reinterpret_cast<const char*>(mac.data()), kMacBytes);
  std::lock_guard<std::mutex> lock(mu_);
  buffer_ += record;
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
  if (fd_ < 0) {
    buffer_.clear();
    return Status::Ok();
  }
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
  if (fd_ < 0) return;  // nothing was recorded, so nothing is ours to remove
  ::close(fd_);
  fd_ = -1;
  ::unlink(path_.c_str());
}

}  // namespace dtm::internal
