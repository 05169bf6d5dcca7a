// A Merkle root (RFC 6962) whose interior nodes are hashed on a background
// thread, for readers that parse records on the calling thread. Private to
// libmanifest.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "dtm/merkle.h"

namespace dtm::internal {

// The caller adds leaf hashes; they go to the thread in batches of
// kBatchLeaves (the thread starts with the first, so fewer leaves are hashed
// on the caller's thread and cost no thread). Memory is bounded: AddLeafHash
// waits when kMaxQueued batches are pending. Not thread-safe (one caller);
// the destructor stops the thread.
class BackgroundMerkleRoot {
 public:
  BackgroundMerkleRoot();
  ~BackgroundMerkleRoot();
  BackgroundMerkleRoot(const BackgroundMerkleRoot&) = delete;
  BackgroundMerkleRoot& operator=(const BackgroundMerkleRoot&) = delete;

  void AddLeafHash(const Sha256Digest& leaf_hash) {
    batch_.push_back(leaf_hash);
    if (batch_.size() == kBatchLeaves) Submit();
  }
  // The root of every leaf added; waits for the thread. The builder stays
  // usable.
  Sha256Digest Root();

 private:
  static constexpr size_t kBatchLeaves = 4096;
  static constexpr size_t kMaxQueued = 8;

  void Submit();
  void HashBatchHere();
  void Run();

  std::vector<Sha256Digest> batch_;  // the caller's, not yet submitted
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Sha256Digest>> queue_;  // guarded by mu_
  bool busy_ = false;                            // the thread holds a batch; guarded by mu_
  bool stop_ = false;                            // guarded by mu_
  bool no_thread_ = false;                       // a thread could not be started
  MerkleRootBuilder builder_;                    // the thread's while it runs
  std::thread thread_;
};

}  // namespace dtm::internal
