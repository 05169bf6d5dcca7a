// A data folder that changes under `dtm build` and `verify --data`: a folder
// swapped for a link out of the data root, again and again while the tree is
// read, must never make either read a file outside the root (issue: reading
// outside the data root by swapping a directory). Either run fails, or what it
// read is the tree inside.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "dtm/builder.h"
#include "dtm/buildspec.h"
#include "dtm/container.h"
#include "dtm/datacheck.h"
#include "gtest/gtest.h"
#include "testing/spec_text.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using testing::TempDir;

constexpr int kFiles = 40;
constexpr int kRuns = 200;

// root/b holds f*.txt; root/l is a link to ../outside, which holds files of
// the same names with other contents, and secret.txt. A thread exchanges b
// and l (renameat2 RENAME_EXCHANGE) until stopped.
class SwapRace {
 public:
  SwapRace() {
    for (int i = 0; i < kFiles; ++i) {
      const std::string name = "f" + std::to_string(i) + ".txt";
      dir_.Write("root/b/" + name, "inside " + std::to_string(i));
      dir_.Write("outside/" + name, "outside " + std::to_string(i));
      outside_digests_.insert(ToHex(Sha256Of("outside " + std::to_string(i))));
    }
    dir_.Write("outside/secret.txt", "secret");
    outside_digests_.insert(ToHex(Sha256Of("secret")));
    EXPECT_EQ(symlink("../outside", dir_.Path("root/l").c_str()), 0);
  }

  void Start() {
    stop_ = false;
    swapper_ = std::thread([this] {
      const std::string b = dir_.Path("root/b"), l = dir_.Path("root/l");
      // Pauses of 0 to 2 ms: some runs see one swap, some several, some none.
      unsigned pause = 1;
      while (!stop_.load()) {
        if (renameat2(AT_FDCWD, b.c_str(), AT_FDCWD, l.c_str(), RENAME_EXCHANGE) == 0) ++swaps_;
        pause = pause * 1103515245u + 12345u;
        std::this_thread::sleep_for(std::chrono::microseconds(pause % 2000));
      }
    });
  }
  // Stops swapping and puts the real folder back at b.
  void Stop() {
    stop_ = true;
    swapper_.join();
    if (swaps_ % 2 == 1) {
      const std::string b = dir_.Path("root/b"), l = dir_.Path("root/l");
      renameat2(AT_FDCWD, b.c_str(), AT_FDCWD, l.c_str(), RENAME_EXCHANGE);
      ++swaps_;
    }
  }

  const TempDir& dir() const { return dir_; }
  bool IsOutside(const std::string& hex) const { return outside_digests_.count(hex) > 0; }
  long swaps() const { return swaps_; }

 private:
  TempDir dir_;
  std::set<std::string> outside_digests_;
  std::thread swapper_;
  std::atomic<bool> stop_{false};
  long swaps_ = 0;
};

const std::string kSpec = testing::OneSourceSpec("race", "b/**");

TEST(SwapRaceTest, BuildNeverRecordsAFileOutsideTheRoot) {
  SwapRace race;
  auto spec = ParseBuildSpec(kSpec, "dtm.yaml", race.dir().Path("root"));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  int built = 0;
  race.Start();
  for (int run = 0; run < kRuns; ++run) {
    BuildOptions options;
    options.data_root = race.dir().Path("root");
    options.jobs = 2;
    const std::string out = race.dir().Path("out" + std::to_string(run) + ".dtm");
    auto result = BuildManifest(*spec, options, out);
    if (!result.ok()) {  // refused: the tree changed under it
      if (run == 0) std::printf("first refusal: %s\n", result.status().ToString().c_str());
      continue;
    }
    ++built;
    auto reader = ManifestReader::Open(out);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    v1::Record record;
    while (true) {
      auto more = (*reader)->Next(&record);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      if (!record.has_file()) continue;
      EXPECT_FALSE(race.IsOutside(ToHex(record.file().sha256()))) << record.file().path();
      EXPECT_EQ(record.file().path().find("secret"), std::string::npos);
    }
  }
  race.Stop();
  EXPECT_GT(race.swaps(), 10);
  std::printf("%d of %d builds completed during %ld swaps\n", built, kRuns, race.swaps());
}

TEST(SwapRaceTest, VerifyDataNeverReadsAFileOutsideTheRoot) {
  SwapRace race;
  auto spec = ParseBuildSpec(kSpec, "dtm.yaml", race.dir().Path("root"));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  BuildOptions build;
  build.data_root = race.dir().Path("root");
  const std::string manifest = race.dir().Path("data.dtm");
  ASSERT_TRUE(BuildManifest(*spec, build, manifest).ok());
  int completed = 0;
  race.Start();
  for (int run = 0; run < kRuns; ++run) {
    DataCheckOptions options;
    options.jobs = 2;
    auto report = CheckDataAgainstManifest(manifest, race.dir().Path("root"), options);
    if (!report.ok()) continue;  // refused: the tree changed under it
    ++completed;
    for (const std::string& path : report->unexpected) {
      EXPECT_EQ(path.find("secret"), std::string::npos) << path;
    }
    // An outside file read at an inside path would be "modified"; one that
    // could not be read safely is "unreadable".
    for (const DataProblem& p : report->problems) {
      EXPECT_NE(p.kind, DataProblem::Kind::kModified) << p.path << ": " << p.detail;
      EXPECT_EQ(p.detail.find("outside"), std::string::npos) << p.detail;
    }
  }
  race.Stop();
  EXPECT_GT(race.swaps(), 10);
  std::printf("%d of %d checks completed during %ld swaps\n", completed, kRuns, race.swaps());
}

}  // namespace
}  // namespace dtm
