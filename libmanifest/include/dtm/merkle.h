// RFC 6962 (section 2.1) Merkle tree hashes and proofs over SHA-256.
// spec/merkle.md states the definitions this file implements.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "dtm/digest.h"
#include "dtm/status.h"

namespace dtm {

inline constexpr uint8_t kMerkleLeafPrefix = 0x00;
inline constexpr uint8_t kMerkleNodePrefix = 0x01;

// The hash functions are thread-safe (each thread uses its own hasher).

// SHA-256(0x00 || leaf)
Sha256Digest MerkleLeafHash(std::string_view leaf);
// SHA-256(0x01 || left || right)
Sha256Digest MerkleNodeHash(const Sha256Digest& left, const Sha256Digest& right);
// The root of the empty tree: SHA-256 of the empty string.
Sha256Digest MerkleEmptyRoot();

// Computes the root of a tree whose leaves arrive one at a time, left to right,
// in O(log n) memory and one node hash per leaf (amortized). Not thread-safe.
class MerkleRootBuilder {
 public:
  void AddLeaf(std::string_view leaf) { AddLeafHash(MerkleLeafHash(leaf)); }
  void AddLeafHash(const Sha256Digest& leaf_hash);
  uint64_t size() const { return size_; }
  // The root of the leaves added so far (the builder stays usable).
  Sha256Digest Root() const;

 private:
  // frontier_[i] is the root of a complete subtree of 2^k leaves, where the
  // set bits of size_ give the k's, largest first.
  std::vector<Sha256Digest> frontier_;
  uint64_t size_ = 0;
};

// Proves a few leaves of a tree too large to hold: given the tree size (known in
// advance, e.g. from the manifest header) and target leaf indexes, it consumes the
// leaf hashes of the whole tree in order, once, and yields the audit path of each
// target. Time: one node hash per leaf, as for MerkleRootBuilder, however many
// targets. Memory: O(targets * log n). Not thread-safe.
// REQUIRES: every target < tree_size (duplicates and any order are fine); leaves
// are fed exactly tree_size times.
class MerkleStreamingProver {
 public:
  MerkleStreamingProver(uint64_t tree_size, std::vector<uint64_t> targets);

  void AddLeafHash(const Sha256Digest& leaf_hash);
  void AddLeaf(std::string_view leaf) { AddLeafHash(MerkleLeafHash(leaf)); }

  uint64_t tree_size() const { return tree_size_; }
  uint64_t leaves_added() const { return added_; }
  bool complete() const { return added_ == tree_size_; }
  const std::vector<uint64_t>& targets() const { return targets_; }

  // REQUIRES: complete(). The audit path of targets()[i], nearest sibling first
  // (the same as MerkleInclusionProof gives).
  std::vector<Sha256Digest> Proof(size_t i) const;
  // REQUIRES: complete(). The root of the tree.
  Sha256Digest Root() const;

 private:
  // A subtree the audit path of some target needs: leaves [start, start + size).
  struct Subtree {
    uint64_t start = 0;
    uint64_t size = 0;
    Sha256Digest hash{};
  };
  void Finish();

  uint64_t tree_size_;
  std::vector<uint64_t> targets_;
  std::vector<Subtree> subtrees_;           // distinct, sorted by (start, size)
  std::vector<std::vector<size_t>> paths_;  // per target: subtrees_ indexes, nearest first
  // Indexes of the complete subtrees (2^k leaves, aligned) in the order the
  // frontier creates them: by end, then by size. The others end at tree_size and
  // are folded from the final frontier.
  std::vector<size_t> creation_order_;
  size_t next_created_ = 0;
  std::vector<Sha256Digest> frontier_;  // as in MerkleRootBuilder
  uint64_t added_ = 0;
};

// Checks that `leaf_hash` is leaf `index` of a tree of `tree_size` leaves with
// root `root`. Returns kVerificationFailed naming what mismatched (for example
// "computed root X, expected Y" or "proof has 4 nodes, tree needs 3").
Status VerifyMerkleInclusion(uint64_t index, uint64_t tree_size, const Sha256Digest& leaf_hash,
                             const std::vector<Sha256Digest>& proof, const Sha256Digest& root);

// Checks an RFC 6962 (2.1.2) consistency proof between a tree of size1 leaves with
// root1 and a tree of size2 leaves with root2, by the algorithm of RFC 9162
// 2.1.4.2 (spec/merkle.md). When size1 == size2 the proof must be empty and the
// roots equal. size1 == 0 is always rejected (every tree extends the empty tree,
// so such a proof proves nothing), as is size1 > size2. Failures are
// kVerificationFailed naming what mismatched.
Status VerifyMerkleConsistency(uint64_t size1, uint64_t size2,
                               const std::vector<Sha256Digest>& proof, const Sha256Digest& root1,
                               const Sha256Digest& root2);

// A range of leaves [start, end).
struct MerkleRange {
  uint64_t start = 0, end = 0;
};

// The withheld nodes R(0, n; a) of spec/merkle.md ("Withheld ranges"): the
// largest subtrees of a tree of n leaves that lie entirely in [a, n), left to
// right. With the first a leaves they give the root. At most 2 log2 n ranges.
std::vector<MerkleRange> MerkleWithheldRanges(uint64_t tree_size, uint64_t first_withheld);

// The root of a tree of `tree_size` leaves from the hashes of its first leaves
// (`leaf_hashes`, all of them before the first withheld leaf) and the roots of
// its withheld ranges, in order. kVerificationFailed when the nodes are too few
// or too many for that shape.
StatusOr<Sha256Digest> MerkleRootFromWithheld(const std::vector<Sha256Digest>& leaf_hashes,
                                              uint64_t tree_size,
                                              const std::vector<Sha256Digest>& withheld);

}  // namespace dtm
