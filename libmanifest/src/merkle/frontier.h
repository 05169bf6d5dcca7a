// The frontier of a Merkle tree built left to right, shared by
// MerkleRootBuilder and MerkleStreamingProver. Private to libmanifest.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "dtm/merkle.h"

namespace dtm::internal {

// RFC 6962's split point: the largest power of two smaller than n. REQUIRES: n
// >= 2.
inline uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// Calls on_sibling(start, size) for each subtree on the audit path of leaf m in
// a tree of n leaves (RFC 6962 PATH): the siblings of the nodes on the way from
// the root down to m, root side first. Leaf m is at most n - 1 (with m >= n the
// walk goes right at every level and stays well defined).
template <typename OnSibling>
void ForEachAuditSibling(uint64_t m, uint64_t n, OnSibling&& on_sibling) {
  uint64_t lo = 0;
  uint64_t hi = n;
  while (hi - lo > 1) {
    const uint64_t k = SplitPoint(hi - lo);
    if (m < lo + k) {
      on_sibling(lo + k, hi - lo - k);
      hi = lo + k;
    } else {
      on_sibling(lo, k);
      lo += k;
    }
  }
}

// Appends leaf number `size` (0-based) to `frontier`, the roots of the complete
// subtrees of a tree of `size` leaves, one per set bit of `size`, largest
// first. Calls on_node(start, leaves, hash) for every complete subtree this
// creates: the leaf itself, then each merge, smallest first.
template <typename OnNode>
void AppendToFrontier(std::vector<Sha256Digest>* frontier, uint64_t size, Sha256Digest hash,
                      OnNode&& on_node) {
  on_node(size, uint64_t{1}, hash);
  uint64_t leaves = 1;
  for (uint64_t s = size; (s & 1) != 0; s >>= 1) {
    hash = MerkleNodeHash(frontier->back(), hash);
    frontier->pop_back();
    leaves <<= 1;
    on_node(size + 1 - leaves, leaves, hash);
  }
  frontier->push_back(hash);
}

// The root of the leaves covered by frontier[from...]: the entries folded from
// the right, node = MerkleNodeHash(entry, node). The empty root if there are
// none.
inline Sha256Digest FoldFrontier(const std::vector<Sha256Digest>& frontier, size_t from) {
  if (from >= frontier.size()) return MerkleEmptyRoot();
  Sha256Digest root = frontier.back();
  for (size_t i = frontier.size() - 1; i > from; --i) root = MerkleNodeHash(frontier[i - 1], root);
  return root;
}

}  // namespace dtm::internal
