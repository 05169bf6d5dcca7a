// Incremental rebuilds (spec/cli.md, "Incremental rebuilds"): with the
// previous version and its build's stat cache, unchanged files are not read;
// the cache can make a build faster but never change what it writes, and a
// damaged, forged, stale or racy cache is ignored.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "build/stat_cache.h"
#include "dtm/builder.h"
#include "dtm/container.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using testing::ReadAll;
using testing::TempDir;

constexpr int kFiles = 30;

BuildSpec SpecFor(const TempDir& d) {
  BuildSpec spec;
  spec.path = d.Path("dtm.yaml");
  spec.base_dir = d.Path("data");
  spec.header.mutable_dataset()->set_name("incremental");
  spec.header.mutable_dataset()->set_version("1");
  spec.header.mutable_publisher()->set_name("Test Lab");
  SourceSpec s;
  s.source.set_id("files");
  s.source.set_name("Files");
  s.source.set_modality(v1::MODALITY_TEXT);
  s.source.mutable_license()->set_expression("MIT");
  s.source.mutable_license()->set_use_class(v1::USE_CLASS_COMMERCIAL);
  s.source.mutable_provenance()->set_acquisition(v1::ACQUISITION_METHOD_LICENSED);
  s.include = {"**"};
  s.location = "dtm.yaml:5:3";
  spec.sources = {s};
  return spec;
}

class IncrementalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The checkpoint key that authenticates the cache: the test's own.
    state_ = new TempDir();
    setenv("XDG_STATE_HOME", state_->path().c_str(), 1);
  }
  static void TearDownTestSuite() {
    unsetenv("XDG_STATE_HOME");
    delete state_;
  }

  void SetUp() override {
    for (int i = 0; i < kFiles; ++i) {
      d_.Write("data/f" + std::to_string(i), "contents of file " + std::to_string(i));
    }
    // A cache entry is trusted only for files that changed at least 2 s
    // before the build that wrote it stated them.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    spec_ = SpecFor(d_);
  }

  BuildOptions Options(const std::string& reuse = "") const {
    BuildOptions o;
    o.jobs = 2;
    google::protobuf::Timestamp t;
    t.set_seconds(1796688000);
    o.created = t;
    o.reuse = reuse;
    o.use_cache = true;
    o.cache_path = d_.Path("stat.cache");
    return o;
  }

  BuildResult Build(const std::string& name, const BuildOptions& o) {
    auto r = BuildManifest(spec_, o, d_.Path(name));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : BuildResult{};
  }

  // What a build that reads every file writes.
  std::string Fresh() {
    BuildOptions o = Options();
    o.use_cache = false;
    Build("fresh.dtm", o);
    return ReadAll(d_.Path("fresh.dtm"));
  }

  static TempDir* state_;
  TempDir d_;
  BuildSpec spec_;
};

TempDir* IncrementalTest::state_ = nullptr;

TEST_F(IncrementalTest, UnchangedFilesAreNotReadAndTheOutputIsTheSame) {
  BuildResult first = Build("v1.dtm", Options());
  EXPECT_EQ(first.files_reused, 0u);
  EXPECT_TRUE(first.warnings.empty());
  ASSERT_TRUE(std::filesystem::exists(d_.Path("stat.cache")));
  // One file changes, keeping its size; one is added.
  d_.Write("data/f3", "CONTENTS of file 3");
  d_.Write("data/new", "a new file");
  BuildResult second = Build("v2.dtm", Options(d_.Path("v1.dtm")));
  EXPECT_TRUE(second.warnings.empty()) << second.warnings[0];
  EXPECT_EQ(second.files_reused, static_cast<uint64_t>(kFiles - 1));
  EXPECT_EQ(second.files_hashed, static_cast<uint64_t>(kFiles + 1));
  EXPECT_TRUE(ReadAll(d_.Path("v2.dtm")) == Fresh());
  // And the cache now belongs to v2: a third build takes all but the two new
  // files, which changed too recently to be trusted.
  BuildResult third = Build("v3.dtm", Options(d_.Path("v2.dtm")));
  EXPECT_EQ(third.files_reused, static_cast<uint64_t>(kFiles - 1));
}

TEST_F(IncrementalTest, WithoutAPreviousVersionTheCacheIsNotUsed) {
  Build("v1.dtm", Options());
  EXPECT_EQ(Build("v2.dtm", Options()).files_reused, 0u);
}

TEST_F(IncrementalTest, TheSpecsPreviousVersionNamesTheCacheToo) {
  Build("v1.dtm", Options());
  spec_.previous_manifest = d_.Path("v1.dtm");
  BuildResult r = Build("v2.dtm", Options());
  EXPECT_EQ(r.files_reused, static_cast<uint64_t>(kFiles));
  EXPECT_TRUE(r.header.has_previous());
}

TEST_F(IncrementalTest, ACacheOfAnotherManifestIsIgnoredWithAWarning) {
  Build("v1.dtm", Options());
  d_.Write("data/other", "another file");
  Build("v2.dtm", Options(d_.Path("v1.dtm")));  // the cache is v2's now
  BuildResult r = Build("v3.dtm", Options(d_.Path("v1.dtm")));
  EXPECT_EQ(r.files_reused, 0u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("belongs to another manifest"), std::string::npos) << r.warnings[0];
  EXPECT_TRUE(ReadAll(d_.Path("v3.dtm")) == Fresh());
}

TEST_F(IncrementalTest, ADamagedOrForgedCacheIsIgnoredWithAWarning) {
  Build("v1.dtm", Options());
  const std::string cache = ReadAll(d_.Path("stat.cache"));
  // A digest changed by someone without the key, a cut, a byte flipped.
  std::string forged = cache;
  forged[forged.size() - 40] ^= 1;
  for (const std::string& bad :
       {forged, cache.substr(0, cache.size() / 2), std::string("DTMSTAT1")}) {
    d_.Write("stat.cache", bad);
    BuildResult r = Build("v2.dtm", Options(d_.Path("v1.dtm")));
    EXPECT_EQ(r.files_reused, 0u);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("stat cache '" + d_.Path("stat.cache") + "'"), std::string::npos);
    EXPECT_TRUE(ReadAll(d_.Path("v2.dtm")) == Fresh());
    d_.Write("stat.cache", cache);
  }
  // Under another user's key the same cache is not authenticated.
  TempDir other;
  setenv("XDG_STATE_HOME", other.path().c_str(), 1);
  BuildResult r = Build("v2.dtm", Options(d_.Path("v1.dtm")));
  setenv("XDG_STATE_HOME", state_->path().c_str(), 1);
  EXPECT_EQ(r.files_reused, 0u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("not authenticated"), std::string::npos) << r.warnings[0];
}

TEST_F(IncrementalTest, NoCacheNeitherReadsNorWrites) {
  BuildOptions o = Options();
  o.use_cache = false;
  Build("v1.dtm", o);
  EXPECT_FALSE(std::filesystem::exists(d_.Path("stat.cache")));
}

TEST_F(IncrementalTest, AFileChangedJustBeforeTheBuildIsNotTrusted) {
  d_.Write("data/f7", "contents of file 7");  // the same bytes, a new ctime
  Build("v1.dtm", Options());
  BuildResult r = Build("v2.dtm", Options(d_.Path("v1.dtm")));
  EXPECT_EQ(r.files_reused, static_cast<uint64_t>(kFiles - 1));
}

TEST_F(IncrementalTest, AFileReplacedByAnotherWithTheSameTimesIsRead) {
  Build("v1.dtm", Options());
  // A new inode, even with the old modification time, is not the cached file.
  const std::string path = d_.Path("data/f9");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  d_.Write("data/f9.tmp", "contents of file X");
  const timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(utimensat(AT_FDCWD, d_.Path("data/f9.tmp").c_str(), times, 0), 0);
  ASSERT_EQ(rename(d_.Path("data/f9.tmp").c_str(), path.c_str()), 0);
  BuildResult r = Build("v2.dtm", Options(d_.Path("v1.dtm")));
  EXPECT_EQ(r.files_reused, static_cast<uint64_t>(kFiles - 1));
  EXPECT_TRUE(ReadAll(d_.Path("v2.dtm")) == Fresh());
}

}  // namespace
}  // namespace dtm
