// ParseStrictJson reads I-JSON (RFC 7493), as spec/attestation.md and
// spec/proof.md require of bundles, statements and proofs: what JSON parsers
// disagree on is refused, not read one way.
#include "base/strict_json.h"

#include <gtest/gtest.h>

#include <string>

namespace dtm::internal {
namespace {

TEST(StrictJsonTest, RefusesWhatParsersDisagreeOn) {
  const struct {
    std::string text;
    const char* why;
  } cases[] = {
      {"\xef\xbb\xbf{}", "a byte-order mark"},
      {R"({"a": "\ud800"})", "a lone high surrogate"},
      {R"({"a": "\udc00"})", "a lone low surrogate"},
      {R"({"a": "\ud800\u0041"})", "a high surrogate not followed by a low one"},
      {R"({"a": 1e400})", "a number beyond a double"},
      {R"({"a": -1e400})", "a negative number beyond a double"},
      {"{\"a\": \"caf\xe9\"}", "a byte that is not UTF-8"},
      {"{\"a\": \"\xc0\xaf\"}", "an overlong UTF-8 form"},
      {"{\"a\": \"\xed\xa0\x80\"}", "a surrogate written as UTF-8"},
      {R"({"a": 1, "a": 2})", "a duplicate member name"},
      {"{\"a\": \"\x01\"}", "a raw control character in a string"},
      {"{} {}", "two values"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseStrictJson(c.text, "doc");
    EXPECT_FALSE(parsed.ok()) << c.why;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption) << c.why;
      EXPECT_TRUE(parsed.status().message().starts_with("doc: ")) << parsed.status().message();
    }
  }
}

TEST(StrictJsonTest, ReadsWhatIJsonAllows) {
  auto parsed = ParseStrictJson(R"({"a": "\ud83d\ude00", "b": 1e300, "c": -0.0, "d": "é"})", "doc");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)["a"].get<std::string>(), "\xf0\x9f\x98\x80");
  EXPECT_DOUBLE_EQ((*parsed)["b"].get<double>(), 1e300);
}

}  // namespace
}  // namespace dtm::internal
