// The checkpoint of `dtm build` (spec/cli.md, "Resuming a build"): the digests
// of the files hashed so far, appended beside the output as they complete, so
// that `dtm build --resume` after a crash or an interrupt re-hashes only what
// was not done. A checkpoint is a cache: a digest is reused only for a file
// whose path, size and modification time (ns) are unchanged, and a damaged or
// torn tail is ignored, never trusted.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "dtm/digest.h"
#include "dtm/file_hash.h"
#include "dtm/status.h"

namespace dtm::internal {

class BuildCheckpoint {
 public:
  // The checkpoint of the manifest at `output_path`.
  static std::string PathFor(const std::string& output_path);

  // Opens the checkpoint at `path` for appending. With `resume`, first loads
  // the entries it holds (a missing file is an empty checkpoint); without, any
  // old checkpoint is discarded. kIOError naming `path` if it cannot be written.
  static StatusOr<std::unique_ptr<BuildCheckpoint>> Open(const std::string& path, bool resume);
  ~BuildCheckpoint();
  BuildCheckpoint(const BuildCheckpoint&) = delete;
  BuildCheckpoint& operator=(const BuildCheckpoint&) = delete;

  // The recorded digest of `open_path` if the file still has the recorded size
  // and modification time (it is stat'ed now); nullptr otherwise.
  // Not thread-safe against Record.
  const FileDigest* Lookup(const std::string& open_path) const;
  size_t loaded() const { return entries_.size(); }

  // Appends a hashed file. Thread-safe. Buffered and written out by a
  // background thread every 200 ms, so a killed build loses little work.
  void Record(const std::string& open_path, const FileDigest& digest);
  // Writes what Record buffered. Errors are kIOError naming the checkpoint.
  Status Flush();
  // Deletes the checkpoint file (after the manifest was written).
  void Remove();

 private:
  BuildCheckpoint(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Status Load();
  Status FlushLocked();
  void StartFlusher();
  void StopFlusher();

  std::string path_;
  int fd_;
  std::unordered_map<std::string, FileDigest> entries_;
  std::mutex mu_;
  std::string buffer_;
  Status write_error_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread flusher_;
};

}  // namespace dtm::internal
