// Hashing regular files in blocks, with the checks that the bytes hashed are
// one version of one file (dtm/file_hash.h).
#include "dtm/file_hash.h"
#include "files/walker.h"

#include "files/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/posix_file.h"

namespace dtm {

using internal::ErrnoStatus;
using internal::ReadRetrying;

namespace {

// Opens `path` as the contract of HashFileAt says: beneath `dir_fd` with no
// link at any component, or (AT_FDCWD, an absolute path) with no final link.
int OpenNoFollow(int dir_fd, const char* path, int flags) {
  if (dir_fd == AT_FDCWD || path[0] == '/') {
    return ::openat(dir_fd, path, flags | O_CLOEXEC | O_NOFOLLOW);
  }
  return internal::OpenBeneath(dir_fd, path, flags);
}

Status OpenError(const std::string& name, const char* what, int err) {
  if (err == ENOENT) return Status::NotFound(name, "no such file");
  if (err == ELOOP) {
    return Status::InvalidArgument(
        name, "is a symbolic link, or a folder on its path is (links are not followed)");
  }
  if (err == EXDEV) return Status::InvalidArgument(name, "leads outside the data root");
  return ErrnoStatus(name, what, err);
}

StatusOr<int> OpenRegularFileAt(int dir_fd, const char* path, const std::string& name) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer. It has no effect on
  // reads of a regular file.
  const int fd = OpenNoFollow(dir_fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  if (fd >= 0) return fd;
  return OpenError(name, "open", errno);
}

FileIdentity IdentityOf(const struct stat& st) {
  FileIdentity id;
  id.device = static_cast<uint64_t>(st.st_dev);
  id.inode = static_cast<uint64_t>(st.st_ino);
  id.size = static_cast<uint64_t>(st.st_size);
  id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  id.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  return id;
}

Status NotRegular(const std::string& name, mode_t mode) {
  return Status::InvalidArgument(
      name, std::string("is ") + internal::FileTypeName(mode) + ", not a regular file");
}

// Resets a Sha256 on every way out of a scope unless the digest was taken, so a
// thread-local hasher never carries bytes of one file into the next.
class ResetUnlessFinished {
 public:
  explicit ResetUnlessFinished(Sha256* sha) : sha_(sha) {}
  ~ResetUnlessFinished() {
    if (sha_ != nullptr) sha_->Finish();
  }
  ResetUnlessFinished(const ResetUnlessFinished&) = delete;
  ResetUnlessFinished& operator=(const ResetUnlessFinished&) = delete;
  Sha256Digest Finish() {
    Sha256* sha = sha_;
    sha_ = nullptr;
    return sha->Finish();
  }

 private:
  Sha256* sha_;
};

}  // namespace

StatusOr<FileDigest> HashFile(const std::string& path, std::string* buffer) {
  return HashFileAt(AT_FDCWD, path.c_str(), path, nullptr, buffer, HashFileProgress());
}

StatusOr<FileDigest> HashFile(const std::string& path, std::string* buffer,
                              const HashFileProgress& progress, const std::atomic<bool>* cancel) {
  return HashFileAt(AT_FDCWD, path.c_str(), path, nullptr, buffer, progress, cancel);
}

StatusOr<FileIdentity> StatRegularFileAt(int dir_fd, const char* path, const std::string& name) {
  struct stat st;
  // One name (not "..") cannot pass a link on the way: fstatat refuses a
  // final link itself, so it is as safe as an open beneath the folder.
  const bool one_name = std::strchr(path, '/') == nullptr && std::strcmp(path, "..") != 0;
  if (dir_fd == AT_FDCWD || path[0] == '/' || one_name) {
    if (::fstatat(dir_fd, path, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return OpenError(name, "stat", errno);
    }
  } else {
    // O_PATH opens a final link itself, which the checks below refuse.
    const internal::FileDescriptor fd(internal::OpenBeneath(dir_fd, path, O_PATH));
    if (fd.get() < 0) return OpenError(name, "stat", errno);
    if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(name, "stat", errno);
  }
  if (S_ISLNK(st.st_mode)) {
    return Status::InvalidArgument(name, "is a symbolic link (links are not followed)");
  }
  if (!S_ISREG(st.st_mode)) return NotRegular(name, st.st_mode);
  return IdentityOf(st);
}

namespace {

// The bytes of an open file, hashed as they are read.
class HashingSource : public internal::ByteSource {
 public:
  HashingSource(int fd, const std::string& name, uint64_t size, Sha256* sha,
                const HashFileProgress& progress, const std::atomic<bool>* cancel)
      : fd_(fd), name_(name), size_(size), sha_(sha), progress_(progress), cancel_(cancel) {}

  StatusOr<size_t> Read(char* buffer, size_t n) override {
    if (ended_ || n == 0) return size_t{0};
    const ssize_t got = ReadRetrying(fd_, buffer, n);
    if (got < 0) return ErrnoStatus(name_, "read", errno);
    if (got == 0) {
      ended_ = true;
      return size_t{0};
    }
    sha_->Update(buffer, static_cast<size_t>(got));
    total_ += static_cast<uint64_t>(got);
    if (progress_) progress_(total_);
    if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) {
      return Status::Cancelled(name_, "interrupted");
    }
    // As in HashFileAt: a short read that reaches the listed size is the end.
    if (static_cast<size_t>(got) < n && total_ == size_) ended_ = true;
    return static_cast<size_t>(got);
  }
  uint64_t total() const { return total_; }

 private:
  int fd_;
  const std::string& name_;
  uint64_t size_;
  Sha256* sha_;
  const HashFileProgress& progress_;
  const std::atomic<bool>* cancel_;
  uint64_t total_ = 0;
  bool ended_ = false;
};

}  // namespace

StatusOr<FileDigest> HashFileAt(int dir_fd, const char* path, const std::string& name,
                                const FileIdentity* listed, std::string* buffer,
                                const HashFileProgress& progress, const std::atomic<bool>* cancel) {
  return internal::ReadAndHashFileAt(dir_fd, path, name, listed, buffer, progress, cancel, nullptr);
}

StatusOr<FileDigest> internal::ReadAndHashFileAt(int dir_fd, const char* path,
                                                 const std::string& name,
                                                 const FileIdentity* listed, std::string* buffer,
                                                 const HashFileProgress& progress,
                                                 const std::atomic<bool>* cancel,
                                                 const FileContentsReader* read) {
  DTM_ASSIGN_OR_RETURN(const int fd, OpenRegularFileAt(dir_fd, path, name));
  const internal::FileDescriptor closer(fd);

  FileIdentity before;
  if (listed != nullptr) {
    before = *listed;
  } else {
    struct stat st;
    if (::fstat(fd, &st) != 0) return ErrnoStatus(name, "fstat", errno);
    if (!S_ISREG(st.st_mode)) return NotRegular(name, st.st_mode);
    before = IdentityOf(st);
  }
  // Advice only: a failure changes nothing but speed. A file of at most one
  // block is read by one call, which the advice would not speed up.
  if (before.size > kHashFileBlockSize) {
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }

  thread_local std::string thread_buffer;
  std::string& buf = buffer != nullptr ? *buffer : thread_buffer;
  if (buf.size() < kHashFileBlockSize) buf.resize(kHashFileBlockSize);

  thread_local Sha256 sha;
  ResetUnlessFinished guard(&sha);
  uint64_t total = 0;
  if (read != nullptr) {
    HashingSource source(fd, name, before.size, &sha, progress, cancel);
    DTM_RETURN_IF_ERROR((*read)(source));
    for (;;) {
      DTM_ASSIGN_OR_RETURN(size_t n, source.Read(buf.data(), kHashFileBlockSize));
      if (n == 0) break;
    }
    total = source.total();
  }
  for (; read == nullptr;) {
    const ssize_t n = ReadRetrying(fd, buf.data(), kHashFileBlockSize);
    if (n < 0) {
      return ErrnoStatus(name, "read", errno);
    }
    if (n == 0) break;
    sha.Update(buf.data(), static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
    if (progress) progress(total);
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return Status::Cancelled(name, "interrupted");
    }
    // A short read that ends at the size stat gave is the end of the file, so
    // the read that would return 0 is skipped (a small file costs four or five
    // system calls here instead of seven). Bytes beyond that size would have
    // come in this read; a file that grows after it is caught by the fstat below.
    if (static_cast<size_t>(n) < kHashFileBlockSize && total == before.size) break;
  }
  FileDigest result;
  result.sha256 = guard.Finish();
  result.size = total;
  result.mtime_ns = before.mtime_ns;

  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus(name, "fstat", errno);
  const FileIdentity after = IdentityOf(st);
  const char* when = listed != nullptr ? "since it was listed" : "while it was hashed";
  if (after.device != before.device || after.inode != before.inode) {
    return Status::VerificationFailed(
        name, std::string("file changed ") + when + " (another file is at this path now)");
  }
  if (after.size != before.size || after.mtime_ns != before.mtime_ns || total != before.size) {
    std::string detail = std::string("file changed ") + when + " (size " +
                         std::to_string(before.size) + " -> " + std::to_string(after.size);
    if (total != before.size) detail += ", " + std::to_string(total) + " bytes read";
    if (after.mtime_ns != before.mtime_ns) detail += ", modification time changed";
    detail += ")";
    return Status::VerificationFailed(name, detail);
  }
  return result;
}

}  // namespace dtm
