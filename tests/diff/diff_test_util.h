// Manifests for the diff tests: built in memory, edited, written with
// ManifestWriter in canonical order.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dtm/container.h"
#include "dtm/diff.h"
#include "dtm/digest.h"
#include "testing/temp_dir.h"
#include "testing/test_records.h"

namespace dtm::diff_test {

struct TestManifest {
  v1::Header header;
  std::map<std::string, v1::Source> sources;
  // Keyed by (source id, path): std::map orders them as the canonical order does.
  std::map<std::pair<std::string, std::string>, v1::FileEntry> files;
  // The documents of each file, written after it in this order.
  std::map<std::pair<std::string, std::string>, std::vector<v1::DocumentEntry>> documents;

  // A document of file (source, path) with id `id` (none if empty) whose bytes
  // are `content`; ordinals follow the file's documents so far.
  void AddDocument(const std::string& source, const std::string& path, const std::string& id,
                   const std::string& content) {
    auto& list = documents[{source, path}];
    v1::DocumentEntry d = test::MakeDocument(source, path, list.size()).document();
    d.set_id(id);
    d.set_size(content.size());
    d.set_sha256(std::string(AsBytes(Sha256Of(content))));
    list.push_back(d);
  }

  void AddSource(const v1::Record& record) { sources[record.source().id()] = record.source(); }
  // A file whose digest is the SHA-256 of `content` and whose size is `size`.
  void AddFile(const std::string& source, const std::string& path, const std::string& content,
               uint64_t size = 0) {
    v1::FileEntry f = test::MakeFile(source, path).file();
    f.set_size(size ? size : content.size());
    f.set_sha256(std::string(AsBytes(Sha256Of(content))));
    files[{source, path}] = f;
  }
  v1::FileEntry& File(const std::string& source, const std::string& path) {
    return files.at({source, path});
  }
  void RemoveFile(const std::string& source, const std::string& path) {
    files.erase({source, path});
  }

  // Writes the manifest to `path`; returns the header as written.
  v1::Header Write(const std::string& path) const {
    auto writer = ManifestWriter::Create(path);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    if (!writer.ok()) return {};
    v1::Record record;
    for (const auto& [id, source] : sources) {
      *record.mutable_source() = source;
      EXPECT_TRUE((*writer)->Add(record).ok()) << id;
    }
    for (const auto& [key, file] : files) {
      *record.mutable_file() = file;
      EXPECT_TRUE((*writer)->Add(record).ok()) << key.second;
      auto docs = documents.find(key);
      if (docs == documents.end()) continue;
      for (const v1::DocumentEntry& d : docs->second) {
        *record.mutable_document() = d;
        EXPECT_TRUE((*writer)->Add(record).ok()) << key.second << " " << d.ordinal();
      }
    }
    auto written = (*writer)->Finish(header);
    EXPECT_TRUE(written.ok()) << written.status().ToString();
    return written.ok() ? *written : v1::Header{};
  }
};

// Two sources, five files: "books" (non-commercial, public dataset) and "web"
// (commercial, crawled).
inline TestManifest BaseManifest() {
  TestManifest m;
  m.header.mutable_dataset()->set_name("acme-pretrain");
  m.header.mutable_dataset()->set_version("2025.06");
  m.header.mutable_publisher()->set_name("Acme Labs");
  m.header.mutable_created()->set_seconds(1751241600);  // 2025-06-30
  m.AddSource(test::MakeSource("books", v1::USE_CLASS_NON_COMMERCIAL,
                               v1::ACQUISITION_METHOD_PUBLIC_DATASET, v1::MODALITY_TEXT, 1000));
  m.AddSource(test::MakeSource("web", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_CRAWLED,
                               v1::MODALITY_TEXT, 5000));
  m.AddFile("books", "a.txt", "alpha");
  m.AddFile("books", "b.txt", "bravo");
  m.AddFile("web", "1.html", "one");
  m.AddFile("web", "2.html", "two");
  m.AddFile("web", "3.html", "three");
  return m;
}

// Writes both manifests into `dir` as v1.dtm and v2.dtm and diffs them.
inline StatusOr<DiffResult> WriteAndDiff(const testing::TempDir& dir, const TestManifest& before,
                                         const TestManifest& after,
                                         const DiffOptions& options = {}) {
  before.Write(dir.Path("v1.dtm"));
  after.Write(dir.Path("v2.dtm"));
  return DiffManifests(dir.Path("v1.dtm"), dir.Path("v2.dtm"), options);
}

// WriteAndDiff in a fresh temporary folder; a failure fails the test.
inline DiffResult Diff(const TestManifest& before, const TestManifest& after,
                       const DiffOptions& options = {}) {
  testing::TempDir dir;
  auto diff = WriteAndDiff(dir, before, after, options);
  EXPECT_TRUE(diff.ok()) << diff.status().ToString();
  return diff.ok() ? *diff : DiffResult{};
}

inline std::vector<std::string> Paths(const std::vector<FileVersion>& files) {
  std::vector<std::string> out;
  for (const FileVersion& f : files) out.push_back(f.path);
  return out;
}

}  // namespace dtm::diff_test
