#include "dtm/records.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/test_records.h"

namespace dtm {
namespace {

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
  ExpectInvalid(ValidateRelativePath("a\\b"), "path has a backslash at byte 1");
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
  ExpectSequenceError({v1::Record()}, "record 0: record has no kind (neither source nor file)");
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

}  // namespace
}  // namespace dtm
