// Sharded builds (spec/sharding.md): every number of shards merges into the
// one-machine manifest byte for byte; the merge refuses parts that are
// missing, duplicated, foreign or damaged, and writes nothing; audits split
// the same way and samples are the auditor's.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "build/shard.h"
#include "dtm/builder.h"
#include "dtm/container.h"
#include "dtm/datacheck.h"
#include "dtm/sharding.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using testing::ReadAll;
using testing::TempDir;

constexpr std::string_view kSpec = R"(dtm: 1
dataset: {name: sharded, version: "1"}
publisher: {name: Test Lab}
sources:
  - id: bin
    name: Binary
    modality: other
    license: {expression: CC0-1.0}
    provenance: {acquisition: public_dataset}
    data:
      include: ["bin/**"]
  - id: declared
    name: Declared
    modality: text
    license: {expression: CC0-1.0}
    provenance: {acquisition: public_dataset}
    data:
      files:
        - {path: x/a.txt, size: 3, sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}
        - {path: x/b.txt, size: 3, sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}
  - id: listed
    name: Listed documents
    modality: text
    license: {expression: CC0-1.0}
    provenance: {acquisition: public_dataset}
    data:
      include: ["listed/*.txt"]
      document_listing: docs.jsonl
  - id: text
    name: Documents
    modality: text
    license: {expression: CC0-1.0}
    provenance: {acquisition: public_dataset}
    data:
      include: ["text/*.jsonl"]
      documents: {format: jsonl, text: /text}
)";

constexpr char kDigest[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

// A corpus with large and small files, declared files, listed documents of
// some files and documents found in others.
void WriteCorpus(const TempDir& d) {
  std::mt19937 rng(7);
  for (int i = 0; i < 40; ++i) {
    const size_t size = (i % 5 == 0) ? 300000 + i : (rng() % 3000);
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    d.Write("bin/d" + std::to_string(i % 4) + "/f" + std::to_string(100 + i), bytes);
  }
  std::string listing;
  for (int i = 0; i < 6; ++i) {
    const std::string name = "listed/l" + std::to_string(i) + ".txt";
    d.Write(name, "abc");
    if (i % 2 == 0) continue;  // documents of every other file
    for (int j = 0; j < 3; ++j) {
      listing += R"({"path": ")" + name + R"(", "size": 1, "sha256": ")" + kDigest + "\"}\n";
    }
  }
  d.Write("docs.jsonl", listing);
  for (int i = 0; i < 5; ++i) {
    std::string lines;
    for (int j = 0; j < 20; ++j) {
      lines += R"({"text": "document )" + std::to_string(i) + "." + std::to_string(j) + "\"}\n";
    }
    d.Write("text/t" + std::to_string(i) + ".jsonl", lines);
  }
  d.Write("dtm.yaml", kSpec);
}

BuildOptions Options() {
  BuildOptions o;
  o.jobs = 2;
  google::protobuf::Timestamp t;
  t.set_seconds(1796688000);
  o.created = t;
  return o;
}

MergeOptions Merging() {
  MergeOptions o;
  o.created = Options().created;
  return o;
}

// Builds every shard of `count` into `parts`; returns the part paths.
std::vector<std::string> BuildParts(const BuildSpec& spec, const std::string& parts,
                                    uint32_t count) {
  std::vector<std::string> paths;
  for (uint32_t i = 0; i < count; ++i) {
    BuildOptions o = Options();
    o.shard = ShardSpec{i, count};
    auto path = BuildPartPath(parts + "/", *o.shard);
    EXPECT_TRUE(path.ok()) << path.status().ToString();
    auto built = BuildManifest(spec, o, *path);
    EXPECT_TRUE(built.ok()) << built.status().ToString();
    paths.push_back(*path);
  }
  return paths;
}

class ShardingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteCorpus(d_);
    auto spec = LoadBuildSpec(d_.Path("dtm.yaml"));
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    spec_ = *spec;
    auto single = BuildManifest(spec_, Options(), out_.Path("single.dtm"));
    ASSERT_TRUE(single.ok()) << single.status().ToString();
    single_ = ReadAll(out_.Path("single.dtm"));
  }

  TempDir d_, out_;
  BuildSpec spec_;
  std::string single_;
};

TEST(ShardSpecTest, ParsesAndRefuses) {
  auto s = ParseShardSpec("7/64");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 7u);
  EXPECT_EQ(s->count, 64u);
  for (const char* bad :
       {"", "7", "64/64", "1/0", "-1/4", "a/4", "1/4/", " 1/4", "1/100001", "1/99999999999"}) {
    EXPECT_EQ(ParseShardSpec(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(BuildPartFileName({7, 64}), "part-00007-of-00064.dtmpart");
}

TEST(PartitionTest, ContiguousBalancedAndComplete) {
  std::vector<uint64_t> w = {10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
  EXPECT_EQ(PartitionByWeight(
                10, [&](uint64_t i) { return w[i]; }, 5),
            (std::vector<uint64_t>{0, 2, 4, 6, 8, 10}));
  // An item belongs to the shard where its weight starts: a heavy one fills
  // its shard and the next, which is left empty.
  w = {1, 100, 1, 1};
  EXPECT_EQ(PartitionByWeight(
                4, [&](uint64_t i) { return w[i]; }, 3),
            (std::vector<uint64_t>{0, 2, 2, 4}));
  // More shards than items: the rest are empty, at the end.
  EXPECT_EQ(PartitionByWeight(
                2, [](uint64_t) { return 1; }, 4),
            (std::vector<uint64_t>{0, 1, 1, 2, 2}));
  EXPECT_EQ(PartitionByWeight(
                0, [](uint64_t) { return 1; }, 3),
            (std::vector<uint64_t>{0, 0, 0, 0}));
  // Weights near 2^64 do not overflow.
  EXPECT_EQ(PartitionByWeight(
                2, [](uint64_t) { return ~uint64_t{0}; }, 2),
            (std::vector<uint64_t>{0, 1, 2}));
}

TEST_F(ShardingTest, EveryShardCountMergesToTheOneMachineBuild) {
  for (uint32_t count : {1u, 2u, 3u, 7u, 64u}) {
    TempDir parts;
    std::vector<std::string> paths = BuildParts(spec_, parts.path(), count);
    auto listed = ListBuildParts(parts.path());
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ(*listed, paths);
    auto merged = MergeBuildParts(paths, Merging(), out_.Path("merged.dtm"));
    ASSERT_TRUE(merged.ok()) << count << ": " << merged.status().ToString();
    EXPECT_EQ(merged->parts, count);
    EXPECT_TRUE(ReadAll(out_.Path("merged.dtm")) == single_) << count << " shards";
  }
}

TEST_F(ShardingTest, PartsSplitTheBytesAndHoldEverySource) {
  TempDir parts;
  std::vector<std::string> paths = BuildParts(spec_, parts.path(), 4);
  uint64_t files = 0;
  for (uint32_t i = 0; i < 4; ++i) {
    auto reader = ManifestReader::OpenBuildPart(paths[i]);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    const v1::Header& h = (*reader)->header();
    EXPECT_EQ(h.build_part().shard(), i);
    EXPECT_EQ(h.build_part().first_file(), files);
    EXPECT_EQ(h.totals().sources(), 4u);
    EXPECT_GT(h.totals().files(), 0u) << "shard " << i;
    files += h.build_part().files();
  }
  EXPECT_EQ(files, 40u + 2 + 6 + 5);
  // A part is never taken for a manifest.
  auto as_manifest = ManifestReader::Open(paths[0]);
  ASSERT_FALSE(as_manifest.ok());
  EXPECT_EQ(as_manifest.status().code(), StatusCode::kCorruption);
  EXPECT_NE(as_manifest.status().message().find("a part of a sharded build"), std::string::npos);
  EXPECT_EQ(CheckManifest(paths[0]).status().code(), StatusCode::kCorruption);
  // Nor a manifest for a part.
  EXPECT_EQ(ManifestReader::OpenBuildPart(out_.Path("single.dtm")).status().code(),
            StatusCode::kCorruption);
}

// Refusals write nothing and name the part.
void ExpectRefused(const std::vector<std::string>& paths, const std::string& output,
                   StatusCode code, const std::string& words) {
  auto merged = MergeBuildParts(paths, Merging(), output);
  ASSERT_FALSE(merged.ok()) << words;
  EXPECT_EQ(merged.status().code(), code) << merged.status().ToString();
  EXPECT_NE(merged.status().ToString().find(words), std::string::npos)
      << merged.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(output)) << words;
}

TEST_F(ShardingTest, MergeRefusesMissingDuplicatedForeignAndDamagedParts) {
  TempDir parts, other;
  std::vector<std::string> paths = BuildParts(spec_, parts.path(), 3);
  const std::string output = out_.Path("refused.dtm");

  ExpectRefused({paths[0], paths[2]}, output, StatusCode::kInvalidArgument, "shard 1/3 is missing");
  ExpectRefused({paths[0], paths[1], paths[1], paths[2]}, output, StatusCode::kInvalidArgument,
                "a part given twice");

  // Another number of shards.
  std::vector<std::string> four = BuildParts(spec_, other.path(), 4);
  ExpectRefused({paths[0], paths[1], four[2]}, output, StatusCode::kInvalidArgument,
                four[2] + ": not a part of the build");

  // Another spec (the same files, another dataset version).
  TempDir d2;
  WriteCorpus(d2);
  std::string text(kSpec);
  text.replace(text.find("version: \"1\""), 12, "version: \"2\"");
  d2.Write("dtm.yaml", text);
  auto spec2 = LoadBuildSpec(d2.Path("dtm.yaml"));
  ASSERT_TRUE(spec2.ok());
  TempDir parts2;
  std::vector<std::string> foreign = BuildParts(*spec2, parts2.path(), 3);
  ExpectRefused({paths[0], foreign[1], paths[2]}, output, StatusCode::kInvalidArgument,
                "built from another spec");

  // The data changed between two tasks' walks: a file grew.
  TempDir parts3;
  std::vector<std::string> changed;
  for (uint32_t i = 0; i < 3; ++i) {
    if (i == 2) d_.Write("bin/d0/f100", std::string(300001, 'x'));
    BuildOptions o = Options();
    o.shard = ShardSpec{i, 3};
    const std::string path = parts3.Path(BuildPartFileName(*o.shard));
    ASSERT_TRUE(BuildManifest(spec_, o, path).ok());
    changed.push_back(path);
  }
  ExpectRefused(changed, output, StatusCode::kInvalidArgument, "selected other files");

  // A damaged byte in the last part's records: found while it is streamed.
  std::string bytes = ReadAll(paths[2]);
  bytes[bytes.size() - 100] ^= 0x40;
  const std::string damaged = other.Write("part-00002-of-00003.dtmpart", bytes);
  ExpectRefused({paths[0], paths[1], damaged}, output, StatusCode::kCorruption, damaged);

  // A truncated part.
  const std::string cut = other.Write("cut.dtmpart", ReadAll(paths[1]).substr(0, 200));
  ExpectRefused({paths[0], cut, paths[2]}, output, StatusCode::kCorruption, cut);

  // A manifest is not a part.
  ExpectRefused({paths[0], out_.Path("single.dtm")}, output, StatusCode::kCorruption,
                "not a part of a sharded build");
}

// A listed document of no file is reported by exactly one task, the one whose
// run holds the source's last file; that task failed after hashing, and run
// again alone with --resume it takes its digests from its part's checkpoint.
TEST_F(ShardingTest, AFailedTaskIsReportedOnceAndResumesAlone) {
  const std::string listing = ReadAll(d_.Path("docs.jsonl"));
  d_.Write("docs.jsonl",
           listing + R"({"path": "listed/zz.txt", "size": 1, "sha256": ")" + kDigest + "\"}\n");
  TempDir parts;
  std::vector<std::string> paths;
  int failed = -1;
  for (uint32_t i = 0; i < 3; ++i) {
    BuildOptions o = Options();
    o.shard = ShardSpec{i, 3};
    paths.push_back(parts.Path(BuildPartFileName(*o.shard)));
    auto built = BuildManifest(spec_, o, paths.back());
    if (built.ok()) continue;
    EXPECT_EQ(failed, -1) << "a second task reported it: " << built.status().ToString();
    EXPECT_NE(
        built.status().message().find("'listed/zz.txt', which source 'listed' has no file at"),
        std::string::npos)
        << built.status().ToString();
    failed = static_cast<int>(i);
  }
  ASSERT_NE(failed, -1);
  ASSERT_TRUE(std::filesystem::exists(paths[failed] + ".checkpoint"));
  d_.Write("docs.jsonl", listing);
  BuildOptions o = Options();
  o.shard = ShardSpec{static_cast<uint32_t>(failed), 3};
  o.resume = true;
  auto resumed = BuildManifest(spec_, o, paths[failed]);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_GT(resumed->files_resumed, 0u);
  ASSERT_TRUE(MergeBuildParts(paths, Merging(), out_.Path("merged.dtm")).ok());
  EXPECT_TRUE(ReadAll(out_.Path("merged.dtm")) == single_);
}

TEST_F(ShardingTest, PartFolderIsCreatedAndNamedParts) {
  TempDir parts;
  const std::string folder = parts.Path("deep/parts/");
  auto path = BuildPartPath(folder, {3, 8});
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, folder + "part-00003-of-00008.dtmpart");
  struct stat st;
  EXPECT_EQ(stat(folder.c_str(), &st), 0);
  EXPECT_EQ(*BuildPartPath(parts.Path("one.dtmpart"), {0, 1}), parts.Path("one.dtmpart"));
  EXPECT_EQ(ListBuildParts(parts.path()).status().code(), StatusCode::kNotFound);
}

TEST_F(ShardingTest, ShardedAuditsCoverEveryEntryOnce) {
  DataCheckOptions all;
  auto whole = CheckDataAgainstManifest(out_.Path("single.dtm"), d_.path(), all);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->entries_checked, whole->entries);
  uint64_t checked = 0, verified = 0;
  TempDir parts;
  const std::vector<std::string> built = BuildParts(spec_, parts.path(), 5);
  for (uint32_t i = 0; i < 5; ++i) {
    DataCheckOptions o;
    o.shard = ShardSpec{i, 5};
    auto r = CheckDataAgainstManifest(out_.Path("single.dtm"), d_.path(), o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->ok());
    EXPECT_EQ(r->entries, whole->entries);
    // An audit task checks what the build task of the same shard hashed.
    auto part = ManifestReader::OpenBuildPart(built[i]);
    ASSERT_TRUE(part.ok());
    EXPECT_EQ(r->entries_checked, (*part)->header().build_part().files()) << "shard " << i;
    EXPECT_EQ(r->unexpected_checked, i == 0);
    checked += r->entries_checked;
    verified += r->files_verified;
  }
  EXPECT_EQ(checked, whole->entries);
  EXPECT_EQ(verified, whole->files_verified);
  // A modified file is reported by exactly one shard.
  d_.Write("bin/d1/f101", "changed");
  int reported = 0;
  for (uint32_t i = 0; i < 5; ++i) {
    DataCheckOptions o;
    o.shard = ShardSpec{i, 5};
    auto r = CheckDataAgainstManifest(out_.Path("single.dtm"), d_.path(), o);
    ASSERT_TRUE(r.ok());
    reported += static_cast<int>(r->problem_count);
  }
  EXPECT_EQ(reported, 1);
}

TEST(SampleTest, TheSeedChoosesAndTheStatementHolds) {
  EXPECT_DOUBLE_EQ(*ParseSampleFraction("0.1%"), 0.001);
  EXPECT_DOUBLE_EQ(*ParseSampleFraction("0.25"), 0.25);
  EXPECT_DOUBLE_EQ(*ParseSampleFraction("100%"), 1);
  for (const char* bad : {"", "0", "0%", "1.5", "101%", "-1", "abc", "1e-3", "%"}) {
    EXPECT_EQ(ParseSampleFraction(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseSampleSeed("00").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSampleSeed(std::string(32, 'g')).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSampleSeed(std::string(130, 'a')).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(ParseSampleSeed(std::string(32, 'A')).ok());
  EXPECT_EQ(DrawSampleSeed()->size(), 32u);
  EXPECT_NE(*DrawSampleSeed(), *DrawSampleSeed());

  // ceil(ln 0.01 / ln(1 - p)).
  EXPECT_EQ(SampleDetectableDifferences(0.001), 4603u);
  EXPECT_EQ(SampleDetectableDifferences(0.01), 459u);
  EXPECT_EQ(SampleDetectableDifferences(0.5), 7u);
  EXPECT_EQ(SampleDetectableDifferences(1), 1u);

  // Each entry is drawn with probability p, by the seed alone.
  DataSample a{0.1, std::string(32, 'a')}, b{0.1, std::string(32, 'b')};
  int in_a = 0, in_both = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string path = "p/" + std::to_string(i);
    const bool x = InSample(a, "s", path);
    EXPECT_EQ(x, InSample(a, "s", path));
    in_a += x;
    in_both += x && InSample(b, "s", path);
  }
  EXPECT_NEAR(in_a, 2000, 200);   // 5 standard deviations is about 212
  EXPECT_NEAR(in_both, 200, 75);  // independent seeds: p^2
  // The source id and the path are separated: ("ab", "c") is not ("a", "bc").
  int differ = 0;
  for (int i = 0; i < 200; ++i) {
    DataSample s{0.5, std::string(32, static_cast<char>(i))};
    differ += InSample(s, "ab", "c") != InSample(s, "a", "bc");
  }
  EXPECT_GT(differ, 50);
}

// spec/vectors/sharding/partition.json, written from the spec by a second
// implementation (make_partition.py): the digest and every partition agree.
TEST(ShardingVectorsTest, SelectionDigestAndPartitionsAgreeWithTheSpec) {
  const auto vectors = nlohmann::json::parse(
      ReadAll(std::string(DTM_SOURCE_DIR) + "/spec/vectors/sharding/partition.json"));
  ASSERT_EQ(vectors["selections"].size(), 3u);
  for (const auto& v : vectors["selections"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    BuildSpec spec;
    internal::FileSelection sel;
    for (const auto& f : v["files"]) {
      const std::string source = f["source"];
      if (spec.sources.empty() || spec.sources.back().source.id() != source) {
        spec.sources.emplace_back();
        spec.sources.back().source.set_id(source);
        sel.source_order.push_back(spec.sources.size() - 1);
      }
      internal::SelectedFile file;
      file.source = static_cast<uint32_t>(spec.sources.size() - 1);
      const std::string path = f["path"];
      file.path_offset = sel.paths.size();
      file.path_len = static_cast<uint32_t>(path.size());
      sel.paths += path;
      file.size = f["size"];
      file.task = f["read"].get<bool>() ? sel.files.size() : internal::SelectedFile::kDeclared;
      sel.files.push_back(file);
    }
    EXPECT_EQ(ToHex(internal::SelectionDigest(spec, sel)), v["selection_sha256"]);
    for (const auto& p : v["partitions"]) {
      const uint32_t shards = p["shards"];
      const std::vector<uint64_t> bounds = p["bounds"];
      for (uint32_t k = 0; k < shards; ++k) {
        const internal::ShardRun run = internal::ShardRunOf(sel, {k, shards});
        EXPECT_EQ(run.begin, bounds[k]) << "shard " << k << "/" << shards;
        EXPECT_EQ(run.end, bounds[k + 1]) << "shard " << k << "/" << shards;
      }
    }
  }
}

}  // namespace
}  // namespace dtm
