// HashFile and HashFileAt (dtm/file_hash.h): block boundaries, buffers,
// progress, cancellation, what is not a regular file, and files that change
// while they are hashed.
#include "dtm/file_hash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dtm/digest.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class HashFileTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = tmp_.path(); }

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

  testing::TempDir tmp_;
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
