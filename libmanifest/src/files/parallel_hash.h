// Hashes many files on several threads: the engine of `build` and `verify --data`.
#pragma once

#include <fcntl.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/byte_source.h"
#include "base/posix_file.h"
#include "dtm/digest.h"
#include "dtm/file_hash.h"
#include "dtm/progress.h"
#include "dtm/status.h"
#include "files/walker.h"

namespace dtm::internal {

struct HashTask {
  std::string open_path;  // the file to read; errors name it
  // open_path.substr(at_offset) is what is opened, beneath
  // ParallelHashOptions::dir_fd with no link at any component (0 with an
  // absolute open_path and AT_FDCWD: all of it).
  uint32_t at_offset = 0;
  // Whether `listed` holds the file's stat from its listing. Its size is used
  // for scheduling and progress (and is 0 until the task is listed).
  bool is_listed = false;
  FileIdentity listed;
  // Whether ParallelHashOptions::contents reads the file's bytes as they are hashed.
  bool read_contents = false;
};

struct ParallelHashOptions {
  unsigned jobs = 0;  // worker threads; 0 = one per core
  const char* phase = "hashing";
  ProgressFn progress;                        // optional
  const std::atomic<bool>* cancel = nullptr;  // optional: stop early when set
  int dir_fd = AT_FDCWD;                      // the folder that relative task paths start in
  // For tasks with read_contents: called on the worker thread with the task's
  // index and its bytes as they are hashed (files/read_file.h). Its error is
  // the task's result.
  std::function<Status(size_t index, ByteSource& contents)> contents;
};

// The task that hashes a regular file found by WalkTree.
HashTask HashTaskFor(const WalkEntry& entry);

// The folder that the tasks of a walk of `root` are opened relative to (for
// ParallelHashOptions::dir_fd). kIOError naming the data root if it cannot be
// opened.
StatusOr<internal::FileDescriptor> OpenTaskRoot(const std::string& root);

// Stats every task that is not yet listed (StatRegularFileAt), on `jobs`
// threads, and sets its `listed`. With a folder dir_fd, each task's folder is
// opened beneath it (no link on the way) once for the consecutive tasks in
// it, and the file stat'ed by name there: one call a file, no link followed. A failure is passed to
// `failed(index, status)` (serialised; the task stays unlisted). Returns kInternal
// ("interrupted") if `cancel` was set, else OK. Folder walks that skip the
// stat of regular files leave it to this, which runs on every core.
Status ListFilesInParallel(std::vector<HashTask>* tasks, const ParallelHashOptions& options,
                           const std::function<void(size_t, Status)>& failed);

// Hashes every task (with HashFileAt: a listed task's stat stands for the one
// before reading), largest first (so one big file does not finish last), on
// a fixed pool of threads that take the next task from a shared counter. Calls
// `done(index, result)` once per task from a worker thread; calls for different
// indexes may run concurrently, so `done` must only touch per-index state or
// synchronise itself. Returns kInternal("interrupted") if `cancel` was set, else OK.
Status HashFilesInParallel(const std::vector<HashTask>& tasks, const ParallelHashOptions& options,
                           const std::function<void(size_t, StatusOr<FileDigest>)>& done);

// The worker count for `jobs` (0 = hardware concurrency, at least 1).
unsigned EffectiveJobs(unsigned jobs);

}  // namespace dtm::internal
