#include "merkle/background.h"

#include <system_error>

namespace dtm::internal {

BackgroundMerkleRoot::BackgroundMerkleRoot() { batch_.reserve(kBatchLeaves); }

BackgroundMerkleRoot::~BackgroundMerkleRoot() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundMerkleRoot::HashBatchHere() {
  for (const Sha256Digest& leaf : batch_) builder_.AddLeafHash(leaf);
  batch_.clear();
}

void BackgroundMerkleRoot::Submit() {
  // The thread starts with the first full batch: a small manifest's root is
  // hashed on the caller's thread, with no thread started at all.
  if (!thread_.joinable() && !no_thread_) {
    try {
      thread_ = std::thread([this] { Run(); });
    } catch (const std::system_error&) {
      no_thread_ = true;  // none to be had: the caller's hashes everything
    }
  }
  if (!thread_.joinable()) {
    HashBatchHere();
    return;
  }
  std::vector<Sha256Digest> next;
  next.reserve(kBatchLeaves);
  next.swap(batch_);
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
  queue_.push_back(std::move(next));
  lock.unlock();
  cv_.notify_all();
}

void BackgroundMerkleRoot::Run() {
  for (;;) {
    std::vector<Sha256Digest> leaves;
    {
      std::unique_lock<std::mutex> lock(mu_);
      busy_ = false;
      cv_.notify_all();
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopped
      leaves = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    cv_.notify_all();
    for (const Sha256Digest& leaf : leaves) builder_.AddLeafHash(leaf);
  }
}

Sha256Digest BackgroundMerkleRoot::Root() {
  if (!thread_.joinable()) {
    HashBatchHere();
    return builder_.Root();
  }
  if (!batch_.empty()) Submit();
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
  return builder_.Root();
}

}  // namespace dtm::internal
