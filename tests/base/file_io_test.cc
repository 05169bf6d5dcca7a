// AtomicFileWriter: the output appears whole at Commit() or not at all, and a
// writer that never commits (destroyed, or its process killed) leaves no file.
#include "dtm/file_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "testing/temp_dir.h"

namespace dtm {
namespace {

using testing::TempDir;

// Whether files in `folder` can be created unnamed (O_TMPFILE).
bool UnnamedFilesWork(const std::string& folder) {
  const int fd = open(folder.c_str(), O_TMPFILE | O_WRONLY, 0600);
  if (fd < 0) return false;
  close(fd);
  return access("/proc/self/fd", X_OK) == 0;
}

TEST(AtomicFileTest, OutputAppearsOnlyAtCommitWithItsMode) {
  TempDir d;
  const std::string path = d.Path("out.txt");
  auto w = AtomicFileWriter::Create(path, 0640);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  (*w)->stream() << "hello";
  if (UnnamedFilesWork(d.path())) {
    EXPECT_TRUE(d.Names().empty()) << "the temporary file has no name before Commit";
  } else {
    ASSERT_EQ(d.Names().size(), 1u);
    EXPECT_TRUE(d.Names()[0].starts_with(".out.txt.tmp-")) << d.Names()[0];
  }
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(d.Names(), std::vector<std::string>{"out.txt"});
  EXPECT_EQ(testing::ReadAll(path), "hello");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST(AtomicFileTest, UncommittedWriterKeepsTheOldFileAndLeavesNothing) {
  TempDir d;
  const std::string path = d.Write("out.txt", "old");
  {
    auto w = AtomicFileWriter::Create(path);
    ASSERT_TRUE(w.ok());
    (*w)->stream() << "new";
  }
  EXPECT_EQ(d.Names(), std::vector<std::string>{"out.txt"});
  EXPECT_EQ(testing::ReadAll(path), "old");
}

// SIGKILL while writing: no destructor runs, yet no temporary file is left
// where the file system supports unnamed files.
TEST(AtomicFileTest, KilledWhileWritingLeavesNothing) {
  TempDir d;
  if (!UnnamedFilesWork(d.path())) GTEST_SKIP() << "no O_TMPFILE here";
  const pid_t pid = fork();
  if (pid == 0) {
    auto w = AtomicFileWriter::Create(d.Path("out.txt"));
    if (!w.ok()) _exit(1);
    (*w)->stream() << std::string(1 << 20, 'x');
    (*w)->stream().flush();
    raise(SIGKILL);
    _exit(2);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  EXPECT_TRUE(d.Names().empty());
}

}  // namespace
}  // namespace dtm
