#include "files/path_glob.h"

#include <gtest/gtest.h>

namespace dtm {

using internal::GlobPattern;
using internal::GlobSegmentMatches;
namespace {

bool M(std::string_view pattern, std::string_view path) {
  auto g = GlobPattern::Parse(pattern);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return g.ok() && g->Matches(path);
}

TEST(GlobTest, SegmentWildcards) {
  EXPECT_TRUE(GlobSegmentMatches("*.txt", "a.txt"));
  EXPECT_TRUE(GlobSegmentMatches("*.txt", ".txt"));
  EXPECT_FALSE(GlobSegmentMatches("*.txt", "a.txt.gz"));
  EXPECT_TRUE(GlobSegmentMatches("a?c", "abc"));
  EXPECT_FALSE(GlobSegmentMatches("a?c", "ac"));
  EXPECT_TRUE(GlobSegmentMatches("*a*b*", "xxaxxbxx"));
  EXPECT_FALSE(GlobSegmentMatches("*a*b*", "xxbxxaxx"));
  EXPECT_TRUE(GlobSegmentMatches("[a-c]x", "bx"));
  EXPECT_FALSE(GlobSegmentMatches("[a-c]x", "dx"));
  EXPECT_TRUE(GlobSegmentMatches("[!a-c]x", "dx"));
  EXPECT_FALSE(GlobSegmentMatches("[!a-c]x", "ax"));
  EXPECT_TRUE(GlobSegmentMatches("[]]", "]"));
  EXPECT_TRUE(GlobSegmentMatches("\\*", "*"));
  EXPECT_FALSE(GlobSegmentMatches("\\*", "a"));
  EXPECT_TRUE(GlobSegmentMatches("", ""));
  EXPECT_FALSE(GlobSegmentMatches("", "a"));
}

TEST(GlobTest, StarDoesNotCrossSlash) {
  EXPECT_TRUE(M("books/*.txt", "books/a.txt"));
  EXPECT_FALSE(M("books/*.txt", "books/x/a.txt"));
  EXPECT_FALSE(M("*.txt", "books/a.txt"));
}

TEST(GlobTest, DoubleStarMatchesZeroOrMoreSegments) {
  EXPECT_TRUE(M("books/**/*.txt", "books/a.txt"));
  EXPECT_TRUE(M("books/**/*.txt", "books/x/y/a.txt"));
  EXPECT_FALSE(M("books/**/*.txt", "other/a.txt"));
  EXPECT_TRUE(M("**", "a/b/c"));
  EXPECT_TRUE(M("**/c", "c"));
  EXPECT_TRUE(M("a/**/b/**/c", "a/x/b/y/z/c"));
  EXPECT_FALSE(M("a/**/b/**/c", "a/x/y/z/c"));
}

TEST(GlobTest, CaseSensitiveAndByteWise) {
  EXPECT_FALSE(M("*.TXT", "a.txt"));
  EXPECT_TRUE(M("caf\xc3\xa9/*", "caf\xc3\xa9/menu"));
  EXPECT_FALSE(M("cafe\xcc\x81/*", "caf\xc3\xa9/menu"));  // no Unicode normalisation
}

TEST(GlobTest, CouldMatchUnderPrunesFolders) {
  auto g = GlobPattern::Parse("books/*/ch*/**/*.txt");
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->CouldMatchUnder(""));
  EXPECT_TRUE(g->CouldMatchUnder("books"));
  EXPECT_TRUE(g->CouldMatchUnder("books/en"));
  EXPECT_TRUE(g->CouldMatchUnder("books/en/ch1"));
  EXPECT_TRUE(g->CouldMatchUnder("books/en/ch1/deep/deeper"));
  EXPECT_FALSE(g->CouldMatchUnder("news"));
  EXPECT_FALSE(g->CouldMatchUnder("books/en/appendix"));
  auto flat = GlobPattern::Parse("a/*.txt");
  ASSERT_TRUE(flat.ok());
  EXPECT_TRUE(flat->CouldMatchUnder("a"));
  EXPECT_FALSE(flat->CouldMatchUnder("a/b"));
}

TEST(GlobTest, RejectsBadPatterns) {
  for (const char* bad : {"", "/abs/*.txt", "a//b", "a/", "../x", "a/./b", "[abc", "a\\",
                          "**/**/**/**/**/**/**/**/**"}) {
    auto g = GlobPattern::Parse(bad);
    EXPECT_FALSE(g.ok()) << bad;
    if (!g.ok()) {
      EXPECT_EQ(g.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace dtm
