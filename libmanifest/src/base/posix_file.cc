#include "base/posix_file.h"

#include "base/byte_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace dtm::internal {

Status ErrnoStatus(const std::string& path, std::string_view what, int err) {
  const std::string message = path + ": " + std::string(what);
  if (err == ENOENT) return Status::NotFound(message, std::strerror(err));
  return Status::IOError(message, std::strerror(err));
}

Status ErrnoStatus(std::string_view message, int err) {
  if (err == ENOENT) return Status::NotFound(message, std::strerror(err));
  return Status::IOError(message, std::strerror(err));
}

ssize_t ReadRetrying(int fd, void* data, size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd, data, size);
    if (n >= 0 || errno != EINTR) return n;
  }
}

Status WriteAll(int fd, const void* data, size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, "write failed", errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status ReadFull(int fd, void* data, size_t size, size_t* got, const std::string& path) {
  char* p = static_cast<char*>(data);
  *got = 0;
  while (*got < size) {
    const ssize_t n = ReadRetrying(fd, p + *got, size - *got);
    if (n < 0) return ErrnoStatus(path, "read failed", errno);
    if (n == 0) break;
    *got += static_cast<size_t>(n);
  }
  return Status::Ok();
}

namespace {

// OpenBeneath without openat2: each folder component is opened with
// O_NOFOLLOW | O_DIRECTORY from the one before, so a link anywhere fails with
// ELOOP (or ENOTDIR) instead of being followed.
int OpenBeneathByComponents(int dir_fd, const char* rel, int flags) {
  std::string_view rest(rel);
  if (rest.empty() || rest.front() == '/') {
    errno = rest.empty() ? ENOENT : EXDEV;
    return -1;
  }
  FileDescriptor held;
  int at = dir_fd;
  for (;;) {
    const size_t slash = rest.find('/');
    const std::string name(rest.substr(0, slash));
    if (name == "..") {
      errno = EXDEV;
      return -1;
    }
    if (slash == std::string_view::npos) {
      return ::openat(at, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC);
    }
    rest.remove_prefix(slash + 1);
    if (name.empty() || name == ".") continue;
    const int next = ::openat(at, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) return -1;
    held = FileDescriptor(next);
    at = next;
  }
}

}  // namespace

int OpenBeneath(int dir_fd, const char* rel, int flags) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags | O_NOFOLLOW | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  static std::atomic<bool> without_openat2{false};
  if (without_openat2.load(std::memory_order_relaxed)) {
    return OpenBeneathByComponents(dir_fd, rel, flags);
  }
  // EAGAIN: a concurrent rename kept the kernel from proving the result is
  // beneath `dir_fd`; trying again is what openat2(2) asks for.
  for (int attempt = 0; attempt < 64; ++attempt) {
    const long fd = ::syscall(SYS_openat2, dir_fd, rel, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EINTR || errno == EAGAIN) continue;
    // ENOSYS: a kernel before 5.6; EPERM: a seccomp filter that refuses it.
    if (errno != ENOSYS && errno != EPERM) return -1;
    without_openat2.store(true, std::memory_order_relaxed);
    return OpenBeneathByComponents(dir_fd, rel, flags);
  }
  return -1;
}

Status CreateFileExclusively(const std::string& path, std::string_view contents, mode_t mode) {
  std::string name = ParentDirectory(path) + "/." + BaseName(path) + ".new-XXXXXX";
  FileDescriptor fd(::mkostemp(name.data(), O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(name, "cannot create temporary file", errno);
  Status written = WriteAll(fd.get(), contents.data(), contents.size(), name);
  if (written.ok() && (::fchmod(fd.get(), mode) != 0 || ::fsync(fd.get()) != 0)) {
    written = ErrnoStatus(name, "cannot write", errno);
  }
  if (written.ok()) written = fd.Close(name);
  // link(2) never replaces what is at `path`, and does not follow a link there.
  if (written.ok() && ::link(name.c_str(), path.c_str()) != 0) {
    written = errno == EEXIST ? Status::InvalidArgument(path, "already exists")
                              : ErrnoStatus(path, "cannot create", errno);
  }
  ::unlink(name.c_str());
  return written;
}

Status MakeFolders(const std::string& path, mode_t mode) {
  for (size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
    const std::string prefix = path.substr(0, end);
    if (::mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) {
      return ErrnoStatus(prefix, "cannot create folder", errno);
    }
    if (end == std::string::npos) return Status::Ok();
  }
}

std::string ParentDirectory(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

StatusOr<std::vector<std::string>> ListRegularFiles(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound(path, "no such folder");
    return ErrnoStatus(path, "cannot open the folder", errno);
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    const int err = errno;
    ::close(fd);
    return ErrnoStatus(path, "cannot read the folder", err);
  }
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* e = ::readdir(dir);
    if (e == nullptr) break;
    struct stat st;
    if (::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
      names.emplace_back(e->d_name);
    }
  }
  const int err = errno;
  ::closedir(dir);
  if (err != 0) return ErrnoStatus(path, "cannot read the folder", err);
  return names;
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.Release();
  }
  return *this;
}

Status FileDescriptor::Close(const std::string& path) {
  const int fd = Release();
  if (fd >= 0 && ::close(fd) != 0) return ErrnoStatus(path, "close failed", errno);
  return Status::Ok();
}

Status TempFile::Create(const std::string& target, std::string_view kind, TempFile* out) {
  std::string dir = ParentDirectory(target);
  std::string name = dir + "/." + BaseName(target) + "." + std::string(kind) + ".XXXXXX";
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(name, "cannot create temporary file", errno);
  if (::unlink(name.c_str()) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoStatus(name, "cannot unlink temporary file", err);
  }
  TempFile file;
  file.fd_ = FileDescriptor(fd);
  file.path_ = std::move(name);
  *out = std::move(file);
  return Status::Ok();
}

TempFile::~TempFile() = default;

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    fd_ = std::move(other.fd_);
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

StatusOr<size_t> StringByteSource::Read(char* buffer, size_t n) {
  const size_t take = std::min(n, data_.size());
  std::memcpy(buffer, data_.data(), take);
  data_.remove_prefix(take);
  return take;
}

std::string TemporaryFolder() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? std::string(tmp) : std::string("/tmp");
}

StatusOr<FileDescriptor> OpenScratchFile(const std::string& folder) {
  FileDescriptor fd(::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd.get() >= 0) return fd;
  // Where the file system has no unnamed files: a named one, unlinked at once.
  std::string name = (folder.empty() ? std::string(".") : folder) + "/.dtm-scratch-XXXXXX";
  fd = FileDescriptor(::mkostemp(name.data(), O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(folder, "create a scratch file", errno);
  ::unlink(name.c_str());
  return fd;
}

Status ReadAt(int fd, void* data, size_t size, uint64_t offset, const std::string& path) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::pread(fd, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(path, "read", errno);
    if (n == 0) return Status::IOError(path, "ended early");
    p += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace dtm::internal
