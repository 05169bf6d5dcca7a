// Hashes many files on several threads: the engine of `build` and `verify --data`.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dtm/digest.h"
#include "dtm/progress.h"
#include "dtm/status.h"

namespace dtm {

struct HashTask {
  std::string open_path;  // the file to read
  uint64_t size = 0;      // size when listed; used for scheduling and progress
};

struct ParallelHashOptions {
  unsigned jobs = 0;  // worker threads; 0 = one per core
  const char* phase = "hashing";
  ProgressFn progress;                        // optional
  const std::atomic<bool>* cancel = nullptr;  // optional: stop early when set
};

// Hashes every task, largest first (so one big file does not finish last), on
// a fixed pool of threads that take the next task from a shared counter. Calls
// `done(index, result)` once per task from a worker thread; calls for different
// indexes may run concurrently, so `done` must only touch per-index state or
// synchronise itself. Returns kInternal("interrupted") if `cancel` was set, else OK.
Status HashFilesInParallel(const std::vector<HashTask>& tasks, const ParallelHashOptions& options,
                           const std::function<void(size_t, StatusOr<FileDigest>)>& done);

// The worker count for `jobs` (0 = hardware concurrency, at least 1).
unsigned EffectiveJobs(unsigned jobs);

}  // namespace dtm
