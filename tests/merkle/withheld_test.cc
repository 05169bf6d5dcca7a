// Withheld ranges (spec/merkle.md): the first a leaves and the roots of the
// ranges give the root of every tree up to 70 leaves, and no other number of
// nodes does.
#include <gtest/gtest.h>

#include <string>

#include "dtm/merkle.h"
#include "merkle/reference.h"

namespace dtm {
namespace {

TEST(MerkleWithheldTest, PrefixAndRangesGiveTheRoot) {
  for (uint64_t n = 0; n <= 70; ++n) {
    std::vector<Sha256Digest> leaves;
    for (uint64_t i = 0; i < n; ++i) leaves.push_back(MerkleLeafHash("leaf " + std::to_string(i)));
    const Sha256Digest root = internal::MerkleRootOf(leaves);
    for (uint64_t a = 0; a <= n; ++a) {
      const std::vector<MerkleRange> ranges = MerkleWithheldRanges(n, a);
      std::vector<Sha256Digest> nodes;
      uint64_t next = a;
      for (const MerkleRange& r : ranges) {
        EXPECT_EQ(r.start, next) << "ranges tile [a, n)";
        next = r.end;
        nodes.push_back(internal::MerkleRootOf(
            std::vector<Sha256Digest>(leaves.begin() + r.start, leaves.begin() + r.end)));
      }
      EXPECT_EQ(next, a == n ? a : n);
      EXPECT_LE(nodes.size(), 2 * 7u);  // 2 log2 70 rounded up
      const std::vector<Sha256Digest> prefix(leaves.begin(), leaves.begin() + a);
      auto got = MerkleRootFromWithheld(prefix, n, nodes);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(*got, root) << "n " << n << " a " << a;
      if (!nodes.empty()) {
        auto fewer = nodes;
        fewer.pop_back();
        EXPECT_EQ(MerkleRootFromWithheld(prefix, n, fewer).status().code(),
                  StatusCode::kVerificationFailed);
        auto other = nodes;
        other[0][0] ^= 1;
        EXPECT_NE(*MerkleRootFromWithheld(prefix, n, other), root);
      }
      auto more = nodes;
      more.push_back(root);
      EXPECT_EQ(MerkleRootFromWithheld(prefix, n, more).status().code(),
                StatusCode::kVerificationFailed);
    }
  }
}

}  // namespace
}  // namespace dtm
