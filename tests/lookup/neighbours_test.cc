// NeighbourProver against the whole-tree reference (merkle/reference.h): for
// trees of every size up to 70 and every gap between leaves, the neighbours it
// finds in one pass are the right ones, with the reference's audit paths.
#include "lookup/neighbours.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

#include "merkle/reference.h"

namespace dtm {
namespace {

Sha256Digest Key(uint8_t high, uint8_t low) {
  Sha256Digest d{};
  d[0] = high;
  d[1] = low;
  return d;
}

std::string_view Bytes(const Sha256Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

TEST(NeighbourProverTest, EveryGapOfEveryTreeUpTo70) {
  for (uint64_t n = 0; n <= 70; ++n) {
    std::vector<Sha256Digest> leaves, leaf_hashes;
    for (uint64_t i = 0; i < n; ++i) {
      leaves.push_back(Key(static_cast<uint8_t>(2 * i + 1), 0));  // odd: the gaps are even
      leaf_hashes.push_back(MerkleLeafHash(Bytes(leaves.back())));
    }
    for (uint64_t gap = 0; gap <= n; ++gap) {
      const Sha256Digest target = Key(static_cast<uint8_t>(2 * gap), 7);
      internal::NeighbourProver prover(n, target);
      for (const Sha256Digest& leaf : leaves) ASSERT_TRUE(prover.Add(leaf).ok());
      auto found = prover.Finish();
      ASSERT_TRUE(found.ok()) << found.status().ToString();
      EXPECT_FALSE(prover.present());
      EXPECT_EQ(prover.Root(), internal::MerkleRootOf(leaf_hashes));
      std::vector<uint64_t> want;
      if (n > 0 && gap > 0) want.push_back(gap - 1);
      if (gap < n) want.push_back(gap);
      ASSERT_EQ(found->size(), want.size()) << "n " << n << " gap " << gap;
      for (size_t k = 0; k < want.size(); ++k) {
        const KeyLeafProof& leaf = (*found)[k];
        EXPECT_EQ(leaf.leaf_index, want[k]);
        EXPECT_EQ(leaf.key_digest, leaves[want[k]]);
        EXPECT_EQ(leaf.audit_path, internal::MerkleInclusionProof(leaf_hashes, want[k]))
            << "n " << n << " gap " << gap << " leaf " << want[k];
      }
    }
  }
}

TEST(NeighbourProverTest, ALeafEqualToTheTargetIsPresence) {
  internal::NeighbourProver prover(3, Key(3, 0));
  for (uint8_t i : {1, 3, 5}) ASSERT_TRUE(prover.Add(Key(i, 0)).ok());
  auto found = prover.Finish();
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(prover.present());
  EXPECT_TRUE(found->empty());
}

TEST(NeighbourProverTest, UnsortedRepeatedOrMissingLeavesAreRefused) {
  internal::NeighbourProver unsorted(2, Key(2, 0));
  ASSERT_TRUE(unsorted.Add(Key(5, 0)).ok());
  EXPECT_EQ(unsorted.Add(Key(4, 0)).code(), StatusCode::kCorruption);
  internal::NeighbourProver repeated(2, Key(2, 0));
  ASSERT_TRUE(repeated.Add(Key(5, 0)).ok());
  EXPECT_EQ(repeated.Add(Key(5, 0)).code(), StatusCode::kCorruption);
  internal::NeighbourProver extra(1, Key(2, 0));
  ASSERT_TRUE(extra.Add(Key(5, 0)).ok());
  EXPECT_EQ(extra.Add(Key(6, 0)).code(), StatusCode::kCorruption);
  internal::NeighbourProver missing(2, Key(2, 0));
  ASSERT_TRUE(missing.Add(Key(5, 0)).ok());
  EXPECT_EQ(missing.Finish().status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace dtm
