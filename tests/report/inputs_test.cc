// The YAML inputs of dtm report and dtm check: the model file and the policy.
// Valid files parse (the examples too); every broken one is rejected with
// "file:line:col: field: problem".
#include <gtest/gtest.h>

#include "dtm/policy.h"
#include "dtm/report.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

constexpr const char* kMinimalPolicy = "format: 1\nname: p\nlicense_verified: true\n";

TEST(ReportInputs, ExamplesParse) {
  auto policy = LoadPolicy(std::string(DTM_SOURCE_DIR) + "/examples/policy.yaml");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->name(), "acme-commercial-release");
  EXPECT_EQ(policy->disallowed_use_classes_size(), 2);
  EXPECT_EQ(policy->exemptions(0).source(), "image-captions");
  auto model = LoadModelFile(std::string(DTM_SOURCE_DIR) + "/examples/model.yaml");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->model().name(), "acme-7b");
  EXPECT_EQ(model->modification(), v1::ANSWER_NO);
  EXPECT_EQ(model->placed_on_market().seconds(), 1751328000);  // 2025-07-01
}

TEST(ReportInputs, PolicyValuesAreMappedByName) {
  auto p = ParsePolicy(
      "format: 1\nname: p\ndisallowed_use_classes: [NON_COMMERCIAL, academic_only]\n"
      "forbidden_training_permissions: [competing_prohibited]\n"
      "allowed_acquisitions: [ACQUISITION_METHOD_CRAWLED]\nopt_outs_honoured: true\n"
      "review_licenses: [gpl-2.0+, LicenseRef-x, Classpath-exception-2.0]\n",
      "p.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->disallowed_use_classes(1), v1::USE_CLASS_ACADEMIC_ONLY);
  EXPECT_EQ(p->forbidden_training_permissions(0), v1::TRAINING_PERMISSION_COMPETING_PROHIBITED);
  EXPECT_EQ(p->allowed_acquisitions(0), v1::ACQUISITION_METHOD_CRAWLED);
  EXPECT_TRUE(p->opt_outs_honoured());
  EXPECT_TRUE(ParsePolicy(kMinimalPolicy, "p.yaml").ok());
}

TEST(ReportInputs, BadPoliciesAreRejectedWithTheirPlace) {
  const std::pair<const char*, const char*> cases[] = {
      {"name: p\nlicense_verified: true\n", "p.yaml:1:1: format: missing; write 'format: 1'"},
      {"format: 2\nname: p\nlicense_verified: true\n",
       "p.yaml:1:9: format: unsupported version 2; this is version 1"},
      {"format: 1\nlicense_verified: true\n", "p.yaml:1:1: name: missing: name the policy"},
      {"format: 1\nname: p\n", "p.yaml:1:1: the policy sets no rule"},
      {"format: 1\nname: p\nlicense_verifed: true\n",
       "p.yaml:3:1: unknown key 'license_verifed'; did you mean 'license_verified'?"},
      {"format: 1\nname: p\nlicense_verified: maybe\n", "p.yaml:3:19: license_verified: "},
      {"format: 1\nname: p\ndisallowed_use_classes: [commercial, cheap]\n",
       "p.yaml:3:38: disallowed_use_classes[1]: "},
      {"format: 1\nname: p\ndisallowed_use_classes: unspecified\n",
       "p.yaml:3:25: disallowed_use_classes: "},
      {"format: 1\nname: p\nreview_licenses: [MIT, MIT2]\n",
       "p.yaml:3:24: review_licenses[1]: unknown SPDX license id 'MIT2'"},
      {"format: 1\nname: p\nreview_licenses: [\"MIT OR GPL-2.0\"]\n",
       "p.yaml:3:19: review_licenses[0]: unknown SPDX license id 'MIT OR GPL-2.0'"},
      {"format: 1\nname: p\nrequired_fields:\n  - license.verified_by\n  - licence.claim_url\n",
       "p.yaml:5:5: required_fields[1]: 'licence' is not a field of Source"},
      {"format: 1\nname: p\nrequired_fields: [header.dataset.owner]\n",
       "p.yaml:3:19: required_fields[0]: 'owner' is not a field of Dataset"},
      {"format: 1\nname: p\nlicense_verified: true\nexemptions:\n  - {source: a, rules: [x], "
       "reason: r}\n",
       "p.yaml:5:25: exemptions[0].rules[0]: unknown rule 'x'; the rules are "
       "disallowed_use_classes, "},
      {"format: 1\nname: p\nlicense_verified: true\nexemptions:\n  - {source: A!, rules: "
       "[license_verified], reason: r}\n",
       "p.yaml:5:14: exemptions[0].source: source id must start with a-z or 0-9"},
      {"format: 1\nname: p\nlicense_verified: true\nexemptions:\n  - {source: a, rules: "
       "[license_verified]}\n",
       "p.yaml:5:5: exemptions[0].reason: missing: say why it is accepted"},
      {"format: 1\nname: p\nlicense_verified: true\nexemptions:\n  - {source: a, reason: r}\n",
       "p.yaml:5:5: exemptions[0].rules: missing: name the rules exempted"},
      {"format: 1\nformat: 1\n", "p.yaml:2:1: format: duplicate key (first at p.yaml:1:1)"},
      {"- a\n- b\n", "p.yaml:1:1: expected a mapping at the top of the document"},
      {"format: [1\n", "p.yaml:"},
      {"", "p.yaml:1:1: "},
  };
  for (const auto& [text, expected] : cases) {
    auto p = ParsePolicy(text, "p.yaml");
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(p.status().message().rfind(expected, 0), 0u)
        << "input:\n"
        << text << "\ngot: " << p.status().message() << "\nwant: " << expected;
  }
}

TEST(ReportInputs, TruncatedPolicyIsRejected) {
  const std::string text = testing::ReadAll(std::string(DTM_SOURCE_DIR) + "/examples/policy.yaml");
  ASSERT_FALSE(text.empty());
  // Every cut either parses to a smaller valid policy or is rejected with a
  // place; none crashes or is accepted with a broken rule.
  for (size_t n = 0; n < text.size(); n += 7) {
    auto p = ParsePolicy(text.substr(0, n), "p.yaml");
    if (!p.ok()) {
      EXPECT_EQ(p.status().message().rfind("p.yaml:", 0), 0u) << p.status().message();
      continue;
    }
    EXPECT_EQ(p->format(), 1u);
    for (const std::string& f : p->required_fields()) EXPECT_TRUE(ValidateRequiredField(f).ok());
  }
}

TEST(ReportInputs, PolicyFilesAreRead) {
  testing::TempDir dir;
  EXPECT_TRUE(LoadPolicy(dir.Write("p.yaml", kMinimalPolicy)).ok());
  EXPECT_EQ(LoadPolicy(dir.Path("none.yaml")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LoadPolicy(dir.path()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadModelFile(dir.Path("none.yaml")).status().code(), StatusCode::kNotFound);
}

TEST(ReportInputs, BadModelFilesAreRejectedWithTheirPlace) {
  const std::pair<const char*, const char*> cases[] = {
      {"model: {name: m}\n", "m.yaml:1:1: format: missing; write 'format: 1'"},
      {"format: 1\nmodel: {version: \"1\"}\n", "m.yaml:2:8: model.name: missing: name the model"},
      {"format: 1\n", "m.yaml:1:1: model.name: missing: name the model"},
      {"format: 1\nmodel: {name: m}\nmodification: \"yes\"\n",
       "m.yaml:3:15: modification: is yes, but base_model is not given"},
      {"format: 1\nmodel: {name: m}\nmodification: \"no\"\nbase_model: {name: b}\n",
       "m.yaml:4:13: base_model: given, but modification is no"},
      {"format: 1\nmodel: {name: m}\nbase_model: {url: https://b.example}\n",
       "m.yaml:3:13: base_model.name: missing: name the base model"},
      {"format: 1\nmodel: {name: m}\nplaced_on_market: 2025-02-30\n",
       "m.yaml:3:19: placed_on_market: "},
      {"format: 1\nmodel: {name: m}\nprevious_summaries: [{url: https://x.example}]\n",
       "m.yaml:3:22: previous_summaries[0].version: missing"},
      {"format: 1\nmodel: {name: m}\nmodel_name: m\n", "m.yaml:3:1: unknown key 'model_name'"},
      {"format: 1\nmodel: {name: m}\ncontinued_training: true\n",
       "m.yaml:3:21: continued_training: "},
  };
  for (const auto& [text, expected] : cases) {
    auto m = ParseModelFile(text, "m.yaml");
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(m.status().message().rfind(expected, 0), 0u)
        << "input:\n"
        << text << "\ngot: " << m.status().message() << "\nwant: " << expected;
  }
}

}  // namespace
}  // namespace dtm
