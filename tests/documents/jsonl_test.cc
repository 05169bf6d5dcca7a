// JSON Lines extraction: plain, gzip (several members) and zstd; what a bad
// line gives, with and without skip_bad.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <vector>

#include "documents/extract_test_util.h"
#include "dtm/documents.h"

namespace dtm::internal {
namespace {

std::string Gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

v1::DocumentRule JsonlRule(bool skip_bad = false) {
  v1::DocumentRule rule;
  rule.set_format(v1::DocumentRule::FORMAT_JSONL);
  rule.set_id("/id");
  rule.set_url("/meta/url");
  rule.set_text("/text");
  rule.set_skip_bad(skip_bad);
  return rule;
}

// A source that hands out at most 3 bytes a read, to cross every boundary.
class TrickleSource : public ByteSource {
 public:
  explicit TrickleSource(std::string data) : data_(std::move(data)) {}
  StatusOr<size_t> Read(char* buffer, size_t n) override {
    const size_t take = std::min({n, size_t{3}, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, take, buffer);
    pos_ += take;
    return take;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

using Result = test::ExtractResult;

Result Extract(const v1::DocumentRule& rule, std::string data, bool trickle = false) {
  if (!trickle) return test::ExtractFrom(rule, "news.jsonl", data);
  TrickleSource slow(data);
  return test::ExtractFrom(rule, "news.jsonl", slow);
}

const char kTwoArticles[] =
    "{\"id\":\"a1\",\"meta\":{\"url\":\"HTTP://News.Example/a#x\"},\"text\":\"Caf\\u00e9  "
    "au\\nlait\"}\r\n"
    "\n"
    "   \n"
    "{\"id\":7,\"text\":\"Second\"}";

void ExpectTwoArticles(const Result& r) {
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.docs.size(), 2u);
  const ExtractedDocument& a = r.docs[0];
  EXPECT_EQ(a.ordinal, 0u);
  EXPECT_EQ(a.line, 1u);
  EXPECT_EQ(a.offset, 0u);
  EXPECT_EQ(a.id, "a1");
  EXPECT_EQ(a.url, "http://news.example/a");
  const std::string first_line(kTwoArticles, std::string_view(kTwoArticles).find('\r'));
  EXPECT_EQ(a.size, first_line.size());
  EXPECT_EQ(a.sha256, Sha256Of(first_line));
  EXPECT_TRUE(a.has_text);
  EXPECT_EQ(a.text_sha256, Sha256Of("Caf\xC3\xA9 au lait"));
  EXPECT_EQ(a.text_bytes, 13u);
  const ExtractedDocument& b = r.docs[1];
  EXPECT_EQ(b.ordinal, 1u);
  EXPECT_EQ(b.line, 4u);
  EXPECT_EQ(b.offset, first_line.size() + 2 + 1 + 4);
  EXPECT_EQ(b.id, "7");
  EXPECT_EQ(b.url, "");
  EXPECT_EQ(b.sha256, Sha256Of("{\"id\":7,\"text\":\"Second\"}"));
}

TEST(JsonlTest, PlainGzipAndZstdGiveTheSameDocuments) {
  ExpectTwoArticles(Extract(JsonlRule(), kTwoArticles));
  ExpectTwoArticles(Extract(JsonlRule(), kTwoArticles, /*trickle=*/true));
  ExpectTwoArticles(Extract(JsonlRule(), Gzip(kTwoArticles), true));
  ExpectTwoArticles(Extract(JsonlRule(), Zstd(kTwoArticles), true));
  // Several gzip members, split inside a line, read as one stream.
  const std::string text(kTwoArticles);
  ExpectTwoArticles(Extract(JsonlRule(), Gzip(text.substr(0, 30)) + Gzip(text.substr(30)), true));
  // Several zstd frames likewise.
  ExpectTwoArticles(Extract(JsonlRule(), Zstd(text.substr(0, 50)) + Zstd(text.substr(50))));
}

TEST(JsonlTest, EmptyStreamHasNoDocuments) {
  Result r = Extract(JsonlRule(), "");
  ASSERT_TRUE(r.status.ok());
  EXPECT_TRUE(r.docs.empty());
  r = Extract(JsonlRule(), Gzip(""));
  ASSERT_TRUE(r.status.ok());
  EXPECT_TRUE(r.docs.empty());
}

TEST(JsonlTest, BadLinesNameFileLineAndProblem) {
  struct Case {
    std::string data;
    std::string message;
  } cases[] = {
      {"{\"text\":\"ok\"}\n{\"text\": nope}\n", "news.jsonl: line 2: not JSON: "},
      {"{\"id\":\"x\"}\n", "news.jsonl: line 1: text: has no field /text"},
      {"{\"text\":3}\n", "news.jsonl: line 1: text /text: is not a string"},
      {"[1,2]\n", "news.jsonl: line 1: text: has no field /text"},
      {"{\"text\":\"\xff\"}\n", "news.jsonl: line 1: not JSON: "},
      {"{\"text\":\"a\",\"meta\":{\"url\":\"no scheme\"}}\n",
       "news.jsonl: line 1: URL 'no scheme': is not an absolute URL (no scheme)"},
      {"{\"text\":\"a\",\"id\":[1]}\n", "news.jsonl: line 1: id /id: is not a string or a number"},
      {"{\"text\":\"a\"} {\"text\":\"b\"}\n", "news.jsonl: line 1: not JSON: "},
  };
  for (const Case& c : cases) {
    Result r = Extract(JsonlRule(), c.data);
    EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument) << c.data;
    EXPECT_TRUE(r.status.message().starts_with(c.message))
        << c.data << " gave " << r.status.message();
  }
}

TEST(JsonlTest, DamagedCompressionIsAnErrorAtItsOffset) {
  const std::string gz = Gzip(std::string(kTwoArticles) + "\n" + std::string(kTwoArticles));
  Result r = Extract(JsonlRule(), gz.substr(0, gz.size() - 10));
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status.message(),
            "news.jsonl: byte " + std::to_string(gz.size() - 10) + ": truncated gzip member");
  std::string damaged = gz;
  damaged[12] ^= 0x55;
  r = Extract(JsonlRule(), damaged);
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("damaged gzip data"), std::string::npos) << r.status.message();
  const std::string zst = Zstd(kTwoArticles);
  r = Extract(JsonlRule(), zst.substr(0, zst.size() - 3));
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("zstd"), std::string::npos) << r.status.message();
  // Bytes after a gzip member that are not another member.
  r = Extract(JsonlRule(), Gzip(kTwoArticles) + "junk");
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument) << r.status.ToString();
}

TEST(JsonlTest, SkipBadCountsAndKeepsOrdinals) {
  Result r = Extract(JsonlRule(true), "{\"text\":\"a\"}\nnot json\n{\"id\":1}\n{\"text\":\"d\"}\n");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.docs.size(), 2u);
  EXPECT_EQ(r.docs[0].ordinal, 0u);
  EXPECT_EQ(r.docs[1].ordinal, 3u);
  EXPECT_EQ(r.docs[1].line, 4u);
  EXPECT_EQ(r.skipped.count, 2u);
  EXPECT_TRUE(r.skipped.first.starts_with("line 2: not JSON")) << r.skipped.first;
  // A damaged stream still ends the file.
  const std::string gz = Gzip("{\"text\":\"a\"}\n{\"text\":\"b\"}\n");
  r = Extract(JsonlRule(true), gz.substr(0, gz.size() - 4));
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
}

TEST(JsonlTest, RulesAreValidated) {
  v1::DocumentRule rule = JsonlRule();
  EXPECT_TRUE(ValidateDocumentRule(rule).ok());
  rule.set_text("");
  EXPECT_EQ(ValidateDocumentRule(rule).message(), "text: jsonl needs the JSON Pointer of the text");
  rule.set_text("body");
  EXPECT_EQ(ValidateDocumentRule(rule).message(),
            "text: a JSON Pointer starts with '/' (RFC 6901)");
  rule.set_text("/a~2b");
  EXPECT_EQ(ValidateDocumentRule(rule).message(),
            "text: '~' must be followed by 0 or 1 (RFC 6901)");
  rule.set_text("/a~1b/~0");
  EXPECT_TRUE(ValidateDocumentRule(rule).ok());
  v1::DocumentRule whole;
  whole.set_format(v1::DocumentRule::FORMAT_WHOLE_FILE);
  EXPECT_TRUE(ValidateDocumentRule(whole).ok());
  whole.set_text("/x");
  EXPECT_FALSE(ValidateDocumentRule(whole).ok());
  EXPECT_FALSE(ValidateDocumentRule(v1::DocumentRule()).ok());
}

TEST(WholeFileTest, OneDocumentWithTextWhenUtf8) {
  v1::DocumentRule rule;
  rule.set_format(v1::DocumentRule::FORMAT_WHOLE_FILE);
  Result r = Extract(rule, "A  book\r\nof two lines\n");
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_EQ(r.docs[0].sha256, Sha256Of("A  book\r\nof two lines\n"));
  EXPECT_TRUE(r.docs[0].has_text);
  EXPECT_EQ(r.docs[0].text_sha256, Sha256Of("A book of two lines"));
  r = Extract(rule, "\x89PNG\r\n\x1a\n\xff");
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_FALSE(r.docs[0].has_text);
  EXPECT_EQ(r.docs[0].size, 9u);
}

}  // namespace
}  // namespace dtm::internal
