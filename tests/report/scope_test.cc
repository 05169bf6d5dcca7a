// Reports for one model (spec/report.md, "Scope"): which sources count, the
// roles in development, and the items of the EU template and AB 2013 that
// depend on them.
#include <gtest/gtest.h>

#include <sstream>

#include "dtm/report.h"
#include "report/report_test_util.h"

namespace dtm {
namespace {

using test::FactsOf;
using test::RichModelFile;
using test::RichSources;

// The rich facts with a second model, "other", that only `images` was used
// for, and `video` held out for testing.
ManifestFacts TwoModelFacts() {
  auto sources = RichSources();
  for (v1::Source& s : sources) {
    if (s.id() == "images") {
      s.clear_models();
      s.add_models("other");
    }
    if (s.id() == "video") {
      s.clear_roles();
      s.add_roles(v1::DEVELOPMENT_ROLE_VALIDATION);
      s.add_roles(v1::DEVELOPMENT_ROLE_TEST);
    }
  }
  ManifestFacts facts = FactsOf(sources);
  facts.header.add_models()->set_name("other");
  return facts;
}

std::string Render(const ManifestFacts& facts, ReportOptions options) {
  options.generator = "dtm test";
  auto scoped = ReportFacts(facts, options);
  EXPECT_TRUE(scoped.ok()) << scoped.status().ToString();
  std::ostringstream out;
  EXPECT_TRUE(WriteReport(*scoped, options, out).ok());
  return out.str();
}

TEST(ScopeTest, FactsForModelKeepsItsSourcesAndThoseThatDoNotSay) {
  ManifestFacts facts = TwoModelFacts();
  facts.sources[0].source.clear_models();  // books: not said
  auto scoped = FactsForModel(facts, "test-model");
  ASSERT_TRUE(scoped.ok());
  EXPECT_EQ(scoped->sources.size(), 9u);
  ASSERT_TRUE(scoped->scope.has_value());
  EXPECT_EQ(scoped->scope->left_out, std::vector<std::string>{"images"});
  EXPECT_EQ(scoped->scope->unstated, std::vector<std::string>{"books"});
  auto other = FactsForModel(facts, "other");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->sources.size(), 2u);  // books (not said) and images
  auto unknown = FactsForModel(facts, "nope");
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find(
                "test.dtm: the manifest names no model 'nope'; it names 'test-model', 'other'"),
            std::string::npos)
      << unknown.status().message();
}

TEST(ScopeTest, ReportFactsFollowsForThenTheModelFileThenTheOnlyModel) {
  const ManifestFacts two = TwoModelFacts();
  const v1::ModelFile model = RichModelFile();
  ReportOptions options;
  EXPECT_FALSE(ReportFacts(two, options)->scope.has_value());  // several models, none chosen
  options.model = &model;
  EXPECT_EQ(ReportFacts(two, options)->scope->model, "test-model");
  options.for_model = "other";
  EXPECT_NE(ReportFacts(two, options)
                .status()
                .message()
                .find("--for names 'other' but the model file is about 'test-model'"),
            std::string::npos);
  options.model = nullptr;
  EXPECT_EQ(ReportFacts(two, options)->sources.size(), 1u);
  const ManifestFacts one = FactsOf(RichSources());
  EXPECT_EQ(ReportFacts(one, ReportOptions())->scope->model, "test-model");
  ManifestFacts none = FactsOf(RichSources());
  none.header.clear_models();
  options.for_model = "test-model";
  auto unscoped = ReportFacts(none, options);
  ASSERT_TRUE(unscoped.ok());
  EXPECT_FALSE(unscoped->scope.has_value());
}

TEST(ScopeTest, EuSummaryLeavesOutOtherModelsAndHeldOutData) {
  const v1::ModelFile model = RichModelFile();
  ReportOptions options;
  options.kind = ReportTemplate::kEuAiAct;
  options.model = &model;
  const std::string md = Render(TwoModelFacts(), options);
  EXPECT_NE(md.find("**Scope:** 9 of the manifest's 10 sources: those used for test-model 1; left "
                    "out, as used only for other models: images"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("used only to validate, test or evaluate):** video (validation, test)"),
            std::string::npos);
  EXPECT_EQ(md.find("(images)"), std::string::npos);
  EXPECT_EQ(md.find("(video)"), std::string::npos);
  EXPECT_NE(md.find("| image | no | - | - |"), std::string::npos);
  EXPECT_NE(md.find("| video | no | - | - |"), std::string::npos);
  // Code is a text source for the template.
  EXPECT_NE(md.find("- **Modalities:** text\n"), std::string::npos);
  EXPECT_NE(md.find("Signatory of the copyright chapter of the General-Purpose AI Code of "
                    "Practice:** yes"),
            std::string::npos);
}

TEST(ScopeTest, EuLatestAcquisitionCountsOngoingSources) {
  ManifestFacts facts = FactsOf(RichSources());
  v1::Provenance* users = facts.sources[8].source.mutable_provenance();
  users->clear_collection_end();
  users->set_collection_ongoing(true);
  users->mutable_collection_start()->set_seconds(1740787200);  // 2025-03-01
  ReportOptions options;
  options.kind = ReportTemplate::kEuAiAct;
  const std::string md = Render(facts, options);
  EXPECT_NE(md.find("Latest date of data acquisition:** between 2025-03-01 and 2026-01-01: "
                    "collection is ongoing for users (since 2025-03-01), and the manifest, "
                    "created 2026-01-01, lists what was acquired by then; the latest end of a "
                    "finished collection is 2025-02-01"),
            std::string::npos)
      << md;
  users->set_collection_ongoing(false);
  users->mutable_collection_end()->set_seconds(1743465600);  // 2025-04-01
  EXPECT_NE(Render(facts, options)
                .find("Latest date of data acquisition:** 2025-04-01 (the "
                      "latest end of collection)"),
            std::string::npos);
}

TEST(ScopeTest, EuThirdPartyOptOutsAnsweredOrGaps) {
  auto sources = RichSources();
  sources[0].mutable_opt_out_policy()->clear_measures_by();  // books
  sources[4].mutable_opt_out_policy()->set_measures_by(v1::OPT_OUT_MEASURES_BY_NOT_APPLICABLE);
  sources[4].mutable_opt_out_policy()->set_description("Licensed from the rights holder.");
  ReportOptions options;
  options.kind = ReportTemplate::kEuAiAct;
  const std::string md = Render(FactsOf(sources), options);
  EXPECT_NE(md.find("  - news: not applicable: Licensed from the rights holder."),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("  - code: measures of the party it was obtained from: The supplier honours "
                    "robots.txt."),
            std::string::npos);
  EXPECT_NE(
      md.find("whose opt-out measures apply (opt\\_out\\_policy.measures\\_by) not stated for "
              "1 source: books"),
      std::string::npos);
}

TEST(ScopeTest, OldContentTypesAreSplitIntoKindsAndFormats) {
  auto sources = RichSources();
  sources[0].clear_media_types();
  sources[0].clear_content_types();
  sources[0].add_content_types("text/plain");  // as written before media_types
  sources[0].add_content_types("novels");
  ReportOptions options;
  options.kind = ReportTemplate::kAb2013;
  const std::string md = Render(FactsOf(sources), options);
  EXPECT_NE(md.find("4. Types of data points:** modalities: text; content: novels; no label types "
                    "stated; file formats: text/plain"),
            std::string::npos)
      << md;
  sources[0].clear_content_types();
  sources[0].add_content_types("text/plain");
  EXPECT_NE(Render(FactsOf(sources), options)
                .find("kinds of content (content\\_types in words) not stated for 1 source: books"),
            std::string::npos);
}

TEST(ScopeTest, Ab2013NamesItsSystemAndCoversHeldOutData) {
  ReportOptions options;
  options.kind = ReportTemplate::kAb2013;
  options.for_model = "test-model";
  ManifestFacts facts = TwoModelFacts();
  facts.sources[6].source.clear_processing();  // speech: used as obtained
  facts.sources[6].source.add_processing()->set_purpose(v1::PROCESSING_PURPOSE_NONE);
  v1::Provenance* synth = facts.sources[7].source.mutable_provenance();
  synth->clear_collection_end();
  synth->set_collection_ongoing(true);
  const std::string md = Render(facts, options);
  EXPECT_NE(md.find("used to develop the generative AI system test-model 1, as AB 2013 requires"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("## Dataset: Source video (video)"), std::string::npos);
  EXPECT_NE(md.find("  - validation: video\n  - test: video\n"), std::string::npos);
  EXPECT_NE(md.find("- **Used in development as:** validation, test"), std::string::npos);
  EXPECT_NE(md.find("Read as: obtained under a licence agreed with, or bought from, the rights "
                    "holder or a data vendor"),
            std::string::npos);
  EXPECT_NE(md.find("not counted: books (MIT), code (MIT)"), std::string::npos);
  EXPECT_NE(md.find("  - none (used as obtained): speech"), std::string::npos);
  EXPECT_NE(md.find("  - none: used as obtained"), std::string::npos);
  EXPECT_NE(md.find("12. Synthetic data generation used:** yes, continuously: synth by gen-model "
                    "2, generation ongoing"),
            std::string::npos);
  EXPECT_EQ(md.find("(images)"), std::string::npos);
}

TEST(ScopeTest, SummaryOlderThanTheManifestIsWarned) {
  v1::ModelFile model = RichModelFile();
  ReportOptions options;
  options.kind = ReportTemplate::kEuAiAct;
  options.model = &model;
  const ManifestFacts facts = FactsOf(RichSources());   // created 2026-01-01
  EXPECT_TRUE(ReportWarnings(facts, options).empty());  // updated the same day
  ManifestFacts later = facts;                          // built later that day: still the same day
  later.header.mutable_created()->set_seconds(1767225600 + 17 * 3600);
  EXPECT_TRUE(ReportWarnings(later, options).empty());
  model.mutable_summary_updated()->set_seconds(1767225600 - 86400);
  const auto warnings = ReportWarnings(facts, options);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("the summary's date of last update, 2025-12-31, is before the "
                             "manifest was created, 2026-01-01"),
            std::string::npos);
  EXPECT_NE(Render(facts, options).find("Notice: the summary's date of last update, 2025-12-31"),
            std::string::npos);
}

}  // namespace
}  // namespace dtm
