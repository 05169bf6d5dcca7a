// Hashing the regular files of a data folder: the digest, size and
// modification time a manifest records for a file (spec/schema.md), with the
// checks that the bytes hashed are one version of one file.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "dtm/digest.h"
#include "dtm/status.h"

namespace dtm {

// What HashFile found.
struct FileDigest {
  uint64_t size = 0;
  Sha256Digest sha256{};
  int64_t mtime_ns = 0;  // modification time (ns since 1970), unchanged while read
};

// The block size HashFile reads with: 1 MiB.
inline constexpr size_t kHashFileBlockSize = 1u << 20;

// Called by HashFile after each block it hashed, with the bytes of this file
// hashed so far. Runs on the calling thread.
using HashFileProgress = std::function<void(uint64_t bytes_hashed)>;

// Hashes a regular file by reading it in blocks of kHashFileBlockSize.
// The file is opened without following a final symbolic link and without
// blocking (so a FIFO or device named by mistake is refused, not waited on).
// Errors, each naming `path`:
//   kNotFound            the file does not exist
//   kInvalidArgument     it is a symbolic link, a directory or another non-regular file
//   kIOError             open/read/fstat failed (the message carries strerror)
//   kVerificationFailed  its size or modification time (nanoseconds) changed while it
//                        was read, or the bytes read differ from its size: the digest
//                        would not describe one version of the file.
// A change that keeps both size and mtime (a writer that restores the mtime) cannot
// be detected.
// `buffer` is scratch space the caller may reuse across calls to avoid an allocation
// per file (one per thread); nullptr uses a thread-local buffer. Thread-safe as long
// as threads do not share a `buffer`.
// `cancel`, when given, is read after every block: once it is set, HashFile stops
// and fails with kInternal "PATH: interrupted" (a huge file does not hold up Ctrl-C).
StatusOr<FileDigest> HashFile(const std::string& path, std::string* buffer = nullptr);
StatusOr<FileDigest> HashFile(const std::string& path, std::string* buffer,
                              const HashFileProgress& progress,
                              const std::atomic<bool>* cancel = nullptr);

// What a stat of a file said when it was listed, before it was read.
struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;  // modification time, ns since 1970
  int64_t ctime_ns = 0;  // status change time, ns since 1970 (no one can set it)
};

// Stats `path` relative to the folder `dir_fd` without following a symbolic
// link. With AT_FDCWD (or an absolute `path`) only a final link is refused, as
// HashFile does. With a folder descriptor and a relative `path`, the path is
// resolved strictly beneath that folder: a link at any component, or "..", is
// refused, so a folder of the tree swapped for a link while it is read leads
// nowhere outside it. Errors name `name`, as HashFile's do: kNotFound,
// kInvalidArgument (not a regular file; a link in the way; a path that leads
// outside `dir_fd`), kIOError.
StatusOr<FileIdentity> StatRegularFileAt(int dir_fd, const char* path, const std::string& name);

// HashFile for `path` relative to `dir_fd` (as StatRegularFileAt), errors naming
// `name`. With `listed` (the file's identity from StatRegularFileAt or a folder
// walk), that stat stands for the one HashFile makes before reading, and the file
// must still be the listed one when it has been read: same device and inode, same
// size and modification time; otherwise kVerificationFailed "changed since it was
// listed". One system call fewer per file, and a check that also covers the time
// between the listing and the read.
StatusOr<FileDigest> HashFileAt(int dir_fd, const char* path, const std::string& name,
                                const FileIdentity* listed, std::string* buffer,
                                const HashFileProgress& progress,
                                const std::atomic<bool>* cancel = nullptr);

}  // namespace dtm
