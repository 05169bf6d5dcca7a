// The whole-tree reference of RFC 6962 section 2.1: roots and proofs computed
// from all the leaf hashes at once. For tests and test vectors, which check
// the streaming code of dtm/merkle.h against it; O(n) memory.
#pragma once

#include <cstdint>
#include <vector>

#include "dtm/merkle.h"

namespace dtm::internal {

// Root of a whole tree given all its leaf hashes.
Sha256Digest MerkleRootOf(const std::vector<Sha256Digest>& leaf_hashes);

// The audit path of leaf `index` in the tree over `leaf_hashes` (RFC 6962 2.1.1),
// nearest sibling first. O(n) hashes. REQUIRES: index < leaf_hashes.size().
std::vector<Sha256Digest> MerkleInclusionProof(const std::vector<Sha256Digest>& leaf_hashes,
                                               uint64_t index);

// The consistency proof (RFC 6962 2.1.2) that the tree over the first `size1` of
// `leaf_hashes` is a prefix of the tree over all of them. Empty when size1 equals
// the tree size. REQUIRES: 0 < size1 <= leaf_hashes.size().
std::vector<Sha256Digest> MerkleConsistencyProof(const std::vector<Sha256Digest>& leaf_hashes,
                                                 uint64_t size1);

}  // namespace dtm::internal
