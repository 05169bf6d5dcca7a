// DiffManifests: file changes (added, removed, modified, renamed), the
// streaming merge on large manifests, and damaged inputs.
#include "dtm/diff.h"

#include <gtest/gtest.h>

#include <google/protobuf/stubs/logging.h>

#include <functional>

#include "container/container_test_util.h"
#include "diff/diff_test_util.h"

namespace dtm {
namespace {

using diff_test::BaseManifest;
using diff_test::Diff;
using diff_test::Paths;
using diff_test::TestManifest;

TEST(DiffFilesTest, FilesAddedRemovedModifiedRenamed) {
  TestManifest v2 = BaseManifest();
  v2.AddFile("web", "4.html", "four");         // added
  v2.RemoveFile("web", "1.html");              // removed
  v2.AddFile("web", "2.html", "two, edited");  // modified: digest and size
  v2.RemoveFile("web", "3.html");              // renamed: same content, new path
  v2.AddFile("web", "archive/3.html", "three");
  v2.File("books", "a.txt").set_origin(v1::FileEntry::ORIGIN_DECLARED);  // modified: origin
  const DiffResult d = Diff(BaseManifest(), v2);
  ASSERT_EQ(d.files.size(), 2u);
  const SourceFileChanges& books = d.files[0];
  ASSERT_EQ(books.modified.size(), 1u);
  EXPECT_EQ(books.modified[0].before.origin, v1::FileEntry::ORIGIN_HASHED);
  EXPECT_EQ(books.modified[0].after.origin, v1::FileEntry::ORIGIN_DECLARED);
  const SourceFileChanges& web = d.files[1];
  EXPECT_EQ(web.source_id, "web");
  EXPECT_EQ(Paths(web.added), (std::vector<std::string>{"4.html"}));
  EXPECT_EQ(Paths(web.removed), (std::vector<std::string>{"1.html"}));
  ASSERT_EQ(web.modified.size(), 1u);
  EXPECT_EQ(web.modified[0].before.path, "2.html");
  EXPECT_EQ(web.modified[0].before.size, 3u);
  EXPECT_EQ(web.modified[0].after.size, 11u);
  EXPECT_EQ(web.modified[0].after.sha256, Sha256Of("two, edited"));
  ASSERT_EQ(web.renamed.size(), 1u);
  EXPECT_EQ(web.renamed[0].before.path, "3.html");
  EXPECT_EQ(web.renamed[0].after.path, "archive/3.html");
  EXPECT_EQ(web.renamed[0].after.sha256, Sha256Of("three"));
  EXPECT_EQ(web.files.before, 3u);
  EXPECT_EQ(web.files.after, 3u);
  EXPECT_EQ(web.bytes.before, 11u);
  EXPECT_EQ(web.bytes.after, 4u + 11u + 5u);
  EXPECT_TRUE(d.sources_changed.empty());
}

TEST(DiffFilesTest, RenamedAndEditedIsARemovalAndAnAddition) {
  TestManifest v2 = BaseManifest();
  v2.RemoveFile("web", "3.html");
  v2.AddFile("web", "archive/3.html", "three, edited");
  const DiffResult d = Diff(BaseManifest(), v2);
  ASSERT_EQ(d.files.size(), 1u);
  EXPECT_TRUE(d.files[0].renamed.empty());
  EXPECT_EQ(Paths(d.files[0].removed), (std::vector<std::string>{"3.html"}));
  EXPECT_EQ(Paths(d.files[0].added), (std::vector<std::string>{"archive/3.html"}));
}

TEST(DiffFilesTest, SameDigestButOtherSizeIsNotARename) {
  TestManifest v2 = BaseManifest();
  v2.RemoveFile("web", "3.html");
  v2.AddFile("web", "x.html", "three", 999);
  const DiffResult d = Diff(BaseManifest(), v2);
  ASSERT_EQ(d.files.size(), 1u);
  EXPECT_TRUE(d.files[0].renamed.empty());
  EXPECT_EQ(d.files[0].added.size(), 1u);
  EXPECT_EQ(d.files[0].removed.size(), 1u);
}

TEST(DiffFilesTest, AFileMovedToAnotherSourceIsRemovedThereAndAddedHere) {
  TestManifest v2 = BaseManifest();
  v2.RemoveFile("web", "3.html");
  v2.AddFile("books", "3.html", "three");
  const DiffResult d = Diff(BaseManifest(), v2);
  ASSERT_EQ(d.files.size(), 2u);
  EXPECT_EQ(d.files[0].source_id, "books");
  EXPECT_EQ(Paths(d.files[0].added), (std::vector<std::string>{"3.html"}));
  EXPECT_EQ(d.files[1].source_id, "web");
  EXPECT_EQ(Paths(d.files[1].removed), (std::vector<std::string>{"3.html"}));
  EXPECT_TRUE(d.files[0].renamed.empty() && d.files[1].renamed.empty());
}

TEST(DiffFilesTest, DuplicateContentRenamesPairInPathOrder) {
  TestManifest v1 = BaseManifest(), v2 = BaseManifest();
  for (const char* p : {"d/1", "d/2", "d/3"}) v1.AddFile("web", p, "same");
  for (const char* p : {"e/1", "e/2"}) v2.AddFile("web", p, "same");
  const DiffResult d = Diff(v1, v2);
  ASSERT_EQ(d.files.size(), 1u);
  ASSERT_EQ(d.files[0].renamed.size(), 2u);
  EXPECT_EQ(d.files[0].renamed[0].before.path, "d/1");
  EXPECT_EQ(d.files[0].renamed[0].after.path, "e/1");
  EXPECT_EQ(d.files[0].renamed[1].before.path, "d/2");
  EXPECT_EQ(d.files[0].renamed[1].after.path, "e/2");
  EXPECT_EQ(Paths(d.files[0].removed), (std::vector<std::string>{"d/3"}));
  EXPECT_TRUE(d.files[0].added.empty());
}

TEST(DiffFilesTest, PathsCompareAsBytes) {
  // "Z" (0x5a) < "a" (0x61) < "\xc3\xa9" (é): byte order, not locale order.
  TestManifest v1 = BaseManifest(), v2 = BaseManifest();
  v1.AddFile("web", "Z", "z");
  v1.AddFile("web", "\xc3\xa9", "e");
  v2.AddFile("web", "Z", "z");
  v2.AddFile("web", "a", "a");
  v2.AddFile("web", "\xc3\xa9", "e");
  const DiffResult d = Diff(v1, v2);
  ASSERT_EQ(d.files.size(), 1u);
  EXPECT_EQ(Paths(d.files[0].added), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(d.files[0].removed.empty() && d.files[0].modified.empty());
}

// A damaged manifest is an error naming it, never a difference: checked for
// either side, for every truncation and every flipped byte.
TEST(DiffFilesTest, EveryTruncationOrFlippedByteIsAnErrorNamingTheFile) {
  testing::TempDir dir;
  BaseManifest().Write(dir.Path("good.dtm"));
  const std::string good = dir.Path("good.dtm");
  const std::string bad = dir.Path("bad.dtm");
  const std::string full = testing::ReadAll(good);
  google::protobuf::LogSilencer quiet;  // damaged strings make protobuf log invalid UTF-8
  auto expect_error = [&](const std::string& what) {
    for (bool bad_first : {false, true}) {
      auto d = bad_first ? DiffManifests(bad, good) : DiffManifests(good, bad);
      ASSERT_FALSE(d.ok()) << what;
      EXPECT_TRUE(d.status().code() == StatusCode::kCorruption ||
                  d.status().code() == StatusCode::kLimitExceeded)
          << what << ": " << d.status().ToString();
      EXPECT_EQ(d.status().message().rfind(bad + ":", 0), 0u)
          << what << ": " << d.status().message();
    }
  };
  for (size_t len = 0; len < full.size(); len += 3) {
    dir.Write("bad.dtm", full.substr(0, len));
    expect_error("truncated to " + std::to_string(len));
  }
  for (size_t i = 0; i < full.size(); ++i) {
    std::string damaged = full;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    dir.Write("bad.dtm", damaged);
    expect_error("byte " + std::to_string(i) + " flipped");
  }
}

TEST(DiffFilesTest, MissingFileIsNotFound) {
  testing::TempDir dir;
  BaseManifest().Write(dir.Path("v1.dtm"));
  auto d = DiffManifests(dir.Path("v1.dtm"), dir.Path("none.dtm"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound) << d.status().ToString();
  EXPECT_NE(d.status().message().find("none.dtm"), std::string::npos);
}

// Well-framed manifests whose content breaks the rules: a header that does not
// match its records, and records out of canonical order.
TEST(DiffFilesTest, InconsistentManifestsAreCorrupt) {
  testing::TempDir dir;
  BaseManifest().Write(dir.Path("good.dtm"));
  const std::vector<v1::Record> records = test::MinimalRecords();
  struct Case {
    const char* name;
    std::function<void(test::CraftedManifest*)> edit;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"totals",
       [&](test::CraftedManifest* m) {
         v1::Header h = test::HeaderFor(records);
         h.mutable_totals()->set_bytes(h.totals().bytes() + 1);
         m->header = test::SerializeDeterministic(h);
       },
       "header.totals.bytes is 69 but the records give 68"},
      {"merkle root",
       [&](test::CraftedManifest* m) {
         v1::Header h = test::HeaderFor(records);
         h.set_merkle_root(std::string(32, '\x07'));
         m->header = test::SerializeDeterministic(h);
       },
       "header.merkle_root is 0707070707070707070707070707070707070707070707070707070707070707 but "
       "the records give "},
      {"order",
       [&](test::CraftedManifest* m) {
         std::vector<v1::Record> swapped = records;
         std::swap(swapped[2], swapped[3]);  // two files of "books", paths out of order
         *m = test::CraftedOf(swapped);
       },
       "record 3"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    test::CraftedManifest m = test::CraftedOf(records);
    c.edit(&m);
    const std::string bad = dir.Write("bad.dtm", m.Build());
    for (bool bad_first : {false, true}) {
      auto d = bad_first ? DiffManifests(bad, dir.Path("good.dtm"))
                         : DiffManifests(dir.Path("good.dtm"), bad);
      ASSERT_FALSE(d.ok());
      EXPECT_EQ(d.status().code(), StatusCode::kCorruption) << d.status().ToString();
      EXPECT_EQ(d.status().message().rfind(bad + ":", 0), 0u) << d.status().message();
      EXPECT_NE(d.status().message().find(c.message), std::string::npos) << d.status().message();
    }
  }
}

// 100,000 files in 4 sources, 2% of them changed: the result holds exactly the
// changes, whatever the size of the manifests.
TEST(DiffFilesTest, LargeManifestsHoldOnlyTheChanges) {
  constexpr int kFiles = 100000;
  TestManifest v1 = BaseManifest();
  v1.files.clear();
  for (const char* id : {"s0", "s1"}) v1.AddSource(test::MakeSource(id));
  auto source_of = [](int i) {
    return std::vector<std::string>{"books", "s0", "s1", "web"}[i % 4];
  };
  auto path_of = [](int i) { return "dir" + std::to_string(i % 97) + "/f" + std::to_string(i); };
  for (int i = 0; i < kFiles; ++i) {
    v1.AddFile(source_of(i), path_of(i), "content " + std::to_string(i), 100 + i % 1000);
  }
  TestManifest v2 = v1;
  uint64_t added = 0, removed = 0, modified = 0, renamed = 0;
  for (int i = 0; i < kFiles; i += 50) {  // 2,000 changes, 500 of each kind
    switch ((i / 50) % 4) {
      case 0:
        v2.AddFile(source_of(i), path_of(i) + ".new", "new " + std::to_string(i));
        ++added;
        break;
      case 1:
        v2.RemoveFile(source_of(i), path_of(i));
        ++removed;
        break;
      case 2:
        v2.AddFile(source_of(i), path_of(i), "edited " + std::to_string(i));
        ++modified;
        break;
      case 3: {
        const v1::FileEntry f = v2.File(source_of(i), path_of(i));
        v2.RemoveFile(source_of(i), path_of(i));
        v2.files[{source_of(i), "moved/" + path_of(i)}] = f;
        v2.File(source_of(i), "moved/" + path_of(i)).set_path("moved/" + path_of(i));
        ++renamed;
        break;
      }
    }
  }
  const DiffResult d = Diff(v1, v2);
  uint64_t got_added = 0, got_removed = 0, got_modified = 0, got_renamed = 0;
  for (const SourceFileChanges& s : d.files) {
    got_added += s.added.size();
    got_removed += s.removed.size();
    got_modified += s.modified.size();
    got_renamed += s.renamed.size();
  }
  EXPECT_EQ(got_added, added);
  EXPECT_EQ(got_removed, removed);
  EXPECT_EQ(got_modified, modified);
  EXPECT_EQ(got_renamed, renamed);
  EXPECT_EQ(added + removed + modified + renamed, 2000u);
  EXPECT_EQ(d.totals.files.before, static_cast<uint64_t>(kFiles));
  EXPECT_EQ(d.totals.files.change(), static_cast<int64_t>(added - removed));
  EXPECT_TRUE(d.sources_changed.empty());
}

}  // namespace
}  // namespace dtm
