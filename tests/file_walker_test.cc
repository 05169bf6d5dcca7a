#include "file_walker.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "parallel_hash.h"
#include "temp_dir.h"

namespace dtm {
namespace {

using testing::TempDir;
using Type = WalkEntry::Type;

std::map<std::string, Type> Walk(const std::string& root, bool follow, Status* status = nullptr,
                                 std::function<bool(std::string_view)> descend = nullptr) {
  std::map<std::string, Type> seen;
  WalkOptions o;
  o.follow_symlinks = follow;
  if (!descend) descend = [](std::string_view) { return true; };
  Status s = WalkTree(root, o, descend, [&](const WalkEntry& e) {
    seen[e.rel_path] = e.type;
    return Status::Ok();
  });
  if (status)
    *status = s;
  else
    EXPECT_TRUE(s.ok()) << s.ToString();
  return seen;
}

TEST(FileWalkerTest, ListsRegularFilesWithRelativePaths) {
  TempDir d;
  d.Write("a.txt", "a");
  d.Write("sub/b.txt", "bb");
  d.Write("sub/deeper/c.txt", "ccc");
  auto seen = Walk(d.path(), false);
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen["a.txt"], Type::kRegular);
  EXPECT_EQ(seen["sub/deeper/c.txt"], Type::kRegular);
}

TEST(FileWalkerTest, DescendPrunesFolders) {
  TempDir d;
  d.Write("keep/a.txt", "a");
  d.Write("skip/b.txt", "b");
  auto seen = Walk(d.path(), false, nullptr, [](std::string_view dir) { return dir != "skip"; });
  EXPECT_EQ(seen.count("keep/a.txt"), 1u);
  EXPECT_EQ(seen.count("skip/b.txt"), 0u);
}

TEST(FileWalkerTest, SymlinksAreReportedNotFollowedByDefault) {
  TempDir d;
  d.Write("data/a.txt", "a");
  ASSERT_EQ(symlink("a.txt", d.Path("data/link.txt").c_str()), 0);
  ASSERT_EQ(symlink("data", d.Path("dirlink").c_str()), 0);
  auto seen = Walk(d.path(), false);
  EXPECT_EQ(seen["data/link.txt"], Type::kSymlink);
  EXPECT_EQ(seen["dirlink"], Type::kSymlink);
  EXPECT_EQ(seen.count("dirlink/a.txt"), 0u);
}

TEST(FileWalkerTest, FollowsLinksInsideTheRoot) {
  TempDir d;
  d.Write("data/a.txt", "a");
  ASSERT_EQ(symlink("a.txt", d.Path("data/link.txt").c_str()), 0);
  ASSERT_EQ(symlink("data", d.Path("dirlink").c_str()), 0);
  auto seen = Walk(d.path(), true);
  EXPECT_EQ(seen["data/link.txt"], Type::kRegular);
  EXPECT_EQ(seen["dirlink/a.txt"], Type::kRegular);
}

TEST(FileWalkerTest, RefusesLinksOutOfTheRoot) {
  TempDir outside;
  outside.Write("secret.txt", "s");
  TempDir d;
  d.Write("root/a.txt", "a");
  ASSERT_EQ(symlink(outside.Path("secret.txt").c_str(), d.Path("root/escape.txt").c_str()), 0);
  Status s;
  Walk(d.Path("root"), true, &s);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("escape.txt"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("outside the data root"), std::string::npos) << s.message();

  TempDir d2;
  d2.Write("root/a.txt", "a");
  ASSERT_EQ(symlink("../", d2.Path("root/up").c_str()), 0);
  Walk(d2.Path("root"), true, &s);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("outside the data root"), std::string::npos) << s.message();
}

TEST(FileWalkerTest, DetectsLinkLoopsAndDanglingLinks) {
  TempDir d;
  d.Write("a/x.txt", "x");
  ASSERT_EQ(symlink("..", d.Path("a/loop").c_str()), 0);
  Status s;
  Walk(d.path(), true, &s);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("loop"), std::string::npos) << s.message();

  TempDir d2;
  ASSERT_EQ(symlink("missing", d2.Path("dangling").c_str()), 0);
  Walk(d2.path(), true, &s);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("missing target"), std::string::npos) << s.message();
}

TEST(FileWalkerTest, SpecialFilesAreReportedAsOther) {
  TempDir d;
  ASSERT_EQ(mkfifo(d.Path("pipe").c_str(), 0600), 0);
  auto seen = Walk(d.path(), false);
  EXPECT_EQ(seen["pipe"], Type::kOther);
}

TEST(FileWalkerTest, MissingRootIsAnError) {
  Status s;
  Walk("/nonexistent/dtm-root", false, &s);
  EXPECT_EQ(s.code(), StatusCode::kIOError);
}

TEST(ParallelHashTest, HashesEveryTaskOnce) {
  TempDir d;
  std::vector<HashTask> tasks;
  std::vector<std::string> contents;
  for (int i = 0; i < 50; ++i) {
    std::string c(static_cast<size_t>(i * 1000 + 1), static_cast<char>('a' + i % 26));
    tasks.push_back({d.Write("f" + std::to_string(i), c), c.size()});
    contents.push_back(c);
  }
  std::vector<int> calls(tasks.size(), 0);
  std::vector<Sha256Digest> got(tasks.size());
  ParallelHashOptions o;
  o.jobs = 3;
  int progress_finals = 0;
  o.progress = [&](const Progress& p) {
    if (p.final) {
      ++progress_finals;
      EXPECT_EQ(p.files_done, 50u);
      EXPECT_EQ(p.files_total, 50u);
    }
  };
  ASSERT_TRUE(HashFilesInParallel(tasks, o, [&](size_t i, StatusOr<FileDigest> r) {
                ASSERT_TRUE(r.ok()) << r.status().ToString();
                ++calls[i];
                got[i] = r->sha256;
              }).ok());
  EXPECT_EQ(progress_finals, 1);
  for (size_t i = 0; i < tasks.size(); ++i) {
    EXPECT_EQ(calls[i], 1);
    EXPECT_EQ(got[i], Sha256Of(contents[i]));
  }
}

TEST(ParallelHashTest, ReportsFilesThatChangedSinceListing) {
  TempDir d;
  std::vector<HashTask> tasks = {{d.Write("a", "abc"), 2}, {d.Path("missing"), 1}};
  std::vector<Status> results(2);
  ASSERT_TRUE(HashFilesInParallel(tasks, {}, [&](size_t i, StatusOr<FileDigest> r) {
                results[i] = r.status();
              }).ok());
  EXPECT_EQ(results[0].code(), StatusCode::kVerificationFailed);
  EXPECT_NE(results[0].message().find("changed since it was listed"), std::string::npos);
  EXPECT_FALSE(results[1].ok());
}

TEST(ParallelHashTest, StopsWhenCancelled) {
  TempDir d;
  std::vector<HashTask> tasks;
  for (int i = 0; i < 20; ++i) tasks.push_back({d.Write("f" + std::to_string(i), "x"), 1});
  std::atomic<bool> cancel{true};
  ParallelHashOptions o;
  o.cancel = &cancel;
  int calls = 0;
  Status s = HashFilesInParallel(tasks, o, [&](size_t, StatusOr<FileDigest>) { ++calls; });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace dtm
