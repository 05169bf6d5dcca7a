// The text normalization and URL canonicalization against the vectors of
// spec/vectors/documents/ (text.json is made by an independent Python
// implementation, make_text_vectors.py).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dtm/digest.h"
#include "dtm/documents.h"
#include "testing/hex.h"

namespace dtm {
namespace {

nlohmann::json LoadVectors(const std::string& name) {
  std::ifstream in(std::string(DTM_SOURCE_DIR) + "/spec/vectors/documents/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

using test::FromHex;

TEST(TextNormalizationTest, Vectors) {
  const nlohmann::json v = LoadVectors("text.json");
  ASSERT_GE(v["vectors"].size(), 30u);
  for (const auto& c : v["vectors"]) {
    const std::string name = c["name"];
    const std::string input = FromHex(c["input_hex"]);
    StatusOr<std::string> normalized = NormalizeText(input);
    if (c.contains("invalid_at")) {
      ASSERT_FALSE(normalized.ok()) << name;
      EXPECT_EQ(normalized.status().code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(normalized.status().message(),
                "text: byte " + std::to_string(c["invalid_at"].get<int>()) + " is not valid UTF-8")
          << name;
      EXPECT_FALSE(TextDigest(input).ok()) << name;
      continue;
    }
    ASSERT_TRUE(normalized.ok()) << name << ": " << normalized.status().ToString();
    EXPECT_EQ(*normalized, FromHex(c["normalized_hex"])) << name;
    StatusOr<Sha256Digest> digest = TextDigest(input);
    ASSERT_TRUE(digest.ok());
    EXPECT_EQ(ToHex(*digest), c["text_sha256"].get<std::string>()) << name;
  }
}

TEST(TextNormalizationTest, NormalizedTextIsAFixedPoint) {
  const nlohmann::json v = LoadVectors("text.json");
  for (const auto& c : v["vectors"]) {
    if (c.contains("invalid_at")) continue;
    const std::string once = FromHex(c["normalized_hex"]);
    StatusOr<std::string> twice = NormalizeText(once);
    ASSERT_TRUE(twice.ok());
    EXPECT_EQ(*twice, once) << c["name"];
  }
}

TEST(UrlCanonicalizationTest, Vectors) {
  const nlohmann::json v = LoadVectors("urls.json");
  ASSERT_GE(v["vectors"].size(), 40u);
  for (const auto& c : v["vectors"]) {
    const std::string name = c["name"];
    StatusOr<std::string> url = CanonicalUrl(c["input"].get<std::string>());
    if (c.contains("error")) {
      ASSERT_FALSE(url.ok()) << name << " gave " << *url;
      EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(url.status().message().find(c["error"].get<std::string>()), std::string::npos)
          << name << ": " << url.status().message();
      continue;
    }
    ASSERT_TRUE(url.ok()) << name << ": " << url.status().ToString();
    EXPECT_EQ(*url, c["canonical"].get<std::string>()) << name;
    // Canonical forms are fixed points.
    StatusOr<std::string> again = CanonicalUrl(*url);
    ASSERT_TRUE(again.ok()) << name;
    EXPECT_EQ(*again, *url) << name;
  }
}

TEST(UrlCanonicalizationTest, RegistrableDomains) {
  const nlohmann::json v = LoadVectors("urls.json");
  for (const auto& c : v["registrable_domains"]) {
    EXPECT_EQ(RegistrableDomain(c["host"].get<std::string>()), c["domain"].get<std::string>());
  }
  EXPECT_EQ(UrlHost("https://user@news.example:8443/a"), "news.example");
  EXPECT_EQ(UrlHost("http://[2001:db8::1]:80/"), "[2001:db8::1]");
  EXPECT_EQ(UrlHost("mailto:a@b.example"), "");
}

}  // namespace
}  // namespace dtm
