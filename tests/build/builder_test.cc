#include "dtm/builder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>

#include "dtm/container.h"
#include "dtm/datacheck.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using testing::ReadAll;
using testing::TempDir;

v1::Source MakeSource(const std::string& id) {
  v1::Source s;
  s.set_id(id);
  s.set_name("Source " + id);
  s.set_modality(v1::MODALITY_TEXT);
  s.mutable_license()->set_expression("MIT");
  s.mutable_license()->set_use_class(v1::USE_CLASS_COMMERCIAL);
  s.mutable_provenance()->set_acquisition(v1::ACQUISITION_METHOD_PUBLIC_DATASET);
  return s;
}

BuildSpec MakeSpec(const TempDir& d) {
  BuildSpec spec;
  spec.path = d.Path("dtm.yaml");
  spec.base_dir = d.path();
  spec.header.mutable_dataset()->set_name("test-set");
  spec.header.mutable_dataset()->set_version("1");
  spec.header.mutable_publisher()->set_name("Test Lab");
  SourceSpec books;
  books.source = MakeSource("books");
  books.include = {"books/**/*.txt"};
  books.location = "dtm.yaml:5:3";
  SourceSpec code;
  code.source = MakeSource("code");
  code.include = {"code/*"};
  code.exclude = {"code/*.tmp"};
  code.location = "dtm.yaml:9:3";
  spec.sources = {code, books};  // not in id order on purpose
  return spec;
}

BuildOptions FixedTime() {
  BuildOptions o;
  google::protobuf::Timestamp t;
  t.set_seconds(1767225600);
  o.created = t;
  return o;
}

void WriteData(const TempDir& d) {
  d.Write("books/a.txt", "call me ishmael");
  d.Write("books/deep/b.txt", "it was the best of times");
  d.Write("books/notes.md", "not selected");
  d.Write("code/main.c", "int main(void) { return 0; }\n");
  d.Write("code/skip.tmp", "excluded");
}

std::vector<v1::Record> ReadRecords(const std::string& path) {
  auto r = ManifestReader::Open(path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<v1::Record> out;
  v1::Record rec;
  while (true) {
    auto more = (*r)->Next(&rec);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    out.push_back(rec);
  }
  return out;
}

TEST(BuilderTest, BuildsCanonicalManifestFromPatterns) {
  TempDir d;
  WriteData(d);
  auto result = BuildManifest(MakeSpec(d), FixedTime(), d.Path("out.dtm"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->files_hashed, 3u);
  EXPECT_EQ(result->header.totals().sources(), 2u);
  EXPECT_EQ(result->header.totals().files(), 3u);
  EXPECT_EQ(result->header.created().seconds(), 1767225600);
  EXPECT_EQ(result->header.tool().name(), "dtm");

  auto recs = ReadRecords(d.Path("out.dtm"));
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_EQ(recs[0].source().id(), "books");
  EXPECT_EQ(recs[1].source().id(), "code");
  EXPECT_EQ(recs[2].file().path(), "books/a.txt");
  EXPECT_EQ(recs[3].file().path(), "books/deep/b.txt");
  EXPECT_EQ(recs[4].file().path(), "code/main.c");
  EXPECT_EQ(recs[4].file().source_id(), "code");
  EXPECT_EQ(recs[2].file().sha256(), std::string(AsBytes(Sha256Of("call me ishmael"))));
  EXPECT_EQ(recs[2].file().size(), 15u);
  EXPECT_EQ(recs[2].file().origin(), v1::FileEntry::ORIGIN_HASHED);

  auto check = CheckManifest(d.Path("out.dtm"));
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(std::string(AsBytes(check->merkle_root)), result->header.merkle_root());
}

TEST(BuilderTest, SameInputsGiveIdenticalBytes) {
  TempDir d;
  WriteData(d);
  BuildOptions o = FixedTime();
  ASSERT_TRUE(BuildManifest(MakeSpec(d), o, d.Path("one.dtm")).ok());
  o.jobs = 1;
  ASSERT_TRUE(BuildManifest(MakeSpec(d), o, d.Path("two.dtm")).ok());
  EXPECT_EQ(ReadAll(d.Path("one.dtm")), ReadAll(d.Path("two.dtm")));
}

TEST(BuilderTest, CreationTimeFromSourceDateEpoch) {
  TempDir d;
  WriteData(d);
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  auto r = BuildManifest(MakeSpec(d), BuildOptions{}, d.Path("out.dtm"));
  unsetenv("SOURCE_DATE_EPOCH");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->header.created().seconds(), 1700000000);
}

TEST(BuilderTest, DeclaredFilesAreRecordedWithoutReading) {
  TempDir d;
  WriteData(d);
  BuildSpec spec = MakeSpec(d);
  SourceSpec remote;
  remote.source = MakeSource("remote");
  remote.location = "dtm.yaml:20:3";
  DeclaredFile f;
  f.path = "shard-00001.parquet";
  f.size = 123456789;
  f.sha256 = Sha256Of("pretend");
  remote.declared.push_back(f);
  d.Write("listing.tsv",
          "# path\tsize\tsha256\nshard-00000.parquet\t42\t" + ToHex(Sha256Of("x")) + "\n");
  remote.listing = d.Path("listing.tsv");
  spec.sources.push_back(remote);
  auto r = BuildManifest(spec, FixedTime(), d.Path("out.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_declared, 2u);
  auto recs = ReadRecords(d.Path("out.dtm"));
  ASSERT_EQ(recs.size(), 8u);
  EXPECT_EQ(recs[6].file().path(), "shard-00000.parquet");
  EXPECT_EQ(recs[6].file().origin(), v1::FileEntry::ORIGIN_DECLARED);
  EXPECT_EQ(recs[7].file().size(), 123456789u);
}

void ExpectBuildError(const BuildSpec& spec, const BuildOptions& o, const std::string& out,
                      StatusCode code, const std::string& fragment) {
  auto r = BuildManifest(spec, o, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().message();
  EXPECT_NE(access(out.c_str(), F_OK), 0) << "no output may be written on error";
}

TEST(BuilderTest, PatternMatchingNothingIsAnError) {
  TempDir d;
  WriteData(d);
  BuildSpec spec = MakeSpec(d);
  spec.sources[1].include.push_back("books/**/*.epub");
  ExpectBuildError(spec, FixedTime(), d.Path("out.dtm"), StatusCode::kInvalidArgument,
                   "dtm.yaml:5:3: source 'books': pattern 'books/**/*.epub' matches no file");
}

TEST(BuilderTest, SelectedSymlinkIsAnErrorUnlessFollowed) {
  TempDir d;
  WriteData(d);
  ASSERT_EQ(symlink("a.txt", d.Path("books/link.txt").c_str()), 0);
  ExpectBuildError(MakeSpec(d), FixedTime(), d.Path("out.dtm"), StatusCode::kInvalidArgument,
                   "'books/link.txt' is a symbolic link");
  BuildOptions o = FixedTime();
  o.symlinks = SymlinkPolicy::kFollow;
  auto r = BuildManifest(MakeSpec(d), o, d.Path("out.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->header.totals().files(), 4u);
}

TEST(BuilderTest, SymlinkOutOfRootIsAnErrorEvenWhenFollowing) {
  TempDir outside;
  outside.Write("secret.txt", "secret");
  TempDir d;
  WriteData(d);
  ASSERT_EQ(symlink(outside.Path("secret.txt").c_str(), d.Path("books/secret.txt").c_str()), 0);
  BuildOptions o = FixedTime();
  o.symlinks = SymlinkPolicy::kFollow;
  ExpectBuildError(MakeSpec(d), o, d.Path("out.dtm"), StatusCode::kInvalidArgument,
                   "outside the data root");
}

TEST(BuilderTest, UnselectedLinksAreNotFollowed) {
  TempDir outside;
  outside.Write("secret.txt", "secret");
  TempDir d;
  WriteData(d);
  // No pattern (books/**/*.txt, code/*) selects these or could match under
  // them: never resolved. (A link in books/ could be a folder of .txt files.)
  ASSERT_EQ(symlink(outside.Path("secret.txt").c_str(), d.Path("secret.md").c_str()), 0);
  ASSERT_EQ(symlink("/nonexistent", d.Path("dangling.txt").c_str()), 0);
  ASSERT_EQ(symlink(outside.path().c_str(), d.Path("elsewhere").c_str()), 0);
  BuildOptions o = FixedTime();
  o.symlinks = SymlinkPolicy::kFollow;
  auto r = BuildManifest(MakeSpec(d), o, d.Path("out.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->header.totals().files(), 3u);
  // A link to a folder that a pattern could match under is resolved.
  ASSERT_EQ(symlink(outside.path().c_str(), d.Path("books/more").c_str()), 0);
  ExpectBuildError(MakeSpec(d), o, d.Path("out2.dtm"), StatusCode::kInvalidArgument,
                   "'books/more': symbolic link points outside the data root");
}

TEST(BuilderTest, SelectedLinkToAFolderIsAnErrorByDefault) {
  TempDir outside;
  outside.Write("more.txt", "more");
  TempDir d;
  WriteData(d);
  ASSERT_EQ(symlink(outside.path().c_str(), d.Path("books/more").c_str()), 0);
  ExpectBuildError(MakeSpec(d), FixedTime(), d.Path("out.dtm"), StatusCode::kInvalidArgument,
                   "'books/more' is a symbolic link");
  // One that no pattern could select anything under is not.
  ASSERT_EQ(unlink(d.Path("books/more").c_str()), 0);
  ASSERT_EQ(symlink(outside.path().c_str(), d.Path("elsewhere").c_str()), 0);
  EXPECT_TRUE(BuildManifest(MakeSpec(d), FixedTime(), d.Path("out.dtm")).ok());
}

TEST(BuilderTest, SpecialFileIsAnError) {
  TempDir d;
  WriteData(d);
  ASSERT_EQ(mkfifo(d.Path("code/pipe").c_str(), 0600), 0);
  ExpectBuildError(MakeSpec(d), FixedTime(), d.Path("out.dtm"), StatusCode::kInvalidArgument,
                   "'code/pipe' is a FIFO, a special file, never opened (--skip-special leaves "
                   "them out)");
}

// The sources' records, by id.
std::map<std::string, v1::Source> SourcesOf(const std::string& path) {
  std::map<std::string, v1::Source> out;
  for (const v1::Record& r : ReadRecords(path)) {
    if (r.has_source()) out[r.source().id()] = r.source();
  }
  return out;
}

TEST(BuilderTest, SkippedLinksAndSpecialFilesAreCountedPerSource) {
  TempDir outside;
  outside.Write("secret.txt", "secret");
  TempDir d;
  WriteData(d);
  ASSERT_EQ(symlink("a.txt", d.Path("books/z-link.txt").c_str()), 0);
  ASSERT_EQ(symlink(outside.Path("secret.txt").c_str(), d.Path("books/b-out.txt").c_str()), 0);
  ASSERT_EQ(symlink(outside.path().c_str(), d.Path("books/folder").c_str()), 0);  // a folder link
  ASSERT_EQ(symlink("loop", d.Path("code/loop").c_str()), 0);
  ASSERT_EQ(mkfifo(d.Path("code/pipe").c_str(), 0600), 0);
  ASSERT_EQ(mkfifo(d.Path("code/pipe.tmp").c_str(), 0600), 0);  // excluded: not counted
  ASSERT_EQ(symlink("a.txt", d.Path("notes.md").c_str()), 0);   // selected by nobody
  // A link to a file that no pattern matches is not selected, though a folder
  // of that name could hold .txt files.
  ASSERT_EQ(symlink("a.txt", d.Path("books/notes-link.md").c_str()), 0);
  BuildOptions o = FixedTime();
  o.symlinks = SymlinkPolicy::kSkip;
  ExpectBuildError(MakeSpec(d), o, d.Path("out.dtm"), StatusCode::kInvalidArgument,
                   "'code/pipe' is a FIFO");
  o.skip_special = true;
  auto r = BuildManifest(MakeSpec(d), o, d.Path("out.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->header.totals().files(), 3u);
  auto sources = SourcesOf(d.Path("out.dtm"));
  EXPECT_EQ(sources["books"].skipped().symlinks(), 3u);
  EXPECT_EQ(sources["books"].skipped().special_files(), 0u);
  EXPECT_EQ(sources["books"].skipped().first(), "books/b-out.txt");
  EXPECT_EQ(sources["code"].skipped().symlinks(), 1u);
  EXPECT_EQ(sources["code"].skipped().special_files(), 1u);
  EXPECT_EQ(sources["code"].skipped().first(), "code/loop");
  // The spec's keys give the same build; the options override them.
  BuildSpec spec = MakeSpec(d);
  spec.symlinks = SymlinkPolicy::kSkip;
  spec.skip_special = true;
  auto again = BuildManifest(spec, FixedTime(), d.Path("again.dtm"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(ReadAll(d.Path("again.dtm")), ReadAll(d.Path("out.dtm")));
  BuildOptions strict = FixedTime();
  strict.symlinks = SymlinkPolicy::kError;
  ExpectBuildError(spec, strict, d.Path("strict.dtm"), StatusCode::kInvalidArgument,
                   "is a symbolic link (--symlinks skip");
  // Without anything skipped, the record has no skipped field.
  EXPECT_FALSE(SourcesOf(d.Path("out.dtm")).empty());
  TempDir clean;
  WriteData(clean);
  ASSERT_TRUE(BuildManifest(MakeSpec(clean), o, clean.Path("out.dtm")).ok());
  EXPECT_FALSE(SourcesOf(clean.Path("out.dtm"))["books"].has_skipped());
}

TEST(BuilderTest, NonUtf8NameIsAnError) {
  TempDir d;
  WriteData(d);
  d.Write("books/bad\xff.txt", "x");
  ExpectBuildError(MakeSpec(d), FixedTime(), d.Path("out.dtm"), StatusCode::kInvalidArgument,
                   "books/bad");
}

TEST(BuilderTest, EscapedNamesAreRecordedAndVerifiedAgainstTheirFiles) {
  TempDir d;
  WriteData(d);
  d.Write("books/caf\xe9.txt", "latin-1");
  d.Write("books/new\nline.txt", "newline");
  d.Write("books/back\\slash.txt", "backslash");
  d.Write("books/caf\\xE9.txt", "looks escaped");  // a literal backslash, x, E, 9
  // Refused as they stand; a backslash shown as the escape it would get
  // (which of the names comes first is the walk's order).
  ExpectBuildError(MakeSpec(d), FixedTime(), d.Path("out.dtm"), StatusCode::kInvalidArgument,
                   "\\x5C");
  d.Write(".dtmignore", "*slash.txt\n*\\\\xE9.txt\nnew*\n");
  ExpectBuildError(MakeSpec(d), FixedTime(), d.Path("out.dtm"), StatusCode::kInvalidArgument,
                   "path 'books/caf\\xE9.txt': path is not valid UTF-8 at byte 9");
  ASSERT_EQ(unlink(d.Path(".dtmignore").c_str()), 0);
  BuildOptions o = FixedTime();
  o.file_names = FileNamePolicy::kEscape;
  auto r = BuildManifest(MakeSpec(d), o, d.Path("out.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::map<std::string, std::string> sha_by_path;
  for (const v1::Record& rec : ReadRecords(d.Path("out.dtm"))) {
    if (rec.has_file()) sha_by_path[rec.file().path()] = rec.file().sha256();
  }
  for (const char* p : {"books/caf\\xE9.txt", "books/new\\x0Aline.txt", "books/back\\x5Cslash.txt",
                        "books/caf\\x5CxE9.txt"}) {
    EXPECT_EQ(sha_by_path.count(p), 1u) << p;
  }
  EXPECT_NE(sha_by_path["books/caf\\xE9.txt"], sha_by_path["books/caf\\x5CxE9.txt"]);
  // The spec key gives the same bytes.
  BuildSpec spec = MakeSpec(d);
  spec.file_names = FileNamePolicy::kEscape;
  ASSERT_TRUE(BuildManifest(spec, FixedTime(), d.Path("again.dtm")).ok());
  EXPECT_EQ(ReadAll(d.Path("again.dtm")), ReadAll(d.Path("out.dtm")));
  // verify --data finds each file by its raw name, and sees a change to one.
  auto clean = CheckDataAgainstManifest(d.Path("out.dtm"), d.path(), {});
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_TRUE(clean->ok());
  EXPECT_EQ(clean->files_verified, 7u);
  d.Write("books/caf\xe9.txt", "latin-2");
  auto changed = CheckDataAgainstManifest(d.Path("out.dtm"), d.path(), {});
  ASSERT_TRUE(changed.ok());
  ASSERT_EQ(changed->problems.size(), 1u);
  EXPECT_EQ(changed->problems[0].path, "books/caf\\xE9.txt");
}

TEST(BuilderTest, PathSelectedTwiceInOneSourceIsAnError) {
  TempDir d;
  WriteData(d);
  BuildSpec spec = MakeSpec(d);
  DeclaredFile f;
  f.path = "books/a.txt";
  f.size = 1;
  spec.sources[1].declared.push_back(f);
  ExpectBuildError(spec, FixedTime(), d.Path("out.dtm"), StatusCode::kInvalidArgument,
                   "path 'books/a.txt' is selected twice");
}

TEST(BuilderTest, FileInTwoSourcesIsHashedOnce) {
  TempDir d;
  WriteData(d);
  BuildSpec spec = MakeSpec(d);
  spec.sources[0].include.push_back("books/a.txt");
  auto r = BuildManifest(spec, FixedTime(), d.Path("out.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_hashed, 3u);
  EXPECT_EQ(r->header.totals().files(), 4u);
}

TEST(BuilderTest, DataRootOption) {
  TempDir d;
  TempDir data;
  WriteData(data);
  BuildOptions o = FixedTime();
  o.data_root = data.path();
  auto r = BuildManifest(MakeSpec(d), o, d.Path("out.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->header.totals().files(), 3u);
}

TEST(BuilderTest, CancelledBuildWritesNothing) {
  TempDir d;
  WriteData(d);
  std::atomic<bool> cancel{true};
  BuildOptions o = FixedTime();
  o.cancel = &cancel;
  auto r = BuildManifest(MakeSpec(d), o, d.Path("out.dtm"));
  EXPECT_FALSE(r.ok());
  EXPECT_NE(access(d.Path("out.dtm").c_str(), F_OK), 0);
}

TEST(BuilderTest, PreviousVersionIsChecked) {
  TempDir d;
  WriteData(d);
  ASSERT_TRUE(BuildManifest(MakeSpec(d), FixedTime(), d.Path("v1.dtm")).ok());
  auto v1 = CheckManifest(d.Path("v1.dtm"));
  ASSERT_TRUE(v1.ok());
  BuildSpec spec = MakeSpec(d);
  spec.header.mutable_dataset()->set_version("2");
  spec.previous_manifest = d.Path("v1.dtm");
  auto r = BuildManifest(spec, FixedTime(), d.Path("v2.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->header.previous().version(), "1");
  EXPECT_EQ(r->header.previous().manifest_sha256(), std::string(AsBytes(v1->file_sha256)));
  EXPECT_EQ(r->header.previous().merkle_root(), std::string(AsBytes(v1->merkle_root)));

  std::string damaged = ReadAll(d.Path("v1.dtm"));
  damaged[damaged.size() / 2] ^= 1;
  d.Write("bad.dtm", damaged);
  spec.previous_manifest = d.Path("bad.dtm");
  auto bad = BuildManifest(spec, FixedTime(), d.Path("v3.dtm"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("previous version"), std::string::npos);
}

TEST(BuilderTest, OutputInsideTheDataRootIsNeverSelected) {
  TempDir d;
  WriteData(d);
  BuildSpec spec = MakeSpec(d);
  spec.sources[0].include = {"**"};  // would match the manifest being written
  spec.sources[0].exclude = {};
  d.Write("code/.out.dtm.body.stale", "");  // left by a killed writer
  ASSERT_TRUE(BuildManifest(spec, FixedTime(), d.Path("code/out.dtm")).ok());
  std::string first = ReadAll(d.Path("code/out.dtm"));
  // Again, now that code/out.dtm exists: the same bytes.
  ASSERT_TRUE(BuildManifest(spec, FixedTime(), d.Path("code/out.dtm")).ok());
  EXPECT_EQ(ReadAll(d.Path("code/out.dtm")), first);
  for (const v1::Record& r : ReadRecords(d.Path("code/out.dtm"))) {
    if (!r.has_file()) continue;
    EXPECT_EQ(r.file().path().find("out.dtm"), std::string::npos) << r.file().path();
  }
}

TEST(BuilderTest, ParseCreatedTime) {
  auto a = ParseCreatedTime("2026-01-01T00:00:00Z");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->seconds(), 1767225600);
  auto b = ParseCreatedTime("1767225600");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->seconds(), 1767225600);
  EXPECT_FALSE(ParseCreatedTime("yesterday").ok());
  EXPECT_FALSE(ParseCreatedTime("99999999999999999999").ok());
}

TEST(DataCheckTest, FindsMissingModifiedAndUnexpectedFiles) {
  TempDir d;
  WriteData(d);
  ASSERT_TRUE(BuildManifest(MakeSpec(d), FixedTime(), d.Path("out.dtm")).ok());
  auto clean = CheckDataAgainstManifest(d.Path("out.dtm"), d.path(), {});
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_TRUE(clean->ok());
  EXPECT_EQ(clean->files_verified, 3u);

  d.Write("books/a.txt", "call me ishmaeL");                   // same size, new content
  d.Write("code/main.c", "int main(void) { return 1; }\n\n");  // new size
  ASSERT_EQ(unlink(d.Path("books/deep/b.txt").c_str()), 0);
  auto r = CheckDataAgainstManifest(d.Path("out.dtm"), d.path(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->problem_count, 3u);
  EXPECT_EQ(r->by_source["books"].modified, 1u);
  EXPECT_EQ(r->by_source["books"].missing, 1u);
  EXPECT_EQ(r->by_source["code"].modified, 1u);
  ASSERT_EQ(r->problems.size(), 3u);
  EXPECT_EQ(r->problems[0].kind, DataProblem::Kind::kModified);
  EXPECT_EQ(r->problems[0].path, "books/a.txt");
  // Files on disk that no entry names: notes.md, skip.tmp and the manifest itself.
  EXPECT_EQ(r->unexpected_count, 3u);
}

TEST(DataCheckTest, DeclaredFilesAbsentFromDiskAreNotProblems) {
  TempDir d;
  WriteData(d);
  BuildSpec spec = MakeSpec(d);
  DeclaredFile f;
  f.path = "remote/x.bin";
  f.size = 5;
  spec.sources[0].declared.push_back(f);
  ASSERT_TRUE(BuildManifest(spec, FixedTime(), d.Path("out.dtm")).ok());
  auto r = CheckDataAgainstManifest(d.Path("out.dtm"), d.path(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->declared_absent, 1u);
}

// Names that differ only by Unicode normalisation or case (spec/cli.md,
// "Paths"): two entries, a warning from build, a near miss named by verify.
const std::string kCafeNfc = "caf\xc3\xa9";   // U+00E9
const std::string kCafeNfd = "cafe\xcc\x81";  // e + U+0301

BuildSpec OneSourceSpec(const TempDir& d) {
  BuildSpec spec;
  spec.path = d.Path("dtm.yaml");
  spec.base_dir = d.Path("data");
  spec.header.mutable_dataset()->set_name("fold");
  spec.header.mutable_dataset()->set_version("1");
  spec.header.mutable_publisher()->set_name("Test Lab");
  SourceSpec s;
  s.source.set_id("docs");
  s.source.set_name("Docs");
  s.source.set_modality(v1::MODALITY_TEXT);
  s.source.mutable_license()->set_expression("MIT");
  s.source.mutable_provenance()->set_acquisition(v1::ACQUISITION_METHOD_PUBLIC_DATASET);
  s.include = {"**"};
  s.location = "dtm.yaml:4:3";
  spec.sources = {s};
  return spec;
}

TEST(PathFoldTest, BuildKeepsBothPathsAndWarns) {
  TempDir d;
  d.Write("data/README", "upper");
  d.Write("data/readme", "lower");
  d.Write("data/" + kCafeNfc, "composed");
  d.Write("data/" + kCafeNfd, "decomposed");
  d.Write("data/other", "unrelated");
  auto r = BuildManifest(OneSourceSpec(d), FixedTime(), d.Path("out.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->header.totals().files(), 5u);  // never merged
  EXPECT_EQ(r->path_collision_count, 2u);
  ASSERT_EQ(r->path_collisions.size(), 2u);
  EXPECT_EQ(r->path_collisions[0], std::make_pair(std::string("README"), std::string("readme")));
  EXPECT_EQ(r->path_collisions[1], std::make_pair(kCafeNfd, kCafeNfc));
}

TEST(PathFoldTest, VerifyDataNamesTheNearMissAndDoesNotMatchIt) {
  TempDir d;
  d.Write("data/" + kCafeNfc, "composed");
  d.Write("data/Notes.txt", "notes");
  auto built = BuildManifest(OneSourceSpec(d), FixedTime(), d.Path("out.dtm"));
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(built->path_collision_count, 0u);
  // Copied by a tool that decomposes names, and one that changes case.
  ASSERT_EQ(std::rename(d.Path("data/" + kCafeNfc).c_str(), d.Path("data/" + kCafeNfd).c_str()), 0);
  ASSERT_EQ(std::rename(d.Path("data/Notes.txt").c_str(), d.Path("data/NOTES.TXT").c_str()), 0);
  auto r = CheckDataAgainstManifest(d.Path("out.dtm"), d.Path("data"), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->by_source["docs"].missing, 2u);
  EXPECT_EQ(r->files_verified, 0u);
  EXPECT_EQ(r->unexpected_count, 2u);
  ASSERT_EQ(r->problems.size(), 2u);
  EXPECT_EQ(r->problems[0].path, "Notes.txt");
  EXPECT_NE(r->problems[0].detail.find("the data root has 'NOTES.TXT', which differs only by "
                                       "Unicode normalisation or case"),
            std::string::npos)
      << r->problems[0].detail;
  EXPECT_EQ(r->problems[1].path, kCafeNfc);
  EXPECT_NE(r->problems[1].detail.find("'" + kCafeNfd + "'"), std::string::npos)
      << r->problems[1].detail;
}

}  // namespace
}  // namespace dtm

namespace dtm {
namespace {

TEST(BuilderIgnoreTest, DtmignoreInTheRootAndExcludeFromPerSource) {
  TempDir d;
  WriteData(d);
  d.Write("books/drafts/c.txt", "not yet");
  d.Write("books/keep/d.txt", "kept");
  d.Write(".dtmignore", "# not training data\ndrafts/\n");
  d.Write("code/util.c", "int add(int a, int b);\n");
  d.Write("code.ignore", "*.c\n!main.c\n");
  BuildSpec spec = MakeSpec(d);
  spec.sources[0].exclude_from = {d.Path("code.ignore")};
  auto r = BuildManifest(spec, FixedTime(), d.Path("out.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> paths;
  for (const v1::Record& rec : ReadRecords(d.Path("out.dtm"))) {
    if (rec.has_file()) paths.push_back(rec.file().path());
  }
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "books/drafts/c.txt"), 0);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "books/keep/d.txt"), 1);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "code/util.c"), 0);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "code/main.c"), 1);
  // A .dtmignore in a folder applies there and wins over the root's.
  d.Write("books/.dtmignore", "!drafts/\nkeep/\n");
  d.Write("books/deep/.dtmignore", "*.txt\n");
  r = BuildManifest(spec, FixedTime(), d.Path("nested.dtm"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  paths.clear();
  for (const v1::Record& rec : ReadRecords(d.Path("nested.dtm"))) {
    if (rec.has_file()) paths.push_back(rec.file().path());
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"books/a.txt", "books/drafts/c.txt", "code/main.c"}));
  // verify --data does not call what the .dtmignore files left out unexpected.
  auto check = CheckDataAgainstManifest(d.Path("nested.dtm"), d.path(), {});
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->ok());
  // books/keep/d.txt and books/deep/b.txt are ignored; notes.md, skip.tmp,
  // util.c, the .dtmignore files, code.ignore and the manifests are not.
  EXPECT_EQ(check->ignored_count, 2u);
  EXPECT_EQ(std::count(check->unexpected.begin(), check->unexpected.end(), "books/keep/d.txt"), 0);
  EXPECT_EQ(std::count(check->unexpected.begin(), check->unexpected.end(), "code/util.c"), 1);
  d.Write("books/deep/.dtmignore", "[broken\n");
  ExpectBuildError(spec, FixedTime(), d.Path("out3.dtm"), StatusCode::kInvalidArgument,
                   "books/deep/.dtmignore:1");
  // A bad pattern names the ignore file and its line.
  d.Write(".dtmignore", "ok\n[broken\n");
  ExpectBuildError(MakeSpec(d), FixedTime(), d.Path("out2.dtm"), StatusCode::kInvalidArgument,
                   ".dtmignore:2");
}

}  // namespace
}  // namespace dtm
