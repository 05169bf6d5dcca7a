// Tests of the build spec loader (spec/spec-file.md): a complete valid spec,
// every validation rule, and robustness against damaged input. The YAML
// mapping and the listing files have their own tests in yaml/yaml_to_proto_test.cc
// and buildspec/listing_test.cc.
#include "dtm/buildspec.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "buildspec/buildspec_test_util.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

namespace fs = std::filesystem;

const std::string kSpecs = std::string(DTM_TEST_DATA) + "/specs";

std::string Hex(const std::string& bytes) { return ToHex(bytes); }

TEST(BuildSpecTest, MinimalSpecLoads) {
  StatusOr<BuildSpec> spec = LoadBuildSpec(kSpecs + "/minimal.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->path, kSpecs + "/minimal.yaml");
  EXPECT_EQ(spec->base_dir, kSpecs);
  EXPECT_EQ(spec->header.dataset().name(), "tiny");
  EXPECT_EQ(spec->header.dataset().version(), "1");
  EXPECT_EQ(spec->header.publisher().name(), "Tiny Lab");
  EXPECT_FALSE(spec->header.has_previous());
  EXPECT_EQ(spec->previous_manifest, "");
  ASSERT_EQ(spec->sources.size(), 1u);
  const SourceSpec& s = spec->sources[0];
  EXPECT_EQ(s.source.id(), "notes");
  EXPECT_EQ(s.source.modality(), v1::MODALITY_TEXT);
  EXPECT_EQ(s.source.provenance().acquisition(), v1::ACQUISITION_METHOD_HUMAN_WRITTEN);
  // MIT allows commercial use: the resolved use class is stored.
  EXPECT_EQ(s.source.license().use_class(), v1::USE_CLASS_COMMERCIAL);
  EXPECT_EQ(s.include, std::vector<std::string>{"notes/*.txt"});
  EXPECT_TRUE(s.exclude.empty());
  EXPECT_EQ(s.listing, "");
  EXPECT_TRUE(s.declared.empty());
  EXPECT_EQ(s.location, kSpecs + "/minimal.yaml:5:5");
}

TEST(BuildSpecTest, BareFileNameHasDotAsBaseDir) {
  const testing::TempDir tmp;
  const fs::path dir = tmp.path();
  fs::copy_file(kSpecs + "/minimal.yaml", dir / "dtm.yaml");
  const fs::path old = fs::current_path();
  fs::current_path(dir);
  StatusOr<BuildSpec> spec = LoadBuildSpec("dtm.yaml");
  fs::current_path(old);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->base_dir, ".");
  EXPECT_EQ(spec->sources[0].location, "dtm.yaml:5:5");
}

TEST(BuildSpecTest, FullSpecHeader) {
  StatusOr<BuildSpec> spec = LoadBuildSpec(kSpecs + "/full.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const v1::Header& h = spec->header;
  EXPECT_EQ(h.dataset().intended_purpose(), "General-purpose assistant pretraining");
  EXPECT_EQ(h.dataset().homepage(), "https://acme.example/data");
  EXPECT_EQ(h.publisher().url(), "https://acme.example");
  EXPECT_EQ(h.publisher().contact(), "data@acme.example");
  ASSERT_EQ(h.models_size(), 2);
  EXPECT_EQ(h.models(0).provider().name(), "Acme AI");
  EXPECT_EQ(h.models(0).version(), "1.0");
  EXPECT_EQ(h.models(1).name(), "acme-13b");
  EXPECT_EQ(h.previous().version(), "2026.05");
  EXPECT_EQ(Hex(h.previous().manifest_sha256()),
            "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0");
  EXPECT_EQ(Hex(h.previous().merkle_root()), std::string(64, 'a'));
  EXPECT_EQ(h.previous().url(), "https://acme.example/v1/data.dtm");
  // Nothing the builder computes comes from the spec.
  EXPECT_EQ(h.schema(), "");
  EXPECT_FALSE(h.has_totals());
  EXPECT_EQ(spec->previous_manifest, "");
}

TEST(BuildSpecTest, FullSpecWebSource) {
  StatusOr<BuildSpec> spec = LoadBuildSpec(kSpecs + "/full.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_EQ(spec->sources.size(), 2u);
  const v1::Source& s = spec->sources[0].source;
  EXPECT_EQ(s.urls_size(), 1);
  EXPECT_EQ(s.content_types(1), "news articles");
  EXPECT_EQ(s.languages(1), "pt-BR");
  EXPECT_EQ(s.counts().documents(), 1200000u);
  EXPECT_EQ(s.counts().tokens(), 900000000u);
  EXPECT_TRUE(s.counts().estimated());
  EXPECT_EQ(s.counts().documents_max(), 1300000u);
  EXPECT_EQ(s.label_types_size(), 0);

  const v1::License& l = s.license();
  EXPECT_EQ(l.claim_source(), v1::LICENSE_CLAIM_SOURCE_HOSTING_SITE);
  EXPECT_EQ(l.verified_by().contact(), "legal@acme.example");
  EXPECT_EQ(l.verified_at().seconds(), 1714548600);  // 2024-05-01T07:30:00Z
  EXPECT_TRUE(l.attribution_required());
  EXPECT_EQ(l.rights(), v1::RIGHTS_STATUS_COPYRIGHTED);
  EXPECT_EQ(l.copyright(), v1::ANSWER_YES);
  EXPECT_EQ(l.trademark(), v1::ANSWER_UNKNOWN);
  EXPECT_EQ(l.patent(), v1::ANSWER_NO);
  EXPECT_EQ(l.use_class(), v1::USE_CLASS_COMMERCIAL);

  const v1::Provenance& p = s.provenance();
  EXPECT_EQ(p.acquisition(), v1::ACQUISITION_METHOD_CRAWLED);
  EXPECT_EQ(p.owner().name(), "Various site owners");
  EXPECT_EQ(p.collection_start().seconds(), 1704067200);  // 2024-01-01
  EXPECT_EQ(p.collection_start().nanos(), 0);
  EXPECT_TRUE(p.collection_ongoing());
  EXPECT_FALSE(p.has_collection_end());
  ASSERT_EQ(p.crawlers_size(), 1);
  EXPECT_EQ(p.crawlers(0).user_agent(), "AcmeBot/1.0 (+https://acme.example/bot)");
  EXPECT_EQ(p.crawlers(0).respects_robots_txt(), v1::ANSWER_YES);
  EXPECT_EQ(p.crawlers(0).bypasses_paywalls(), v1::ANSWER_NO);
  EXPECT_EQ(Hex(p.derived_from(0).manifest_sha256()), std::string(64, '1'));
  EXPECT_EQ(p.top_domains(0).bytes(), 123456789u);
  EXPECT_EQ(p.human_annotated(), v1::ANSWER_NO);

  ASSERT_EQ(s.opt_outs_size(), 2);
  EXPECT_EQ(s.opt_outs(0).mechanism(), v1::OPT_OUT_MECHANISM_ROBOTS_TXT);
  EXPECT_EQ(s.opt_outs(0).observed_value(), "Disallow: /");
  EXPECT_EQ(Hex(s.opt_outs(0).signal_sha256()), std::string(64, '2'));
  EXPECT_EQ(s.opt_outs(0).reserved(), v1::ANSWER_YES);
  EXPECT_EQ(s.opt_outs(0).action(), v1::OPT_OUT_ACTION_HONOURED);
  EXPECT_EQ(s.opt_outs(1).mechanism(), v1::OPT_OUT_MECHANISM_TDMREP);
  EXPECT_EQ(s.opt_outs(1).observed_at().nanos(), 250000000);
  EXPECT_EQ(s.opt_outs(1).action(), v1::OPT_OUT_ACTION_NOT_APPLICABLE);
  ASSERT_EQ(s.opt_out_policy().honoured_size(), 3);
  EXPECT_EQ(s.opt_out_policy().honoured(2), v1::OPT_OUT_MECHANISM_AIPREF);
  EXPECT_EQ(s.personal_data().contains_sensitive_categories(), v1::ANSWER_UNKNOWN);
  EXPECT_EQ(s.personal_data().sensitive_categories(0), "health");
  ASSERT_EQ(s.processing_size(), 2);
  EXPECT_EQ(s.processing(0).tool().version(), "2.1");
  EXPECT_EQ(s.processing(1).purpose(), v1::PROCESSING_PURPOSE_PII_REMOVAL);
  EXPECT_EQ(s.governance().custodians(0).name(), "Infra team");
  EXPECT_EQ(s.governance().confidentiality(), v1::CONFIDENTIALITY_INTERNAL);

  EXPECT_EQ(spec->sources[0].include, std::vector<std::string>{"web/**/*.jsonl"});
  EXPECT_EQ(spec->sources[0].exclude, std::vector<std::string>{"web/**/tmp/*"});
  EXPECT_EQ(spec->sources[0].location, kSpecs + "/full.yaml:19:5");
}

TEST(BuildSpecTest, FullSpecSyntheticSource) {
  StatusOr<BuildSpec> spec = LoadBuildSpec(kSpecs + "/full.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const SourceSpec& synthetic = spec->sources[1];
  const v1::Source& s = synthetic.source;
  EXPECT_EQ(s.modality(), v1::MODALITY_TEXT);
  EXPECT_EQ(s.license().custom(0).name(), "Acme internal terms");
  EXPECT_EQ(s.license().use_class(), v1::USE_CLASS_ACADEMIC_ONLY);  // declared, kept
  EXPECT_EQ(s.provenance().acquisition(), v1::ACQUISITION_METHOD_GENERATED_BY_MODEL);
  EXPECT_EQ(s.provenance().collection_end().seconds(), 1738368000);  // 2025-02-01
  EXPECT_EQ(s.generation().model(), "acme-70b");
  EXPECT_EQ(s.generation().training_permission(), v1::TRAINING_PERMISSION_PERMITTED);
  EXPECT_EQ(s.generation().prompt_origin(), v1::PROMPT_ORIGIN_FROM_DATASET);
  EXPECT_EQ(s.generation().human_reviewed(), v1::ANSWER_UNKNOWN);
  EXPECT_EQ(Hex(s.generation().terms_sha256()), std::string(64, '4'));
  EXPECT_EQ(synthetic.listing, kSpecs + "/full-shards.tsv");
  EXPECT_TRUE(synthetic.include.empty());
  ASSERT_EQ(synthetic.declared.size(), 1u);
  EXPECT_EQ(synthetic.declared[0].path, "qa/extra.parquet");
  EXPECT_EQ(synthetic.declared[0].size, 123u);
  EXPECT_EQ(ToHex(synthetic.declared[0].sha256), std::string(64, '5'));
}

TEST(BuildSpecTest, PreviousManifestPathIsResolved) {
  const testing::TempDir tmp;
  const fs::path dir = tmp.path();
  fs::create_directories(dir / "v1");
  std::ofstream(dir / "v1" / "data.dtm") << "not read by the loader";
  const std::string yaml = ReplaceOnce(
      MinimalSpec(),
      "publisher:", "previous: {manifest: v1/data.dtm, url: https://x.example/v1.dtm}\npublisher:");
  StatusOr<BuildSpec> spec = ParseBuildSpec(yaml, "dtm.yaml", dir.string());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->previous_manifest, (dir / "v1" / "data.dtm").string());
  EXPECT_EQ(spec->header.previous().url(), "https://x.example/v1.dtm");
  EXPECT_EQ(spec->header.previous().version(), "");
}

TEST(BuildSpecTest, LicenseExpressionIsStoredNormalized) {
  const std::string yaml = ReplaceOnce(MinimalSpec(), "license: {expression: MIT}",
                                       "license: {expression: \"( mit or  apache-2.0 )  and "
                                       "gpl-2.0+ with classpath-exception-2.0\"}");
  StatusOr<BuildSpec> spec = ParseBuildSpec(yaml, "dtm.yaml", kSpecs);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->sources[0].source.license().expression(),
            "(MIT OR Apache-2.0) AND GPL-2.0+ WITH Classpath-exception-2.0");
}

TEST(BuildSpecTest, DeprecatedLicenseIdLoadsWithAWarning) {
  StatusOr<BuildSpec> clean = ParseBuildSpec(MinimalSpec(), "dtm.yaml", kSpecs);
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_TRUE(clean->warnings.empty());
  const std::string yaml =
      ReplaceOnce(MinimalSpec(), "license: {expression: MIT}", "license: {expression: GPL-2.0}");
  StatusOr<BuildSpec> spec = ParseBuildSpec(yaml, "dtm.yaml", kSpecs);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_EQ(spec->warnings.size(), 1u);
  EXPECT_EQ(spec->warnings[0], spec->sources[0].location + ": source '" +
                                   spec->sources[0].source.id() +
                                   "': license.expression: 'GPL-2.0' is deprecated in the SPDX "
                                   "License List; use its current id");
}

TEST(BuildSpecTest, NullValuesLeaveFieldsUnset) {
  const std::string yaml = ReplaceOnce(MinimalSpec(), "    name: Lab notes\n",
                                       "    name: Lab notes\n    description: ~\n    counts:\n"
                                       "    urls: null\n    personal_data: {pii_removed: }\n");
  StatusOr<BuildSpec> spec = ParseBuildSpec(yaml, "dtm.yaml", kSpecs);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const v1::Source& s = spec->sources[0].source;
  EXPECT_FALSE(s.has_counts());
  EXPECT_EQ(s.urls_size(), 0);
  EXPECT_TRUE(s.has_personal_data());
  EXPECT_EQ(s.personal_data().pii_removed(), v1::ANSWER_UNSPECIFIED);
}

TEST(BuildSpecTest, QuotedNullIsAString) {
  const std::string yaml =
      ReplaceOnce(MinimalSpec(), "    name: Lab notes\n", "    name: \"null\"\n");
  StatusOr<BuildSpec> spec = ParseBuildSpec(yaml, "dtm.yaml", kSpecs);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->sources[0].source.name(), "null");
}

// Truncating a valid spec anywhere never crashes: it loads or gives an error.
TEST(BuildSpecTest, TruncationsNeverCrash) {
  std::ifstream in(kSpecs + "/full.yaml");
  const std::string full((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::mt19937 rng(20261123);
  int errors = 0;
  for (int i = 0; i < 400; ++i) {
    const size_t cut = i < 40 ? static_cast<size_t>(i) : rng() % full.size();
    StatusOr<BuildSpec> spec = ParseBuildSpec(full.substr(0, cut), "dtm.yaml", kSpecs);
    if (!spec.ok()) {
      ++errors;
      EXPECT_NE(spec.status().code(), StatusCode::kInternal) << spec.status().ToString();
      EXPECT_EQ(spec.status().message().rfind("dtm.yaml", 0), 0u) << spec.status().ToString();
    }
  }
  EXPECT_GT(errors, 300);
}

// Random byte changes never crash either.
TEST(BuildSpecTest, MutationsNeverCrash) {
  std::ifstream in(kSpecs + "/full.yaml");
  const std::string full((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::mt19937 rng(7);
  static constexpr char kBytes[] = {'\0', '\n', ' ', '\t', ':', '-', '[', ']', '{',    '}',
                                    '"',  '\'', '&', '*',  '!', '#', '|', '>', '\xff', 'x'};
  for (int i = 0; i < 400; ++i) {
    std::string mutated = full;
    for (int k = 0; k < 3; ++k) mutated[rng() % mutated.size()] = kBytes[rng() % sizeof(kBytes)];
    StatusOr<BuildSpec> spec = ParseBuildSpec(mutated, "dtm.yaml", kSpecs);
    if (!spec.ok()) {
      EXPECT_NE(spec.status().code(), StatusCode::kInternal) << spec.status().ToString();
    }
  }
}

TEST(BuildSpecTest, MissingFileAndLimits) {
  StatusOr<BuildSpec> spec = LoadBuildSpec(kSpecs + "/no-such.yaml");
  EXPECT_EQ(spec.status().code(), StatusCode::kNotFound);
  spec = LoadBuildSpec(kSpecs);
  EXPECT_EQ(spec.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(spec.status().message().find("not a regular file"), std::string::npos);
  const std::string huge(64u * 1024 * 1024 + 1, '#');
  spec = ParseBuildSpec(huge, "big.yaml", ".");
  EXPECT_EQ(spec.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(spec.status().message().find("64 MiB"), std::string::npos);
  const testing::TempDir tmp;
  const fs::path dir = tmp.path();
  std::ofstream(dir / "dtm.yaml") << huge;
  spec = LoadBuildSpec((dir / "dtm.yaml").string());
  EXPECT_EQ(spec.status().code(), StatusCode::kLimitExceeded);
}

TEST(BuildSpecTest, DeepNestingIsAnError) {
  for (const std::string& deep :
       {"dtm: 1\nx: " + std::string(100000, '['), "dtm: 1\nx: " + std::string(5000, '{'), [] {
          std::string s = "dtm: 1\n";
          for (int i = 0; i < 3000; ++i) s += std::string(2 * i, ' ') + "- a:\n";
          return s;
        }()}) {
    StatusOr<BuildSpec> spec = ParseBuildSpec(deep, "dtm.yaml", ".");
    ASSERT_FALSE(spec.ok());
    EXPECT_EQ(spec.status().message().rfind("dtm.yaml:", 0), 0u) << spec.status().ToString();
  }
}

// Aliases can make a short document expand; the loader stops instead of
// walking an exponential number of nodes.
TEST(BuildSpecTest, AliasExpansionIsBounded) {
  std::string steps = "[&p {purpose: other, description: d, tool: {name: t, version: v}}";
  for (int i = 0; i < 5000; ++i) steps += ",*p";
  const std::string yaml = ReplaceOnce(MinimalSpec(), "    name: Lab notes\n",
                                       "    name: Lab notes\n    processing: " + steps + "]\n");
  StatusOr<BuildSpec> spec = ParseBuildSpec(yaml, "dtm.yaml", kSpecs);
  ASSERT_EQ(spec.status().code(), StatusCode::kLimitExceeded) << spec.status().ToString();
  EXPECT_NE(spec.status().message().find("aliases"), std::string::npos);
  // A few aliases are fine.
  const std::string few =
      ReplaceOnce(MinimalSpec(), "publisher: {name: Tiny Lab}",
                  "publisher: &lab {name: Tiny Lab}\nmodels: [{name: m, provider: *lab}]");
  spec = ParseBuildSpec(few, "dtm.yaml", kSpecs);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->header.models(0).provider().name(), "Tiny Lab");
}

}  // namespace
}  // namespace dtm
