// spec/vectors/diff: two small manifests with one change of every kind, and
// the JSON diff of them (spec/diff.md). The manifests are made here; the tests
// check that the committed files are exactly what this code makes and that
// diffing them gives diff.json. DTM_UPDATE_DIFF_VECTORS=1 rewrites the files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "diff/diff_test_util.h"
#include "dtm/diff.h"
#include "dtm/file_io.h"

namespace dtm {
namespace {

using diff_test::TestManifest;

const std::string kDir = std::string(DTM_SOURCE_DIR) + "/spec/vectors/diff/";

int64_t Day(int y, int m, int d) {  // days from civil (Howard Hinnant), as Unix seconds
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (static_cast<int64_t>(era) * 146097 + doe - 719468) * 86400;
}

v1::Source Source(const std::string& id, const std::string& name, const std::string& license,
                  v1::UseClass use, v1::AcquisitionMethod acquisition, uint64_t tokens) {
  v1::Source s = test::MakeSource(id, use, acquisition, v1::MODALITY_TEXT, tokens).source();
  s.set_name(name);
  s.mutable_license()->set_expression(license);
  if (tokens > 0) s.mutable_counts()->set_tokenizer("acme-bpe-32k");
  return s;
}

v1::OptOutObservation Observation(v1::OptOutMechanism mechanism, const std::string& value,
                                  int64_t at, v1::Answer reserved) {
  v1::OptOutObservation o;
  o.set_mechanism(mechanism);
  o.set_scope("web.example");
  o.set_observed_value(value);
  o.mutable_observed_at()->set_seconds(at);
  o.set_reserved(reserved);
  return o;
}

TestManifest Before() {
  TestManifest m;
  v1::Header& h = m.header;
  h.mutable_dataset()->set_name("acme-mini");
  h.mutable_dataset()->set_version("2025.06");
  h.mutable_publisher()->set_name("Acme AI");
  h.mutable_created()->set_seconds(Day(2025, 6, 30));
  h.mutable_tool()->set_name("dtm");
  h.mutable_tool()->set_version("vector");
  h.add_models()->set_name("acme-7b");
  h.add_models()->set_name("acme-7b-research");
  for (v1::Source s : {
           Source("books", "Public-domain books", "CC-BY-NC-4.0", v1::USE_CLASS_NON_COMMERCIAL,
                  v1::ACQUISITION_METHOD_PUBLIC_DATASET, 1200),
           Source("code", "Permissive code", "MIT", v1::USE_CLASS_COMMERCIAL,
                  v1::ACQUISITION_METHOD_PUBLIC_DATASET, 800),
           Source("forum", "Q&A forum", "CC-BY-SA-4.0", v1::USE_CLASS_COMMERCIAL,
                  v1::ACQUISITION_METHOD_PUBLIC_DATASET, 300),
           Source("news", "Northwind *News* | archive", "LicenseRef-northwind",
                  v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_LICENSED, 2000),
           Source("web", "Web crawl", "CC-BY-4.0", v1::USE_CLASS_COMMERCIAL,
                  v1::ACQUISITION_METHOD_CRAWLED, 5000),
       }) {
    v1::Record r;
    *r.mutable_source() = s;
    m.AddSource(r);
  }
  m.sources.at("books").add_models("acme-7b-research");
  v1::Source& news = m.sources.at("news");
  news.mutable_provenance()->mutable_collection_start()->set_seconds(Day(2024, 1, 1));
  news.mutable_provenance()->set_collection_ongoing(true);
  *m.sources.at("web").add_opt_outs() =
      Observation(v1::OPT_OUT_MECHANISM_ROBOTS_TXT, "User-agent: GPTBot\nDisallow: /",
                  Day(2025, 3, 1), v1::ANSWER_NO);
  m.AddFile("books", "books/moby-dick.txt", "Call me Ishmael.\n");
  m.AddFile("books", "books/pride.txt", "It is a truth universally acknowledged.\n");
  m.AddFile("code", "code/main.c", "int main(void) { return 0; }\n");
  m.AddFile("code", "code/util.c", "int add(int a, int b) { return a + b; }\n");
  m.AddFile("code", "code/vendor.tar", "vendored", 10240);
  m.File("code", "code/vendor.tar").set_origin(v1::FileEntry::ORIGIN_DECLARED);
  m.AddFile("forum", "forum/q-0001.json", "{\"q\": \"why?\"}\n");
  m.AddFile("forum", "forum/q-0002.json", "{\"q\": \"how?\"}\n");
  m.AddFile("news", "news/2024-q4.jsonl", "{\"title\": \"Q4\", \"retracted\": true}\n");
  m.AddFile("web", "web/crawl-0001.jsonl", "{\"url\": \"https://a.example/\"}\n");
  m.AddFile("web", "web/crawl-0002.jsonl", "{\"url\": \"https://b.example/\"}\n");
  m.AddFile("web", "web/index.html", "<html>v1</html>\n");
  return m;
}

// REQUIRES: `before` written at `before_path`.
TestManifest After(const std::string& before_path) {
  TestManifest m = Before();
  v1::Header& h = m.header;
  h.mutable_dataset()->set_version("2025.11");
  h.mutable_created()->set_seconds(Day(2025, 11, 30));
  auto before = CheckManifest(before_path);
  EXPECT_TRUE(before.ok()) << before.status().ToString();
  if (before.ok()) {
    v1::PreviousVersion* p = h.mutable_previous();
    p->set_version("2025.06");
    p->set_manifest_sha256(std::string(AsBytes(before->file_sha256)));
    p->set_merkle_root(std::string(AsBytes(before->merkle_root)));
  }
  // books: relicensed by its creators.
  v1::License* books = m.sources.at("books").mutable_license();
  books->set_expression("CC-BY-4.0");
  books->set_use_class(v1::USE_CLASS_COMMERCIAL);
  m.sources.at("books").add_models("acme-7b");
  // code: the new snapshot keeps authors' names and e-mail addresses; util.c
  // fixed; the vendored archive was hashed this time.
  m.sources.at("code").mutable_personal_data()->set_contains_personal_information(v1::ANSWER_YES);
  m.AddFile("code", "code/util.c", "int add(int a, int b) { return a + b; }  // fixed\n");
  m.File("code", "code/vendor.tar").set_origin(v1::FileEntry::ORIGIN_HASHED);
  // forum: taken down.
  m.sources.erase("forum");
  m.RemoveFile("forum", "forum/q-0001.json");
  m.RemoveFile("forum", "forum/q-0002.json");
  // news: the new contract is non-commercial; collection ended; a retraction.
  v1::Source& news = m.sources.at("news");
  news.mutable_license()->set_use_class(v1::USE_CLASS_NON_COMMERCIAL);
  news.mutable_provenance()->set_collection_ongoing(false);
  news.mutable_provenance()->mutable_collection_end()->set_seconds(Day(2025, 9, 30));
  v1::ProcessingStep* step = news.add_processing();
  step->set_purpose(v1::PROCESSING_PURPOSE_OTHER);
  step->set_description("retracted articles removed");
  m.AddFile("news", "news/2024-q4.jsonl", "{\"title\": \"Q4\"}\n");
  m.AddFile("news", "news/2025-q2.jsonl", "{\"title\": \"Q2\"}\n");
  // synth-math: new, generated by another lab's model.
  v1::Source synth =
      Source("synth-math", "Synthetic math solutions", "CC0-1.0", v1::USE_CLASS_COMMERCIAL,
             v1::ACQUISITION_METHOD_GENERATED_BY_MODEL, 900);
  v1::Generation* g = synth.mutable_generation();
  g->set_model("Mathstral");
  g->set_model_version("7B-v0.1");
  g->set_terms_url("https://models.example/mathstral/terms");
  g->set_training_permission(v1::TRAINING_PERMISSION_UNCLEAR);
  v1::Record r;
  *r.mutable_source() = synth;
  m.AddSource(r);
  m.AddFile("synth-math", "synth-math/batch-0001.jsonl", "{\"problem\": \"1+1\", \"answer\": 2}\n");
  // web: the March shards moved, a new shard, a new robots.txt, index edited.
  for (const char* n : {"0001", "0002"}) {
    v1::FileEntry f = m.File("web", std::string("web/crawl-") + n + ".jsonl");
    m.RemoveFile("web", f.path());
    f.set_path(std::string("web/2025-03/part-") + n + ".jsonl");
    m.files[{"web", f.path()}] = f;
  }
  m.AddFile("web", "web/2025-09/part-0001.jsonl", "{\"url\": \"https://c.example/\"}\n");
  m.AddFile("web", "web/index.html", "<html>v2</html>\n");
  *m.sources.at("web").add_opt_outs() = Observation(
      v1::OPT_OUT_MECHANISM_TDMREP, "tdm-reservation: 1", Day(2025, 10, 1), v1::ANSWER_YES);
  return m;
}

// The JSON diff with the side paths written as the vector's file names.
std::string DiffJson(const std::string& before, const std::string& after) {
  auto d = DiffManifests(before, after);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  if (!d.ok()) return "";
  d->before.path = "before.dtm";
  d->after.path = "after.dtm";
  std::ostringstream out;
  EXPECT_TRUE(WriteDiffJson(*d, out).ok());
  return out.str();
}

TEST(DiffVectorTest, ManifestsAreWhatTheGeneratorMakes) {
  testing::TempDir dir;
  Before().Write(dir.Path("before.dtm"));
  After(dir.Path("before.dtm")).Write(dir.Path("after.dtm"));
  const std::string json = DiffJson(dir.Path("before.dtm"), dir.Path("after.dtm"));
  if (const char* update = std::getenv("DTM_UPDATE_DIFF_VECTORS"); update && *update == '1') {
    for (const char* name : {"before.dtm", "after.dtm"}) {
      ASSERT_TRUE(WriteFileAtomically(kDir + name, testing::ReadAll(dir.Path(name))).ok());
    }
    ASSERT_TRUE(WriteFileAtomically(kDir + "diff.json", json).ok());
  }
  for (const char* name : {"before.dtm", "after.dtm"}) {
    EXPECT_EQ(testing::ReadAll(dir.Path(name)), testing::ReadAll(kDir + name))
        << name << " differs from what the generator makes";
  }
  EXPECT_EQ(json, testing::ReadAll(kDir + "diff.json"));
}

TEST(DiffVectorTest, DiffOfTheVectorsIsDiffJson) {
  const std::string json = DiffJson(kDir + "before.dtm", kDir + "after.dtm");
  EXPECT_EQ(json, testing::ReadAll(kDir + "diff.json"));
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["summary"]["previous"]["names_before"], true);
  std::vector<std::string> flags;
  for (const auto& f : j["flags"])
    flags.push_back(f["source"].get<std::string>() + ":" + f["kind"].get<std::string>());
  EXPECT_EQ(flags, (std::vector<std::string>{
                       "books:use_class_less_restrictive", "books:used_for_new_model",
                       "code:personal_data", "news:use_class_more_restrictive",
                       "synth-math:model_generated", "web:opt_out_observed"}));
}

}  // namespace
}  // namespace dtm
