#include "base/posix_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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

}  // namespace dtm::internal
