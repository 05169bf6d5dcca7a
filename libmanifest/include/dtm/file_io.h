// Whole files: written so that they appear whole or not at all (a temporary
// file in the same folder, flushed to disk, then renamed over the target), and
// read with a size limit.
#pragma once

#include <sys/types.h>

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "dtm/status.h"

namespace dtm {

// Streams into a temporary file beside `path`; Commit() makes it `path`.
// Destroying an uncommitted writer removes the temporary file and leaves
// `path` untouched. Where the file system allows it (O_TMPFILE), the
// temporary file has no name until Commit() links it, just before renaming it
// over `path`: a process killed while writing leaves nothing behind. Elsewhere
// it is named ".NAME.tmp-XXXXXX". Not thread-safe.
class AtomicFileWriter {
 public:
  // `mode` is the final file's permission bits (0600 for private keys).
  // `overwrite` false: fail with kInvalidArgument if `path` exists. A `path`
  // that exists and is not a regular file (device, pipe, folder) is refused
  // with kInvalidArgument: it would be replaced, not written.
  static StatusOr<std::unique_ptr<AtomicFileWriter>> Create(const std::string& path,
                                                            mode_t mode = 0644,
                                                            bool overwrite = true);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  std::ostream& stream();
  // Flushes, fsyncs, renames over the target and fsyncs the folder. Fails with
  // kIOError naming the file (for example when the disk is full).
  Status Commit();

 private:
  struct Impl;
  explicit AtomicFileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes `contents` to `path` atomically.
Status WriteFileAtomically(const std::string& path, std::string_view contents, mode_t mode = 0644,
                           bool overwrite = true);

// Reads a whole regular file, refusing one larger than `max_bytes`. Errors,
// each naming `path`: kNotFound "PATH: cannot open: No such file or
// directory", kInvalidArgument "PATH: not a regular file", kLimitExceeded
// "PATH: L bytes; the limit is M", kIOError for a failed open or read and for
// a file whose size changed while it was read (spec/errors.md).
StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes = 64u << 20);

}  // namespace dtm
