// .dtmignore and exclude_from files: gitignore syntax and semantics.
#include "files/ignore_rules.h"

#include <gtest/gtest.h>

namespace dtm::internal {
namespace {

IgnoreRules Rules(std::string_view text) {
  IgnoreRules rules;
  EXPECT_TRUE(rules.Add(text, ".dtmignore").ok());
  return rules;
}

TEST(IgnoreRulesTest, UnanchoredPatternsMatchAtAnyDepth) {
  const IgnoreRules r = Rules("*.log\n# a comment\n\nbuild/\n");
  EXPECT_TRUE(r.Ignored("a.log", false));
  EXPECT_TRUE(r.Ignored("deep/down/a.log", false));
  EXPECT_FALSE(r.Ignored("a.log.txt", false));
  EXPECT_TRUE(r.Ignored("src/build", true));
  EXPECT_FALSE(r.Ignored("src/build", false));       // "build/" matches folders only
  EXPECT_TRUE(r.Ignored("src/build/out.o", false));  // inside an ignored folder
}

TEST(IgnoreRulesTest, ASlashAnchorsAtTheRoot) {
  const IgnoreRules r = Rules("/top.txt\ndocs/*.md\n");
  EXPECT_TRUE(r.Ignored("top.txt", false));
  EXPECT_FALSE(r.Ignored("sub/top.txt", false));
  EXPECT_TRUE(r.Ignored("docs/a.md", false));
  EXPECT_FALSE(r.Ignored("docs/sub/a.md", false));  // "*" does not cross "/"
  EXPECT_FALSE(r.Ignored("other/docs/a.md", false));
}

TEST(IgnoreRulesTest, DoubleStarAndNegationWithTheLastRuleDeciding) {
  const IgnoreRules r = Rules("logs/**\n*.tmp\n!keep.tmp\nsecret/\n!secret/public.txt\n");
  EXPECT_TRUE(r.Ignored("logs/2025/a.txt", false));
  EXPECT_TRUE(r.Ignored("x/a.tmp", false));
  EXPECT_FALSE(r.Ignored("x/keep.tmp", false));
  // A file in an ignored folder cannot be brought back, as in git.
  EXPECT_TRUE(r.Ignored("secret/public.txt", false));
}

TEST(IgnoreRulesTest, EscapesAndTrailingSpaces) {
  const IgnoreRules r = Rules("\\#hash\n\\!bang\nspaced   \nkept\\ \r\n");
  EXPECT_TRUE(r.Ignored("#hash", false));
  EXPECT_TRUE(r.Ignored("!bang", false));
  EXPECT_TRUE(r.Ignored("spaced", false));
  EXPECT_TRUE(r.Ignored("kept ", false));
  EXPECT_FALSE(r.Ignored("kept", false));
}

// A nested file's rules see paths relative to its folder, only under it, and
// win over its parents' rules.
TEST(IgnoreRulesTest, NestedFilesApplyToTheirFolderAndWin) {
  IgnoreRules r;
  ASSERT_TRUE(r.Add("*.tmp\n/top.txt\n", ".dtmignore").ok());
  ASSERT_TRUE(r.Add("!keep.tmp\n/local.txt\ncache/\n", "a/.dtmignore", "a").ok());
  EXPECT_TRUE(r.Ignored("x.tmp", false));
  EXPECT_TRUE(r.Ignored("a/x.tmp", false));
  EXPECT_FALSE(r.Ignored("a/keep.tmp", false));    // the nested file wins
  EXPECT_FALSE(r.Ignored("a/b/keep.tmp", false));  // unanchored: any depth under a/
  EXPECT_TRUE(r.Ignored("keep.tmp", false));       // not under a/
  EXPECT_TRUE(r.Ignored("a/local.txt", false));    // anchored at a/
  EXPECT_FALSE(r.Ignored("a/b/local.txt", false));
  EXPECT_FALSE(r.Ignored("local.txt", false));
  EXPECT_FALSE(r.Ignored("a/top.txt", false));  // the root's /top.txt is the root's only
  EXPECT_TRUE(r.Ignored("a/cache/x", false));
  EXPECT_FALSE(r.Ignored("ab/cache/x", false));  // "a/" is a folder, not a prefix of names
  EXPECT_FALSE(r.Ignored("a", true));
}

TEST(IgnoreRulesTest, BadPatternNamesFileAndLine) {
  IgnoreRules rules;
  Status s = rules.Add("ok\n[unclosed\n", "data/.dtmignore");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("data/.dtmignore:2"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace dtm::internal
