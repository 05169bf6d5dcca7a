// WARC extraction against the warcio project's test files (tests/data/warc/,
// README there): each is read or rejected as its table says. The digests
// were computed by an independent Python reading of the same rule.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "documents/extract_test_util.h"

namespace dtm::internal {
namespace {

std::string ReadVector(const std::string& name) {
  std::ifstream in(std::string(DTM_TEST_DATA) + "/warc/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

using Result = test::ExtractResult;

Result Extract(const std::string& data, bool skip_bad = false) {
  v1::DocumentRule rule;
  rule.set_format(v1::DocumentRule::FORMAT_WARC);
  rule.set_skip_bad(skip_bad);
  return test::ExtractFrom(rule, "crawl.warc", data);
}

Result ExtractVector(const std::string& name) { return Extract(ReadVector(name)); }

TEST(WarcTest, ResponseRecordKnownAnswer) {
  for (const char* name : {"example.warc", "example.warc.gz"}) {
    Result r = ExtractVector(name);
    ASSERT_TRUE(r.status.ok()) << name << ": " << r.status.ToString();
    // warcinfo, response, request, revisit: the response is the one document.
    ASSERT_EQ(r.docs.size(), 1u) << name;
    const ExtractedDocument& d = r.docs[0];
    EXPECT_EQ(d.ordinal, 0u);
    EXPECT_EQ(d.id, "<urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>");
    EXPECT_EQ(d.url, "http://example.com/");
    EXPECT_EQ(d.size, 975u);
    EXPECT_EQ(ToHex(d.sha256), "83e86cf30c60710a621cef3e578044f42e8cc77fd087f204561e268587e4e891");
    // The text is the HTTP payload with its gzip Content-Encoding removed.
    ASSERT_TRUE(d.has_text);
    EXPECT_EQ(ToHex(d.text_sha256),
              "e7dd13ef3c691d56f554fed52b287d964e1df370238a2ff264039dbbbedc76e4");
    EXPECT_EQ(d.text_bytes, 1002u);
  }
  // Plain: the record's offset in the file; gzip: the offset of its member.
  EXPECT_EQ(ExtractVector("example.warc").docs[0].offset, 1197u);
  EXPECT_EQ(ExtractVector("example.warc.gz").docs[0].offset, 784u);
}

TEST(WarcTest, ChunkedPayloadIsDechunked) {
  Result r = ExtractVector("example-iana.org-chunked.warc");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_EQ(r.docs[0].url, "http://www.iana.org/");
  EXPECT_EQ(r.docs[0].offset, 405u);
  EXPECT_EQ(ToHex(r.docs[0].sha256),
            "8dc54f508fdc3b1e2e72732cf4895e32da4109a8179e5d63dd098e13a86880a0");
  EXPECT_EQ(ToHex(r.docs[0].text_sha256),
            "40f403fc4b0cc6c5c3003c0bee3a475ff029951866884fa76e1049b9bae07f7d");
  EXPECT_EQ(r.docs[0].text_bytes, 5252u);
}

TEST(WarcTest, EveryVectorIsReadOrRejectedAsItsTableSays) {
  struct Case {
    const char* file;
    size_t documents;   // when read
    const char* error;  // when rejected
  } cases[] = {
      {"example-digest.warc", 0, nullptr},  // request records only: no documents
      {"example-resource.warc.gz", 1, nullptr},
      {"example-space-in-target-uri.warc.gz", 1, nullptr},
      {"example-wget-bad-target-uri.warc.gz", 3, nullptr},
      {"example-wrong-chunks.warc.gz", 1, nullptr},
      {"example-bad-non-chunked.warc.gz", 1, nullptr},
      {"post-test.warc.gz", 3, nullptr},
      {"example-trunc.warc", 0,
       "crawl.warc: record 2 at byte 1197: the 973 bytes its Content-Length gives are not followed "
       "by the next record (found '\\x00\\x00'): the record is cut short or damaged"},
  };
  for (const Case& c : cases) {
    Result r = ExtractVector(c.file);
    if (c.error != nullptr) {
      EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument) << c.file;
      EXPECT_EQ(r.status.message(), c.error) << c.file;
      continue;
    }
    ASSERT_TRUE(r.status.ok()) << c.file << ": " << r.status.ToString();
    EXPECT_EQ(r.docs.size(), c.documents) << c.file;
  }
}

TEST(WarcTest, TargetUrisByTheStatedRule) {
  // A space is percent-encoded; wget's brackets are removed.
  EXPECT_EQ(ExtractVector("example-space-in-target-uri.warc.gz").docs.at(0).url,
            "file:///example%20with%20spaces.png");
  Result wget = ExtractVector("example-wget-bad-target-uri.warc.gz");
  ASSERT_EQ(wget.docs.size(), 3u);
  EXPECT_EQ(wget.docs[0].url, "http://example.com/");
  // A resource record's text is its block.
  Result resource = ExtractVector("example-resource.warc.gz");
  ASSERT_EQ(resource.docs.size(), 1u);
  EXPECT_EQ(resource.docs[0].url, "http://example.com/");
}

TEST(WarcTest, NotValidlyChunkedPayloadIsTakenAsItIs) {
  // Claims chunked, is not: the payload is the bytes after the HTTP header.
  Result r = ExtractVector("example-wrong-chunks.warc.gz");
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_TRUE(r.docs[0].has_text);
  // Its payload is the same page as example.warc's, uncompressed.
  EXPECT_EQ(r.docs[0].text_sha256, ExtractVector("example.warc").docs[0].text_sha256);
}

TEST(WarcTest, TruncatedAndDamagedFilesNameTheRecordAndOffset) {
  const std::string plain = ReadVector("example.warc");
  Result r = Extract(plain.substr(0, 1700));
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status.message(),
            "crawl.warc: record 2 at byte 1197: truncated: the block has 113 of its 975 bytes "
            "(Content-Length)");
  r = Extract(plain.substr(0, 1300));
  EXPECT_EQ(r.status.message(),
            "crawl.warc: record 2 at byte 1197: truncated: the header has no end");
  const std::string gz = ReadVector("example.warc.gz");
  r = Extract(gz.substr(0, 1000));
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status.message(), "crawl.warc: byte 1000: truncated gzip member");
  r = Extract("GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(r.status.message(),
            "crawl.warc: record 0 at byte 0: not a WARC record (expected WARC/1.0 or WARC/1.1, "
            "found 'GET / HTTP/1.1')");
  r = Extract("WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 12x\r\n\r\n");
  EXPECT_EQ(r.status.message(),
            "crawl.warc: record 0 at byte 0: Content-Length is missing or not a number");
}

TEST(WarcTest, BadTargetUriIsABadDocument) {
  const std::string record =
      "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: not a url\r\n"
      "Content-Length: 5\r\n\r\nhello\r\n\r\n";
  Result r = Extract(record);
  EXPECT_EQ(r.status.message(),
            "crawl.warc: record 0 at byte 0: URL 'not a url': is not an absolute URL (no scheme)");
  r = Extract(record + record, /*skip_bad=*/true);
  ASSERT_TRUE(r.status.ok());
  EXPECT_TRUE(r.docs.empty());
  EXPECT_EQ(r.skipped.count, 2u);
  EXPECT_EQ(r.skipped.first,
            "record 0 at byte 0: URL 'not a url': is not an absolute URL (no scheme)");
}

}  // namespace
}  // namespace dtm::internal
