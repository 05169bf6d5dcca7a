// MerkleStreamingProver: audit paths of a few leaves from one pass over all
// leaves.
//
// The audit path of leaf m is the list of roots of the sibling subtrees met on
// the way from the root down to m (RFC 6962 PATH). Each such subtree is either
// complete (2^k leaves starting at a multiple of 2^k), and then the frontier of
// a left-to-right build creates its root at one known moment, or it ends at the
// last leaf, and then its root is a fold of the final frontier.
#include <algorithm>
#include <bit>
#include <cassert>
#include <utility>

#include "dtm/merkle.h"
#include "merkle/frontier.h"

namespace dtm {
namespace {

bool IsComplete(uint64_t start, uint64_t size) {
  return std::has_single_bit(size) && start % size == 0;
}

// The index in the final frontier of a tree of `tree_size` leaves of the entry
// that starts at leaf `start`. REQUIRES: some entry does.
size_t FrontierIndexOf(uint64_t tree_size, uint64_t start) {
  size_t index = 0;
  uint64_t entry_start = 0;
  for (int bit = 63; bit >= 0; --bit) {
    const uint64_t leaves = uint64_t{1} << bit;
    if ((tree_size & leaves) == 0) continue;
    if (entry_start == start) return index;
    entry_start += leaves;
    ++index;
  }
  assert(false && "no frontier entry starts there");
  return index;
}

}  // namespace

MerkleStreamingProver::MerkleStreamingProver(uint64_t tree_size, std::vector<uint64_t> targets)
    : tree_size_(tree_size), targets_(std::move(targets)) {
  // The sibling subtrees of each target, nearest first, as (start, size).
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> siblings(targets_.size());
  std::vector<std::pair<uint64_t, uint64_t>> all;
  for (size_t t = 0; t < targets_.size(); ++t) {
    const uint64_t m = targets_[t];
    assert(m < tree_size_);
    internal::ForEachAuditSibling(m, tree_size_, [&](uint64_t start, uint64_t size) {
      siblings[t].emplace_back(start, size);
    });
    std::reverse(siblings[t].begin(), siblings[t].end());
    all.insert(all.end(), siblings[t].begin(), siblings[t].end());
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());

  subtrees_.reserve(all.size());
  for (const auto& [start, size] : all) subtrees_.push_back({start, size, {}});
  paths_.resize(targets_.size());
  for (size_t t = 0; t < targets_.size(); ++t) {
    for (const auto& range : siblings[t]) {
      paths_[t].push_back(std::lower_bound(all.begin(), all.end(), range) - all.begin());
    }
  }
  for (size_t i = 0; i < subtrees_.size(); ++i) {
    if (IsComplete(subtrees_[i].start, subtrees_[i].size)) creation_order_.push_back(i);
  }
  std::sort(creation_order_.begin(), creation_order_.end(), [this](size_t a, size_t b) {
    const Subtree& x = subtrees_[a];
    const Subtree& y = subtrees_[b];
    return std::pair(x.start + x.size, x.size) < std::pair(y.start + y.size, y.size);
  });
  if (tree_size_ == 0) Finish();
}

void MerkleStreamingProver::AddLeafHash(const Sha256Digest& leaf_hash) {
  assert(added_ < tree_size_ && "more leaves than tree_size");
  if (added_ >= tree_size_) return;
  internal::AppendToFrontier(&frontier_, added_, leaf_hash,
                             [this](uint64_t start, uint64_t leaves, const Sha256Digest& hash) {
                               if (next_created_ == creation_order_.size()) return;
                               Subtree& next = subtrees_[creation_order_[next_created_]];
                               if (next.start == start && next.size == leaves) {
                                 next.hash = hash;
                                 ++next_created_;
                               }
                             });
  ++added_;
  if (added_ == tree_size_) Finish();
}

void MerkleStreamingProver::Finish() {
  assert(next_created_ == creation_order_.size());
  for (Subtree& s : subtrees_) {
    if (IsComplete(s.start, s.size)) continue;
    assert(s.start + s.size == tree_size_);
    s.hash = internal::FoldFrontier(frontier_, FrontierIndexOf(tree_size_, s.start));
  }
}

std::vector<Sha256Digest> MerkleStreamingProver::Proof(size_t i) const {
  assert(complete());
  std::vector<Sha256Digest> proof;
  proof.reserve(paths_[i].size());
  for (size_t s : paths_[i]) proof.push_back(subtrees_[s].hash);
  return proof;
}

Sha256Digest MerkleStreamingProver::Root() const {
  assert(complete());
  return internal::FoldFrontier(frontier_, 0);
}

}  // namespace dtm
