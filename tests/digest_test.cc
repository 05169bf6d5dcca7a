#include "dtm/digest.h"
#include "dtm/file_hash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <atomic>

namespace dtm {
namespace {

namespace fs = std::filesystem;

std::string HexOf(std::string_view text) { return ToHex(Sha256Of(text)); }

TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(HexOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(HexOf(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, IncrementalEqualsOneShotAndFinishResets) {
  const std::string million(1000000, 'a');
  Sha256 sha;
  for (size_t i = 0; i < million.size(); i += 999) {
    sha.Update(std::string_view(million).substr(i, 999));
  }
  EXPECT_EQ(ToHex(sha.Finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // The object is reset: the next digest covers only what follows.
  sha.Update("a");
  sha.Update("bc", 2);
  EXPECT_EQ(sha.Finish(), Sha256Of("abc"));
  EXPECT_EQ(sha.Finish(), Sha256Of(""));
}

TEST(Sha256Test, PeekGivesThePrefixDigestAndHashingGoesOn) {
  Sha256 sha;
  EXPECT_EQ(sha.Peek(), Sha256Of(""));
  sha.Update("ab");
  EXPECT_EQ(sha.Peek(), Sha256Of("ab"));
  EXPECT_EQ(sha.Peek(), Sha256Of("ab"));
  sha.Update("c");
  EXPECT_EQ(sha.Finish(), Sha256Of("abc"));
}

TEST(Sha256Test, HexRoundTrip) {
  const Sha256Digest d = Sha256Of("abc");
  const std::string hex = ToHex(d);
  ASSERT_EQ(hex.size(), 64u);
  for (const std::string& text :
       {hex, "sha256:" + hex, "SHA256:" + hex, std::string("Sha256:") + hex}) {
    StatusOr<Sha256Digest> parsed = ParseSha256Hex(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, d);
  }
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  StatusOr<Sha256Digest> parsed = ParseSha256Hex(upper);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, d);

  EXPECT_EQ(ToHex(std::string_view("\x00\x7f\x80\xff", 4)), "007f80ff");
  EXPECT_EQ(ToHex(nullptr, 0), "");
  EXPECT_EQ(DigestFromBytes(AsBytes(d)), d);
}

TEST(Sha256Test, RejectsBadHex) {
  const std::string hex = ToHex(Sha256Of("abc"));
  struct Case {
    std::string text;
    std::string want;  // a part of the message
  };
  const std::vector<Case> cases = {
      {"", "got 0 characters"},
      {"sha256:", "got 0 characters"},
      {hex.substr(1), "got 63 characters"},
      {hex + "0", "got 65 characters"},
      {" " + hex.substr(1), "character 1 is not a hex digit"},
      {hex.substr(0, 63) + "g", "character 64 is not a hex digit"},
      {"sha256:" + hex.substr(0, 10) + "x" + hex.substr(11), "character 18 is not a hex digit"},
      {"sha512:" + hex, "got 71 characters"},
      {"sha256 " + hex, "got 71 characters"},
      {hex.substr(0, 31) + std::string(1, '\0') + hex.substr(32), "character 32"},
  };
  for (const Case& c : cases) {
    StatusOr<Sha256Digest> parsed = ParseSha256Hex(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("bad SHA-256 digest"), std::string::npos);
    EXPECT_NE(parsed.status().message().find(c.want), std::string::npos)
        << parsed.status().message();
  }
}

// A fresh directory per test, removed afterwards.
class HashFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dtm-digest-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes `size` pseudo-random bytes to a file and returns its path and
  // contents.
  std::string Write(const std::string& name, size_t size, std::string* contents) {
    std::mt19937_64 rng(size);
    contents->resize(size);
    for (char& c : *contents) c = static_cast<char>(rng());
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary).write(contents->data(), contents->size());
    return path;
  }

  fs::path dir_;
};

TEST_F(HashFileTest, MatchesSha256OfAtBlockBoundaries) {
  const size_t kMiB = kHashFileBlockSize;
  std::string buffer;  // reused across files
  for (size_t size : {size_t{0}, size_t{1}, kMiB - 1, kMiB, kMiB + 1, 5 * kMiB + 3}) {
    std::string contents;
    const std::string path = Write("f" + std::to_string(size), size, &contents);
    StatusOr<FileDigest> got = HashFile(path, &buffer);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->size, size);
    EXPECT_EQ(got->sha256, Sha256Of(contents)) << "size " << size;
    // Without a caller buffer (thread-local scratch).
    StatusOr<FileDigest> again = HashFile(path);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->sha256, got->sha256);
  }
  EXPECT_EQ(buffer.size(), kMiB);
}

TEST_F(HashFileTest, ReusesTheCallersBuffer) {
  std::string contents;
  const std::string path = Write("f", 3 * kHashFileBlockSize + 7, &contents);
  std::string buffer;
  ASSERT_TRUE(HashFile(path, &buffer).ok());
  const char* data = buffer.data();
  for (int i = 0; i < 3; ++i) {
    StatusOr<FileDigest> got = HashFile(path, &buffer);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->sha256, Sha256Of(contents));
  }
  EXPECT_EQ(buffer.data(), data);  // never reallocated
}

TEST_F(HashFileTest, ReportsProgressPerBlock) {
  std::string contents;
  const std::string path = Write("f", 2 * kHashFileBlockSize + 5, &contents);
  std::vector<uint64_t> seen;
  StatusOr<FileDigest> got =
      HashFile(path, nullptr, [&](uint64_t bytes) { seen.push_back(bytes); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{kHashFileBlockSize, 2 * kHashFileBlockSize,
                                         2 * kHashFileBlockSize + 5}));
}

TEST_F(HashFileTest, StopsWithinABlockOnceCancelled) {
  std::string contents;
  const std::string path = Write("f", 4 * kHashFileBlockSize, &contents);
  std::atomic<bool> cancel{false};
  std::vector<uint64_t> seen;
  StatusOr<FileDigest> got = HashFile(
      path, nullptr,
      [&](uint64_t bytes) {
        seen.push_back(bytes);
        cancel = true;
      },
      &cancel);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(got.status().message(), path + ": interrupted");
  EXPECT_EQ(seen, std::vector<uint64_t>{kHashFileBlockSize});
  // The thread-local hasher starts clean for the next file.
  cancel = false;
  auto again = HashFile(path, nullptr, HashFileProgress(), &cancel);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sha256, Sha256Of(contents));
}

TEST_F(HashFileTest, RejectsWhatIsNotARegularFile) {
  std::string contents;
  const std::string target = Write("target", 10, &contents);
  const std::string link = (dir_ / "link").string();
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string missing = (dir_ / "missing").string();

  struct Case {
    std::string path;
    StatusCode code;
    std::string want;
  };
  const std::vector<Case> cases = {
      {dir_.string(), StatusCode::kInvalidArgument, "is a directory, not a regular file"},
      {link, StatusCode::kInvalidArgument, "is a symbolic link"},
      {fifo, StatusCode::kInvalidArgument, "is a FIFO, not a regular file"},  // does not block
      {missing, StatusCode::kNotFound, "no such file"},
      {(dir_ / "target" / "x").string(), StatusCode::kIOError, "Not a directory"},
  };
  for (const Case& c : cases) {
    StatusOr<FileDigest> got = HashFile(c.path);
    ASSERT_FALSE(got.ok()) << c.path;
    EXPECT_EQ(got.status().code(), c.code) << got.status().ToString();
    EXPECT_EQ(got.status().message().rfind(c.path + ": ", 0), 0u) << got.status().message();
    EXPECT_NE(got.status().message().find(c.want), std::string::npos) << got.status().message();
  }
}

// The progress callback runs between two reads, so a test can change the file
// exactly while it is being hashed.
TEST_F(HashFileTest, DetectsAFileThatGrowsWhileHashed) {
  std::string contents;
  const std::string path = Write("f", 2 * kHashFileBlockSize, &contents);
  StatusOr<FileDigest> got = HashFile(path, nullptr, [&](uint64_t bytes) {
    if (bytes == kHashFileBlockSize) std::ofstream(path, std::ios::app) << "x";
  });
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(got.status().message(), path +
                                        ": file changed while it was hashed (size 2097152 -> "
                                        "2097153, 2097153 bytes read, modification time changed)");
}

TEST_F(HashFileTest, DetectsAFileThatShrinksWhileHashed) {
  std::string contents;
  const std::string path = Write("f", 3 * kHashFileBlockSize, &contents);
  StatusOr<FileDigest> got = HashFile(path, nullptr, [&](uint64_t bytes) {
    if (bytes == kHashFileBlockSize) {
      ASSERT_EQ(::truncate(path.c_str(), 1000), 0);
    }
  });
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kVerificationFailed);
  EXPECT_NE(got.status().message().find("file changed while it was hashed (size "
                                        "3145728 -> 1000, 1048576 bytes read"),
            std::string::npos)
      << got.status().message();
}

TEST_F(HashFileTest, DetectsAnInPlaceRewriteByItsModificationTime) {
  std::string contents;
  const std::string path = Write("f", 2 * kHashFileBlockSize, &contents);
  // Pin the mtime so the rewrite below is guaranteed to move it.
  const struct timespec old_times[2] = {{1000, 1}, {1000, 1}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), old_times, 0), 0);
  StatusOr<FileDigest> got = HashFile(path, nullptr, [&](uint64_t bytes) {
    if (bytes != kHashFileBlockSize) return;
    const int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, "Z", 1, 0), 1);  // same size
    ::close(fd);
    const struct timespec new_times[2] = {{1000, 2}, {1000, 2}};  // one nanosecond later
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), new_times, 0), 0);
  });
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(got.status().message(),
            path +
                ": file changed while it was hashed (size 2097152 -> 2097152, "
                "modification time changed)");

  // The failed call left no state behind: the next digest is right.
  std::string other;
  const std::string path2 = Write("g", 12345, &other);
  StatusOr<FileDigest> next = HashFile(path2);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->sha256, Sha256Of(other));
}

}  // namespace
}  // namespace dtm
