// I/O errors (issue 7): an output that cannot be written (a full disk,
// simulated with RLIMIT_FSIZE in a child process, or /dev/full for standard
// output) fails with a clear message and, for the CLI, exit code 3, leaving
// neither the output nor a temporary file; an unreadable input fails with a
// clear message and exit code 2. As root, permission bits do not stop reads,
// so the unreadable cases run in a child that drops to user "nobody".
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "container/container_test_util.h"
#include "dtm/container.h"
#include "dtm/diff.h"
#include "dtm/file_io.h"
#include "files/parallel_hash.h"
#include "files/walker.h"
#include "testing/temp_dir.h"

extern char** environ;

namespace dtm {

using internal::HashFilesInParallel;
using internal::HashTask;
using internal::ParallelHashOptions;
using internal::WalkEntry;
using internal::WalkTree;
namespace {

constexpr uid_t kNobody = 65534;

// What a child process reports: its exit status (-1: killed by a signal) and
// what it wrote to standard output and standard error.
struct ChildResult {
  int exit_code = -1;
  std::string output;
};

// Runs `body` in a child process, after `prepare` (which may lower limits or
// drop privileges; a false return makes the child exit 99). The child's
// output is captured. `body` returns the exit code.
ChildResult RunChild(const std::function<bool()>& prepare, const std::function<int()>& body) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return {};
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    if (!prepare()) _exit(99);
    const int rc = body();
    std::fflush(nullptr);
    _exit(rc);
  }
  close(pipe_fds[1]);
  ChildResult result;
  char buf[4096];
  ssize_t n;
  while ((n = read(pipe_fds[0], buf, sizeof buf)) > 0) result.output.append(buf, n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// A "disk" of `bytes`: files may not grow beyond it (EFBIG, as ENOSPC would
// fail a write on a full disk). SIGXFSZ is ignored so that the write fails
// instead of killing the process.
std::function<bool()> DiskOf(rlim_t bytes) {
  return [bytes] {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {bytes, bytes};
    return setrlimit(RLIMIT_FSIZE, &limit) == 0;
  };
}

// Drops to user and group "nobody" when running as root.
bool AsUnprivileged() {
  if (geteuid() != 0) return true;
  return setgroups(0, nullptr) == 0 && setgid(kNobody) == 0 && setuid(kNobody) == 0;
}

// exec's `argv` (in the child).
int Exec(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execve(args[0], args.data(), environ);
  std::perror("execve");
  return 98;
}

// Records whose frame cannot compress below about 6 KB (the digests).
std::vector<v1::Record> IncompressibleRecords() {
  std::vector<v1::Record> records = {test::MakeSource("web")};
  for (int i = 0; i < 200; ++i) {
    v1::Record r = test::MakeFile("web", "f/" + std::to_string(1000 + i));
    r.mutable_file()->set_sha256(std::string(AsBytes(Sha256Of(std::to_string(i)))));
    records.push_back(r);
  }
  return records;
}

Status WriteManifest(const std::string& path) {
  DTM_ASSIGN_OR_RETURN(auto writer, ManifestWriter::Create(path));
  for (const v1::Record& r : IncompressibleRecords()) DTM_RETURN_IF_ERROR(writer->Add(r));
  return writer->Finish({}).status();
}

class IoErrorsTest : public ::testing::Test {
 protected:
  testing::TempDir tmp_;
};

// The manifest writer on a full disk: at the frames (the body file), or at
// the final file. Either way a kIOError naming the output, and the folder
// holds what it held before: the old manifest, untouched, and nothing else.
TEST_F(IoErrorsTest, ManifestWriterOnAFullDisk) {
  const std::string out = tmp_.Path("out.dtm");
  ASSERT_TRUE(WriteManifest(out).ok());
  const std::string full = testing::ReadAll(out);
  const uint64_t header_bytes = test::GetU32(full, 16);
  const uint64_t body_bytes = full.size() - 20 - header_bytes - 60;
  ASSERT_GT(body_bytes, 5000u);
  tmp_.Write("out.dtm", "old");
  // A disk too small for the frames, and one that holds the frames but not the file.
  for (rlim_t disk : {rlim_t{1000}, rlim_t(body_bytes + 20)}) {
    SCOPED_TRACE(disk);
    ChildResult r = RunChild(DiskOf(disk), [&] {
      Status s = WriteManifest(out);
      std::printf("%s\n", s.ToString().c_str());
      return s.code() == StatusCode::kIOError ? 0 : 1;
    });
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("File too large"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("out.dtm"), std::string::npos) << r.output;
    EXPECT_EQ(testing::ListNames(tmp_.path()), std::vector<std::string>{"out.dtm"});
    EXPECT_EQ(testing::ReadAll(out), "old");
  }
}

// dtm sign and dtm keygen on a full disk: exit 3, the message names the file,
// nothing is left behind.
TEST_F(IoErrorsTest, CliOutputOnAFullDisk) {
  const std::string dtm = DTM_BINARY;
  const std::string dir = tmp_.Path("work");
  std::filesystem::create_directories(dir);
  ASSERT_EQ(RunChild([] { return true; },
                     [&] {
                       return Exec({dtm, "keygen", "-o", dir + "/k"});
                     })
                .exit_code,
            0);
  ASSERT_TRUE(WriteManifest(dir + "/data.dtm").ok());
  const std::vector<std::string> before = testing::ListNames(dir);

  ChildResult sign = RunChild(DiskOf(500), [&] {
    return Exec({dtm, "sign", dir + "/data.dtm", "--key", dir + "/k.key"});
  });
  EXPECT_EQ(sign.exit_code, 3) << sign.output;
  EXPECT_NE(sign.output.find("dtm sign: "), std::string::npos) << sign.output;
  EXPECT_NE(sign.output.find("data.dtm.sigstore.json"), std::string::npos) << sign.output;
  EXPECT_NE(sign.output.find("File too large"), std::string::npos) << sign.output;
  EXPECT_EQ(testing::ListNames(dir), before);

  ChildResult keygen = RunChild(DiskOf(100), [&] {
    return Exec({dtm, "keygen", "-o", dir + "/k2"});
  });
  EXPECT_EQ(keygen.exit_code, 3) << keygen.output;
  EXPECT_NE(keygen.output.find("File too large"), std::string::npos) << keygen.output;
  EXPECT_EQ(testing::ListNames(dir), before);

  // dtm build: the manifest of the example project.
  const std::string project = tmp_.Path("project");
  ASSERT_EQ(RunChild([] { return true; },
                     [&] {
                       return Exec({dtm, "init", project});
                     })
                .exit_code,
            0);
  const std::vector<std::string> project_before = testing::ListNames(project);
  ChildResult build = RunChild(DiskOf(2000), [&] {
    return Exec({dtm, "build", project + "/dtm.yaml", "-o", project + "/out.dtm"});
  });
  EXPECT_EQ(build.exit_code, 3) << build.output;
  EXPECT_NE(build.output.find("File too large"), std::string::npos) << build.output;
  // No manifest and no temporary file; the checkpoint of `dtm build --resume`
  // may stay (it is what a resumed build starts from).
  std::vector<std::string> after = testing::ListNames(project);
  after.erase(std::remove(after.begin(), after.end(), "out.dtm.checkpoint"), after.end());
  EXPECT_EQ(after, project_before);
}

// Standard output on a full device: exit 3 and one line saying so.
TEST_F(IoErrorsTest, CliStandardOutputOnAFullDevice) {
  if (access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full";
  const std::string dtm = DTM_BINARY;
  const std::string manifest = std::string(DTM_SOURCE_DIR) + "/spec/vectors/container/minimal.dtm";
  auto to_full = [] {
    const int fd = open("/dev/full", O_WRONLY);
    return fd >= 0 && dup2(fd, 1) == 1;
  };
  for (const std::vector<std::string>& argv : {std::vector<std::string>{dtm, "show", manifest},
                                               std::vector<std::string>{dtm, "hash", manifest},
                                               std::vector<std::string>{dtm, "export", manifest},
                                               std::vector<std::string>{dtm, "report", manifest}}) {
    SCOPED_TRACE(argv[1]);
    ChildResult r = RunChild(to_full, [&] { return Exec(argv); });
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("dtm " + argv[1] + ": "), std::string::npos) << r.output;
  }
  // An output path that is a device is refused, never replaced (as root a
  // rename would put a regular file in place of /dev/full).
  ChildResult report = RunChild([] { return true; },
                                [&] {
                                  return Exec({dtm, "report", manifest, "-o", "/dev/full"});
                                });
  EXPECT_EQ(report.exit_code, 3) << report.output;
  EXPECT_NE(report.output.find("/dev/full: exists and is not a regular file"), std::string::npos)
      << report.output;
  // The manifest writer refuses before it starts.
  EXPECT_EQ(ManifestWriter::Create("/dev/full").status().code(), StatusCode::kInvalidArgument);
  struct stat st;
  ASSERT_EQ(stat("/dev/full", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

// Unreadable inputs: a clear message naming the file, exit 2.
TEST_F(IoErrorsTest, UnreadableInputs) {
  const std::string dtm = DTM_BINARY;
  ASSERT_EQ(chmod(tmp_.path().c_str(), 0755), 0);
  const std::string manifest = tmp_.Path("data.dtm");
  ASSERT_TRUE(WriteManifest(manifest).ok());
  ASSERT_EQ(chmod(manifest.c_str(), 0), 0);

  ChildResult check = RunChild(AsUnprivileged, [&] {
    auto r = CheckManifest(manifest);
    std::printf("%s\n", r.status().ToString().c_str());
    return r.status().code() == StatusCode::kIOError ? 0 : 1;
  });
  if (check.exit_code == 99) GTEST_SKIP() << "cannot drop privileges";
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find(manifest + ": cannot open: Permission denied"), std::string::npos)
      << check.output;

  ChildResult show = RunChild(AsUnprivileged, [&] { return Exec({dtm, "show", manifest}); });
  EXPECT_EQ(show.exit_code, 2) << show.output;
  EXPECT_NE(show.output.find("Permission denied"), std::string::npos) << show.output;
  EXPECT_NE(show.output.find(manifest), std::string::npos) << show.output;

  ChildResult hash = RunChild(AsUnprivileged, [&] { return Exec({dtm, "hash", manifest}); });
  EXPECT_EQ(hash.exit_code, 2) << hash.output;
  EXPECT_NE(hash.output.find("Permission denied"), std::string::npos) << hash.output;

  // A folder of the data root that cannot be read.
  const std::string root = tmp_.Path("root");
  std::filesystem::create_directories(root + "/locked");
  tmp_.Write("root/locked/a.txt", "a");
  ASSERT_EQ(chmod(root.c_str(), 0755), 0);
  ASSERT_EQ(chmod((root + "/locked").c_str(), 0), 0);
  ChildResult walk = RunChild(AsUnprivileged, [&] {
    Status s = WalkTree(
        root, {}, [](std::string_view) { return true; },
        [](const WalkEntry&) { return Status::Ok(); });
    std::printf("%s\n", s.ToString().c_str());
    return s.code() == StatusCode::kIOError ? 0 : 1;
  });
  EXPECT_EQ(walk.exit_code, 0) << walk.output;
  EXPECT_NE(walk.output.find("cannot read folder 'locked': Permission denied"), std::string::npos)
      << walk.output;
  chmod((root + "/locked").c_str(), 0755);  // so that the TempDir can be removed
}

// Where the system starts no thread (RLIMIT_NPROC reached), reading, checking,
// diffing and hashing still work, on the calling thread, with the same results.
TEST_F(IoErrorsTest, WorksWhereNoThreadCanBeStarted) {
  ASSERT_EQ(chmod(tmp_.path().c_str(), 0755), 0);
  const std::string manifest = tmp_.Path("data.dtm");
  ASSERT_TRUE(WriteManifest(manifest).ok());
  auto expected = CheckManifest(manifest);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  const std::string data = tmp_.Write("data.bin", std::string(3u << 20, 'd'));

  auto no_threads = [] {
    struct rlimit none = {0, 0};
    return AsUnprivileged() && setrlimit(RLIMIT_NPROC, &none) == 0;
  };
  ChildResult r = RunChild(no_threads, [&] {
    try {
      std::thread t([] {});
      t.join();
      return 3;  // threads start anyway: nothing to test here
    } catch (const std::system_error&) {
    }
    auto got = CheckManifest(manifest);
    if (!got.ok()) {
      std::printf("CheckManifest: %s\n", got.status().ToString().c_str());
      return 1;
    }
    if (got->merkle_root != expected->merkle_root || got->file_sha256 != expected->file_sha256) {
      std::printf("CheckManifest gave other digests\n");
      return 1;
    }
    auto diff = DiffManifests(manifest, manifest, {});
    if (!diff.ok() || !diff->identical()) {
      std::printf("diff: %s\n", diff.status().ToString().c_str());
      return 1;
    }
    HashTask task;
    task.open_path = data;
    ParallelHashOptions options;
    options.jobs = 4;
    Sha256Digest digest{};
    Status s = HashFilesInParallel({task}, options, [&](size_t, StatusOr<FileDigest> d) {
      if (d.ok()) digest = d->sha256;
    });
    if (!s.ok() || digest != Sha256Of(std::string(3u << 20, 'd'))) {
      std::printf("hashing: %s\n", s.ToString().c_str());
      return 1;
    }
    return 0;
  });
  if (r.exit_code == 99) GTEST_SKIP() << "cannot drop privileges or limit processes";
  if (r.exit_code == 3) GTEST_SKIP() << "threads start despite RLIMIT_NPROC";
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace dtm
