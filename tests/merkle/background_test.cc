#include "merkle/background.h"

#include <gtest/gtest.h>

#include <string>

namespace dtm {

using internal::BackgroundMerkleRoot;
namespace {

Sha256Digest LeafHashOf(size_t i) { return MerkleLeafHash("record " + std::to_string(i)); }

// Sizes around the batch size and past the queue's bound give the root that
// the single-threaded builder gives.
TEST(BackgroundMerkleRootTest, EqualsTheBuilderAtEverySize) {
  for (size_t n :
       {size_t{0}, size_t{1}, size_t{2}, size_t{4095}, size_t{4096}, size_t{4097}, size_t{50000}}) {
    BackgroundMerkleRoot background;
    MerkleRootBuilder builder;
    for (size_t i = 0; i < n; ++i) {
      background.AddLeafHash(LeafHashOf(i));
      builder.AddLeafHash(LeafHashOf(i));
    }
    EXPECT_EQ(background.Root(), builder.Root()) << n << " leaves";
  }
}

TEST(BackgroundMerkleRootTest, StaysUsableAfterRoot) {
  BackgroundMerkleRoot background;
  MerkleRootBuilder builder;
  for (size_t i = 0; i < 9000; ++i) {
    background.AddLeafHash(LeafHashOf(i));
    builder.AddLeafHash(LeafHashOf(i));
    if (i % 3000 == 7) {
      EXPECT_EQ(background.Root(), builder.Root()) << i;
    }
  }
  EXPECT_EQ(background.Root(), builder.Root());
}

// Destroyed with batches still queued (a reader that stopped at an error):
// the destructor returns.
TEST(BackgroundMerkleRootTest, DestroyedWithPendingLeaves) {
  auto background = std::make_unique<BackgroundMerkleRoot>();
  for (size_t i = 0; i < 20000; ++i) background->AddLeafHash(LeafHashOf(i));
  background.reset();
  SUCCEED();
}

}  // namespace
}  // namespace dtm
