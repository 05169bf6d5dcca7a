#include "lookup/neighbours.h"

#include <algorithm>
#include <string_view>

#include "merkle/frontier.h"

namespace dtm::internal {

namespace {
std::string_view Bytes(const Sha256Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}
}  // namespace

NeighbourProver::NeighbourProver(uint64_t tree_size, const Sha256Digest& target)
    : tree_size_(tree_size), target_(target) {}

std::vector<Sha256Digest> NeighbourProver::FrontierBeforeLast() const {
  std::vector<Sha256Digest> f(frontier_.begin(), frontier_.end() - 1);
  f.insert(f.end(), merged_.rbegin(), merged_.rend());
  return f;
}

void NeighbourProver::Begin(uint64_t index, const Sha256Digest& key,
                            std::vector<Sha256Digest> frontier) {
  Pending p;
  p.leaf.leaf_index = index;
  p.leaf.key_digest = key;
  size_t next_left = 0;
  ForEachAuditSibling(index, tree_size_, [&](uint64_t start, uint64_t size) {
    p.starts.push_back(start);
    if (start < index) {
      // Left siblings, root side first, are the frontier's entries, largest first.
      p.left.push_back(frontier[next_left++]);
    } else {
      p.right.push_back(Range{start, start + size, {}});
    }
  });
  pending_.push_back(std::move(p));
}

Status NeighbourProver::Add(const Sha256Digest& key) {
  if (count_ >= tree_size_) {
    return Status::Corruption("key tree",
                              "more leaves than its size " + std::to_string(tree_size_));
  }
  if (count_ > 0 && !(last_ < key)) {
    return Status::Corruption("key tree",
                              "leaf " + std::to_string(count_) + " is not above the one before");
  }
  if (!decided_ && key == target_) {
    decided_ = present_ = true;
  } else if (!decided_ && target_ < key) {
    decided_ = true;
    if (count_ > 0) Begin(count_ - 1, last_, FrontierBeforeLast());
    Begin(count_, key, frontier_);
  }
  const Sha256Digest leaf_hash = MerkleLeafHash(Bytes(key));
  for (Pending& p : pending_) {
    for (Range& r : p.right) {
      if (count_ >= r.start && count_ < r.end) r.hash.AddLeafHash(leaf_hash);
    }
  }
  merged_.clear();
  Sha256Digest hash = leaf_hash;
  for (uint64_t s = count_; (s & 1) != 0; s >>= 1) {
    merged_.push_back(frontier_.back());
    hash = MerkleNodeHash(frontier_.back(), hash);
    frontier_.pop_back();
  }
  frontier_.push_back(hash);
  root_.AddLeafHash(leaf_hash);
  last_ = key;
  ++count_;
  return Status::Ok();
}

StatusOr<std::vector<KeyLeafProof>> NeighbourProver::Finish() {
  if (count_ != tree_size_) {
    return Status::Corruption("key tree", std::to_string(count_) + " leaves, its size says " +
                                              std::to_string(tree_size_));
  }
  if (!decided_ && count_ > 0) Begin(count_ - 1, last_, FrontierBeforeLast());  // all below
  std::vector<KeyLeafProof> out;
  for (Pending& p : pending_) {
    size_t left = 0, right = 0;
    for (uint64_t start : p.starts) {
      p.leaf.audit_path.push_back(start < p.leaf.leaf_index ? p.left[left++]
                                                            : p.right[right++].hash.Root());
    }
    std::reverse(p.leaf.audit_path.begin(), p.leaf.audit_path.end());  // nearest first
    out.push_back(std::move(p.leaf));
  }
  return out;
}

}  // namespace dtm::internal
