// Building and verifying manifests with documents: entries follow their files
// in order whatever order the files are read in, across spool frames; verify
// --data re-derives them and names the first that differs.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <vector>

#include "dtm/builder.h"
#include "dtm/container.h"
#include "dtm/datacheck.h"
#include "dtm/documents.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using testing::TempDir;

constexpr int kFiles = 4;
constexpr int kLines = 15000;  // per file: more than one 1 MiB spool frame of entries

std::string LineText(int file, int line) {
  return "Article " + std::to_string(file) + "." + std::to_string(line) + "\\n  body";
}

BuildSpec JsonlSpec(const TempDir& d) {
  BuildSpec spec;
  spec.path = d.Path("dtm.yaml");
  spec.base_dir = d.path();
  spec.header.mutable_dataset()->set_name("docs");
  spec.header.mutable_dataset()->set_version("1");
  spec.header.mutable_publisher()->set_name("Test Lab");
  SourceSpec news;
  v1::Source& s = news.source;
  s.set_id("news");
  s.set_name("News");
  s.set_modality(v1::MODALITY_TEXT);
  s.mutable_license()->set_expression("MIT");
  s.mutable_license()->set_use_class(v1::USE_CLASS_COMMERCIAL);
  s.mutable_provenance()->set_acquisition(v1::ACQUISITION_METHOD_LICENSED);
  v1::DocumentRule* rule = s.mutable_documents();
  rule->set_format(v1::DocumentRule::FORMAT_JSONL);
  rule->set_id("/id");
  rule->set_url("/url");
  rule->set_text("/text");
  news.include = {"news/*.jsonl"};
  news.location = "dtm.yaml:5:3";
  spec.sources = {news};
  return spec;
}

void WriteCorpus(const TempDir& d) {
  for (int f = 0; f < kFiles; ++f) {
    std::string data;
    // Files of different sizes, so that they finish out of order.
    const int lines = kLines / (f + 1);
    for (int i = 0; i < lines; ++i) {
      data += "{\"id\":\"" + std::to_string(f) + "-" + std::to_string(i) +
              "\",\"url\":\"HTTPS://News.Example/" + std::to_string(f) + "/" + std::to_string(i) +
              "#x\",\"text\":\"" + LineText(f, i) + "\"}\n";
    }
    d.Write("news/part-" + std::to_string(f) + ".jsonl", data);
  }
}

BuildOptions Options() {
  BuildOptions o;
  google::protobuf::Timestamp t;
  t.set_seconds(1767225600);
  o.created = t;
  o.jobs = 2;
  return o;
}

std::vector<v1::Record> ReadRecords(const std::string& path) {
  std::vector<v1::Record> records;
  auto reader = ManifestReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  v1::Record r;
  while (true) {
    auto more = (*reader)->Next(&r);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    records.push_back(r);
  }
  return records;
}

TEST(DocumentsBuildTest, EveryDocumentFollowsItsFileInOrder) {
  TempDir d;
  WriteCorpus(d);
  auto result = BuildManifest(JsonlSpec(d), Options(), d.Path("out.dtm"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  uint64_t expected = 0;
  for (int f = 0; f < kFiles; ++f) expected += kLines / (f + 1);
  EXPECT_EQ(result->documents, expected);
  EXPECT_EQ(result->header.totals().document_entries(), expected);
  const std::vector<v1::Record> records = ReadRecords(d.Path("out.dtm"));
  ASSERT_EQ(records.size(), 1 + kFiles + expected);
  int file = -1, line = 0;
  for (size_t i = 1; i < records.size(); ++i) {
    if (records[i].has_file()) {
      ++file;
      line = 0;
      EXPECT_EQ(records[i].file().path(), "news/part-" + std::to_string(file) + ".jsonl");
      continue;
    }
    const v1::DocumentEntry& doc = records[i].document();
    ASSERT_EQ(doc.path(), "news/part-" + std::to_string(file) + ".jsonl");
    EXPECT_EQ(doc.ordinal(), static_cast<uint64_t>(line));
    EXPECT_EQ(doc.line(), static_cast<uint64_t>(line + 1));
    EXPECT_EQ(doc.id(), std::to_string(file) + "-" + std::to_string(line));
    EXPECT_EQ(doc.url(),
              "https://news.example/" + std::to_string(file) + "/" + std::to_string(line));
    // The text digest is what `hash --document` gives for the text alone.
    const std::string text =
        "Article " + std::to_string(file) + "." + std::to_string(line) + "\n  body";
    auto digest = TextDigest(text);
    ASSERT_TRUE(digest.ok());
    EXPECT_EQ(doc.text_sha256(), std::string(reinterpret_cast<const char*>(digest->data()), 32));
    ++line;
  }
  // The same build again gives the same bytes.
  auto again = BuildManifest(JsonlSpec(d), Options(), d.Path("again.dtm"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(testing::ReadAll(d.Path("out.dtm")), testing::ReadAll(d.Path("again.dtm")));
}

// Rewrites `in` to `out` with `edit` applied to the records (which may drop,
// change or add), as a builder with another rule would have written them.
void Rewrite(const std::string& in, const std::string& out,
             const std::function<void(std::vector<v1::Record>*)>& edit) {
  std::vector<v1::Record> records = ReadRecords(in);
  edit(&records);
  auto reader = ManifestReader::Open(in);
  ASSERT_TRUE(reader.ok());
  v1::Header header = (*reader)->header();
  auto writer = ManifestWriter::Create(out);
  ASSERT_TRUE(writer.ok());
  for (const v1::Record& r : records) ASSERT_TRUE((*writer)->Add(r).ok());
  ASSERT_TRUE((*writer)->Finish(header).ok());
}

TEST(DocumentsBuildTest, VerifyDataReDerivesDocumentsAndNamesTheFirstDifference) {
  TempDir d;
  WriteCorpus(d);
  ASSERT_TRUE(BuildManifest(JsonlSpec(d), Options(), d.Path("out.dtm")).ok());
  DataCheckOptions options;
  options.jobs = 2;
  auto clean = CheckDataAgainstManifest(d.Path("out.dtm"), d.path(), options);
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_TRUE(clean->ok());
  uint64_t expected = 0;
  for (int f = 0; f < kFiles; ++f) expected += kLines / (f + 1);
  EXPECT_EQ(clean->documents_verified, expected);

  struct Case {
    std::function<void(std::vector<v1::Record>*)> edit;
    std::string detail;
  } cases[] = {
      {[](std::vector<v1::Record>* r) {
         (*r)[2 + 5].mutable_document()->set_text_sha256(std::string(32, 'x'));
       },
       "document 5 (line 6): text_sha256 7878787878787878787878787878787878787878787878787878787878"
       "787878 -> "},
      {[](std::vector<v1::Record>* r) {
         (*r)[2 + 7].mutable_document()->set_url("https://a.example/");
       },
       "document 7 (line 8): url 'https://a.example/' -> 'https://news.example/0/7'"},
      {[](std::vector<v1::Record>* r) { r->erase(r->begin() + 2 + kLines - 1); },
       "document 14999 (line 15000) is not in the manifest"},
      {[](std::vector<v1::Record>* r) {
         v1::Record extra = (*r)[2 + kLines - 1];
         extra.mutable_document()->set_ordinal(kLines);
         r->insert(r->begin() + 2 + kLines, extra);
       },
       "document 15000 (line 15000) is not in the file"},
  };
  for (const Case& c : cases) {
    Rewrite(d.Path("out.dtm"), d.Path("edited.dtm"), c.edit);
    auto report = CheckDataAgainstManifest(d.Path("edited.dtm"), d.path(), options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_EQ(report->problem_count, 1u) << c.detail;
    const DataProblem& p = report->problems[0];
    EXPECT_EQ(p.kind, DataProblem::Kind::kDocuments);
    EXPECT_EQ(p.path, "news/part-0.jsonl");
    EXPECT_TRUE(p.detail.starts_with(c.detail)) << p.detail;
    // The other files' documents still verify.
    EXPECT_EQ(report->documents_verified, expected - kLines);
  }
}

TEST(DocumentsBuildTest, ADeclaredFileInASourceWithARuleIsAnError) {
  TempDir d;
  WriteCorpus(d);
  BuildSpec spec = JsonlSpec(d);
  DeclaredFile f;
  f.path = "elsewhere.jsonl";
  spec.sources[0].declared.push_back(f);
  auto result = BuildManifest(spec, Options(), d.Path("out.dtm"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "dtm.yaml:5:3: source 'news': file 'elsewhere.jsonl' is declared, not read, so its "
            "documents cannot be found (data.documents)");
}

}  // namespace
}  // namespace dtm

namespace dtm {
namespace {

// A source whose files are declared and whose documents come from a listing.
BuildSpec ListingSpec(const testing::TempDir& d, const std::string& listing) {
  BuildSpec spec = JsonlSpec(d);
  SourceSpec& s = spec.sources[0];
  s.source.clear_documents();
  s.include.clear();
  for (const char* path : {"p/a.parquet", "p/b.parquet"}) {
    DeclaredFile f;
    f.path = path;
    f.size = 100;
    s.declared.push_back(f);
  }
  d.Write("docs.jsonl", listing);
  s.document_listing = d.Path("docs.jsonl");
  return spec;
}

const char kDigest[] = "1111111111111111111111111111111111111111111111111111111111111111";

std::string ListingLine(const std::string& path, const std::string& extra = "") {
  return "{\"path\": \"" + path + "\", \"size\": 5, \"sha256\": \"" + kDigest + "\"" + extra +
         "}\n";
}

TEST(DocumentListingTest, DeclaredDocumentsFollowTheirFiles) {
  testing::TempDir d;
  const std::string listing =
      ListingLine("p/a.parquet", ", \"id\": \"x\", \"url\": \"HTTP://A.example/1\"") +
      ListingLine("p/a.parquet") + ListingLine("p/b.parquet", ", \"ordinal\": 7, \"line\": 3");
  auto result = BuildManifest(ListingSpec(d, listing), Options(), d.Path("out.dtm"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->documents, 3u);
  EXPECT_EQ(result->documents_declared, 3u);
  const std::vector<v1::Record> records = ReadRecords(d.Path("out.dtm"));
  ASSERT_EQ(records.size(), 1u + 2 + 3);
  EXPECT_TRUE(records[1].has_file());
  EXPECT_EQ(records[2].document().ordinal(), 0u);
  EXPECT_EQ(records[2].document().url(), "http://a.example/1");
  EXPECT_EQ(records[2].document().origin(), v1::FileEntry::ORIGIN_DECLARED);
  EXPECT_EQ(records[3].document().ordinal(), 1u);  // the next of its path
  EXPECT_TRUE(records[4].has_file());
  EXPECT_EQ(records[5].document().ordinal(), 7u);
  EXPECT_EQ(records[5].document().line(), 3u);
}

TEST(DocumentListingTest, BadListingsNameTheLine) {
  struct Case {
    std::string listing;
    std::string message;
  } cases[] = {
      {ListingLine("p/b.parquet") + ListingLine("p/a.parquet"),
       "docs.jsonl:2: out of order: lines go by path (bytes), then ordinal, strictly increasing"},
      {ListingLine("p/a.parquet", ", \"ordinal\": 3") +
           ListingLine("p/a.parquet", ", \"ordinal\": 3"),
       "docs.jsonl:2: out of order: lines go by path (bytes), then ordinal, strictly increasing"},
      {ListingLine("p/c.parquet"),
       "docs.jsonl:1: document of 'p/c.parquet', which source 'news' has no file at"},
      {ListingLine("p/a.parquet") + ListingLine("p/aa.parquet"),
       "docs.jsonl:2: document of 'p/aa.parquet', which source 'news' has no file at"},
      {"{\"path\": \"p/a.parquet\", \"size\": 5}\n", "docs.jsonl:1: sha256: missing"},
      {"{\"path\": \"p/a.parquet\", \"size\": 5, \"sha256\": \"zz\"}\n",
       "docs.jsonl:1: sha256: is not 64 hex digits"},
      {"[1]\n", "docs.jsonl:1: not a JSON object"},
      {ListingLine("p/a.parquet", ", \"colour\": 1"), "docs.jsonl:1: unknown member 'colour'"},
      {ListingLine("../x"), "docs.jsonl:1: path: "},
      {ListingLine("p/a.parquet", ", \"url\": \"nope\""),
       "docs.jsonl:1: URL 'nope': is not an absolute URL (no scheme)"},
  };
  for (const Case& c : cases) {
    testing::TempDir d;
    auto result = BuildManifest(ListingSpec(d, c.listing), Options(), d.Path("out.dtm"));
    ASSERT_FALSE(result.ok()) << c.listing;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << c.listing;
    const std::string message = result.status().message();
    const std::string tail = message.substr(message.find("docs.jsonl"));
    EXPECT_TRUE(tail.starts_with(c.message)) << c.listing << " gave " << message;
    EXPECT_FALSE(std::filesystem::exists(d.Path("out.dtm")));
  }
}

}  // namespace
}  // namespace dtm
