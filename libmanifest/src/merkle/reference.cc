// The whole-tree reference of RFC 6962 (merkle/reference.h): every root and
// proof computed from all the leaf hashes at once, straight from the RFC.
#include "merkle/reference.h"

#include <algorithm>

#include "merkle/frontier.h"

namespace dtm::internal {

Sha256Digest MerkleRootOf(const std::vector<Sha256Digest>& leaf_hashes) {
  MerkleRootBuilder builder;
  for (const Sha256Digest& h : leaf_hashes) builder.AddLeafHash(h);
  return builder.Root();
}

namespace {

// MTH(D[lo:hi]).
Sha256Digest RangeRoot(const std::vector<Sha256Digest>& leaf_hashes, uint64_t lo, uint64_t hi) {
  MerkleRootBuilder builder;
  for (uint64_t i = lo; i < hi; ++i) builder.AddLeafHash(leaf_hashes[i]);
  return builder.Root();
}

// RFC 6962 SUBPROOF(m, D[lo:hi], b), appended to `out`.
void SubProof(const std::vector<Sha256Digest>& leaf_hashes, uint64_t m, uint64_t lo, uint64_t hi,
              bool complete_subtree, std::vector<Sha256Digest>* out) {
  const uint64_t n = hi - lo;
  if (m == n) {
    if (!complete_subtree) out->push_back(RangeRoot(leaf_hashes, lo, hi));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(leaf_hashes, m, lo, lo + k, complete_subtree, out);
    out->push_back(RangeRoot(leaf_hashes, lo + k, hi));
  } else {
    SubProof(leaf_hashes, m - k, lo + k, hi, false, out);
    out->push_back(RangeRoot(leaf_hashes, lo, lo + k));
  }
}

}  // namespace

std::vector<Sha256Digest> MerkleInclusionProof(const std::vector<Sha256Digest>& leaf_hashes,
                                               uint64_t index) {
  std::vector<Sha256Digest> path;
  internal::ForEachAuditSibling(index, leaf_hashes.size(), [&](uint64_t start, uint64_t size) {
    path.push_back(RangeRoot(leaf_hashes, start, start + size));
  });
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<Sha256Digest> MerkleConsistencyProof(const std::vector<Sha256Digest>& leaf_hashes,
                                                 uint64_t size1) {
  std::vector<Sha256Digest> proof;
  SubProof(leaf_hashes, size1, 0, leaf_hashes.size(), true, &proof);
  return proof;
}

}  // namespace dtm::internal
