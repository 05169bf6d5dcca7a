// SHA-256 over OpenSSL EVP, hex conversion, and hashing of files.
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "dtm/digest.h"

namespace dtm {
namespace {

// Drains the OpenSSL error queue into one line.
std::string DrainOpenSslErrors() {
  std::string out;
  char buf[256];
  for (unsigned long e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error recorded" : out;
}

// SHA-256 with OpenSSL's default provider cannot fail short of memory
// corruption or a broken installation; the Sha256 API has no error path, so a
// failure is fatal rather than a wrong digest.
void CheckOpenSsl(int ok, const char* what) {
  if (ok == 1) return;
  std::fprintf(stderr, "dtm: fatal: %s failed: %s\n", what, DrainOpenSslErrors().c_str());
  std::abort();
}

// The SHA-256 implementation, fetched once per process and shared (EVP_MD is
// reference counted and safe to use from many threads).
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    CheckOpenSsl(m != nullptr, "EVP_MD_fetch(SHA256)");
    return m;
  }();
  return md;
}

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

struct Sha256::Impl {
  std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter> ctx;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx.reset(EVP_MD_CTX_new());
  CheckOpenSsl(impl_->ctx != nullptr, "EVP_MD_CTX_new");
  CheckOpenSsl(EVP_DigestInit_ex2(impl_->ctx.get(), Sha256Md(), nullptr), "EVP_DigestInit_ex2");
}

Sha256::~Sha256() = default;

void Sha256::Update(const void* data, size_t len) {
  CheckOpenSsl(EVP_DigestUpdate(impl_->ctx.get(), data, len), "EVP_DigestUpdate");
}

Sha256Digest Sha256::Finish() {
  Sha256Digest d;
  unsigned int len = 0;
  CheckOpenSsl(EVP_DigestFinal_ex(impl_->ctx.get(), d.data(), &len), "EVP_DigestFinal_ex");
  CheckOpenSsl(len == d.size(), "EVP_DigestFinal_ex length");
  CheckOpenSsl(EVP_DigestInit_ex2(impl_->ctx.get(), Sha256Md(), nullptr), "EVP_DigestInit_ex2");
  return d;
}

Sha256Digest Sha256::Peek() const {
  std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter> copy(EVP_MD_CTX_new());
  CheckOpenSsl(copy != nullptr, "EVP_MD_CTX_new");
  CheckOpenSsl(EVP_MD_CTX_copy_ex(copy.get(), impl_->ctx.get()), "EVP_MD_CTX_copy_ex");
  Sha256Digest d;
  unsigned int len = 0;
  CheckOpenSsl(EVP_DigestFinal_ex(copy.get(), d.data(), &len), "EVP_DigestFinal_ex");
  CheckOpenSsl(len == d.size(), "EVP_DigestFinal_ex length");
  return d;
}

Sha256Digest Sha256Of(std::string_view data) {
  thread_local Sha256 sha;
  sha.Update(data);
  return sha.Finish();
}

std::string ToHex(const void* data, size_t len) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const auto* p = static_cast<const uint8_t*>(data);
  std::string out(2 * len, '\0');
  for (size_t i = 0; i < len; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 0xf];
  }
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

StatusOr<Sha256Digest> ParseSha256Hex(std::string_view text) {
  std::string_view hex = text;
  if (StartsWithIgnoreCase(hex, "sha256:")) hex.remove_prefix(7);
  Sha256Digest d;
  if (hex.size() != 2 * d.size()) {
    return Status::InvalidArgument(
        "bad SHA-256 digest '" + std::string(text.substr(0, 80)) + "'",
        "want 64 hex digits, got " + std::to_string(hex.size()) + " characters");
  }
  for (size_t i = 0; i < d.size(); ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      const size_t bad = (text.size() - hex.size()) + 2 * i + (hi < 0 ? 0 : 1);
      return Status::InvalidArgument(
          "bad SHA-256 digest '" + std::string(text) + "'",
          "character " + std::to_string(bad + 1) + " is not a hex digit");
    }
    d[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return d;
}

Sha256Digest DigestFromBytes(std::string_view bytes) {
  Sha256Digest d{};
  std::memcpy(d.data(), bytes.data(), std::min(bytes.size(), d.size()));
  return d;
}

// ---------------------------------------------------------------------------
// HashFile

namespace {

Status ErrnoStatus(const std::string& path, const char* op, int err) {
  return Status::IOError(path, std::string(op) + ": " + std::strerror(err));
}

// Closes a file descriptor when it goes out of scope.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { ::close(fd_); }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

StatusOr<int> OpenRegularFileAt(int dir_fd, const char* path, const std::string& name) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer. It has no effect on
  // reads of a regular file.
  const int fd = ::openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd >= 0) return fd;
  const int err = errno;
  if (err == ENOENT) return Status::NotFound(name, "no such file");
  if (err == ELOOP) {
    return Status::InvalidArgument(name, "is a symbolic link (links are not followed)");
  }
  return ErrnoStatus(name, "open", err);
}

const char* FileTypeName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

FileIdentity IdentityOf(const struct stat& st) {
  FileIdentity id;
  id.device = static_cast<uint64_t>(st.st_dev);
  id.inode = static_cast<uint64_t>(st.st_ino);
  id.size = static_cast<uint64_t>(st.st_size);
  id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return id;
}

Status NotRegular(const std::string& name, mode_t mode) {
  return Status::InvalidArgument(name,
                                 std::string("is ") + FileTypeName(mode) + ", not a regular file");
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

// read() that retries on EINTR. Returns bytes read, 0 at end of file, -1 on
// error.
ssize_t ReadRetrying(int fd, char* buf, size_t len) {
  for (;;) {
    const ssize_t n = ::read(fd, buf, len);
    if (n >= 0 || errno != EINTR) return n;
  }
}

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
  if (::fstatat(dir_fd, path, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(name, "no such file");
    return ErrnoStatus(name, "stat", err);
  }
  if (S_ISLNK(st.st_mode)) {
    return Status::InvalidArgument(name, "is a symbolic link (links are not followed)");
  }
  if (!S_ISREG(st.st_mode)) return NotRegular(name, st.st_mode);
  return IdentityOf(st);
}

StatusOr<FileDigest> HashFileAt(int dir_fd, const char* path, const std::string& name,
                                const FileIdentity* listed, std::string* buffer,
                                const HashFileProgress& progress, const std::atomic<bool>* cancel) {
  DTM_ASSIGN_OR_RETURN(const int fd, OpenRegularFileAt(dir_fd, path, name));
  FdCloser closer(fd);

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
  for (;;) {
    const ssize_t n = ReadRetrying(fd, buf.data(), kHashFileBlockSize);
    if (n < 0) {
      return ErrnoStatus(name, "read", errno);
    }
    if (n == 0) break;
    sha.Update(buf.data(), static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
    if (progress) progress(total);
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return Status::Internal(name, "interrupted");
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
