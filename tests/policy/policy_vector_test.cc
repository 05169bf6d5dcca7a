// spec/vectors/policy/policy.json: policies applied to sources with the exact
// output and exit code of `dtm check`, policy and model files that must be
// accepted or rejected (and where), and the EU size bins (spec/policy.md,
// spec/report.md). The vectors are made here; the tests check that the
// committed file is exactly what this code makes, and that an implementation
// reading only the file (its YAML and protobuf JSON) gets the same results.
// DTM_UPDATE_POLICY_VECTORS=1 rewrites the file.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "dtm/file_io.h"
#include "dtm/policy.h"
#include "dtm/records.h"
#include "dtm/report.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using nlohmann::ordered_json;

const std::string kFile = std::string(DTM_SOURCE_DIR) + "/spec/vectors/policy/policy.json";

// Every source of a check starts from this one, then merges its own fields.
constexpr const char* kBaseSource = R"pb(
  name: "S"
  modality: MODALITY_TEXT
  license {
    expression: "MIT"
    use_class: USE_CLASS_COMMERCIAL
    claim_source: LICENSE_CLAIM_SOURCE_AUTHOR
    verified_by { name: "Legal" }
  }
  provenance {
    acquisition: ACQUISITION_METHOD_PUBLIC_DATASET
    collection_start { seconds: 1735689600 }
  }
)pb";

struct CheckCase {
  const char* name;
  const char* policy;                // YAML
  std::vector<const char*> sources;  // "id" or "id:text-format fields"
  const char* header;                // text format, may be empty
  const char* for_model = nullptr;   // dtm check --for
};

const std::vector<CheckCase>& CheckCases() {
  static const std::vector<CheckCase> cases = {
      {"clean",
       "format: 1\nname: clean\nlicense_verified: true\ndisallowed_use_classes: [non_commercial]\n",
       {"a", "b"},
       ""},
      {"use class, with an exemption",
       "format: 1\nname: uc\ndisallowed_use_classes: [non_commercial, academic_only]\n"
       "exemptions:\n  - {source: b, rules: [disallowed_use_classes], reason: research only}\n",
       {"a:license { use_class: USE_CLASS_ACADEMIC_ONLY }",
        "b:license { use_class: USE_CLASS_NON_COMMERCIAL }", "c"},
       ""},
      {"license review",
       "format: 1\nname: review\nreview_licenses: [GPL-2.0, Classpath-exception-2.0, "
       "LicenseRef-secret]\n",
       {"a:license { expression: \"(MIT OR gpl-2.0+) AND Apache-2.0\" }",
        "b:license { expression: \"GPL-2.0-only WITH Classpath-exception-2.0\" }",
        "c:license { expression: \"LicenseRef-GPL-2.0 AND LicenseRef-Secret\" }"},
       ""},
      {"required fields",
       "format: 1\nname: fields\nrequired_fields: [license.verified_by, provenance.first_used, "
       "opt_outs.observed_at, header.dataset.intended_purpose]\n",
       {"a:provenance { first_used { seconds: 1735689600 } }",
        "b:opt_outs { mechanism: OPT_OUT_MECHANISM_ROBOTS_TXT } opt_outs { mechanism: "
        "OPT_OUT_MECHANISM_TDMREP observed_at { seconds: 1 } } provenance { first_used { seconds: "
        "1735689600 } } license { verified_by { name: \"\" } }"},
       "dataset { name: \"d\" version: \"1\" }"},
      {"opt-outs honoured",
       "format: 1\nname: optout\nopt_outs_honoured: true\n",
       {"a:opt_outs { mechanism: OPT_OUT_MECHANISM_ROBOTS_TXT scope: \"x.example\" observed_at { "
        "seconds: 1740787200 } reserved: ANSWER_YES action: OPT_OUT_ACTION_NOT_HONOURED } "
        "opt_outs { mechanism: OPT_OUT_MECHANISM_TDMREP observed_at { seconds: 1740787200 } "
        "reserved: ANSWER_YES action: OPT_OUT_ACTION_HONOURED } opt_outs { mechanism: "
        "OPT_OUT_MECHANISM_AIPREF observed_at { seconds: 1740787200 } reserved: ANSWER_UNKNOWN "
        "action: OPT_OUT_ACTION_NOT_HONOURED } opt_outs { mechanism: OPT_OUT_MECHANISM_AI_TXT "
        "observed_at { seconds: 1740787230 } reserved: ANSWER_YES }"},
       ""},
      {"generated data",
       "format: 1\nname: gen\nforbidden_training_permissions: [prohibited, "
       "competing_prohibited]\ntraining_permission_stated: true\n",
       {"a:provenance { acquisition: ACQUISITION_METHOD_GENERATED_BY_MODEL } generation { model: "
        "\"m1\" training_permission: TRAINING_PERMISSION_COMPETING_PROHIBITED }",
        "b:provenance { acquisition: ACQUISITION_METHOD_GENERATED_BY_MODEL } generation { model: "
        "\"m2\" }",
        "c:provenance { acquisition: ACQUISITION_METHOD_GENERATED_BY_MODEL } generation { model: "
        "\"m3\" training_permission: TRAINING_PERMISSION_UNCLEAR }",
        "d:generation { model: \"m4\" training_permission: TRAINING_PERMISSION_PROHIBITED }"},
       ""},
      {"personal data, verification, acquisition",
       "format: 1\nname: mixed\npersonal_data_legal_basis: true\nlicense_verified: true\n"
       "allowed_acquisitions: [public_dataset, licensed]\ndisallowed_acquisitions: [crawled]\n",
       {"a:personal_data { contains_personal_information: ANSWER_YES }",
        "b:personal_data { contains_personal_information: ANSWER_YES legal_basis: \"consent\" } "
        "license { verified_by { name: \"\" contact: \"x@y.example\" } }",
        "c:provenance { acquisition: ACQUISITION_METHOD_CRAWLED } personal_data { "
        "contains_personal_information: ANSWER_UNKNOWN }"},
       ""},
      {"for one model",
       "format: 1\nname: scoped\ndisallowed_use_classes: [non_commercial]\n",
       {"a:models: \"m1\" models: \"m2\"",
        "b:models: \"m2\" license { use_class: USE_CLASS_NON_COMMERCIAL }",
        "c:license { use_class: USE_CLASS_NON_COMMERCIAL }"},
       "models { name: \"m1\" } models { name: \"m2\" }",
       "m1"},
  };
  return cases;
}

const std::vector<const char*> kPolicyFiles = {
    "format: 1\nname: p\nlicense_verified: true\n",
    "format: 1\nname: p\nreview_licenses: [GPL-2.0+, gpl-3.0-only, LicenseRef-x, "
    "DocumentRef-a:LicenseRef-b, Classpath-exception-2.0]\n",
    "format: 1\nname: p\nrequired_fields: [header.previous.url, opt_outs.signal_sha256, counts]\n",
    "name: p\nlicense_verified: true\n",
    "format: 2\nname: p\nlicense_verified: true\n",
    "format: 1\nlicense_verified: true\n",
    "format: 1\nname: p\n",
    "format: 1\nname: p\nlicense_verifed: true\n",
    "format: 1\nname: p\nlicense_verified: maybe\n",
    "format: 1\nname: p\ndisallowed_use_classes: [commercial, cheap]\n",
    "format: 1\nname: p\ndisallowed_use_classes: [unspecified]\n",
    "format: 1\nname: p\nreview_licenses: [MIT, MIT2]\n",
    "format: 1\nname: p\nreview_licenses: [\"MIT OR GPL-2.0\"]\n",
    "format: 1\nname: p\nrequired_fields:\n  - license.verified_by\n  - licence.claim_url\n",
    "format: 1\nname: p\nrequired_fields: [name.first]\n",
    "format: 1\nname: p\nlicense_verified: true\nexemptions:\n  - {source: a, rules: [x], reason: "
    "r}\n",
    "format: 1\nname: p\nlicense_verified: true\nexemptions:\n  - {source: A!, rules: "
    "[license_verified], reason: r}\n",
    "format: 1\nname: p\nlicense_verified: true\nexemptions:\n  - {source: a, rules: "
    "[license_verified]}\n",
    "format: 1\nformat: 1\n",
    "- a\n- b\n",
};

const std::vector<const char*> kModelFiles = {
    "format: 1\nmodel: {name: m}\n",
    "format: 1\nmodel: {name: m, version: \"2\", provider: {name: P, contact: p@p.example}}\n"
    "modification: \"yes\"\nbase_model: {name: b, url: https://b.example/summary}\n"
    "placed_on_market: 2025-08-02\n",
    "model: {name: m}\n",
    "format: 1\nmodel: {version: \"1\"}\n",
    "format: 1\nmodel: {name: m}\nmodification: \"yes\"\n",
    "format: 1\nmodel: {name: m}\nmodification: \"no\"\nbase_model: {name: b}\n",
    "format: 1\nmodel: {name: m}\nplaced_on_market: 2025-02-30\n",
    "format: 1\nmodel: {name: m}\nprevious_summaries: [{url: https://x.example}]\n",
    "format: 1\nmodel: {name: m}\ncontinued_training: true\n",
    "format: 1\nmodel: {name: m}\ncode_of_practice_signed: \"yes\"\nsme: \"no\"\n",
    "format: 1\nmodel: {name: m}\nsme: maybe\n",
};

// What IsMediaType says of each (spec/schema.md, "Content types and media types").
const std::vector<const char*> kMediaTypes = {"text/html",
                                              "application/vnd.apache.parquet",
                                              "image/svg+xml",
                                              "Text/HTML",
                                              "model/gltf-binary",
                                              "news articles",
                                              "Q&A threads",
                                              "text/",
                                              "text/html; charset=utf-8",
                                              "textual/plain",
                                              "text/-x",
                                              "source code/snippets"};

ordered_json ToJson(const google::protobuf::Message& m) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &text, options).ok());
  return ordered_json::parse(text);
}

template <typename M>
M FromJson(const ordered_json& j) {
  M m;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(j.dump(), &m).ok()) << j.dump();
  return m;
}

template <typename M>
M FromText(const std::string& text) {
  M m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

// What `dtm check` prints and its exit code, for a policy and the facts.
std::pair<std::string, int> Check(const std::string& policy_yaml, const ManifestFacts& facts) {
  auto policy = ParsePolicy(policy_yaml, "p.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  if (!policy.ok()) return {"", 2};
  std::ostringstream out;
  const size_t counted = WritePolicyReport(*policy, facts, CheckPolicy(*policy, facts), out);
  return {out.str(), counted ? 1 : 0};
}

// "p.yaml:3:1" from "p.yaml:3:1: name: missing", or the file name alone.
std::string Place(const std::string& message) {
  std::smatch m;
  static const std::regex kPlace("^[a-z]\\.yaml(:[0-9]+:[0-9]+)?");
  return std::regex_search(message, m, kPlace) ? m.str() : message;
}

ordered_json FileVector(const std::string& yaml, const Status& status) {
  ordered_json j;
  j["yaml"] = yaml;
  j["valid"] = status.ok();
  if (!status.ok()) {
    j["place"] = Place(status.message());
    j["message"] = status.message();
  }
  return j;
}

ordered_json MakeVectors() {
  ordered_json root;
  root["description"] =
      "Vectors for spec/policy.md and spec/report.md; see README.md beside this file.";
  root["checks"] = ordered_json::array();
  for (const CheckCase& c : CheckCases()) {
    ManifestFacts facts;
    facts.header = FromText<v1::Header>(c.header);
    ordered_json sources = ordered_json::array();
    for (const std::string spec : c.sources) {
      const size_t colon = spec.find(':');
      v1::Source s = FromText<v1::Source>(kBaseSource);
      if (colon != std::string::npos) s.MergeFrom(FromText<v1::Source>(spec.substr(colon + 1)));
      s.set_id(spec.substr(0, colon));
      facts.sources.emplace_back().source = s;
      sources.push_back(ToJson(s));
    }
    if (c.for_model) facts = *FactsForModel(std::move(facts), c.for_model);
    const auto [output, exit] = Check(c.policy, facts);
    ordered_json j;
    j["name"] = c.name;
    j["policy"] = c.policy;
    j["header"] = ToJson(facts.header);
    j["sources"] = sources;
    if (c.for_model) j["for"] = c.for_model;
    j["output"] = output;
    j["exit"] = exit;
    root["checks"].push_back(j);
  }
  for (const std::string yaml : kPolicyFiles) {
    root["policy_files"].push_back(FileVector(yaml, ParsePolicy(yaml, "p.yaml").status()));
  }
  for (const std::string yaml : kModelFiles) {
    root["model_files"].push_back(FileVector(yaml, ParseModelFile(yaml, "m.yaml").status()));
  }
  for (uint64_t n :
       {0ull, 999'999'999ull, 1'000'000'000ull, 10'000'000'000'000ull, 10'000'000'000'001ull}) {
    root["size_bins"].push_back({{"modality", "text"}, {"count", n}, {"bin", TextSizeBin(n)}});
  }
  for (uint64_t n : {999'999ull, 1'000'000ull, 1'000'000'000ull, 1'000'000'001ull}) {
    root["size_bins"].push_back({{"modality", "image"}, {"count", n}, {"bin", ImageSizeBin(n)}});
  }
  for (double h : {9'999.9, 10'000.0, 1'000'000.0, 1'000'000.5}) {
    root["size_bins"].push_back(
        {{"modality", "audio"}, {"count", h}, {"bin", AudioVideoSizeBin(h)}});
  }
  for (const std::string text : kMediaTypes) {
    root["media_types"].push_back({{"text", text}, {"media_type", IsMediaType(text)}});
  }
  for (const auto& [total, sme] : std::vector<std::pair<uint64_t, bool>>{{0, false},
                                                                         {1, false},
                                                                         {9, false},
                                                                         {10, false},
                                                                         {11, false},
                                                                         {12, false},
                                                                         {25, true},
                                                                         {20, true},
                                                                         {21, true},
                                                                         {19'999, true},
                                                                         {20'000, true},
                                                                         {20'001, true},
                                                                         {1'000'000, false},
                                                                         {1'000'000, true}}) {
    root["domains_asked"].push_back(
        {{"total", total}, {"sme", sme}, {"asked", DomainsAsked(total, sme)}});
  }
  return root;
}

TEST(PolicyVector, CommittedFileIsWhatTheCodeMakes) {
  const std::string made = MakeVectors().dump(2) + "\n";
  if (const char* update = std::getenv("DTM_UPDATE_POLICY_VECTORS"); update && *update == '1') {
    ASSERT_TRUE(WriteFileAtomically(kFile, made).ok());
  }
  EXPECT_EQ(testing::ReadAll(kFile), made) << "run with DTM_UPDATE_POLICY_VECTORS=1 and review";
}

// What another implementation does: read only the file.
TEST(PolicyVector, FileAloneGivesItsResults) {
  const ordered_json root = ordered_json::parse(testing::ReadAll(kFile));
  ASSERT_EQ(root["checks"].size(), CheckCases().size());
  for (const ordered_json& c : root["checks"]) {
    ManifestFacts facts;
    facts.header = FromJson<v1::Header>(c["header"]);
    for (const ordered_json& s : c["sources"]) {
      facts.sources.emplace_back().source = FromJson<v1::Source>(s);
    }
    if (c.contains("for")) facts = *FactsForModel(std::move(facts), c["for"].get<std::string>());
    const auto [output, exit] = Check(c["policy"].get<std::string>(), facts);
    EXPECT_EQ(output, c["output"].get<std::string>()) << c["name"];
    EXPECT_EQ(exit, c["exit"].get<int>()) << c["name"];
  }
  size_t rejected = 0;
  for (const char* kind : {"policy_files", "model_files"}) {
    for (const ordered_json& f : root[kind]) {
      const std::string yaml = f["yaml"].get<std::string>();
      const Status st = std::string(kind) == "policy_files"
                            ? ParsePolicy(yaml, "p.yaml").status()
                            : ParseModelFile(yaml, "m.yaml").status();
      EXPECT_EQ(st.ok(), f["valid"].get<bool>()) << yaml << st.ToString();
      if (st.ok()) continue;
      ++rejected;
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << yaml;
      EXPECT_EQ(Place(st.message()), f["place"].get<std::string>()) << yaml;
    }
  }
  EXPECT_GE(rejected, 20u);
  for (const ordered_json& b : root["size_bins"]) {
    const std::string modality = b["modality"].get<std::string>();
    const std::string bin = modality == "text"    ? TextSizeBin(b["count"].get<uint64_t>())
                            : modality == "image" ? ImageSizeBin(b["count"].get<uint64_t>())
                                                  : AudioVideoSizeBin(b["count"].get<double>());
    EXPECT_EQ(bin, b["bin"].get<std::string>()) << b.dump();
  }
  for (const ordered_json& m : root["media_types"]) {
    EXPECT_EQ(IsMediaType(m["text"].get<std::string>()), m["media_type"].get<bool>()) << m.dump();
  }
  for (const ordered_json& d : root["domains_asked"]) {
    EXPECT_EQ(DomainsAsked(d["total"].get<uint64_t>(), d["sme"].get<bool>()),
              d["asked"].get<uint64_t>())
        << d.dump();
  }
}

}  // namespace
}  // namespace dtm
