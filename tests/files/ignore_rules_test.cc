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

TEST(IgnoreRulesTest, BadPatternNamesFileAndLine) {
  IgnoreRules rules;
  Status s = rules.Add("ok\n[unclosed\n", "data/.dtmignore");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("data/.dtmignore:2"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace dtm::internal
