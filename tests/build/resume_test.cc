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
#include "testing/spec_text.h"
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

FileIdentity StatOf(const std::string& path) {
  auto id = StatRegularFileAt(AT_FDCWD, path.c_str(), path);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : FileIdentity{};
}

// The checkpoint key of the unit tests: a file in the test's own folder.
std::string KeyIn(const TempDir& d) { return d.Path("state/checkpoint.key"); }

TEST(BuildCheckpointTest, ReusesUnchangedFilesOnly) {
  TempDir d;
  d.Write("a.txt", "alpha");
  d.Write("b.txt", "bravo");
  std::string cp_path = d.Path("out.dtm.checkpoint");
  {
    auto cp = BuildCheckpoint::Open(cp_path, false, KeyIn(d));
    ASSERT_TRUE(cp.ok()) << cp.status().ToString();
    (*cp)->Record(d.Path("a.txt"), DigestOfFile(d.Path("a.txt")));
    (*cp)->Record(d.Path("b.txt"), DigestOfFile(d.Path("b.txt")));
    ASSERT_TRUE((*cp)->Flush().ok());
  }
  // b.txt changes size; a.txt stays.
  d.Write("b.txt", "bravo!");
  auto cp = BuildCheckpoint::Open(cp_path, true, KeyIn(d));
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ((*cp)->loaded(), 2u);
  const FileDigest* a = (*cp)->Lookup(d.Path("a.txt"), StatOf(d.Path("a.txt")));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->sha256, Sha256Of("alpha"));
  EXPECT_EQ((*cp)->Lookup(d.Path("b.txt"), StatOf(d.Path("b.txt"))), nullptr);
  EXPECT_EQ((*cp)->Lookup(d.Path("c.txt"), FileIdentity{}), nullptr);

  // Without resume the old checkpoint is discarded.
  auto fresh = BuildCheckpoint::Open(cp_path, false, KeyIn(d));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->loaded(), 0u);
}

TEST(BuildCheckpointTest, SameSizeNewModificationTimeIsNotReused) {
  TempDir d;
  d.Write("a.txt", "alpha");
  std::string cp_path = d.Path("cp");
  {
    auto cp = BuildCheckpoint::Open(cp_path, false, KeyIn(d));
    ASSERT_TRUE(cp.ok());
    (*cp)->Record(d.Path("a.txt"), DigestOfFile(d.Path("a.txt")));
  }
  struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, d.Path("a.txt").c_str(), times, 0), 0);
  auto cp = BuildCheckpoint::Open(cp_path, true, KeyIn(d));
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ((*cp)->loaded(), 1u);
  EXPECT_EQ((*cp)->Lookup(d.Path("a.txt"), StatOf(d.Path("a.txt"))), nullptr);
}

TEST(BuildCheckpointTest, TornOrDamagedRecordsAreDropped) {
  TempDir d;
  for (int i = 0; i < 3; ++i) d.Write("f" + std::to_string(i), std::string(i + 1, 'x'));
  std::string cp_path = d.Path("cp");
  {
    auto cp = BuildCheckpoint::Open(cp_path, false, KeyIn(d));
    ASSERT_TRUE(cp.ok());
    for (int i = 0; i < 3; ++i) {
      std::string p = d.Path("f" + std::to_string(i));
      (*cp)->Record(p, DigestOfFile(p));
    }
  }
  std::string full = ReadAll(cp_path);
  // Every truncation keeps exactly the whole records before the cut.
  ASSERT_EQ(full.compare(0, 8, "DTMCKPT2"), 0);
  size_t record = (full.size() - 8) / 3;
  for (size_t cut = 0; cut <= full.size(); ++cut) {
    d.Write("cp", full.substr(0, cut));
    auto cp = BuildCheckpoint::Open(cp_path, true, KeyIn(d));
    ASSERT_TRUE(cp.ok());
    size_t expected = cut < 8 ? 0 : (cut - 8) / record;
    EXPECT_EQ((*cp)->loaded(), expected) << "cut at " << cut;
  }
  // A flipped byte in the second record keeps only the first.
  std::string damaged = full;
  damaged[8 + record + 10] ^= 0x01;
  d.Write("cp", damaged);
  auto cp = BuildCheckpoint::Open(cp_path, true, KeyIn(d));
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ((*cp)->loaded(), 1u);
}

// Records made with another key, or with the unkeyed check value of the
// first checkpoint format, are not trusted: a forged digest is never reused.
TEST(BuildCheckpointTest, RecordsNotMadeWithTheKeyAreIgnored) {
  TempDir d;
  d.Write("a.txt", "alpha");
  const std::string cp_path = d.Path("cp");
  {
    auto cp = BuildCheckpoint::Open(cp_path, false, d.Path("other/key"));
    ASSERT_TRUE(cp.ok()) << cp.status().ToString();
    (*cp)->Record(d.Path("a.txt"), DigestOfFile(d.Path("a.txt")));
  }
  auto cp = BuildCheckpoint::Open(cp_path, true, KeyIn(d));
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ((*cp)->loaded(), 0u);
  EXPECT_EQ((*cp)->Lookup(d.Path("a.txt"), StatOf(d.Path("a.txt"))), nullptr);

  // The attack of the first format: a record whose check value anyone can
  // compute (the first 8 bytes of SHA-256), claiming a chosen digest.
  const std::string path = d.Path("a.txt");
  const FileIdentity id = StatOf(path);
  std::string record;
  for (int i = 0; i < 4; ++i) record.push_back(static_cast<char>(path.size() >> (8 * i)));
  record += path;
  for (int i = 0; i < 8; ++i) record.push_back(static_cast<char>(id.size >> (8 * i)));
  for (int i = 0; i < 8; ++i) record.push_back(static_cast<char>(id.mtime_ns >> (8 * i)));
  record += std::string(32, '\x42');
  const Sha256Digest check = Sha256Of(record);
  d.Write("cp", "DTMCKPT2" + record + std::string(AsBytes(check).substr(0, 16)));
  auto forged = BuildCheckpoint::Open(cp_path, true, KeyIn(d));
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ((*forged)->loaded(), 0u);
}

TEST(BuildCheckpointTest, KeyOthersCanReadIsRefusedOnResume) {
  TempDir d;
  {
    auto cp = BuildCheckpoint::Open(d.Path("cp"), false, KeyIn(d));
    ASSERT_TRUE(cp.ok());
  }
  struct stat st;
  ASSERT_EQ(stat(KeyIn(d).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(chmod(KeyIn(d).c_str(), 0644), 0);
  auto resumed = BuildCheckpoint::Open(d.Path("cp"), true, KeyIn(d));
  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(resumed.status().message().find("only its owner"), std::string::npos)
      << resumed.status().ToString();
  // A fresh build still runs; it only records nothing.
  auto fresh = BuildCheckpoint::Open(d.Path("cp2"), false, KeyIn(d));
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  (*fresh)->Record(d.Path("x"), FileDigest{});
  EXPECT_TRUE((*fresh)->Flush().ok());
  EXPECT_NE(access(d.Path("cp2").c_str(), F_OK), 0);
}

// A link at the checkpoint's path is replaced, never written through, with
// or without --resume, whether or not its target exists.
TEST(BuildCheckpointTest, LinkAtTheCheckpointPathIsReplaced) {
  for (bool resume : {false, true}) {
    TempDir d;
    d.Write("precious.txt", "keep me");
    ASSERT_EQ(symlink("precious.txt", d.Path("cp").c_str()), 0);
    ASSERT_EQ(symlink("absent.txt", d.Path("dangling").c_str()), 0);
    for (const char* name : {"cp", "dangling"}) {
      auto cp = BuildCheckpoint::Open(d.Path(name), resume, KeyIn(d));
      ASSERT_TRUE(cp.ok()) << cp.status().ToString();
      (*cp)->Record(d.Path("precious.txt"), DigestOfFile(d.Path("precious.txt")));
      ASSERT_TRUE((*cp)->Flush().ok());
      struct stat st;
      ASSERT_EQ(lstat(d.Path(name).c_str(), &st), 0);
      EXPECT_TRUE(S_ISREG(st.st_mode)) << name;
    }
    EXPECT_EQ(ReadAll(d.Path("precious.txt")), "keep me");
    EXPECT_NE(access(d.Path("absent.txt").c_str(), F_OK), 0);
  }
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
    if (data.size() < pos + 4 + len + 64) break;
    pos += 4 + len + 64;
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
  d.Write("dtm.yaml", testing::OneSourceSpec("resume", "data/**", "other"));
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

// `dtm build` and `build --resume` with OUT.checkpoint a link to a file
// elsewhere: the link is replaced by the checkpoint, its target untouched.
TEST(BuildResumeTest, CheckpointLinkIsNeverWrittenThrough) {
  TempDir d, elsewhere;
  d.Write("data/a.txt", "alpha");
  d.Write("dtm.yaml", testing::OneSourceSpec("link", "data/**"));
  elsewhere.Write("precious.txt", "keep me");
  const std::string dtm = DTM_BINARY;
  for (const char* flags : {"", "--resume "}) {
    for (const char* target : {"precious.txt", "absent.txt"}) {
      unlink(d.Path("out.dtm.checkpoint").c_str());
      ASSERT_EQ(symlink(elsewhere.Path(target).c_str(), d.Path("out.dtm.checkpoint").c_str()), 0);
      std::string out;
      EXPECT_EQ(RunShell(d.path(), dtm + " build -q " + flags + "dtm.yaml -o out.dtm", &out), 0)
          << out;
      EXPECT_EQ(ReadAll(elsewhere.Path("precious.txt")), "keep me");
      EXPECT_NE(access(elsewhere.Path("absent.txt").c_str(), F_OK), 0) << flags << target;
    }
  }
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
