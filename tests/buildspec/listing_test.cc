// Tests of listing files (spec/spec-file.md, "Listing files"): valid lines,
// line endings, comments, every kind of bad line, and streaming a large file.
#include <sys/resource.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "buildspec/buildspec_test_util.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

namespace fs = std::filesystem;

const std::string kHexA(64, 'a');

class BuildSpecListingTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = tmp_.path(); }

  std::string Write(const std::string& content) {
    const std::string path = (dir_ / "files.tsv").string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Reads the listing with `content`; collects the files.
  Status Read(const std::string& content, std::vector<DeclaredFile>* files = nullptr) {
    return ForEachListedFile(Write(content), [&](DeclaredFile&& f) {
      if (files != nullptr) files->push_back(std::move(f));
      return Status::Ok();
    });
  }

  // Expects "files.tsv:<line>: <problem...>".
  void ExpectBad(const std::string& content, int line, const std::string& problem) {
    Status s = Read(content);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    const std::string prefix = (dir_ / "files.tsv").string() + ":" + std::to_string(line) + ": ";
    EXPECT_EQ(s.message().rfind(prefix, 0), 0u) << s.message();
    EXPECT_NE(s.message().find(problem), std::string::npos) << s.message() << "\nwant " << problem;
  }

  testing::TempDir tmp_;
  fs::path dir_;
};

TEST_F(BuildSpecListingTest, ValidLinesInOrder) {
  std::vector<DeclaredFile> files;
  ASSERT_TRUE(Read("# header comment\n"
                   "a/b.parquet\t123\t" +
                       kHexA +
                       "\n"
                       "\n"
                       "c d/\xc3\xa9.txt\t0\tsha256:" +
                       std::string(64, 'B') +
                       "\n"
                       "#a/commented\t1\t" +
                       kHexA +
                       "\n"
                       "x\t18446744073709551615\t" +
                       kHexA,  // no final newline
                   &files)
                  .ok());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, "a/b.parquet");
  EXPECT_EQ(files[0].size, 123u);
  EXPECT_EQ(ToHex(files[0].sha256), kHexA);
  EXPECT_EQ(files[1].path, "c d/\xc3\xa9.txt");
  EXPECT_EQ(files[1].size, 0u);
  EXPECT_EQ(ToHex(files[1].sha256), std::string(64, 'b'));
  EXPECT_EQ(files[2].size, UINT64_MAX);
}

TEST_F(BuildSpecListingTest, CrlfLineEndings) {
  std::vector<DeclaredFile> files;
  ASSERT_TRUE(Read("# c\r\n\r\na\t1\t" + kHexA + "\r\nb\t2\t" + kHexA + "\r\n", &files).ok());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "a");
  EXPECT_EQ(files[1].path, "b");
  EXPECT_EQ(files[1].size, 2u);
}

TEST_F(BuildSpecListingTest, ByteOrderMarkIsAnError) {
  ExpectBad(
      "\xEF\xBB\xBF"
      "a\t1\t" +
          kHexA + "\n",
      1, "starts with a UTF-8 byte-order mark; save the listing without one");
  ExpectBad("\xEF\xBB\xBF# comment\n", 1, "byte-order mark");
  // Only at the start of the file: elsewhere it is part of a path.
  std::vector<DeclaredFile> files;
  ASSERT_TRUE(Read("a\t1\t" + kHexA +
                       "\n\xEF\xBB\xBF"
                       "b\t1\t" +
                       kHexA + "\n",
                   &files)
                  .ok());
  EXPECT_EQ(files[1].path,
            "\xEF\xBB\xBF"
            "b");
}

TEST_F(BuildSpecListingTest, EmptyAndCommentOnlyListings) {
  std::vector<DeclaredFile> files;
  EXPECT_TRUE(Read("", &files).ok());
  EXPECT_TRUE(Read("# nothing\n\n", &files).ok());
  EXPECT_TRUE(files.empty());
}

TEST_F(BuildSpecListingTest, TheShippedExampleListing) {
  std::vector<DeclaredFile> files;
  Status s = ForEachListedFile(SpecDataDir() + "/full-shards.tsv", [&](DeclaredFile&& f) {
    files.push_back(std::move(f));
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1].path, "qa/part-0001.parquet");
}

TEST_F(BuildSpecListingTest, WrongFieldCount) {
  ExpectBad("a\t1\t" + kHexA + "\nb\t1\n", 2,
            "expected 3 TAB-separated fields (path, size, sha256), found 2");
  ExpectBad("a\t1\t" + kHexA + "\t\n", 1, "found 4");
  ExpectBad("a 1 " + kHexA + "\n", 1, "found 1");
  ExpectBad(" \n", 1, "found 1");
  ExpectBad("\t\t\n", 1, "bad path ''");
}

TEST_F(BuildSpecListingTest, BadSize) {
  for (const char* size : {"", "-1", "+5", "1.0", "12a", " 1", "0x10", "18446744073709551616"}) {
    ExpectBad(std::string("a\t") + size + "\t" + kHexA + "\n", 1,
              "bad size '" + std::string(size) + "'");
  }
}

TEST_F(BuildSpecListingTest, BadDigest) {
  ExpectBad("a\t1\t" + std::string(63, 'a') + "\n", 1, "want 64 hex digits, got 63");
  ExpectBad("a\t1\t" + std::string(65, 'a') + "\n", 1, "want 64 hex digits, got 65");
  ExpectBad("a\t1\t" + std::string(63, 'a') + "z\n", 1, "not a hex digit");
  ExpectBad("a\t1\t\n", 1, "got 0 characters");
}

TEST_F(BuildSpecListingTest, BadPath) {
  ExpectBad("/abs\t1\t" + kHexA + "\n", 1, "bad path '/abs': path is absolute");
  ExpectBad("a//b\t1\t" + kHexA + "\n", 1, "empty segment");
  ExpectBad("a/../b\t1\t" + kHexA + "\n", 1, "'..' segment");
  ExpectBad("./a\t1\t" + kHexA + "\n", 1, "'.' segment");
  ExpectBad("a/\t1\t" + kHexA + "\n", 1, "ends with '/'");
  ExpectBad("a\xff\t1\t" + kHexA + "\n", 1, "not valid UTF-8");
  ExpectBad(std::string("a\0b\t1\t", 6) + kHexA + "\n", 1, "NUL byte");
  ExpectBad("a\rb\t1\t" + kHexA + "\n", 1, "control character");
}

TEST_F(BuildSpecListingTest, LineTooLong) {
  ExpectBad("ok\t1\t" + kHexA + "\n" + std::string(70000, 'x') + "\n", 2,
            "line longer than 65536 bytes");
  // A long line spanning read blocks, and one at the very end without "\n".
  ExpectBad(std::string(3u << 20, 'y'), 1, "line longer than 65536 bytes");
}

TEST_F(BuildSpecListingTest, CallbackErrorStopsTheWalk) {
  int calls = 0;
  Status s =
      ForEachListedFile(Write("a\t1\t" + kHexA + "\nb\t1\t" + kHexA + "\n"), [&](DeclaredFile&&) {
        ++calls;
        return Status::VerificationFailed("stop here");
      });
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message(), "stop here");
  EXPECT_EQ(calls, 1);
}

TEST_F(BuildSpecListingTest, MissingOrNotAFile) {
  auto ignore = [](DeclaredFile&&) { return Status::Ok(); };
  EXPECT_EQ(ForEachListedFile((dir_ / "none.tsv").string(), ignore).code(), StatusCode::kNotFound);
  Status s = ForEachListedFile(dir_.string(), ignore);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("not a regular file"), std::string::npos);
}

// 200k lines stream through with memory that does not grow per line.
TEST_F(BuildSpecListingTest, LargeListingStreams) {
  constexpr int kLines = 200000;
  const std::string path = (dir_ / "big.tsv").string();
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < kLines; ++i) {
      out << "shard/" << i << ".bin\t" << i << "\t" << kHexA << (i % 2 ? "\r\n" : "\n");
    }
  }
  struct rusage before;
  getrusage(RUSAGE_SELF, &before);
  uint64_t count = 0, size_sum = 0;
  Status s = ForEachListedFile(path, [&](DeclaredFile&& f) {
    size_sum += f.size;
    EXPECT_EQ(f.path, "shard/" + std::to_string(count) + ".bin");
    ++count;
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(count, static_cast<uint64_t>(kLines));
  EXPECT_EQ(size_sum, uint64_t{kLines} * (kLines - 1) / 2);
  struct rusage after;
  getrusage(RUSAGE_SELF, &after);
  // The file is about 19 MB; the reader holds one 1 MiB block and one line.
  // AddressSanitizer keeps freed memory in quarantine, so peak memory says
  // nothing under it.
#ifndef __SANITIZE_ADDRESS__
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 8 * 1024) << "KiB of peak memory added";
#endif
}

}  // namespace
}  // namespace dtm
