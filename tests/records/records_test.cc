#include "dtm/records.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/test_records.h"

namespace dtm {
namespace {

using test::MakeDocument;
using test::MakeFile;
using test::MakeSource;

void ExpectInvalid(const Status& s, const std::string& message) {
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_EQ(s.message(), message);
}

TEST(RecordsSourceIdTest, AcceptsTheGrammar) {
  for (const char* id : {"a", "0", "web", "web-2024.v1_x", "9lives"}) {
    EXPECT_TRUE(ValidateSourceId(id).ok()) << id;
  }
  EXPECT_TRUE(ValidateSourceId(std::string(128, 'a')).ok());
}

TEST(RecordsSourceIdTest, RejectsWithReason) {
  ExpectInvalid(ValidateSourceId(""), "source id is empty");
  ExpectInvalid(ValidateSourceId(std::string(129, 'a')), "source id is 129 bytes, longer than 128");
  ExpectInvalid(ValidateSourceId("-web"), "source id must start with a-z or 0-9, not '-'");
  ExpectInvalid(ValidateSourceId(".web"), "source id must start with a-z or 0-9, not '.'");
  ExpectInvalid(ValidateSourceId("Web"), "source id must start with a-z or 0-9, not 'W'");
  ExpectInvalid(ValidateSourceId("web site"),
                "source id has ' ' at byte 3; allowed are a-z, 0-9, '.', '_' and '-'");
  ExpectInvalid(ValidateSourceId(std::string("we\0b", 4)),
                "source id has '\\x00' at byte 2; allowed are a-z, 0-9, '.', "
                "'_' and '-'");
}

TEST(RecordsPathTest, AcceptsRelativePaths) {
  for (const char* p :
       {"a", "a/b", "a.b/c..d/.e/..f", "r\xc3\xa9sum\xc3\xa9.txt", "\xf0\x9f\x98\x80/x", "a b/c"}) {
    EXPECT_TRUE(ValidateRelativePath(p).ok()) << p;
  }
  EXPECT_TRUE(ValidateRelativePath(std::string(4096, 'x')).ok());
}

TEST(RecordsPathTest, RejectsWithReason) {
  ExpectInvalid(ValidateRelativePath(""), "path is empty");
  ExpectInvalid(ValidateRelativePath(std::string(4097, 'x')),
                "path is 4097 bytes, longer than 4096");
  ExpectInvalid(ValidateRelativePath("/etc/passwd"), "path is absolute (starts with '/')");
  ExpectInvalid(ValidateRelativePath("a/"), "path ends with '/'");
  ExpectInvalid(ValidateRelativePath("a//b"), "path has an empty segment at byte 2");
  ExpectInvalid(ValidateRelativePath("./a"), "path has a '.' segment at byte 0");
  ExpectInvalid(ValidateRelativePath("a/../b"), "path has a '..' segment at byte 2");
  ExpectInvalid(ValidateRelativePath("a/.."), "path has a '..' segment at byte 2");
  ExpectInvalid(ValidateRelativePath(std::string("a\0b", 3)), "path has a NUL byte at byte 1");
  ExpectInvalid(ValidateRelativePath("a\nb"), "path has control character '\\x0a' at byte 1");
  ExpectInvalid(ValidateRelativePath("a\x7f"), "path has control character '\\x7f' at byte 1");
  ExpectInvalid(ValidateRelativePath("a\\b"),
                "path has a backslash that does not begin an escape \\xHH (two uppercase hex "
                "digits) at byte 1");
  ExpectInvalid(ValidateRawFileName("a\\b"), "path has a backslash at byte 1");
  ExpectInvalid(ValidateRawFileName("a\xff"), "path is not valid UTF-8 at byte 1");
  ExpectInvalid(ValidateRawFileName("a\tb"), "path has control character '\\x09' at byte 1");
  ExpectInvalid(ValidateRawFileName("a/../b"), "path has a '..' segment at byte 2");
}

// The escaped form of spec/container.md, "Escaped file names", against its
// vectors: every name that needs it, and the forms a verifier refuses.
TEST(RecordsPathTest, EscapedFormRoundTrips) {
  const std::pair<std::string, std::string> vectors[] = {
      {"caf\xe9.txt", "caf\\xE9.txt"},
      {"back\\slash", "back\\x5Cslash"},
      {"new\nline\x7f", "new\\x0Aline\\x7F"},
      {"caf\\xE9.txt", "caf\\x5CxE9.txt"},               // a literal "\xE9" in a name
      {"\xe9\xc3\xa9", "\\xE9\xc3\xa9"},                 // an invalid byte before a valid one
      {"\xed\xa0\x80", "\\xED\\xA0\\x80"},               // a surrogate: three bytes
      {"\xc0\xaf/x", "\\xC0\\xAF/x"},                    // overlong '/'
      {"r\xc3\xa9sum\xc3\xa9", "r\xc3\xa9sum\xc3\xa9"},  // valid UTF-8: unchanged
      {"..\x5c", "..\\x5C"},
  };
  for (const auto& [raw, escaped] : vectors) {
    EXPECT_EQ(EscapeFileName(raw), escaped);
    auto back = UnescapeFileName(escaped);
    ASSERT_TRUE(back.ok()) << escaped;
    EXPECT_EQ(*back, raw);
    EXPECT_TRUE(ValidateRelativePath(escaped).ok()) << escaped;
  }
  EXPECT_TRUE(ValidateRawFileName("r\xc3\xa9sum\xc3\xa9").ok());
}

TEST(RecordsPathTest, RejectsEscapesThatAreNotCanonical) {
  const char* kNotAnEscape =
      "path has a backslash that does not begin an escape \\xHH (two uppercase hex digits)";
  ExpectInvalid(ValidateRelativePath("caf\\xe9"), std::string(kNotAnEscape) + " at byte 3");
  ExpectInvalid(ValidateRelativePath("caf\\xE"), std::string(kNotAnEscape) + " at byte 3");
  ExpectInvalid(ValidateRelativePath("caf\\u00e9"), std::string(kNotAnEscape) + " at byte 3");
  ExpectInvalid(ValidateRelativePath("a\\"), std::string(kNotAnEscape) + " at byte 1");
  const std::string kNeedsNone =
      "path has an escape of a byte that needs none (the escaped form is not canonical)";
  ExpectInvalid(ValidateRelativePath("\\x41"), kNeedsNone + " at byte 0");
  ExpectInvalid(ValidateRelativePath("x/\\xC3\\xA9"), kNeedsNone + " at byte 2");  // é
  ExpectInvalid(ValidateRelativePath("\\x2E\\x2E/a"), kNeedsNone + " at byte 0");  // ..
  ExpectInvalid(ValidateRelativePath("a\\x2Fb"), kNeedsNone + " at byte 1");       // a '/'
  ExpectInvalid(ValidateRelativePath("a\\x00"),
                "path has an escaped NUL byte, which no file name holds at byte 1");
  EXPECT_FALSE(UnescapeFileName("a\\q").ok());
}

TEST(RecordsPathTest, RejectsInvalidUtf8) {
  for (const char* p : {"\x80", "a\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                        "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xc3\x28", "\xff"}) {
    Status s = ValidateRelativePath(p);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << p;
    EXPECT_NE(s.message().find("path is not valid UTF-8 at byte"), std::string::npos)
        << s.message();
  }
}

TEST(RecordsSequenceTest, TalliesTotalsAndComposition) {
  RecordSequence seq;
  ASSERT_TRUE(seq.Add(MakeSource("books", v1::USE_CLASS_NON_COMMERCIAL,
                                 v1::ACQUISITION_METHOD_LICENSED, v1::MODALITY_TEXT, 100))
                  .ok());
  v1::Record code = MakeSource("code", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_CRAWLED,
                               v1::MODALITY_CODE, 50);
  code.mutable_source()->mutable_counts()->set_documents(7);
  code.mutable_source()->mutable_counts()->set_hours(1.5);
  ASSERT_TRUE(seq.Add(code).ok());
  ASSERT_TRUE(seq.Add(MakeSource("web", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_CRAWLED,
                                 v1::MODALITY_TEXT, 1000))
                  .ok());
  ASSERT_TRUE(seq.Add(MakeFile("books", "a", 10)).ok());
  ASSERT_TRUE(seq.Add(MakeFile("books", "b", 20)).ok());
  ASSERT_TRUE(seq.Add(MakeFile("web", "x/y", 5)).ok());
  EXPECT_EQ(seq.records(), 6u);

  const v1::Totals t = seq.totals();
  EXPECT_EQ(t.sources(), 3u);
  EXPECT_EQ(t.files(), 3u);
  EXPECT_EQ(t.bytes(), 35u);
  EXPECT_EQ(t.tokens(), 1150u);
  EXPECT_EQ(t.documents(), 7u);
  EXPECT_EQ(t.hours(), 1.5);

  const v1::Composition c = seq.composition();
  ASSERT_EQ(c.by_use_class_size(), 2);
  EXPECT_EQ(c.by_use_class(0).value(), v1::USE_CLASS_COMMERCIAL);
  EXPECT_EQ(c.by_use_class(0).sources(), 2u);
  EXPECT_EQ(c.by_use_class(0).files(), 1u);
  EXPECT_EQ(c.by_use_class(0).bytes(), 5u);
  EXPECT_EQ(c.by_use_class(0).tokens(), 1050u);
  EXPECT_EQ(c.by_use_class(1).value(), v1::USE_CLASS_NON_COMMERCIAL);
  EXPECT_EQ(c.by_use_class(1).sources(), 1u);
  EXPECT_EQ(c.by_use_class(1).files(), 2u);
  EXPECT_EQ(c.by_use_class(1).bytes(), 30u);
  EXPECT_EQ(c.by_use_class(1).tokens(), 100u);
  ASSERT_EQ(c.by_acquisition_size(), 2);
  EXPECT_EQ(c.by_acquisition(0).value(), v1::ACQUISITION_METHOD_CRAWLED);
  EXPECT_EQ(c.by_acquisition(1).value(), v1::ACQUISITION_METHOD_LICENSED);
  ASSERT_EQ(c.by_modality_size(), 2);
  EXPECT_EQ(c.by_modality(0).value(), v1::MODALITY_TEXT);
  EXPECT_EQ(c.by_modality(0).sources(), 2u);
  EXPECT_EQ(c.by_modality(0).files(), 3u);
  EXPECT_EQ(c.by_modality(0).bytes(), 35u);
  EXPECT_EQ(c.by_modality(1).value(), v1::MODALITY_CODE);
  EXPECT_EQ(c.by_modality(1).files(), 0u);
}

TEST(RecordsSequenceTest, EmptySequenceHasZeroTotalsAndNoRows) {
  RecordSequence seq;
  EXPECT_EQ(seq.totals().ByteSizeLong(), 0u);
  EXPECT_EQ(seq.composition().ByteSizeLong(), 0u);
}

// Feeds `records` and expects the last one to fail with `message`.
void ExpectSequenceError(const std::vector<v1::Record>& records, const std::string& message,
                         StatusCode code = StatusCode::kInvalidArgument,
                         uint64_t max_sources = kDefaultMaxSources) {
  RecordSequence seq(max_sources);
  for (size_t i = 0; i + 1 < records.size(); ++i) {
    ASSERT_TRUE(seq.Add(records[i]).ok()) << i << ": " << seq.Add(records[i]).ToString();
  }
  Status s = seq.Add(records.back());
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_EQ(s.message(), message);
  EXPECT_EQ(seq.records(), records.size() - 1);
}

TEST(RecordsSequenceTest, OrderViolations) {
  ExpectSequenceError({MakeSource("b"), MakeSource("a")},
                      "record 1: source 'a' out of order (after 'b')");
  ExpectSequenceError({MakeSource("a"), MakeSource("a")}, "record 1: duplicate source 'a'");
  ExpectSequenceError({MakeSource("a"), MakeFile("a", "x"), MakeSource("b")},
                      "record 2: source 'b' after the files (sources come first)");
  ExpectSequenceError({MakeSource("web"), MakeFile("web", "a/c"), MakeFile("web", "a/b")},
                      "record 2: file 'a/b' of source 'web' out of order (after 'a/c')");
  ExpectSequenceError({MakeSource("web"), MakeFile("web", "a"), MakeFile("web", "a")},
                      "record 2: duplicate file 'a' of source 'web'");
  ExpectSequenceError({MakeSource("a"), MakeSource("b"), MakeFile("b", "x"), MakeFile("a", "y")},
                      "record 3: file 'y' of source 'a' out of order (after the files of "
                      "source "
                      "'b')");
  ExpectSequenceError({MakeSource("a"), MakeFile("b", "x")},
                      "record 1: file 'x' of source 'b' names an unknown source");
  ExpectSequenceError({MakeFile("a", "x")},
                      "record 0: file 'x' of source 'a' names an unknown source");
  // Byte-wise order: 'B' (0x42) sorts before 'a' (0x61); "a/b" before "a0".
  ExpectSequenceError({MakeSource("s"), MakeFile("s", "a0"), MakeFile("s", "a/b")},
                      "record 2: file 'a/b' of source 's' out of order (after 'a0')");
}

TEST(RecordsSequenceTest, ByteWiseOrderIsAccepted) {
  RecordSequence seq;
  EXPECT_TRUE(seq.Add(MakeSource("a")).ok());
  EXPECT_TRUE(seq.Add(MakeSource("a-b")).ok());
  EXPECT_TRUE(seq.Add(MakeSource("a.b")).ok());
  EXPECT_TRUE(seq.Add(MakeSource("ab")).ok());
  for (const char* p : {"B", "a/b", "a0", "\xc3\xa9"})
    EXPECT_TRUE(seq.Add(MakeFile("a", p)).ok()) << p;
  EXPECT_TRUE(seq.Add(MakeFile("ab", "A")).ok());
}

TEST(RecordsSequenceTest, RecordRules) {
  ExpectSequenceError({v1::Record()},
                      "record 0: record has no kind (not a source, file or document)");
  v1::Record r = MakeSource("Web");
  ExpectSequenceError({r}, "record 0: source 'Web': source id must start with a-z or 0-9, not 'W'");
  r = MakeSource("web");
  r.mutable_source()->clear_name();
  ExpectSequenceError({r}, "record 0: source 'web': name is empty");
  r = MakeSource("web");
  r.mutable_source()->clear_modality();
  ExpectSequenceError({r}, "record 0: source 'web': modality is unspecified");
  r = MakeSource("web");
  r.mutable_source()->mutable_license()->clear_expression();
  ExpectSequenceError({r}, "record 0: source 'web': license.expression is empty");
  r = MakeSource("web");
  r.mutable_source()->clear_provenance();
  ExpectSequenceError({r}, "record 0: source 'web': provenance.acquisition is unspecified");
  r = MakeSource("web");
  r.mutable_source()->mutable_counts()->set_hours(-1);
  ExpectSequenceError({r}, "record 0: source 'web': counts.hours is not a finite number >= 0");
  r = MakeFile("web", "a");
  r.mutable_file()->set_sha256("short");
  ExpectSequenceError({MakeSource("web"), r},
                      "record 1: file 'a' of source 'web': sha256 is 5 bytes, must be 32");
  ExpectSequenceError({MakeSource("web"), MakeFile("web", "../etc")},
                      "record 1: file '../etc' of source 'web': path has a "
                      "'..' segment at byte 0");
}

TEST(RecordsSequenceTest, OverflowsAreErrors) {
  ExpectSequenceError({MakeSource("a"), MakeFile("a", "x", ~0ull), MakeFile("a", "y", 1)},
                      "record 2: file 'y' of source 'a': total bytes overflow 64 bits");
  ExpectSequenceError({MakeSource("a", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_CRAWLED,
                                  v1::MODALITY_TEXT, ~0ull),
                       MakeSource("b", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_CRAWLED,
                                  v1::MODALITY_TEXT, 1)},
                      "record 1: source 'b': total tokens or documents overflow 64 bits");
}

TEST(RecordsSequenceTest, MaxSources) {
  ExpectSequenceError({MakeSource("a"), MakeSource("b"), MakeSource("c")},
                      "record 2: source 'c': more than 2 sources", StatusCode::kLimitExceeded, 2);
}

TEST(RecordsSequenceTest, DocumentsFollowTheirFileAndAreCounted) {
  RecordSequence seq;
  const std::vector<v1::Record> records = {MakeSource("news"),
                                           MakeSource("web"),
                                           MakeFile("news", "a.jsonl", 100),
                                           MakeDocument("news", "a.jsonl", 0, 40),
                                           MakeDocument("news", "a.jsonl", 2, 50),
                                           MakeFile("news", "b.jsonl"),
                                           MakeFile("web", "c.warc"),
                                           MakeDocument("web", "c.warc", 0, 7)};
  for (const v1::Record& r : records) {
    ASSERT_TRUE(seq.Add(r).ok()) << seq.Add(r).ToString();
  }
  EXPECT_EQ(seq.totals().document_entries(), 3u);
  EXPECT_EQ(seq.totals().document_bytes(), 97u);
  EXPECT_EQ(seq.totals().files(), 3u);
  const v1::Composition c = seq.composition();
  ASSERT_EQ(c.by_use_class_size(), 1);
  EXPECT_EQ(c.by_use_class(0).document_entries(), 3u);
}

TEST(RecordsSequenceTest, DocumentRuleViolations) {
  const v1::Record news = MakeSource("news");
  const v1::Record file = MakeFile("news", "a.jsonl");
  ExpectSequenceError({news, MakeDocument("news", "a.jsonl", 0)},
                      "record 1: document 0 of file 'a.jsonl' of source 'news' does not follow "
                      "its file's entry");
  ExpectSequenceError({news, file, MakeDocument("news", "b.jsonl", 0)},
                      "record 2: document 0 of file 'b.jsonl' of source 'news' does not follow "
                      "its file's entry");
  ExpectSequenceError({MakeSource("a"), news, file, MakeDocument("a", "a.jsonl", 0)},
                      "record 3: document 0 of file 'a.jsonl' of source 'a' does not follow its "
                      "file's entry");
  ExpectSequenceError(
      {news, file, MakeDocument("news", "a.jsonl", 3), MakeDocument("news", "a.jsonl", 3)},
      "record 3: document 3 of file 'a.jsonl' of source 'news' out of order "
      "(after document 3)");
  ExpectSequenceError(
      {news, file, MakeDocument("news", "a.jsonl", 3), MakeDocument("news", "a.jsonl", 1)},
      "record 3: document 1 of file 'a.jsonl' of source 'news' out of order "
      "(after document 3)");
  v1::Record short_digest = MakeDocument("news", "a.jsonl", 0);
  short_digest.mutable_document()->set_sha256("abc");
  ExpectSequenceError({news, file, short_digest},
                      "record 2: document 0 of file 'a.jsonl' of source 'news': sha256 is 3 bytes, "
                      "must be 32");
  v1::Record short_text = MakeDocument("news", "a.jsonl", 0);
  short_text.mutable_document()->set_text_sha256(std::string(31, 'x'));
  ExpectSequenceError({news, file, short_text},
                      "record 2: document 0 of file 'a.jsonl' of source 'news': text_sha256 is 31 "
                      "bytes, must be 0 or 32");
  v1::Record bad_url = MakeDocument("news", "a.jsonl", 0);
  bad_url.mutable_document()->set_url("https://a.example/\xff");
  ExpectSequenceError({news, file, bad_url},
                      "record 2: document 0 of file 'a.jsonl' of source 'news': url is not UTF-8 "
                      "of at most 8192 bytes");
  v1::Record long_id = MakeDocument("news", "a.jsonl", 0);
  long_id.mutable_document()->set_id(std::string(8193, 'i'));
  ExpectSequenceError({news, file, long_id},
                      "record 2: document 0 of file 'a.jsonl' of source 'news': id is not UTF-8 "
                      "of at most 8192 bytes");
  ExpectSequenceError({news, file, MakeDocument("news", "a.jsonl", 0), MakeSource("z")},
                      "record 3: source 'z' after the files (sources come first)");
  // A document's file ends with the next file: no document of it may follow.
  ExpectSequenceError({news, file, MakeFile("news", "b.jsonl"), MakeDocument("news", "a.jsonl", 1)},
                      "record 3: document 1 of file 'a.jsonl' of source 'news' does not follow "
                      "its file's entry");
}

}  // namespace
}  // namespace dtm
