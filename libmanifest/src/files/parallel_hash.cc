#include "files/parallel_hash.h"

#include "files/read_file.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <numeric>
#include <system_error>
#include <thread>

namespace dtm::internal {

unsigned EffectiveJobs(unsigned jobs) {
  if (jobs > 0) return jobs;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

namespace {

// Calls the progress function a few times a second until stopped.
class ProgressTicker {
 public:
  ProgressTicker(const ProgressFn& fn, Progress base, const std::atomic<uint64_t>& files,
                 const std::atomic<uint64_t>& bytes)
      : fn_(fn), base_(base), files_(files), bytes_(bytes), start_(Clock::now()) {
    if (!fn_) return;
    try {
      thread_ = std::thread([this] { Loop(); });
    } catch (const std::system_error&) {
      // No progress ticks; the final call still comes from Stop().
    }
  }
  ~ProgressTicker() { Stop(); }

  void Stop() {
    if (!fn_ || stopped_) return;
    stopped_ = true;
    if (thread_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
      }
      cv_.notify_all();
      thread_.join();
    }
    Emit(true);
  }

 private:
  using Clock = std::chrono::steady_clock;

  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
      Emit(false);
    }
  }

  void Emit(bool final) {
    Progress p = base_;
    p.files_done = files_.load(std::memory_order_relaxed);
    p.bytes_done = bytes_.load(std::memory_order_relaxed);
    p.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    p.final = final;
    fn_(p);
  }

  const ProgressFn& fn_;
  Progress base_;
  const std::atomic<uint64_t>& files_;
  const std::atomic<uint64_t>& bytes_;
  Clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool stopped_ = false;  // Stop() ran
  std::thread thread_;
};

// Calls work() on `n` threads, the calling thread being one of them (on fewer
// if the system will not start more).
void RunOnThreads(unsigned n, const std::function<void()>& work) {
  std::vector<std::thread> threads;
  threads.reserve(n > 0 ? n - 1 : 0);
  try {
    for (unsigned t = 1; t < n; ++t) threads.emplace_back(work);
  } catch (const std::system_error&) {
  }
  work();
  for (std::thread& t : threads) t.join();
}

unsigned ThreadsFor(unsigned jobs, size_t tasks) {
  return static_cast<unsigned>(std::min<size_t>(EffectiveJobs(jobs), std::max<size_t>(tasks, 1)));
}

const char* OpenPathOf(const HashTask& t) { return t.open_path.c_str() + t.at_offset; }

}  // namespace

HashTask HashTaskFor(const WalkEntry& entry) {
  HashTask t;
  t.open_path = entry.open_path;
  t.at_offset = entry.at_offset;
  t.is_listed = entry.is_listed;
  t.listed = entry.listed;
  return t;
}

StatusOr<internal::FileDescriptor> OpenTaskRoot(const std::string& root) {
  internal::FileDescriptor fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return internal::ErrnoStatus("data root '" + root + "'", errno);
  return fd;
}

Status ListFilesInParallel(std::vector<HashTask>* tasks, const ParallelHashOptions& options,
                           const std::function<void(size_t, Status)>& failed) {
  // Chunks of consecutive tasks: tasks from one folder walk are in folder
  // order, so neighbours share their path lookups in the kernel's caches.
  constexpr size_t kChunk = 256;
  std::atomic<size_t> next{0};
  std::atomic<bool> stopped{false};
  std::mutex mu;
  auto work = [&] {
    // The folder of the last task, opened beneath the root: files of one
    // folder are stat'ed by name relative to it (one call each, no link on
    // the way), instead of each being opened beneath the root.
    std::string held_name;
    internal::FileDescriptor held;
    for (;;) {
      if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
        stopped = true;
        return;
      }
      const size_t begin = next.fetch_add(kChunk, std::memory_order_relaxed);
      if (begin >= tasks->size()) return;
      const size_t end = std::min(tasks->size(), begin + kChunk);
      for (size_t i = begin; i < end; ++i) {
        HashTask& t = (*tasks)[i];
        if (t.is_listed) continue;
        const char* path = OpenPathOf(t);
        int at = options.dir_fd;
        if (at != AT_FDCWD && path[0] != '/') {
          const char* slash = std::strrchr(path, '/');
          if (slash != nullptr) {
            const std::string_view folder(path, static_cast<size_t>(slash - path));
            if (held.get() < 0 || folder != held_name) {
              held_name = std::string(folder);
              held = internal::FileDescriptor(
                  internal::OpenBeneath(options.dir_fd, held_name.c_str(), O_PATH | O_DIRECTORY));
            }
            // A folder that cannot be opened so: the full path gives the error.
            if (held.get() >= 0) {
              at = held.get();
              path = slash + 1;
            }
          }
        }
        StatusOr<FileIdentity> id = StatRegularFileAt(at, path, t.open_path);
        if (id.ok()) {
          t.listed = *id;
          t.is_listed = true;
        } else {
          std::lock_guard<std::mutex> lock(mu);
          failed(i, id.status());
        }
      }
    }
  };
  RunOnThreads(ThreadsFor(options.jobs, tasks->size() / kChunk), work);
  if (stopped) return Status::Cancelled("interrupted");
  return Status::Ok();
}

Status HashFilesInParallel(const std::vector<HashTask>& tasks, const ParallelHashOptions& options,
                           const std::function<void(size_t, StatusOr<FileDigest>)>& done) {
  std::vector<size_t> order(tasks.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return tasks[a].listed.size > tasks[b].listed.size; });

  Progress base;
  base.phase = options.phase;
  base.files_total = tasks.size();
  for (const HashTask& t : tasks) base.bytes_total += t.listed.size;

  std::atomic<size_t> next{0};
  std::atomic<uint64_t> files_done{0}, bytes_done{0};
  auto cancelled = [&] {
    return options.cancel && options.cancel->load(std::memory_order_relaxed);
  };
  auto work = [&] {
    std::string buffer;  // reused for every file this thread reads
    // Progress moves block by block, so a huge file shows it; a file counts
    // for its listed size in all, whatever was read. One callback per thread.
    uint64_t listed = 0, reported = 0;
    const HashFileProgress on_block = [&](uint64_t hashed) {
      uint64_t capped = std::min(hashed, listed);
      if (capped > reported) {
        bytes_done.fetch_add(capped - reported, std::memory_order_relaxed);
        reported = capped;
      }
    };
    while (!cancelled()) {
      size_t k = next.fetch_add(1, std::memory_order_relaxed);
      if (k >= order.size()) break;
      size_t i = order[k];
      const HashTask& task = tasks[i];
      listed = task.listed.size;
      reported = 0;
      const FileContentsReader read = [&](ByteSource& contents) {
        return options.contents(i, contents);
      };
      const bool reads = task.read_contents && options.contents;
      StatusOr<FileDigest> r = ReadAndHashFileAt(options.dir_fd, OpenPathOf(task), task.open_path,
                                                 task.is_listed ? &task.listed : nullptr, &buffer,
                                                 on_block, options.cancel, reads ? &read : nullptr);
      bytes_done.fetch_add(listed - std::min(listed, reported), std::memory_order_relaxed);
      files_done.fetch_add(1, std::memory_order_relaxed);
      done(i, std::move(r));
    }
  };

  ProgressTicker ticker(options.progress, base, files_done, bytes_done);
  RunOnThreads(ThreadsFor(options.jobs, tasks.size()), work);
  ticker.Stop();
  if (cancelled()) return Status::Cancelled("interrupted");
  return Status::Ok();
}

}  // namespace dtm::internal
