// Policy checks: each rule fires on a source that breaks it and stays quiet on
// one that keeps it; exemptions; the report's lines and summary.
#include <gtest/gtest.h>

#include <sstream>

#include "dtm/policy.h"
#include "report/report_test_util.h"

namespace dtm {
namespace {

using test::FactsOf;
using test::RichSources;

v1::Policy PolicyOf(const std::string& text) {
  v1::Policy p;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &p)) << text;
  p.set_format(1);
  p.set_name("test-policy");
  return p;
}

// "source: rule" of each violation that is not exempted.
std::vector<std::string> Hits(const v1::Policy& policy, const ManifestFacts& facts) {
  std::vector<std::string> out;
  for (const PolicyViolation& v : CheckPolicy(policy, facts)) {
    if (v.exemption.empty()) out.push_back(v.source_id + ": " + v.rule);
  }
  return out;
}

using Hit = std::vector<std::string>;

TEST(PolicyRules, RichManifestKeepsEveryRule) {
  const v1::Policy policy = PolicyOf(R"pb(
    disallowed_use_classes: [ USE_CLASS_NON_COMMERCIAL, USE_CLASS_ACADEMIC_ONLY ]
    review_licenses: [ "GPL-3.0-only", "LicenseRef-secret" ]
    required_fields: [
      "license.verified_by",
      "provenance.collection_start",
      "opt_outs.observed_at",
      "header.dataset.intended_purpose"
    ]
    opt_outs_honoured: true
    forbidden_training_permissions: [ TRAINING_PERMISSION_PROHIBITED ]
    training_permission_stated: true
    personal_data_legal_basis: true
    license_verified: true
    disallowed_acquisitions: [ ACQUISITION_METHOD_OTHER ]
  )pb");
  EXPECT_EQ(Hits(policy, FactsOf(RichSources())), Hit{});
  std::ostringstream out;
  EXPECT_EQ(WritePolicyReport(policy, FactsOf(RichSources()), {}, out), 0u);
  EXPECT_EQ(out.str(), "policy test-policy: no violations; 10 sources checked\n");
}

TEST(PolicyRules, DisallowedUseClasses) {
  auto sources = RichSources();
  sources[3].mutable_license()->set_use_class(v1::USE_CLASS_NON_COMMERCIAL);
  const auto policy = PolicyOf("disallowed_use_classes: USE_CLASS_NON_COMMERCIAL");
  EXPECT_EQ(Hits(policy, FactsOf(sources)), Hit{"images: disallowed_use_classes"});
  const auto v = CheckPolicy(policy, FactsOf(sources));
  EXPECT_EQ(v[0].message, "use class non_commercial is not allowed");
  EXPECT_EQ(Hits(PolicyOf("disallowed_use_classes: USE_CLASS_ACADEMIC_ONLY"), FactsOf(sources)),
            Hit{});
}

TEST(PolicyRules, DocumentsMatchDeclared) {
  v1::Source declared = RichSources()[0];
  declared.set_id("news");
  declared.mutable_counts()->set_documents(10);
  declared.mutable_documents()->set_format(v1::DocumentRule::FORMAT_JSONL);
  v1::Source ranged = declared;
  ranged.set_id("web");
  ranged.mutable_counts()->set_documents_min(8);
  ranged.mutable_counts()->set_documents_max(12);
  v1::Source unmeasured = declared;  // no rule, no entries: nothing to compare
  unmeasured.set_id("books");
  unmeasured.clear_documents();
  ManifestFacts facts = FactsOf({unmeasured, declared, ranged});
  facts.sources[1].documents = 9;
  facts.sources[2].documents = 9;
  const auto policy = PolicyOf("documents_match_declared: true");
  EXPECT_EQ(Hits(policy, facts), Hit{"news: documents_match_declared"});
  EXPECT_EQ(CheckPolicy(policy, facts)[0].message,
            "declares 10 documents (counts) but its files hold 9 document entries");
  // Skipped bad documents were documents of the files: they count.
  facts.sources[1].documents_skipped = 1;
  EXPECT_EQ(Hits(policy, facts), Hit{});
  facts.sources[2].documents = 13;
  EXPECT_EQ(Hits(policy, facts), Hit{"web: documents_match_declared"});
  EXPECT_EQ(CheckPolicy(policy, facts)[0].message,
            "declares 8 to 12 documents (counts) but its files hold 13 document entries");
  EXPECT_EQ(Hits(PolicyOf("license_verified: false"), facts), Hit{});
}

TEST(PolicyRules, ReviewLicensesMatchIdsInExpressions) {
  auto sources = RichSources();
  sources[0].mutable_license()->set_expression("(MIT OR gpl-2.0+) AND Apache-2.0");
  sources[1].mutable_license()->set_expression("GPL-2.0-only WITH Classpath-exception-2.0");
  sources[2].mutable_license()->set_expression("LicenseRef-GPL-2.0");
  const auto policy = PolicyOf(R"pb(review_licenses: [ "GPL-2.0", "Classpath-exception-2.0" ])pb");
  EXPECT_EQ(Hits(policy, FactsOf(sources)),
            (Hit{"books: review_licenses", "code: review_licenses"}));
  EXPECT_EQ(CheckPolicy(policy, FactsOf(sources))[0].message,
            "license expression '(MIT OR gpl-2.0+) AND Apache-2.0' names GPL-2.0, which needs "
            "legal review");
  EXPECT_EQ(Hits(PolicyOf(R"pb(review_licenses: "GPL-2.0+")pb"), FactsOf(sources)),
            Hit{"books: review_licenses"});
  EXPECT_EQ(Hits(PolicyOf(R"pb(review_licenses: "LicenseRef-GPL-2.0")pb"), FactsOf(sources)),
            Hit{"crawl: review_licenses"});
}

TEST(PolicyRules, RequiredFieldsInSourcesAndHeader) {
  auto sources = RichSources();
  sources[4].mutable_license()->clear_verified_by();
  sources[5].clear_provenance();
  sources[2].mutable_opt_outs(0)->clear_observed_at();
  ManifestFacts facts = FactsOf(sources);
  facts.header.mutable_dataset()->clear_intended_purpose();
  const auto policy = PolicyOf(R"pb(
    required_fields: [
      "license.verified_by",
      "provenance.collection_start",
      "opt_outs.observed_at",
      "header.dataset.intended_purpose",
      "languages"
    ]
  )pb");
  std::vector<std::string> messages;
  for (const PolicyViolation& v : CheckPolicy(policy, facts)) {
    EXPECT_EQ(v.rule, "required_fields");
    messages.push_back(v.source_id + ": " + v.message);
  }
  EXPECT_EQ(messages, (Hit{": header.dataset.intended_purpose is not filled",
                           "crawl: opt_outs[0].observed_at is not filled",
                           "news: license.verified_by is not filled",
                           "private: provenance.collection_start is not filled"}));
}

TEST(PolicyRules, RequiredFieldPathsAreValidated) {
  for (const char* ok : {"license.verified_by", "license.verified_by.name", "opt_outs.observed_at",
                         "header.dataset.intended_purpose", "counts.tokens", "generation"}) {
    EXPECT_TRUE(ValidateRequiredField(ok).ok()) << ok;
  }
  EXPECT_EQ(ValidateRequiredField("license.verifed_by").message(),
            "'verifed_by' is not a field of License");
  EXPECT_EQ(ValidateRequiredField("name.first").message(),
            "'name' of Source is not a message, so it has no field 'first'");
  EXPECT_FALSE(ValidateRequiredField("").ok());
  EXPECT_FALSE(ValidateRequiredField("header.").ok());
  EXPECT_FALSE(ValidateRequiredField("license.").ok());
  EXPECT_FALSE(ValidateRequiredField("header.nothing").ok());
}

TEST(PolicyRules, OptOutsHonoured) {
  auto sources = RichSources();
  const auto policy = PolicyOf("opt_outs_honoured: true");
  for (v1::OptOutAction action :
       {v1::OPT_OUT_ACTION_NOT_HONOURED, v1::OPT_OUT_ACTION_PARTIALLY_HONOURED,
        v1::OPT_OUT_ACTION_UNSPECIFIED, v1::OPT_OUT_ACTION_NOT_APPLICABLE}) {
    sources[2].mutable_opt_outs(0)->set_action(action);
    EXPECT_EQ(Hits(policy, FactsOf(sources)), Hit{"crawl: opt_outs_honoured"}) << action;
  }
  sources[2].mutable_opt_outs(0)->set_action(v1::OPT_OUT_ACTION_NOT_HONOURED);
  EXPECT_EQ(CheckPolicy(policy, FactsOf(sources))[0].message,
            "opt_outs[0] (robots_txt for blocked.example, observed 2025-01-01) reserved rights "
            "but the action is not_honoured");
  // Not reserved (or unknown): nothing to honour.
  for (v1::Answer reserved : {v1::ANSWER_NO, v1::ANSWER_UNKNOWN, v1::ANSWER_UNSPECIFIED}) {
    sources[2].mutable_opt_outs(0)->set_reserved(reserved);
    EXPECT_EQ(Hits(policy, FactsOf(sources)), Hit{});
  }
  sources[2].mutable_opt_outs(0)->set_reserved(v1::ANSWER_YES);
  EXPECT_EQ(Hits(PolicyOf("opt_outs_honoured: false"), FactsOf(sources)), Hit{});
}

TEST(PolicyRules, GeneratedDataTerms) {
  auto sources = RichSources();
  const auto forbid = PolicyOf(
      "forbidden_training_permissions: [ TRAINING_PERMISSION_PROHIBITED, "
      "TRAINING_PERMISSION_COMPETING_PROHIBITED ]");
  sources[7].mutable_generation()->set_training_permission(
      v1::TRAINING_PERMISSION_COMPETING_PROHIBITED);
  EXPECT_EQ(Hits(forbid, FactsOf(sources)), Hit{"synth: forbidden_training_permissions"});
  EXPECT_EQ(CheckPolicy(forbid, FactsOf(sources))[0].message,
            "generator gen-model: its terms are declared competing_prohibited for training on "
            "outputs");
  sources[7].mutable_generation()->set_training_permission(v1::TRAINING_PERMISSION_UNCLEAR);
  EXPECT_EQ(Hits(forbid, FactsOf(sources)), Hit{});
  sources[7].mutable_generation()->clear_training_permission();
  EXPECT_EQ(Hits(forbid, FactsOf(sources)), Hit{});
  EXPECT_EQ(Hits(PolicyOf("training_permission_stated: true"), FactsOf(sources)),
            Hit{"synth: training_permission_stated"});
}

TEST(PolicyRules, PersonalDataNeedsALegalBasis) {
  auto sources = RichSources();
  const auto policy = PolicyOf("personal_data_legal_basis: true");
  sources[8].mutable_personal_data()->set_contains_personal_information(v1::ANSWER_YES);
  EXPECT_EQ(Hits(policy, FactsOf(sources)), Hit{"users: personal_data_legal_basis"});
  sources[8].mutable_personal_data()->set_legal_basis("GDPR Art. 6(1)(a) consent");
  EXPECT_EQ(Hits(policy, FactsOf(sources)), Hit{});
  sources[8].mutable_personal_data()->clear_legal_basis();
  sources[8].mutable_personal_data()->set_contains_personal_information(v1::ANSWER_UNKNOWN);
  EXPECT_EQ(Hits(policy, FactsOf(sources)), Hit{});
}

TEST(PolicyRules, LicenseVerified) {
  auto sources = RichSources();
  const auto policy = PolicyOf("license_verified: true");
  sources[9].mutable_license()->clear_verified_by();
  EXPECT_EQ(Hits(policy, FactsOf(sources)), Hit{"video: license_verified"});
  EXPECT_EQ(CheckPolicy(policy, FactsOf(sources))[0].message,
            "the license claim (from author) was not verified: license.verified_by is empty");
  sources[9].mutable_license()->mutable_verified_by()->set_contact("x@y.example");  // no name
  EXPECT_EQ(Hits(policy, FactsOf(sources)), Hit{"video: license_verified"});
}

TEST(PolicyRules, AcquisitionMethods) {
  const auto allowed = PolicyOf(
      "allowed_acquisitions: [ ACQUISITION_METHOD_PUBLIC_DATASET, ACQUISITION_METHOD_LICENSED, "
      "ACQUISITION_METHOD_PURCHASED, ACQUISITION_METHOD_CRAWLED, ACQUISITION_METHOD_USER_DATA, "
      "ACQUISITION_METHOD_GENERATED_BY_MODEL, ACQUISITION_METHOD_HUMAN_WRITTEN ]");
  EXPECT_EQ(Hits(allowed, FactsOf(RichSources())), Hit{"private: allowed_acquisitions"});
  const auto disallowed = PolicyOf("disallowed_acquisitions: ACQUISITION_METHOD_CRAWLED");
  EXPECT_EQ(Hits(disallowed, FactsOf(RichSources())), Hit{"crawl: disallowed_acquisitions"});
  EXPECT_EQ(CheckPolicy(disallowed, FactsOf(RichSources()))[0].message,
            "acquisition method crawled is not allowed");
}

TEST(PolicyRules, ExemptionsAreShownButNotCounted) {
  auto sources = RichSources();
  sources[3].mutable_license()->set_use_class(v1::USE_CLASS_NON_COMMERCIAL);
  sources[3].mutable_license()->clear_verified_by();
  v1::Policy policy = PolicyOf(R"pb(
    disallowed_use_classes: USE_CLASS_NON_COMMERCIAL
    license_verified: true
    exemptions { source: "images" rules: "disallowed_use_classes" reason: "research only" }
  )pb");
  const ManifestFacts facts = FactsOf(sources);
  const auto violations = CheckPolicy(policy, facts);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].exemption, "research only");
  EXPECT_EQ(violations[1].exemption, "");
  std::ostringstream out;
  EXPECT_EQ(WritePolicyReport(policy, facts, violations, out), 1u);
  EXPECT_EQ(out.str(),
            "images: disallowed_use_classes: use class non_commercial is not allowed [exempted: "
            "research only]\n"
            "images: license_verified: the license claim (from author) was not verified: "
            "license.verified_by is empty\n"
            "policy test-policy: 1 violation in 1 source (1 exempted); 10 sources checked\n");
}

TEST(PolicyRules, RuleNamesAreThePolicyFields) {
  EXPECT_EQ(PolicyRuleNames(),
            (std::vector<std::string>{
                "disallowed_use_classes", "review_licenses", "required_fields", "opt_outs_honoured",
                "forbidden_training_permissions", "training_permission_stated",
                "personal_data_legal_basis", "license_verified", "allowed_acquisitions",
                "disallowed_acquisitions", "documents_match_declared"}));
}

}  // namespace
}  // namespace dtm
