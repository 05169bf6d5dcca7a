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

// SHA-256(0x00 || leaf)
Sha256Digest MerkleLeafHash(std::string_view leaf);
// SHA-256(0x01 || left || right)
Sha256Digest MerkleNodeHash(const Sha256Digest& left, const Sha256Digest& right);
// The root of the empty tree: SHA-256 of the empty string.
Sha256Digest MerkleEmptyRoot();

// Computes the root of a tree whose leaves arrive one at a time, left to right,
// in O(log n) memory. Not thread-safe.
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

// Root of a whole tree given all its leaf hashes (for tests and small trees).
Sha256Digest MerkleRootOf(const std::vector<Sha256Digest>& leaf_hashes);

// The audit path of leaf `index` in the tree over `leaf_hashes` (RFC 6962 2.1.1),
// nearest sibling first. REQUIRES: index < leaf_hashes.size().
std::vector<Sha256Digest> MerkleInclusionProof(const std::vector<Sha256Digest>& leaf_hashes,
                                               uint64_t index);

// Checks that `leaf_hash` is leaf `index` of a tree of `tree_size` leaves with
// root `root`. Returns kVerificationFailed naming what mismatched (for example
// "computed root X, expected Y" or "proof has 4 nodes, tree needs 3").
Status VerifyMerkleInclusion(uint64_t index, uint64_t tree_size, const Sha256Digest& leaf_hash,
                             const std::vector<Sha256Digest>& proof, const Sha256Digest& root);

// Checks an RFC 6962 (2.1.2) consistency proof between a tree of size1 leaves with
// root1 and a tree of size2 leaves with root2.
Status VerifyMerkleConsistency(uint64_t size1, uint64_t size2,
                               const std::vector<Sha256Digest>& proof, const Sha256Digest& root1,
                               const Sha256Digest& root2);

}  // namespace dtm
