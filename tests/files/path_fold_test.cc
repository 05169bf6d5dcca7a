// Fold keys of paths (spec/cli.md, "Paths"); what build and verify --data do
// with them is tested in build/builder_test.cc.
#include "files/path_fold.h"

#include <gtest/gtest.h>

namespace dtm {

using internal::FindPathCollisions;
using internal::PathCollisions;
using internal::PathFoldKey;
namespace {

const std::string kCafeNfc = "caf\xc3\xa9";   // U+00E9
const std::string kCafeNfd = "cafe\xcc\x81";  // e + U+0301

TEST(PathFoldKeyTest, FoldsCaseAndNormalisation) {
  EXPECT_EQ(PathFoldKey("Books/README.TXT"), "books/readme.txt");
  EXPECT_EQ(PathFoldKey(kCafeNfd), kCafeNfc);
  EXPECT_EQ(PathFoldKey("CAF\xc3\x89"), kCafeNfc);  // U+00C9
  EXPECT_EQ(PathFoldKey("Stra\xc3\x9f"
                        "e"),
            "strasse");  // full case folding of U+00DF
  EXPECT_EQ(PathFoldKey("\xce\xa3\xce\x99\xce\xa3"), PathFoldKey("\xcf\x83\xce\xb9\xcf\x82"));
  EXPECT_NE(PathFoldKey("a/b"), PathFoldKey("a/c"));
  // Not UTF-8: kept as is, so it folds onto nothing else.
  EXPECT_EQ(PathFoldKey("bad\xff"), "bad\xff");
}

TEST(FindPathCollisionsTest, ListsDistinctPathsWithOneKey) {
  std::vector<std::string> paths = {"a/README", "a/readme", "a/" + kCafeNfc, "a/" + kCafeNfd,
                                    "a/README", "b/other",  "a/ReadMe"};
  PathCollisions c = FindPathCollisions(
      paths.size(), [&](size_t i) { return std::string_view(paths[i]); }, 10);
  // {README, ReadMe, readme}: 2 collisions; the two cafés: 1. "a/README"
  // twice (in two sources, say) is one path.
  EXPECT_EQ(c.count, 3u);
  ASSERT_EQ(c.listed.size(), 3u);
  EXPECT_EQ(c.listed[0].first, "a/README");
  EXPECT_EQ(c.listed[0].second, "a/ReadMe");
  EXPECT_EQ(c.listed[1].first, "a/README");
  EXPECT_EQ(c.listed[1].second, "a/readme");
  EXPECT_EQ(c.listed[2].first, "a/" + kCafeNfd);
  EXPECT_EQ(c.listed[2].second, "a/" + kCafeNfc);

  PathCollisions capped = FindPathCollisions(
      paths.size(), [&](size_t i) { return std::string_view(paths[i]); }, 1);
  EXPECT_EQ(capped.count, 3u);
  ASSERT_EQ(capped.listed.size(), 1u);
  EXPECT_EQ(capped.listed[0].second, "a/ReadMe");
}

TEST(FindPathCollisionsTest, ManyVariantsOfOneNameStayLinear) {
  // 2^12 case variants of one name: 4095 collisions, not 8 million pairs.
  std::vector<std::string> paths;
  for (unsigned m = 0; m < 4096; ++m) {
    std::string p = "abcdefghijkl";
    for (unsigned b = 0; b < 12; ++b) {
      if (m & (1u << b)) p[b] = static_cast<char>(p[b] - 'a' + 'A');
    }
    paths.push_back(p);
  }
  PathCollisions c = FindPathCollisions(
      paths.size(), [&](size_t i) { return std::string_view(paths[i]); }, 5);
  EXPECT_EQ(c.count, 4095u);
  EXPECT_EQ(c.listed.size(), 5u);
}

}  // namespace
}  // namespace dtm
