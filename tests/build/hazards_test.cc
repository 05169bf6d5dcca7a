// One generated tree with every hazard of a real folder (spec/cli.md, `dtm
// build`: paths, symbolic links and special files): each is refused by
// default with a message naming it, and each policy that admits it records
// exactly what it says.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include "dtm/builder.h"
#include "dtm/container.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using testing::TempDir;

// The tree under d/h, and a file outside it that a link points to.
void WriteHazards(const TempDir& d, const TempDir& outside) {
  d.Write("h/ok.txt", "plain");
  outside.Write("secret.txt", "outside the root");
  ASSERT_EQ(symlink("ok.txt", d.Path("h/link-inside.txt").c_str()), 0);
  ASSERT_EQ(symlink(outside.Path("secret.txt").c_str(), d.Path("h/link-outside.txt").c_str()), 0);
  ASSERT_EQ(symlink("loop-b.txt", d.Path("h/loop-a.txt").c_str()), 0);
  ASSERT_EQ(symlink("loop-a.txt", d.Path("h/loop-b.txt").c_str()), 0);
  ASSERT_EQ(mkfifo(d.Path("h/pipe.txt").c_str(), 0600), 0);
  const int sock = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string sock_path = d.Path("h/socket.txt");
  ASSERT_LT(sock_path.size(), sizeof(addr.sun_path));
  std::copy(sock_path.begin(), sock_path.end(), addr.sun_path);
  ASSERT_EQ(bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  close(sock);  // the socket file stays
  d.Write("h/caf\xe9.txt", "latin-1 name");
  d.Write("h/Case.txt", "upper");
  d.Write("h/case.txt", "lower");
}

BuildSpec SpecFor(const TempDir& d, const std::string& pattern) {
  BuildSpec spec;
  spec.path = d.Path("dtm.yaml");
  spec.base_dir = d.path();
  spec.header.mutable_dataset()->set_name("hazards");
  spec.header.mutable_dataset()->set_version("1");
  spec.header.mutable_publisher()->set_name("Test Lab");
  SourceSpec s;
  s.source.set_id("h");
  s.source.set_name("Hazards");
  s.source.set_modality(v1::MODALITY_TEXT);
  s.source.mutable_license()->set_expression("MIT");
  s.source.mutable_provenance()->set_acquisition(v1::ACQUISITION_METHOD_HUMAN_WRITTEN);
  s.include = {pattern};
  s.location = "dtm.yaml:5:3";
  spec.sources = {s};
  return spec;
}

std::string BuildError(const BuildSpec& spec, const BuildOptions& o, const std::string& out) {
  auto r = BuildManifest(spec, o, out);
  EXPECT_FALSE(r.ok()) << out;
  EXPECT_NE(access(out.c_str(), F_OK), 0) << "no output may be written on error";
  return r.ok() ? "" : r.status().message();
}

TEST(HazardsTest, EachHazardIsRefusedByDefaultNamingIt) {
  TempDir d, outside;
  WriteHazards(d, outside);
  const std::map<std::string, std::string> want = {
      {"h/link-inside.txt", "'h/link-inside.txt' is a symbolic link (--symlinks skip"},
      {"h/link-outside.txt", "'h/link-outside.txt' is a symbolic link"},
      {"h/loop-a.txt", "'h/loop-a.txt' is a symbolic link"},
      {"h/pipe.txt", "'h/pipe.txt' is a FIFO, a special file, never opened (--skip-special"},
      {"h/socket.txt", "'h/socket.txt' is a socket, a special file, never opened"},
      {"h/caf?.txt",
       "path 'h/caf\\xE9.txt': path is not valid UTF-8 at byte 5 (file_names: "
       "escape"},
  };
  for (const auto& [pattern, fragment] : want) {
    const std::string message = BuildError(SpecFor(d, pattern), {}, d.Path("out.dtm"));
    EXPECT_NE(message.find(fragment), std::string::npos) << pattern << ": " << message;
    EXPECT_NE(message.find("dtm.yaml:5:3: source 'h'"), std::string::npos) << message;
  }
  // Following: a link inside the root is its target; one out of it, or a
  // loop, is refused.
  BuildOptions follow;
  follow.symlinks = SymlinkPolicy::kFollow;
  EXPECT_TRUE(BuildManifest(SpecFor(d, "h/link-inside.txt"), follow, d.Path("in.dtm")).ok());
  const std::string out_of_root =
      BuildError(SpecFor(d, "h/link-outside.txt"), follow, d.Path("out.dtm"));
  EXPECT_NE(out_of_root.find("outside the data root"), std::string::npos) << out_of_root;
  EXPECT_NE(BuildError(SpecFor(d, "h/loop-a.txt"), follow, d.Path("out.dtm")).find("loop"),
            std::string::npos);
}

TEST(HazardsTest, PoliciesAdmitEachHazardAndTheManifestSaysWhat) {
  TempDir d, outside;
  WriteHazards(d, outside);
  BuildOptions o;
  o.symlinks = SymlinkPolicy::kSkip;
  o.skip_special = true;
  o.file_names = FileNamePolicy::kEscape;
  auto r = BuildManifest(SpecFor(d, "h/**"), o, d.Path("out.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // ok, caf\xE9, Case and case; 4 links and 2 special files skipped.
  EXPECT_EQ(r->header.totals().files(), 4u);
  ASSERT_EQ(r->path_collisions.size(), 1u);  // Case.txt and case.txt: both kept, and a warning
  EXPECT_EQ(r->path_collisions[0].first, "h/Case.txt");
  EXPECT_EQ(r->path_collisions[0].second, "h/case.txt");
  auto reader = ManifestReader::Open(d.Path("out.dtm"));
  ASSERT_TRUE(reader.ok());
  v1::Record rec;
  std::vector<std::string> paths;
  v1::SkippedEntries skipped;
  while (*(*reader)->Next(&rec)) {
    if (rec.has_source()) skipped = rec.source().skipped();
    if (rec.has_file()) paths.push_back(rec.file().path());
  }
  EXPECT_EQ(paths,
            (std::vector<std::string>{"h/Case.txt", "h/caf\\xE9.txt", "h/case.txt", "h/ok.txt"}));
  EXPECT_EQ(skipped.symlinks(), 4u);
  EXPECT_EQ(skipped.special_files(), 2u);
  EXPECT_EQ(skipped.first(), "h/link-inside.txt");
}

// The build of an unreadable file by a user who may not read it: as root the
// check runs in a child that drops to nobody (uid 65534).
TEST(HazardsTest, UnreadableFileIsAnErrorNamingIt) {
  TempDir d;
  d.Write("h/ok.txt", "plain");
  d.Write("h/secret.txt", "no reading");
  ASSERT_EQ(chmod(d.Path("h/secret.txt").c_str(), 0), 0);
  ASSERT_EQ(chmod(d.path().c_str(), 0777), 0);
  ASSERT_EQ(chmod(d.Path("h").c_str(), 0755), 0);
  const BuildSpec spec = SpecFor(d, "h/*.txt");
  const std::string out = d.Path("out.dtm");
  if (geteuid() != 0) {
    const std::string message = BuildError(spec, {}, out);
    EXPECT_NE(message.find("secret.txt"), std::string::npos) << message;
    EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
    return;
  }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    std::string report = "could not drop to nobody";
    if (setgid(65534) == 0 && setuid(65534) == 0) {
      auto r = BuildManifest(spec, {}, out);
      report = r.ok() ? "built" : r.status().message();
      report += access(out.c_str(), F_OK) == 0 ? " (output written)" : "";
    }
    ssize_t n = write(fds[1], report.data(), report.size());
    _exit(n == static_cast<ssize_t>(report.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string report;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;) report.append(buf, size_t(n));
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_NE(report.find("h/secret.txt"), std::string::npos) << report;
  EXPECT_NE(report.find("Permission denied"), std::string::npos) << report;
  EXPECT_EQ(report.find("(output written)"), std::string::npos) << report;
}

// A file appended to while the build hashes it: the build fails naming it,
// and writes nothing.
TEST(HazardsTest, FileThatChangesWhileHashedIsAnError) {
  TempDir d;
  d.Write("h/growing.bin", std::string(64u << 20, 'g'));
  std::atomic<bool> stop{false};
  std::thread appender([&] {
    std::ofstream f(d.Path("h/growing.bin"), std::ios::app | std::ios::binary);
    while (!stop.load()) {
      f << 'x' << std::flush;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  const std::string message = BuildError(SpecFor(d, "h/*.bin"), {}, d.Path("out.dtm"));
  stop = true;
  appender.join();
  EXPECT_NE(message.find("growing.bin"), std::string::npos) << message;
  EXPECT_NE(message.find("changed"), std::string::npos) << message;
}

}  // namespace
}  // namespace dtm
