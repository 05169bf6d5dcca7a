// Reading a file's bytes once for two purposes: its digest, and a parser of
// its contents (the documents inside it).
#pragma once

#include <functional>

#include "base/byte_source.h"
#include "dtm/file_hash.h"

namespace dtm::internal {

// Pulls the bytes of a file; whatever it leaves unread is still hashed.
using FileContentsReader = std::function<Status(ByteSource& contents)>;

// HashFileAt, with `read` (when not null) given the file's bytes as they are
// hashed. An error of `read` is returned as it is, after the file is closed.
StatusOr<FileDigest> ReadAndHashFileAt(int dir_fd, const char* path, const std::string& name,
                                       const FileIdentity* listed, std::string* buffer,
                                       const HashFileProgress& progress,
                                       const std::atomic<bool>* cancel,
                                       const FileContentsReader* read);

}  // namespace dtm::internal
