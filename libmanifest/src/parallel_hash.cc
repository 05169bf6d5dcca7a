#include "parallel_hash.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <thread>

namespace dtm {

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
    if (fn_) thread_ = std::thread([this] { Loop(); });
  }
  ~ProgressTicker() { Stop(); }

  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
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
  std::thread thread_;
};

}  // namespace

Status HashFilesInParallel(const std::vector<HashTask>& tasks, const ParallelHashOptions& options,
                           const std::function<void(size_t, StatusOr<FileDigest>)>& done) {
  std::vector<size_t> order(tasks.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return tasks[a].size > tasks[b].size; });

  Progress base;
  base.phase = options.phase;
  base.files_total = tasks.size();
  for (const HashTask& t : tasks) base.bytes_total += t.size;

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
      listed = tasks[i].size;
      reported = 0;
      StatusOr<FileDigest> r = HashFile(tasks[i].open_path, &buffer, on_block, options.cancel);
      if (r.ok() && r->size != tasks[i].size) {
        r = Status::VerificationFailed(tasks[i].open_path,
                                       "file changed since it was listed (size " +
                                           std::to_string(tasks[i].size) + " -> " +
                                           std::to_string(r->size) + ")");
      }
      bytes_done.fetch_add(tasks[i].size - reported, std::memory_order_relaxed);
      files_done.fetch_add(1, std::memory_order_relaxed);
      done(i, std::move(r));
    }
  };

  ProgressTicker ticker(options.progress, base, files_done, bytes_done);
  unsigned n = std::min<size_t>(EffectiveJobs(options.jobs), std::max<size_t>(tasks.size(), 1));
  std::vector<std::thread> threads;
  threads.reserve(n > 0 ? n - 1 : 0);
  for (unsigned t = 1; t < n; ++t) threads.emplace_back(work);
  work();  // the calling thread works too
  for (std::thread& t : threads) t.join();
  ticker.Stop();
  if (cancelled()) return Status::Internal("interrupted");
  return Status::Ok();
}

}  // namespace dtm
