// The neighbours of a key digest in a key tree (spec/proof.md, "Lookup
// proofs"), found in one pass over the tree's sorted leaves with O(log n)
// memory: the audit path of a leaf is its frontier when it arrives (the left
// siblings) and the roots of the ranges that follow it (the right siblings).
#pragma once

#include <cstdint>
#include <vector>

#include "dtm/digest.h"
#include "dtm/lookup.h"
#include "dtm/merkle.h"
#include "dtm/status.h"

namespace dtm::internal {

class NeighbourProver {
 public:
  // The tree has `tree_size` leaves (the header's KeyTree.size).
  NeighbourProver(uint64_t tree_size, const Sha256Digest& target);

  // The next leaf, in strictly increasing order; kCorruption when the order
  // breaks or more than tree_size leaves come.
  Status Add(const Sha256Digest& key_digest);

  // After the last leaf (kCorruption if fewer than tree_size came): the
  // neighbours that enclose the target, none when the tree is empty or holds
  // the target itself (present() is then true).
  StatusOr<std::vector<KeyLeafProof>> Finish();
  bool present() const { return present_; }
  // The root of the leaves added (valid after Finish).
  Sha256Digest Root() const { return root_.Root(); }

 private:
  struct Range {
    uint64_t start = 0, end = 0;
    MerkleRootBuilder hash;
  };
  struct Pending {
    KeyLeafProof leaf;
    std::vector<uint64_t> starts;    // the siblings, root side first
    std::vector<Sha256Digest> left;  // the left siblings' hashes, root side first
    std::vector<Range> right;        // the right siblings, root side first
  };
  void Begin(uint64_t index, const Sha256Digest& key, std::vector<Sha256Digest> frontier);
  // The frontier before the last leaf was added.
  std::vector<Sha256Digest> FrontierBeforeLast() const;

  uint64_t tree_size_;
  Sha256Digest target_;
  uint64_t count_ = 0;
  std::vector<Sha256Digest> frontier_;  // as MerkleRootBuilder's
  std::vector<Sha256Digest> merged_;    // entries the last leaf merged away, smallest first
  MerkleRootBuilder root_;
  Sha256Digest last_{};
  bool decided_ = false, present_ = false;
  std::vector<Pending> pending_;
};

}  // namespace dtm::internal
