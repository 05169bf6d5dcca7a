// Manifests made to mislead or exhaust their reader (issue: hostile inputs,
// round two): a header that no longer matches its records, sources too large
// to keep, and frames of empty records. Every command that reads a manifest
// must refuse them before it prints a result.
#include <sstream>
#include <string>
#include <vector>

#include "container/container_test_util.h"
#include "dtm/container.h"
#include "dtm/datacheck.h"
#include "dtm/diff.h"
#include "dtm/facts.h"
#include "dtm/summary.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using test::CraftedManifest;
using test::CraftedOf;
using test::HeaderFor;
using test::MinimalRecords;
using test::SerializeDeterministic;

// Every streaming reader of a whole manifest, each returning its status.
std::vector<std::pair<const char*, Status>> ReadWithEveryReader(const std::string& path,
                                                                const std::string& good) {
  std::vector<std::pair<const char*, Status>> out;
  std::ostringstream sink;
  out.emplace_back("show", WriteManifestSummary(path, sink));
  out.emplace_back("export", ExportManifest(path, ExportFormat::kJsonl, sink));
  out.emplace_back("facts (check, report)", ReadManifestFacts(path).status());
  out.emplace_back("diff", DiffManifests(good, path).status());
  out.emplace_back("verify", CheckManifest(path).status());
  testing::TempDir empty;
  out.emplace_back("verify --data", CheckDataAgainstManifest(path, empty.path(), {}).status());
  return out;
}

class HostileManifestTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const CraftedManifest& m) {
    const std::string path = dir_.Path(name);
    const std::string bytes = m.Build();
    dir_.Write(name, bytes);
    return path;
  }
  std::string Good() { return Write("good.dtm", CraftedOf(MinimalRecords())); }

  testing::TempDir dir_;
};

// The attack: one source's use class changed from non-commercial to
// commercial, the original (signed) header kept, the footer digest redone.
TEST_F(HostileManifestTest, HeaderThatDoesNotMatchTheRecordsIsRefusedByEveryReader) {
  const std::vector<v1::Record> original = MinimalRecords();
  std::vector<v1::Record> edited = original;
  ASSERT_EQ(edited[0].source().license().use_class(), v1::USE_CLASS_NON_COMMERCIAL);
  edited[0].mutable_source()->mutable_license()->set_use_class(v1::USE_CLASS_COMMERCIAL);
  CraftedManifest m = CraftedOf(edited);
  m.header = SerializeDeterministic(HeaderFor(original, test::MinimalHeader()));
  const std::string path = Write("edited.dtm", m);
  for (const auto& [reader, status] : ReadWithEveryReader(path, Good())) {
    EXPECT_EQ(status.code(), StatusCode::kCorruption) << reader << ": " << status.ToString();
    EXPECT_NE(status.message().find(": header.composition.by_use_class"), std::string::npos)
        << reader << ": " << status.ToString();
  }
}

// A source over 256 KiB: refused by every reader before it is kept.
TEST_F(HostileManifestTest, SourceOverTheSizeLimitIsRefusedByEveryReader) {
  std::vector<v1::Record> records = MinimalRecords();
  std::string text(300000, ' ');
  uint32_t seed = 7;
  for (char& c : text) {
    seed = seed * 1103515245u + 12345u;
    c = static_cast<char>('a' + (seed >> 16) % 26);
  }
  records[0].mutable_source()->set_description(text);
  const std::string path = Write("big-source.dtm", CraftedOf(records));
  for (const auto& [reader, status] : ReadWithEveryReader(path, Good())) {
    EXPECT_EQ(status.code(), StatusCode::kLimitExceeded) << reader << ": " << status.ToString();
    EXPECT_NE(status.message().find("record 0: source 'books': 300"), std::string::npos)
        << reader << ": " << status.ToString();
    EXPECT_NE(status.message().find("over the limit of 262144 for a source"), std::string::npos)
        << reader << ": " << status.ToString();
  }
}

// The CPU bomb: frames of empty records, each frame 8 MiB of zeros in a few
// hundred bytes. Refused at the first frame, by every reader.
TEST_F(HostileManifestTest, FramesOfEmptyRecordsAreRefusedAtTheFirstFrame) {
  const std::string dir = std::string(DTM_SOURCE_DIR) + "/spec/vectors/container/invalid/";
  for (const char* name : {"bomb-ratio.dtm", "record-empty.dtm", "frame-records-past-header.dtm"}) {
    for (const auto& [reader, status] : ReadWithEveryReader(dir + name, Good())) {
      EXPECT_FALSE(status.ok()) << name << " " << reader;
      EXPECT_NE(status.message().find("frame 0: "), std::string::npos)
          << name << " " << reader << ": " << status.ToString();
    }
  }
}

}  // namespace
}  // namespace dtm
