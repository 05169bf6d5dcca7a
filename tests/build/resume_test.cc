// Resumable builds: the checkpoint as a cache that is never trusted blindly,
// and a build killed with SIGKILL or interrupted with SIGINT midway, resumed
// to the same bytes.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "build/checkpoint.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace dtm {

using internal::BuildCheckpoint;
namespace {

using testing::ReadAll;
using testing::TempDir;

FileDigest DigestOfFile(const std::string& path) {
  auto d = HashFile(path);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? *d : FileDigest{};
}

TEST(BuildCheckpointTest, ReusesUnchangedFilesOnly) {
  TempDir d;
  d.Write("a.txt", "alpha");
  d.Write("b.txt", "bravo");
  std::string cp_path = d.Path("out.dtm.checkpoint");
  {
    auto cp = BuildCheckpoint::Open(cp_path, false);
    ASSERT_TRUE(cp.ok()) << cp.status().ToString();
    (*cp)->Record(d.Path("a.txt"), DigestOfFile(d.Path("a.txt")));
    (*cp)->Record(d.Path("b.txt"), DigestOfFile(d.Path("b.txt")));
    ASSERT_TRUE((*cp)->Flush().ok());
  }
  // b.txt changes size; a.txt stays.
  d.Write("b.txt", "bravo!");
  auto cp = BuildCheckpoint::Open(cp_path, true);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ((*cp)->loaded(), 2u);
  const FileDigest* a = (*cp)->Lookup(d.Path("a.txt"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->sha256, Sha256Of("alpha"));
  EXPECT_EQ((*cp)->Lookup(d.Path("b.txt")), nullptr);
  EXPECT_EQ((*cp)->Lookup(d.Path("c.txt")), nullptr);

  // Without resume the old checkpoint is discarded.
  auto fresh = BuildCheckpoint::Open(cp_path, false);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->loaded(), 0u);
}

TEST(BuildCheckpointTest, SameSizeNewModificationTimeIsNotReused) {
  TempDir d;
  d.Write("a.txt", "alpha");
  std::string cp_path = d.Path("cp");
  {
    auto cp = BuildCheckpoint::Open(cp_path, false);
    ASSERT_TRUE(cp.ok());
    (*cp)->Record(d.Path("a.txt"), DigestOfFile(d.Path("a.txt")));
  }
  struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, d.Path("a.txt").c_str(), times, 0), 0);
  auto cp = BuildCheckpoint::Open(cp_path, true);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ((*cp)->loaded(), 1u);
  EXPECT_EQ((*cp)->Lookup(d.Path("a.txt")), nullptr);
}

TEST(BuildCheckpointTest, TornOrDamagedRecordsAreDropped) {
  TempDir d;
  for (int i = 0; i < 3; ++i) d.Write("f" + std::to_string(i), std::string(i + 1, 'x'));
  std::string cp_path = d.Path("cp");
  {
    auto cp = BuildCheckpoint::Open(cp_path, false);
    ASSERT_TRUE(cp.ok());
    for (int i = 0; i < 3; ++i) {
      std::string p = d.Path("f" + std::to_string(i));
      (*cp)->Record(p, DigestOfFile(p));
    }
  }
  std::string full = ReadAll(cp_path);
  // Every truncation keeps exactly the whole records before the cut.
  size_t record = (full.size() - 8) / 3;
  for (size_t cut = 0; cut <= full.size(); ++cut) {
    d.Write("cp", full.substr(0, cut));
    auto cp = BuildCheckpoint::Open(cp_path, true);
    ASSERT_TRUE(cp.ok());
    size_t expected = cut < 8 ? 0 : (cut - 8) / record;
    EXPECT_EQ((*cp)->loaded(), expected) << "cut at " << cut;
  }
  // A flipped byte in the second record keeps only the first.
  std::string damaged = full;
  damaged[8 + record + 10] ^= 0x01;
  d.Write("cp", damaged);
  auto cp = BuildCheckpoint::Open(cp_path, true);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ((*cp)->loaded(), 1u);
}

// Runs `cmd` with sh in `dir`; returns the exit status and stdout.
int RunShell(const std::string& dir, const std::string& cmd, std::string* out = nullptr) {
  std::string full = "cd '" + dir + "' && SOURCE_DATE_EPOCH=1767225600 " + cmd + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  std::string text;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  int status = pclose(p);
  if (out) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The whole records in a checkpoint being written (lengths only, see
// build/checkpoint.cc).
size_t CheckpointRecords(const std::string& path) {
  std::string data = ReadAll(path);
  size_t pos = 8, count = 0;
  while (data.size() >= pos + 4) {
    size_t len = static_cast<unsigned char>(data[pos]) |
                 static_cast<unsigned char>(data[pos + 1]) << 8 |
                 static_cast<unsigned char>(data[pos + 2]) << 16;
    if (data.size() < pos + 4 + len + 56) break;
    pos += 4 + len + 56;
    ++count;
  }
  return count;
}

// A data folder and spec whose build takes seconds: one large sparse file
// keeps a hashing thread busy while the other thread hashes and checkpoints
// 200 small files.
void WriteSlowBuild(const TempDir& d) {
  d.Write("data/big.bin", "");
  ASSERT_EQ(truncate(d.Path("data/big.bin").c_str(), off_t{3} << 30), 0);
  for (int i = 0; i < 200; ++i)
    d.Write("data/small/" + std::to_string(i) + ".txt", std::to_string(i * i));
  d.Write("dtm.yaml",
          "dtm: 1\n"
          "dataset: {name: resume, version: \"1\"}\n"
          "publisher: {name: Test Lab}\n"
          "sources:\n"
          "  - id: files\n"
          "    name: Files\n"
          "    modality: other\n"
          "    license: {expression: MIT}\n"
          "    provenance: {acquisition: human_written}\n"
          "    data: {include: [\"data/**\"]}\n");
}

// Runs `dtm build -j 2 dtm.yaml -o out.dtm` in `d`, sends `signal` once the
// 200 small files are in the checkpoint, and returns the wait status (-1 when
// the build ended before it could be signalled). Its stderr goes to `err`.
int BuildAndSignalMidway(const TempDir& d, int signal, const std::string& err) {
  std::string dtm = DTM_BINARY;
  std::string checkpoint = d.Path("out.dtm.checkpoint");
  pid_t child = fork();
  if (child < 0) return -1;
  if (child == 0) {
    if (chdir(d.path().c_str()) != 0) _exit(127);
    setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
    int null = open("/dev/null", O_WRONLY);
    int errfd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(null, 1);
    dup2(errfd, 2);
    execl(dtm.c_str(), "dtm", "build", "-j", "2", "dtm.yaml", "-o", "out.dtm", (char*)nullptr);
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool signalled = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (CheckpointRecords(checkpoint) >= 200) {
      signalled = kill(child, signal) == 0;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  int status = 0;
  waitpid(child, &status, 0);
  return signalled ? status : -1;
}

// Resumes the build in `d` and checks it gives the bytes of a whole build.
void ExpectResumeGivesIdenticalBytes(const TempDir& d) {
  std::string dtm = DTM_BINARY;
  std::string out;
  ASSERT_EQ(RunShell(d.path(), dtm + " build --resume dtm.yaml -o out.dtm", &out), 0) << out;
  // At least the 200 small files; the large one too when it was finished
  // before the signal came.
  EXPECT_TRUE(out.find("resumed: 200 file digests taken from the checkpoint") !=
                  std::string::npos ||
              out.find("resumed: 201 file digests taken from the checkpoint") != std::string::npos)
      << out;
  EXPECT_NE(access(d.Path("out.dtm.checkpoint").c_str(), F_OK), 0)
      << "checkpoint left after success";
  ASSERT_EQ(RunShell(d.path(), dtm + " build -q dtm.yaml -o whole.dtm", &out), 0) << out;
  EXPECT_EQ(ReadAll(d.Path("out.dtm")), ReadAll(d.Path("whole.dtm")));
}

TEST(BuildResumeTest, KilledBuildResumesToIdenticalBytes) {
  TempDir d;
  WriteSlowBuild(d);
  TempDir logs;
  int status = BuildAndSignalMidway(d, SIGKILL, logs.Path("err.txt"));
  ASSERT_TRUE(status != -1 && WIFSIGNALED(status))
      << "the build ended before it could be killed; status " << status;
  // Nothing half-written and nothing else left: the body of the manifest was
  // in an unlinked temporary file; only the checkpoint remains.
  EXPECT_NE(access(d.Path("out.dtm").c_str(), F_OK), 0);
  std::string listing;
  RunShell(d.path(), "ls -A", &listing);
  EXPECT_EQ(listing, "data\ndtm.yaml\nout.dtm.checkpoint\n");
  ExpectResumeGivesIdenticalBytes(d);
}

TEST(BuildResumeTest, InterruptedBuildSaysSoWritesNothingAndResumes) {
  TempDir d;
  WriteSlowBuild(d);
  TempDir logs;
  int status = BuildAndSignalMidway(d, SIGINT, logs.Path("err.txt"));
  ASSERT_NE(status, -1) << "the build ended before it could be interrupted";
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 130);  // spec/cli.md, "Exit codes"
  EXPECT_EQ(ReadAll(logs.Path("err.txt")),
            "dtm build: interrupted; nothing was written; --resume continues from the "
            "checkpoint\n");
  std::string listing;
  RunShell(d.path(), "ls -A", &listing);
  EXPECT_EQ(listing, "data\ndtm.yaml\nout.dtm.checkpoint\n");
  ExpectResumeGivesIdenticalBytes(d);
}

}  // namespace
}  // namespace dtm
