// dtm init --scan: a first spec for a folder, refused by the builder until
// its TODOs are filled, then built (spec/cli.md, "dtm init").
#include "dtm/scan.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dtm/builder.h"
#include "dtm/buildspec.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using testing::ReadAll;
using testing::TempDir;

// A folder as a newcomer has one: text and images, a repository's .git, a
// link, a FIFO, a name that is not UTF-8 and a file at the top.
void WriteTree(const TempDir& d) {
  d.Write("books/a.txt", "call me ishmael\n");
  d.Write("books/b.txt", "it is a truth universally acknowledged\n");
  d.Write("photos/x.png", std::string(4000, 'p'));
  d.Write("photos/y.jpg", std::string(3000, 'j'));
  d.Write("photos/notes.txt", "a caption\n");
  d.Write("code/main.py", "print('hi')\n");
  d.Write("code/.git/HEAD", "ref: refs/heads/main\n");
  d.Write(".git/config", "[core]\n");
  d.Write("README", "about this folder\n");
  d.Write("books/caf\xe9.txt", "latin-1 name\n");
  ASSERT_EQ(symlink("a.txt", d.Path("books/link.txt").c_str()), 0);
  ASSERT_EQ(mkfifo(d.Path("code/pipe").c_str(), 0600), 0);
}

// Fills every TODO of a scanned spec with a plausible value.
std::string FillTodos(std::string spec) {
  const std::pair<const char*, const char*> fills[] = {
      {"version: TODO", "version: \"1\""},
      {"name: TODO", "name: Lab data"},
      {"description: TODO", "description: Data of the lab."},
      {"contact: TODO", "contact: data@lab.example"},
      {"content_types: [TODO]", "content_types: [lab notes]"},
      {"expression: TODO", "expression: MIT"},
      {"claim_source: TODO", "claim_source: author"},
      {"acquisition: TODO", "acquisition: human_written"},
      {"symlinks: TODO", "symlinks: skip"},
  };
  for (const auto& [from, to] : fills) {
    const std::string f = from;
    for (size_t at = spec.find(f); at != std::string::npos; at = spec.find(f, at)) {
      spec.replace(at, f.size(), to);
    }
  }
  return spec;
}

TEST(ScanTest, ProposesOneSourcePerTopLevelFolderWithWhatItMeasured) {
  TempDir d;
  WriteTree(d);
  auto r = ScanDataFolder(d.path(), "my lab data");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->sources.size(), 4u);  // books, code, photos, top-level-files; not .git
  EXPECT_EQ(r->sources[0].id, "books");
  EXPECT_EQ(r->sources[0].modality, "text");
  EXPECT_EQ(r->sources[0].files, 3u);  // caf\xE9.txt too: it is recorded escaped
  EXPECT_EQ(r->sources[0].symlinks, 1u);
  EXPECT_EQ(r->sources[0].bad_names, 1u);
  EXPECT_EQ(r->sources[0].media_types, std::vector<std::string>{"text/plain"});
  EXPECT_EQ(r->sources[1].id, "code");
  EXPECT_EQ(r->sources[1].modality, "code");
  EXPECT_EQ(r->sources[1].special_files, 1u);
  EXPECT_EQ(r->sources[1].vcs_folders, 1u);
  EXPECT_EQ(r->sources[2].id, "photos");
  EXPECT_EQ(r->sources[2].modality, "image");  // by bytes, not by count
  EXPECT_EQ(r->sources[2].media_types,
            (std::vector<std::string>{"image/png", "image/jpeg", "text/plain"}));
  EXPECT_EQ(r->sources[3].id, "top-level-files");
  EXPECT_EQ(r->sources[3].pattern, "*");
  EXPECT_EQ(r->files, 8u);
  EXPECT_NE(r->spec_text.find("\nfile_names: escape\n"), std::string::npos);
  EXPECT_NE(r->spec_text.find("symlinks: TODO"), std::string::npos);
  EXPECT_NE(r->spec_text.find("special_files: skip"), std::string::npos);
  EXPECT_NE(r->spec_text.find("exclude: [\"**/.git/**\""), std::string::npos);
  EXPECT_NE(r->spec_text.find("name: \"my-lab-data\""), std::string::npos);
  EXPECT_GT(r->todos, 20u);
}

TEST(ScanTest, BuildRefusesTheTodosThenBuildsTheFilledSpec) {
  TempDir d;
  WriteTree(d);
  auto r = WriteScannedSpec(d.path(), d.Path("dtm.yaml"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto refused = LoadBuildSpec(d.Path("dtm.yaml"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("dataset.version: still TODO: fill it in"),
            std::string::npos)
      << refused.status().message();
  // Never overwritten.
  EXPECT_EQ(WriteScannedSpec(d.path(), d.Path("dtm.yaml")).status().code(),
            StatusCode::kInvalidArgument);
  d.Write("dtm.yaml", FillTodos(ReadAll(d.Path("dtm.yaml"))));
  auto spec = LoadBuildSpec(d.Path("dtm.yaml"));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString() << "\n" << ReadAll(d.Path("dtm.yaml"));
  auto built = BuildManifest(*spec, BuildOptions(), d.Path("data.dtm"));
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  // books: a.txt b.txt caf\xE9.txt; code: main.py; photos: 3; top level: README.
  EXPECT_EQ(built->header.totals().files(), 8u);
  // Without the spec's `file_names: escape`, the name stops the build, shown escaped.
  const std::string filled = ReadAll(d.Path("dtm.yaml"));
  d.Write("dtm.yaml", filled.substr(0, filled.find("file_names: escape")) +
                          filled.substr(filled.find("file_names: escape") + 18));
  spec = LoadBuildSpec(d.Path("dtm.yaml"));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto refused_name = BuildManifest(*spec, BuildOptions(), d.Path("data2.dtm"));
  ASSERT_FALSE(refused_name.ok());
  EXPECT_NE(refused_name.status().message().find(
                "path 'books/caf\\xE9.txt': path is not valid UTF-8 at byte 9 (file_names: "
                "escape records such names escaped)"),
            std::string::npos)
      << refused_name.status().message();
}

TEST(ScanTest, ManyTopLevelFoldersBecomeOneSource) {
  TempDir d;
  for (int i = 0; i < 70; ++i) d.Write("shard-" + std::to_string(i) + "/part.jsonl", "{}\n");
  auto r = ScanDataFolder(d.path(), "shards");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->sources.size(), 1u);
  EXPECT_EQ(r->sources[0].pattern, "**");
  EXPECT_EQ(r->sources[0].files, 70u);
  EXPECT_EQ(r->sources[0].media_types, std::vector<std::string>{"application/x-ndjson"});
}

TEST(ScanTest, AFolderNamedInLatin1GetsAPatternThatMatchesIt) {
  TempDir d;
  d.Write("caf\xe9/a.txt", "x");
  d.Write("b*c/a.txt", "x");
  auto r = ScanDataFolder(d.path(), "x");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->sources.size(), 2u);
  EXPECT_EQ(r->sources[0].pattern, "b\\*c/**");
  EXPECT_EQ(r->sources[1].pattern, "caf?/**");
  EXPECT_EQ(r->bad_names, 1u);
}

TEST(ScanTest, NotAFolderIsAnError) {
  TempDir d;
  d.Write("file", "x");
  EXPECT_EQ(ScanDataFolder(d.Path("file"), "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ScanDataFolder(d.Path("none"), "x").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace dtm
