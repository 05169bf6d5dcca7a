// The platform layer: every use of errno, file descriptors, EINTR and
// temporary files in libmanifest goes through these helpers. Every failure is
// a Status naming the file and carrying strerror; ENOENT is kNotFound, any
// other errno kIOError.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dtm/status.h"

namespace dtm::internal {

// "path: what: strerror(err)" as kIOError (kNotFound for ENOENT).
Status ErrnoStatus(const std::string& path, std::string_view what, int err);
// "message: strerror(err)" as kIOError (kNotFound for ENOENT), for messages
// that name the file their own way ("cannot create 'x'").
Status ErrnoStatus(std::string_view message, int err);

// read() that retries on EINTR: the bytes read, 0 at the end of the file, -1
// with errno on failure.
ssize_t ReadRetrying(int fd, void* data, size_t size);

// Writes all `size` bytes or fails with kIOError.
Status WriteAll(int fd, const void* data, size_t size, const std::string& path);

// Reads until `size` bytes or the end of the file; *got holds the bytes read
// (also on failure). kIOError on a read error.
Status ReadFull(int fd, void* data, size_t size, size_t* got, const std::string& path);

// Opens `rel` (a relative, "/"-separated path) strictly beneath the folder
// `dir_fd`: no component may be a symbolic link, "..", or absolute, so nothing
// outside `dir_fd` is reached however the tree changes meanwhile (a folder
// swapped for a link is refused, not followed). `flags` as for openat(2);
// O_NOFOLLOW and O_CLOEXEC are always added. With O_PATH, a symbolic link as
// the last component is opened itself (the caller's fstat sees S_ISLNK).
// Uses openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) and, where the kernel
// lacks it, opens one component at a time with O_NOFOLLOW. Returns the
// descriptor, or -1 with errno: ELOOP for a link in the way, EXDEV for a
// path that would leave `dir_fd`.
int OpenBeneath(int dir_fd, const char* rel, int flags);

// Creates `path` holding `contents` with `mode`, all at once: the bytes go to
// a temporary file in the same folder, which is then linked to `path`, so no
// reader ever sees a partial file and an existing `path` (a file or a link)
// is never replaced or followed. kInvalidArgument "PATH: already exists" when
// something is at `path`; kIOError otherwise.
Status CreateFileExclusively(const std::string& path, std::string_view contents, mode_t mode);

// Creates the folder `path` and its missing parents with `mode` (the folders
// that exist are left as they are). kIOError naming the first that fails.
Status MakeFolders(const std::string& path, mode_t mode);

// The folder that holds `path` ("." for a bare name, "/" for a top-level
// entry) and its last component.
std::string ParentDirectory(const std::string& path);
std::string BaseName(const std::string& path);

// The names of the entries of the folder `path` that are regular files
// (following no link), unsorted. kNotFound when there is no such folder,
// kIOError for other failures, both naming it.
StatusOr<std::vector<std::string>> ListRegularFiles(const std::string& path);

// An open file descriptor, closed on destruction. Move-only.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.Release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;

  int get() const { return fd_; }
  int Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes now, reporting a failed close (which can mean lost writes).
  Status Close(const std::string& path);

 private:
  int fd_ = -1;
};

// An anonymous temporary file in the directory of `target` (so on its file
// system), open for reading and writing. It is created as
// ".<name>.<kind>.XXXXXX" and unlinked at once: nothing is left behind
// however the process ends, even by SIGKILL. path() names it in messages.
// Not thread-safe.
class TempFile {
 public:
  static Status Create(const std::string& target, std::string_view kind, TempFile* out);
  TempFile() = default;
  ~TempFile();
  TempFile(TempFile&& other) noexcept { *this = std::move(other); }
  TempFile& operator=(TempFile&& other) noexcept;

  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }

 private:
  FileDescriptor fd_;
  std::string path_;
};

// The folder for scratch files of commands that write no output of their
// own (verify --data, diff): $TMPDIR, else /tmp.
std::string TemporaryFolder();

// A new file for scratch data in `folder`, open for reading and writing,
// which no name leads to (O_TMPFILE, or a name removed at once): it goes
// away with its descriptor. kIOError naming the folder.
StatusOr<FileDescriptor> OpenScratchFile(const std::string& folder);

// Reads exactly `size` bytes at `offset` (pread, retried); kIOError naming
// `path` for a failure or an early end.
Status ReadAt(int fd, void* data, size_t size, uint64_t offset, const std::string& path);

}  // namespace dtm::internal
