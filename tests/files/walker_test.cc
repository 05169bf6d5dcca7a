#include "files/walker.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "files/parallel_hash.h"
#include "testing/temp_dir.h"

namespace dtm {

using internal::HashFilesInParallel;
using internal::HashTask;
using internal::ListFilesInParallel;
using internal::ParallelHashOptions;
using internal::WalkEntry;
using internal::WalkOptions;
using internal::WalkTree;
namespace {

using testing::TempDir;
using Type = WalkEntry::Type;

// Every entry of a walk, sorted by path.
std::vector<WalkEntry> WalkEntries(const std::string& root, const WalkOptions& o,
                                   Status* status = nullptr,
                                   std::function<bool(std::string_view)> descend = nullptr) {
  std::vector<WalkEntry> out;
  if (!descend) descend = [](std::string_view) { return true; };
  Status s = WalkTree(root, o, descend, [&](const WalkEntry& e) {
    out.push_back(e);
    return Status::Ok();
  });
  if (status)
    *status = s;
  else
    EXPECT_TRUE(s.ok()) << s.ToString();
  std::sort(out.begin(), out.end(),
            [](const WalkEntry& a, const WalkEntry& b) { return a.rel_path < b.rel_path; });
  return out;
}

std::map<std::string, Type> Walk(const std::string& root, bool follow, Status* status = nullptr,
                                 std::function<bool(std::string_view)> descend = nullptr) {
  WalkOptions o;
  o.follow_symlinks = follow;
  std::map<std::string, Type> seen;
  for (const WalkEntry& e : WalkEntries(root, o, status, std::move(descend))) {
    seen[e.rel_path] = e.type;
  }
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

  // Two links that point at each other: a loop, not a missing target.
  TempDir d3;
  ASSERT_EQ(symlink("b", d3.Path("a").c_str()), 0);
  ASSERT_EQ(symlink("a", d3.Path("b").c_str()), 0);
  Walk(d3.path(), true, &s);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("symbolic links form a loop"), std::string::npos) << s.message();
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
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

HashTask TaskFor(const std::string& path) {
  HashTask t;
  t.open_path = path;
  return t;
}

TEST(FileWalkerTest, DeferredStatGivesPathsRelativeToTheRoot) {
  TempDir d;
  d.Write("a.txt", "a");
  d.Write("sub/b.txt", "bb");
  d.Write("target/c.txt", "ccc");
  ASSERT_EQ(symlink("target", d.Path("link").c_str()), 0);
  ASSERT_EQ(symlink("a.txt", d.Path("file-link").c_str()), 0);
  WalkOptions o;
  o.follow_symlinks = true;
  o.defer_regular_stat = true;
  std::vector<WalkEntry> seen = WalkEntries(d.path(), o);
  ASSERT_EQ(seen.size(), 5u);
  for (const WalkEntry& e : seen) {
    EXPECT_EQ(e.type, Type::kRegular) << e.rel_path;
    if (e.rel_path == "file-link") {
      // A followed file link: its target is stat'ed, and opened beneath the
      // root by the target's place in it.
      EXPECT_TRUE(e.is_listed);
      EXPECT_EQ(e.listed.size, 1u);
      EXPECT_EQ(e.open_path.substr(e.at_offset), "a.txt");
    } else if (e.rel_path.starts_with("link/")) {
      // Under a followed folder link: opened by the target's place too.
      EXPECT_EQ(e.open_path.substr(e.at_offset), "target/c.txt");
    } else {
      EXPECT_FALSE(e.is_listed) << e.rel_path;
      EXPECT_EQ(e.open_path.substr(e.at_offset), e.rel_path);
    }
  }
}

TEST(ParallelHashTest, ListsFilesRelativeToAFolder) {
  TempDir d;
  std::vector<HashTask> tasks;
  for (const char* rel : {"x/one", "two", "x/missing", "link", "x"}) {
    HashTask t = TaskFor(d.Path(rel));
    t.at_offset = static_cast<uint32_t>(d.path().size() + 1);
    tasks.push_back(t);
  }
  d.Write("x/one", "12345");
  d.Write("two", "");
  ASSERT_EQ(symlink("two", d.Path("link").c_str()), 0);
  ParallelHashOptions o;
  o.dir_fd = open(d.path().c_str(), O_PATH | O_DIRECTORY);
  ASSERT_GE(o.dir_fd, 0);
  std::map<size_t, Status> failed;
  ASSERT_TRUE(ListFilesInParallel(&tasks, o, [&](size_t i, Status s) { failed[i] = s; }).ok());
  EXPECT_TRUE(tasks[0].is_listed);
  EXPECT_EQ(tasks[0].listed.size, 5u);
  EXPECT_TRUE(tasks[1].is_listed);
  EXPECT_EQ(tasks[1].listed.size, 0u);
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_EQ(failed[2].code(), StatusCode::kNotFound);
  EXPECT_EQ(failed[2].message(), d.Path("x/missing") + ": no such file");
  EXPECT_EQ(failed[3].code(), StatusCode::kInvalidArgument);
  EXPECT_NE(failed[3].message().find("symbolic link"), std::string::npos);
  EXPECT_EQ(failed[4].code(), StatusCode::kInvalidArgument);
  EXPECT_NE(failed[4].message().find("a directory, not a regular file"), std::string::npos);
  EXPECT_FALSE(tasks[4].is_listed);

  std::vector<StatusOr<FileDigest>> got(2, Status::Internal("not hashed"));
  tasks.resize(2);
  ASSERT_TRUE(HashFilesInParallel(tasks, o, [&](size_t i, StatusOr<FileDigest> r) {
                got[i] = std::move(r);
              }).ok());
  close(o.dir_fd);
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(got[0]->sha256, Sha256Of("12345"));
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(got[1]->sha256, Sha256Of(""));
}

TEST(ParallelHashTest, HashesEveryTaskOnce) {
  TempDir d;
  std::vector<HashTask> tasks;
  std::vector<std::string> contents;
  for (int i = 0; i < 50; ++i) {
    std::string c(static_cast<size_t>(i * 1000 + 1), static_cast<char>('a' + i % 26));
    tasks.push_back(TaskFor(d.Write("f" + std::to_string(i), c)));
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

// A file stat'ed by the listing must be the same file, unchanged, when it is
// read: grown, rewritten with the same size, or replaced by another file.
TEST(ParallelHashTest, ReportsFilesThatChangedSinceListing) {
  TempDir d;
  std::vector<HashTask> tasks = {TaskFor(d.Write("grown", "abc")), TaskFor(d.Write("same", "abc")),
                                 TaskFor(d.Write("replaced", "abc")), TaskFor(d.Path("missing")),
                                 TaskFor(d.Write("kept", "abc"))};
  std::map<size_t, Status> failed;
  ASSERT_TRUE(ListFilesInParallel(&tasks, {}, [&](size_t i, Status s) { failed[i] = s; }).ok());
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[3].code(), StatusCode::kNotFound);
  d.Write("grown", "abcd");
  // Same size, a later modification time.
  struct timespec times[2] = {{0, UTIME_OMIT}, {1, 0}};
  d.Write("same", "xyz");
  ASSERT_EQ(utimensat(AT_FDCWD, d.Path("same").c_str(), times, 0), 0);
  // Another file renamed over it, with the listed size and modification time.
  d.Write("new", "xyz");
  struct timespec listed_mtime[2] = {
      {0, UTIME_OMIT},
      {tasks[2].listed.mtime_ns / 1000000000, tasks[2].listed.mtime_ns % 1000000000}};
  ASSERT_EQ(utimensat(AT_FDCWD, d.Path("new").c_str(), listed_mtime, 0), 0);
  ASSERT_EQ(rename(d.Path("new").c_str(), d.Path("replaced").c_str()), 0);

  std::vector<Status> results(tasks.size());
  ASSERT_TRUE(HashFilesInParallel(tasks, {}, [&](size_t i, StatusOr<FileDigest> r) {
                results[i] = r.status();
              }).ok());
  for (size_t i : {0, 1, 2}) {
    EXPECT_EQ(results[i].code(), StatusCode::kVerificationFailed) << i;
    EXPECT_NE(results[i].message().find("changed since it was listed"), std::string::npos)
        << results[i].message();
  }
  EXPECT_NE(results[0].message().find("size 3 -> 4"), std::string::npos) << results[0].message();
  EXPECT_NE(results[1].message().find("modification time changed"), std::string::npos);
  EXPECT_NE(results[2].message().find("another file is at this path now"), std::string::npos);
  EXPECT_EQ(results[3].code(), StatusCode::kNotFound);
  EXPECT_TRUE(results[4].ok()) << results[4].ToString();
}

TEST(ParallelHashTest, StopsWhenCancelled) {
  TempDir d;
  std::vector<HashTask> tasks;
  for (int i = 0; i < 20; ++i) tasks.push_back(TaskFor(d.Write("f" + std::to_string(i), "x")));
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
