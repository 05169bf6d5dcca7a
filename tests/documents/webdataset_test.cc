// WebDataset extraction: groups of consecutive members with one key, the
// content, text and metadata members the rule names; truncated and damaged
// tar files, and groups that lack a member.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "documents/extract_test_util.h"
#include "dtm/documents.h"

namespace dtm::internal {
namespace {

// One ustar member (POSIX.1-1988): a 512-byte header and the content padded to 512.
std::string TarMember(const std::string& name, const std::string& content) {
  std::string h(512, '\0');
  std::memcpy(&h[0], name.data(), name.size());
  std::snprintf(&h[100], 8, "%07o", 0644);
  std::snprintf(&h[108], 8, "%07o", 0);
  std::snprintf(&h[116], 8, "%07o", 0);
  std::snprintf(&h[124], 12, "%011o", static_cast<unsigned>(content.size()));
  std::snprintf(&h[136], 12, "%011o", 0);
  h[156] = '0';
  std::memcpy(&h[257], "ustar", 6);
  std::memcpy(&h[263], "00", 2);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(&h[148], 8, "%06o", sum);
  std::string padded = content;
  padded.resize((content.size() + 511) / 512 * 512, '\0');
  return h + padded;
}

std::string Tar(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out;
  for (const auto& [name, content] : members) out += TarMember(name, content);
  return out + std::string(1024, '\0');
}

v1::DocumentRule ImageRule(bool skip_bad = false) {
  v1::DocumentRule rule;
  rule.set_format(v1::DocumentRule::FORMAT_WEBDATASET);
  rule.set_text("txt");
  rule.set_metadata("json");
  rule.set_content("jpg");
  rule.set_id("/key");
  rule.set_url("/url");
  rule.set_skip_bad(skip_bad);
  return rule;
}

using Result = test::ExtractResult;

Result Extract(const v1::DocumentRule& rule, const std::string& data) {
  return test::ExtractFrom(rule, "shard.tar", data);
}

const std::vector<std::pair<std::string, std::string>> kShard = {
    {"s/000001.jpg", "\xff\xd8image one"},
    {"s/000001.txt", "A red kite  over\nthe hill"},
    {"s/000001.json", "{\"key\": \"000001\", \"url\": \"HTTPS://Photos.example/1#x\"}"},
    {"s/000002.json", "{\"key\": 2}"},
    {"s/000002.txt", "Boats"},
    {"s/000002.jpg", "\xff\xd8image two"},
};

TEST(WebDatasetTest, EachKeyIsOneDocument) {
  Result r = Extract(ImageRule(), Tar(kShard));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.docs.size(), 2u);
  const ExtractedDocument& a = r.docs[0];
  EXPECT_EQ(a.ordinal, 0u);
  EXPECT_EQ(a.member, "s/000001");
  EXPECT_EQ(a.offset, 0u);
  EXPECT_EQ(a.id, "000001");
  EXPECT_EQ(a.url, "https://photos.example/1");
  // As stored: the content member (the image), so `dtm hash` of it matches.
  EXPECT_EQ(a.sha256, Sha256Of("\xff\xd8image one"));
  EXPECT_EQ(a.size, 11u);
  EXPECT_EQ(a.text_sha256, Sha256Of("A red kite over the hill"));
  const ExtractedDocument& b = r.docs[1];
  EXPECT_EQ(b.member, "s/000002");
  EXPECT_EQ(b.offset, 3u * 1024);  // three members of 512 + 512 before it
  EXPECT_EQ(b.id, "2");
  EXPECT_EQ(b.url, "");
  // Without a content extension, the text member is the document as stored.
  v1::DocumentRule captions = ImageRule();
  captions.clear_content();
  r = Extract(captions, Tar(kShard));
  ASSERT_EQ(r.docs.size(), 2u);
  EXPECT_EQ(r.docs[1].sha256, Sha256Of("Boats"));
}

TEST(WebDatasetTest, MissingMembersAreBadDocuments) {
  auto shard = kShard;
  shard.erase(shard.begin() + 4);  // 000002.txt
  Result r = Extract(ImageRule(), Tar(shard));
  EXPECT_EQ(r.status.message(),
            "shard.tar: member 's/000002' at byte 3072: text: the group has no .txt member");
  r = Extract(ImageRule(true), Tar(shard));
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.docs.size(), 1u);
  EXPECT_EQ(r.skipped.count, 1u);
  shard = kShard;
  shard[2].second = "{not json";
  r = Extract(ImageRule(), Tar(shard));
  EXPECT_TRUE(
      r.status.message().starts_with("shard.tar: member 's/000001' at byte 0: metadata: not JSON"))
      << r.status.message();
}

TEST(WebDatasetTest, TruncatedAndDamagedTarFilesAreErrors) {
  const std::string tar = Tar(kShard);
  Result r = Extract(ImageRule(), tar.substr(0, 700));
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      r.status.message().starts_with("shard.tar: member 's/000001.jpg' at byte 0: cut short"))
      << r.status.message();
  std::string damaged = tar;
  damaged[512 * 2 + 148] ^= 0x11;  // the second header's checksum
  r = Extract(ImageRule(), damaged);
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(r.status.message().starts_with("shard.tar: byte 1024: damaged tar file"))
      << r.status.message();
  r = Extract(ImageRule(), std::string(100, 'x'));
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument) << r.status.ToString();
}

TEST(WebDatasetTest, RulesAreValidated) {
  EXPECT_TRUE(ValidateDocumentRule(ImageRule()).ok());
  v1::DocumentRule rule = ImageRule();
  rule.clear_text();
  EXPECT_EQ(ValidateDocumentRule(rule).message(),
            "text: webdataset needs the extension of the text member");
  rule = ImageRule();
  rule.set_content(".jpg");
  EXPECT_FALSE(ValidateDocumentRule(rule).ok());
  rule = ImageRule();
  rule.clear_metadata();
  EXPECT_FALSE(ValidateDocumentRule(rule).ok());
}

}  // namespace
}  // namespace dtm::internal
