// RFC 6962 Merkle trees: hashes, roots, proofs and their verification.
// spec/merkle.md is the normative description of everything here.
#include "dtm/merkle.h"

#include <algorithm>
#include <bit>
#include <string>

#include "merkle/frontier.h"

namespace dtm {

Sha256Digest MerkleLeafHash(std::string_view leaf) {
  thread_local Sha256 sha;
  sha.Update(&kMerkleLeafPrefix, 1);
  sha.Update(leaf);
  return sha.Finish();
}

Sha256Digest MerkleNodeHash(const Sha256Digest& left, const Sha256Digest& right) {
  thread_local Sha256 sha;
  sha.Update(&kMerkleNodePrefix, 1);
  sha.Update(left.data(), left.size());
  sha.Update(right.data(), right.size());
  return sha.Finish();
}

Sha256Digest MerkleEmptyRoot() { return Sha256Of(""); }

void MerkleRootBuilder::AddLeafHash(const Sha256Digest& leaf_hash) {
  internal::AppendToFrontier(&frontier_, size_, leaf_hash,
                             [](uint64_t, uint64_t, const Sha256Digest&) {});
  ++size_;
}

Sha256Digest MerkleRootBuilder::Root() const { return internal::FoldFrontier(frontier_, 0); }

namespace {

std::string Hex(const Sha256Digest& d) { return ToHex(d); }

// The number of nodes of an inclusion proof for leaf `index` of a tree of
// `size` leaves: the levels below the point where the paths to `index` and to
// the last leaf part (inner), plus the right-border levels above it that have a
// left sibling. REQUIRES: index < size.
uint64_t InclusionProofLength(uint64_t index, uint64_t size) {
  const uint64_t inner = std::bit_width(index ^ (size - 1));
  return inner + std::popcount(index >> inner);
}

// The number of nodes of a consistency proof. REQUIRES: 0 < size1 < size2.
uint64_t ConsistencyProofLength(uint64_t size1, uint64_t size2) {
  const uint64_t shift = std::countr_zero(size1);
  const uint64_t inner = std::bit_width((size1 - 1) ^ (size2 - 1)) - shift;
  const uint64_t border = std::popcount((size1 - 1) >> (inner + shift));
  const uint64_t seed = std::has_single_bit(size1) ? 0 : 1;
  return seed + inner + border;
}

Status WrongProofLength(size_t got, uint64_t want, const std::string& what) {
  return Status::VerificationFailed("proof has " + std::to_string(got) + " nodes, " + what +
                                    " needs " + std::to_string(want));
}

Status RootMismatch(const char* which, const Sha256Digest& computed, const Sha256Digest& want) {
  return Status::VerificationFailed(std::string("computed ") + which + " " + Hex(computed) +
                                    ", expected " + Hex(want));
}

}  // namespace

Status VerifyMerkleInclusion(uint64_t index, uint64_t tree_size, const Sha256Digest& leaf_hash,
                             const std::vector<Sha256Digest>& proof, const Sha256Digest& root) {
  // RFC 9162 2.1.3.2, step 1.
  if (index >= tree_size) {
    return Status::VerificationFailed("leaf index " + std::to_string(index) +
                                      " is not less than the tree size " +
                                      std::to_string(tree_size));
  }
  const uint64_t want = InclusionProofLength(index, tree_size);
  if (proof.size() != want) {
    return WrongProofLength(
        proof.size(), want,
        "leaf " + std::to_string(index) + " of a tree of " + std::to_string(tree_size) + " leaves");
  }
  // Steps 2-5.
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  Sha256Digest r = leaf_hash;
  for (const Sha256Digest& p : proof) {
    if (sn == 0) return Status::VerificationFailed("proof is longer than the path to the root");
    if ((fn & 1) != 0 || fn == sn) {
      r = MerkleNodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::VerificationFailed("proof is shorter than the path to the root");
  if (r != root) return RootMismatch("root", r, root);
  return Status::Ok();
}

Status VerifyMerkleConsistency(uint64_t size1, uint64_t size2,
                               const std::vector<Sha256Digest>& proof, const Sha256Digest& root1,
                               const Sha256Digest& root2) {
  const std::string sizes = std::to_string(size1) + " -> " + std::to_string(size2);
  if (size1 > size2) {
    return Status::VerificationFailed("size1 " + std::to_string(size1) + " is greater than size2 " +
                                      std::to_string(size2));
  }
  if (size1 == 0) {
    return Status::VerificationFailed(
        "size1 is 0: a consistency proof from the empty tree proves nothing");
  }
  if (size1 == size2) {
    if (!proof.empty()) return WrongProofLength(proof.size(), 0, "equal tree sizes " + sizes);
    if (root1 != root2) {
      return Status::VerificationFailed("trees of equal size " + std::to_string(size1) +
                                        " have different roots " + Hex(root1) + " and " +
                                        Hex(root2));
    }
    return Status::Ok();
  }
  const uint64_t want = ConsistencyProofLength(size1, size2);
  if (proof.size() != want) return WrongProofLength(proof.size(), want, "tree sizes " + sizes);

  // RFC 9162 2.1.4.2. Step 1 (empty proof) cannot happen: want >= 1 here.
  // Step 2: a power-of-two first tree is a complete subtree of the second, and
  // root1 itself is the first node of the path.
  std::vector<Sha256Digest> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(size1)) path.push_back(root1);
  path.insert(path.end(), proof.begin(), proof.end());
  // Steps 3-5.
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Sha256Digest fr = path[0];
  Sha256Digest sr = path[0];
  // Step 6.
  for (size_t i = 1; i < path.size(); ++i) {
    const Sha256Digest& c = path[i];
    if (sn == 0) return Status::VerificationFailed("proof is longer than the path to root2");
    if ((fn & 1) != 0 || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return Status::VerificationFailed("proof is shorter than the path to root2");
  if (fr != root1) return RootMismatch("root1", fr, root1);
  if (sr != root2) return RootMismatch("root2", sr, root2);
  return Status::Ok();
}

namespace {

void AddWithheld(uint64_t lo, uint64_t hi, uint64_t first, std::vector<MerkleRange>* out) {
  if (lo >= hi || first >= hi) return;
  if (first <= lo) {
    out->push_back({lo, hi});
    return;
  }
  const uint64_t k = internal::SplitPoint(hi - lo);  // hi - lo >= 2 here
  AddWithheld(lo, lo + k, first, out);
  AddWithheld(lo + k, hi, first, out);
}

// ROOT(lo, hi) of spec/merkle.md, consuming withheld nodes from *next.
bool RootOf(uint64_t lo, uint64_t hi, const std::vector<Sha256Digest>& leaves,
            const std::vector<Sha256Digest>& withheld, size_t* next, Sha256Digest* root) {
  if (lo >= leaves.size()) {
    if (*next >= withheld.size()) return false;
    *root = withheld[(*next)++];
    return true;
  }
  if (hi - lo == 1) {
    *root = leaves[lo];
    return true;
  }
  const uint64_t k = internal::SplitPoint(hi - lo);
  Sha256Digest left, right;
  if (!RootOf(lo, lo + k, leaves, withheld, next, &left)) return false;
  if (!RootOf(lo + k, hi, leaves, withheld, next, &right)) return false;
  *root = MerkleNodeHash(left, right);
  return true;
}

}  // namespace

std::vector<MerkleRange> MerkleWithheldRanges(uint64_t tree_size, uint64_t first_withheld) {
  std::vector<MerkleRange> out;
  AddWithheld(0, tree_size, first_withheld, &out);
  return out;
}

StatusOr<Sha256Digest> MerkleRootFromWithheld(const std::vector<Sha256Digest>& leaf_hashes,
                                              uint64_t tree_size,
                                              const std::vector<Sha256Digest>& withheld) {
  const size_t want = MerkleWithheldRanges(tree_size, leaf_hashes.size()).size();
  if (leaf_hashes.size() > tree_size || withheld.size() != want) {
    return Status::VerificationFailed(
        std::to_string(leaf_hashes.size()) + " leaves and " + std::to_string(withheld.size()) +
        " withheld nodes do not make a tree of " + std::to_string(tree_size) +
        " leaves (it needs " + std::to_string(want) + " withheld nodes)");
  }
  if (tree_size == 0) return MerkleEmptyRoot();
  size_t next = 0;
  Sha256Digest root;
  if (!RootOf(0, tree_size, leaf_hashes, withheld, &next, &root) || next != withheld.size()) {
    return Status::Internal("withheld nodes", "shape mismatch");
  }
  return root;
}

}  // namespace dtm
