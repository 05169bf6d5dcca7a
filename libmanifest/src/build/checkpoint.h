// The checkpoint of `dtm build` (spec/cli.md, "Resuming a build"): the digests
// of the files hashed so far, appended beside the output as they complete, so
// that `dtm build --resume` after a crash or an interrupt re-hashes only what
// was not done. A checkpoint is a cache: a digest is reused only for a file
// whose path, size and modification time (ns) are unchanged, and only from a
// record authenticated with the user's checkpoint key (HMAC-SHA256; the key
// lives outside the checkpoint, in the user's state folder), so whoever can
// write the checkpoint but not the key cannot make a build record a digest it
// did not compute. A damaged, forged or torn tail is ignored, never trusted.
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

// The user's checkpoint key at `path` (BuildCheckpoint::KeyPath()), created
// with mode 0600 when missing: 32 bytes that authenticate the checkpoint and
// the stat cache. kInvalidArgument for a key file others could read or write.
StatusOr<std::string> LoadOrCreateCheckpointKey(const std::string& path);

class BuildCheckpoint {
 public:
  // The checkpoint of the manifest at `output_path`.
  static std::string PathFor(const std::string& output_path);

  // The file that holds the checkpoint key: $XDG_STATE_HOME/dtm/checkpoint.key,
  // else $HOME/.local/state/dtm/checkpoint.key; "" when neither is set.
  static std::string KeyPath();

  // Opens the checkpoint at `path` for appending. With `resume`, first loads
  // the entries it holds that the key authenticates (a missing file is an
  // empty checkpoint); without, any old checkpoint is discarded. A link or
  // another non-file at `path` is replaced, never followed. The key comes from
  // `key_path` (KeyPath() when empty) and is created there if missing.
  // Without `resume`, a key that cannot be had only means that nothing is
  // recorded; with it, it is an error naming the key file. kIOError naming
  // `path` if the checkpoint cannot be written.
  static StatusOr<std::unique_ptr<BuildCheckpoint>> Open(const std::string& path, bool resume,
                                                         const std::string& key_path = "");
  ~BuildCheckpoint();
  BuildCheckpoint(const BuildCheckpoint&) = delete;
  BuildCheckpoint& operator=(const BuildCheckpoint&) = delete;

  // The recorded digest of `open_path` if `now` (the file's stat, made since
  // the checkpoint was loaded) has the recorded size and modification time;
  // nullptr otherwise. Not thread-safe against Record.
  const FileDigest* Lookup(const std::string& open_path, const FileIdentity& now) const;
  size_t loaded() const { return entries_.size(); }

  // Appends a hashed file. Thread-safe. Buffered and written out by a
  // background thread every 200 ms, so a killed build loses little work.
  void Record(const std::string& open_path, const FileDigest& digest);
  // Writes what Record buffered. Errors are kIOError naming the checkpoint.
  Status Flush();
  // Deletes the checkpoint file (after the manifest was written).
  void Remove();

 private:
  BuildCheckpoint(std::string path, int fd, std::string key)
      : path_(std::move(path)), fd_(fd), key_(std::move(key)) {}
  Status Load();
  Status FlushLocked();
  void StartFlusher();
  void StopFlusher();

  std::string path_;
  int fd_;           // -1: nothing is recorded (no key)
  std::string key_;  // the checkpoint key
  std::unordered_map<std::string, FileDigest> entries_;
  std::mutex mu_;
  std::string buffer_;
  Status write_error_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread flusher_;
};

}  // namespace dtm::internal
