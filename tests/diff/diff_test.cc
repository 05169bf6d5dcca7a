// DiffManifests: sources added, removed and changed field by field, flags,
// the header and its previous link, composition, and the source filter.
#include "dtm/diff.h"

#include <gtest/gtest.h>

#include <functional>

#include "diff/diff_test_util.h"

namespace dtm {
namespace {

using diff_test::BaseManifest;
using diff_test::Diff;
using diff_test::Paths;
using diff_test::TestManifest;
using Kind = FieldChange::Kind;

TEST(DiffTest, IdenticalManifestsHaveNoChanges) {
  const DiffResult d = Diff(BaseManifest(), BaseManifest());
  EXPECT_TRUE(d.identical());
  EXPECT_TRUE(d.header_changes.empty());
  EXPECT_TRUE(d.sources_added.empty() && d.sources_removed.empty() && d.sources_changed.empty());
  EXPECT_TRUE(d.files.empty());
  EXPECT_TRUE(d.flags.empty());
  EXPECT_EQ(d.before.file_sha256, d.after.file_sha256);
  EXPECT_EQ(d.totals.files.before, 5u);
  EXPECT_EQ(d.totals.files.after, 5u);
  EXPECT_EQ(d.totals.tokens.after, 6000u);
}

struct SourceCase {
  const char* name;
  std::function<void(v1::Source*)> edit;  // applied to source "web" of v2
  FieldChange expected;
};

TEST(DiffTest, EachSourceChangeIsNamedWithOldAndNewValue) {
  v1::OptOutObservation robots;
  robots.set_mechanism(v1::OPT_OUT_MECHANISM_ROBOTS_TXT);
  robots.set_scope("example.com");
  robots.set_observed_value("Disallow: /");
  robots.mutable_observed_at()->set_seconds(1740787200);  // 2025-03-01
  robots.set_reserved(v1::ANSWER_YES);
  const std::string robots_text =
      "{mechanism: robots_txt, scope: \"example.com\", observed_value: \"Disallow: /\", "
      "observed_at: 2025-03-01, reserved: yes}";
  const std::vector<SourceCase> cases = {
      {"expression",
       [](v1::Source* s) { s->mutable_license()->set_expression("Apache-2.0"); },
       {Kind::kChanged, "license.expression", "MIT", "Apache-2.0"}},
      {"use class",
       [](v1::Source* s) { s->mutable_license()->set_use_class(v1::USE_CLASS_ACADEMIC_ONLY); },
       {Kind::kChanged, "license.use_class", "commercial", "academic_only"}},
      {"acquisition",
       [](v1::Source* s) {
         s->mutable_provenance()->set_acquisition(v1::ACQUISITION_METHOD_LICENSED);
       },
       {Kind::kChanged, "provenance.acquisition", "crawled", "licensed"}},
      {"opt-out added",
       [&](v1::Source* s) { *s->add_opt_outs() = robots; },
       {Kind::kAdded, "opt_outs", "", robots_text}},
      {"personal data",
       [](v1::Source* s) {
         s->mutable_personal_data()->set_contains_personal_information(v1::ANSWER_YES);
       },
       {Kind::kChanged, "personal_data.contains_personal_information", "unspecified", "yes"}},
      {"generator model",
       [](v1::Source* s) { s->mutable_generation()->set_model("gen-7b"); },
       {Kind::kChanged, "generation.model", "", "gen-7b"}},
      {"collection end",
       [](v1::Source* s) {
         s->mutable_provenance()->mutable_collection_end()->set_seconds(1751241600);
       },
       {Kind::kChanged, "provenance.collection_end", "", "2025-06-30"}},
      {"collection end with time",
       [](v1::Source* s) {
         s->mutable_provenance()->mutable_collection_end()->set_seconds(1751241600 + 3661);
       },
       {Kind::kChanged, "provenance.collection_end", "", "2025-06-30T01:01:01Z"}},
      {"processing",
       [](v1::Source* s) {
         v1::ProcessingStep* step = s->add_processing();
         step->set_purpose(v1::PROCESSING_PURPOSE_DEDUPLICATION);
         step->set_description("MinHash");
       },
       {Kind::kAdded, "processing", "", "{purpose: deduplication, description: \"MinHash\"}"}},
      {"languages",
       [](v1::Source* s) {
         s->add_languages("en");
         s->add_languages("fr");
       },
       {Kind::kChanged, "languages", "[]", "[\"en\", \"fr\"]"}},
      {"terms digest",
       [](v1::Source* s) { s->mutable_generation()->set_terms_sha256(std::string(2, '\xab')); },
       {Kind::kChanged, "generation.terms_sha256", "", "abab"}},
      {"tokens",
       [](v1::Source* s) { s->mutable_counts()->set_tokens(5001); },
       {Kind::kChanged, "counts.tokens", "5000", "5001"}},
      {"hours",
       [](v1::Source* s) { s->mutable_counts()->set_hours(1.5); },
       {Kind::kChanged, "counts.hours", "0", "1.5"}},
      {"verifier",
       [](v1::Source* s) { s->mutable_license()->mutable_verified_by()->set_name("Law & Co"); },
       {Kind::kChanged, "license.verified_by.name", "", "Law & Co"}},
      {"empty message now present",
       [](v1::Source* s) { s->mutable_governance(); },
       {Kind::kChanged, "governance", "", "{}"}},
  };
  for (const SourceCase& c : cases) {
    SCOPED_TRACE(c.name);
    TestManifest v2 = BaseManifest();
    c.edit(&v2.sources.at("web"));
    const DiffResult d = Diff(BaseManifest(), v2);
    ASSERT_EQ(d.sources_changed.size(), 1u);
    EXPECT_EQ(d.sources_changed[0].id, "web");
    ASSERT_EQ(d.sources_changed[0].changes.size(), 1u);
    const FieldChange& got = d.sources_changed[0].changes[0];
    EXPECT_EQ(got.kind, c.expected.kind);
    EXPECT_EQ(got.field, c.expected.field);
    EXPECT_EQ(got.before, c.expected.before);
    EXPECT_EQ(got.after, c.expected.after);
    EXPECT_FALSE(d.identical());
    EXPECT_TRUE(d.files.empty());
  }
}

TEST(DiffTest, RepeatedMessagesCompareAsMultisets) {
  TestManifest v1 = BaseManifest(), v2 = BaseManifest();
  for (const char* scope : {"a.example", "b.example", "c.example"}) {
    v1::OptOutObservation* o = v1.sources.at("web").add_opt_outs();
    o->set_mechanism(v1::OPT_OUT_MECHANISM_ROBOTS_TXT);
    o->set_scope(scope);
  }
  // v2: the same three in another order: one change listing both orders.
  *v2.sources.at("web").mutable_opt_outs() = v1.sources.at("web").opt_outs();
  v2.sources.at("web").mutable_opt_outs()->SwapElements(0, 2);
  DiffResult d = Diff(v1, v2);
  ASSERT_EQ(d.sources_changed.size(), 1u);
  ASSERT_EQ(d.sources_changed[0].changes.size(), 1u);
  EXPECT_EQ(d.sources_changed[0].changes[0].kind, Kind::kChanged);
  EXPECT_EQ(d.sources_changed[0].changes[0].before.substr(0, 47),
            "[{mechanism: robots_txt, scope: \"a.example\"}, {");
  EXPECT_TRUE(d.flags.empty());  // reordering observes nothing new

  // v2: b removed, d added: one removal and one addition, nothing else.
  v2.sources.at("web").mutable_opt_outs()->DeleteSubrange(1, 1);
  v2.sources.at("web").add_opt_outs()->set_scope("d.example");
  d = Diff(v1, v2);
  ASSERT_EQ(d.sources_changed[0].changes.size(), 2u);
  EXPECT_EQ(d.sources_changed[0].changes[0].kind, Kind::kRemoved);
  EXPECT_EQ(d.sources_changed[0].changes[0].before,
            "{mechanism: robots_txt, scope: \"b.example\"}");
  EXPECT_EQ(d.sources_changed[0].changes[1].kind, Kind::kAdded);
  EXPECT_EQ(d.sources_changed[0].changes[1].after, "{scope: \"d.example\"}");
}

TEST(DiffTest, SourcesAddedAndRemovedCarryTheirFiles) {
  TestManifest v2 = BaseManifest();
  v2.sources.erase("books");
  v2.RemoveFile("books", "a.txt");
  v2.RemoveFile("books", "b.txt");
  v2.AddSource(test::MakeSource("code"));
  v2.AddFile("code", "main.c", "int main;");
  const DiffResult d = Diff(BaseManifest(), v2);
  ASSERT_EQ(d.sources_removed.size(), 1u);
  EXPECT_EQ(d.sources_removed[0].source.id(), "books");
  EXPECT_EQ(d.sources_removed[0].files, 2u);
  EXPECT_EQ(d.sources_removed[0].bytes, 10u);
  ASSERT_EQ(d.sources_added.size(), 1u);
  EXPECT_EQ(d.sources_added[0].source.id(), "code");
  EXPECT_EQ(d.sources_added[0].files, 1u);
  EXPECT_EQ(d.sources_added[0].bytes, 9u);
  ASSERT_EQ(d.files.size(), 2u);
  EXPECT_EQ(d.files[0].source_id, "books");
  EXPECT_EQ(Paths(d.files[0].removed), (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(d.files[1].source_id, "code");
  EXPECT_EQ(Paths(d.files[1].added), (std::vector<std::string>{"main.c"}));
  EXPECT_EQ(d.totals.sources.change(), 0);
  EXPECT_EQ(d.totals.files.change(), -1);
}

std::vector<std::pair<DiffFlagKind, std::string>> FlagsOf(const DiffResult& d) {
  std::vector<std::pair<DiffFlagKind, std::string>> out;
  for (const DiffFlag& f : d.flags) out.emplace_back(f.kind, f.source_id);
  return out;
}

TEST(DiffTest, UseClassFlagsFollowTheOrderOfRestriction) {
  struct Case {
    v1::UseClass before, after;
    std::vector<DiffFlagKind> flags;
  };
  const std::vector<Case> cases = {
      {v1::USE_CLASS_COMMERCIAL,
       v1::USE_CLASS_NON_COMMERCIAL,
       {DiffFlagKind::kUseClassMoreRestrictive}},
      {v1::USE_CLASS_NON_COMMERCIAL,
       v1::USE_CLASS_ACADEMIC_ONLY,
       {DiffFlagKind::kUseClassMoreRestrictive}},
      {v1::USE_CLASS_ACADEMIC_ONLY,
       v1::USE_CLASS_COMMERCIAL,
       {DiffFlagKind::kUseClassLessRestrictive}},
      {v1::USE_CLASS_COMMERCIAL, v1::USE_CLASS_UNSPECIFIED, {DiffFlagKind::kUseClassUnspecified}},
      {v1::USE_CLASS_UNSPECIFIED, v1::USE_CLASS_COMMERCIAL, {}},
  };
  for (const Case& c : cases) {
    TestManifest v1 = BaseManifest(), v2 = BaseManifest();
    v1.sources.at("web").mutable_license()->set_use_class(c.before);
    v2.sources.at("web").mutable_license()->set_use_class(c.after);
    const DiffResult d = Diff(v1, v2);
    SCOPED_TRACE(std::to_string(c.before) + " -> " + std::to_string(c.after));
    ASSERT_EQ(d.flags.size(), c.flags.size());
    if (c.flags.empty()) continue;
    EXPECT_EQ(d.flags[0].kind, c.flags[0]);
    EXPECT_EQ(d.flags[0].source_id, "web");
    EXPECT_FALSE(d.flags[0].source_added);
  }
}

TEST(DiffTest, FlagsPersonalDataModelGeneratedAndNewOptOuts) {
  TestManifest v1 = BaseManifest(), v2 = BaseManifest();
  v1::OptOutObservation old_obs;
  old_obs.set_mechanism(v1::OPT_OUT_MECHANISM_ROBOTS_TXT);
  old_obs.set_scope("web.example");
  *v1.sources.at("web").add_opt_outs() = old_obs;
  *v2.sources.at("web").add_opt_outs() = old_obs;  // seen before: no flag
  v1::OptOutObservation new_obs = old_obs;
  new_obs.set_mechanism(v1::OPT_OUT_MECHANISM_TDMREP);
  *v2.sources.at("web").add_opt_outs() = new_obs;
  v2.sources.at("web").mutable_personal_data()->set_contains_personal_information(v1::ANSWER_YES);
  v1::Source* books = &v2.sources.at("books");
  books->mutable_provenance()->set_acquisition(v1::ACQUISITION_METHOD_GENERATED_BY_MODEL);
  books->mutable_generation()->set_model("gen");
  books->mutable_generation()->set_model_version("2");
  v1::Record synth = test::MakeSource("synth", v1::USE_CLASS_COMMERCIAL,
                                      v1::ACQUISITION_METHOD_GENERATED_BY_MODEL);
  synth.mutable_source()->mutable_generation()->set_model("other");
  synth.mutable_source()->mutable_personal_data()->set_contains_personal_information(
      v1::ANSWER_YES);
  *synth.mutable_source()->add_opt_outs() = old_obs;  // new in this source
  v2.AddSource(synth);

  const DiffResult d = Diff(v1, v2);
  using F = DiffFlagKind;
  EXPECT_EQ(FlagsOf(d), (std::vector<std::pair<F, std::string>>{{F::kModelGenerated, "books"},
                                                                {F::kPersonalData, "synth"},
                                                                {F::kModelGenerated, "synth"},
                                                                {F::kOptOutObserved, "synth"},
                                                                {F::kPersonalData, "web"},
                                                                {F::kOptOutObserved, "web"}}));
  EXPECT_EQ(d.flags[0].before, "public_dataset");
  EXPECT_EQ(d.flags[0].after, "gen 2");
  EXPECT_TRUE(d.flags[1].source_added);
  EXPECT_EQ(d.flags[2].after, "other");
  EXPECT_EQ(d.flags[4].before, "unspecified");
  EXPECT_EQ(d.flags[4].after, "yes");
  EXPECT_EQ(d.flags[5].after, "{mechanism: tdmrep, scope: \"web.example\"}");
}

TEST(DiffTest, NoPersonalDataFlagWhenItWasAlreadyYes) {
  TestManifest v1 = BaseManifest(), v2 = BaseManifest();
  for (TestManifest* m : {&v1, &v2}) {
    m->sources.at("web").mutable_personal_data()->set_contains_personal_information(v1::ANSWER_YES);
  }
  v2.sources.at("web").set_description("now described");
  EXPECT_TRUE(Diff(v1, v2).flags.empty());
}

TEST(DiffTest, HeaderChangesAndPreviousLink) {
  testing::TempDir dir;
  const TestManifest v1 = BaseManifest();
  const v1::Header written = v1.Write(dir.Path("v1.dtm"));
  auto check = CheckManifest(dir.Path("v1.dtm"));
  ASSERT_TRUE(check.ok());

  TestManifest v2 = BaseManifest();
  v2.header.mutable_dataset()->set_version("2025.11");
  v2.header.mutable_created()->set_seconds(1764460800 + 30);  // 2025-11-30T00:00:30Z
  v1::PreviousVersion* p = v2.header.mutable_previous();
  p->set_version("2025.06");
  p->set_manifest_sha256(std::string(AsBytes(check->file_sha256)));
  p->set_merkle_root(written.merkle_root());
  v2.Write(dir.Path("v2.dtm"));
  auto d = DiffManifests(dir.Path("v1.dtm"), dir.Path("v2.dtm"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->previous.names_before());
  EXPECT_TRUE(d->previous.version_matches);
  EXPECT_FALSE(d->identical());
  ASSERT_GE(d->header_changes.size(), 4u);
  EXPECT_EQ(d->header_changes[0].field, "dataset.version");
  EXPECT_EQ(d->header_changes[0].before, "2025.06");
  EXPECT_EQ(d->header_changes[0].after, "2025.11");
  EXPECT_EQ(d->header_changes[1].field, "created");
  EXPECT_EQ(d->header_changes[1].before, "2025-06-30");
  EXPECT_EQ(d->header_changes[1].after, "2025-11-30T00:00:30Z");
  EXPECT_EQ(d->header_changes[2].field, "previous.version");
  for (const FieldChange& c : d->header_changes) {
    EXPECT_NE(c.field.rfind("totals", 0), 0u) << "computed fields are not header changes";
    EXPECT_NE(c.field, "merkle_root");
  }

  // A previous that names another file: the link is reported broken.
  p->set_manifest_sha256(std::string(32, '\x01'));
  v2.Write(dir.Path("v2.dtm"));
  d = DiffManifests(dir.Path("v1.dtm"), dir.Path("v2.dtm"));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->previous.present);
  EXPECT_FALSE(d->previous.sha256_matches);
  EXPECT_TRUE(d->previous.root_matches);
  EXPECT_FALSE(d->previous.names_before());

  d = DiffManifests(dir.Path("v2.dtm"), dir.Path("v1.dtm"));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->previous.present);
}

TEST(DiffTest, CompositionRowsFromBothHeaders) {
  TestManifest v2 = BaseManifest();
  v2.sources.at("books").mutable_license()->set_use_class(v1::USE_CLASS_ACADEMIC_ONLY);
  const DiffResult d = Diff(BaseManifest(), v2);
  ASSERT_EQ(d.composition.by_use_class.size(), 3u);
  const CompositionDiffRow& nc = d.composition.by_use_class[1];
  EXPECT_EQ(nc.value, v1::USE_CLASS_NON_COMMERCIAL);
  EXPECT_EQ(nc.tally.files.before, 2u);
  EXPECT_EQ(nc.tally.files.after, 0u);
  EXPECT_EQ(nc.tally.bytes.change(), -10);
  EXPECT_EQ(nc.tally.tokens.before, 1000u);
  const CompositionDiffRow& ac = d.composition.by_use_class[2];
  EXPECT_EQ(ac.value, v1::USE_CLASS_ACADEMIC_ONLY);
  EXPECT_EQ(ac.tally.sources.after, 1u);
  EXPECT_EQ(ac.tally.tokens.change(), 1000);
  ASSERT_EQ(d.composition.by_modality.size(), 1u);
  EXPECT_EQ(d.composition.by_modality[0].tally.files.change(), 0);
}

TEST(DiffTest, SourceFilterRestrictsSourcesFilesAndFlags) {
  TestManifest v2 = BaseManifest();
  v2.header.mutable_dataset()->set_version("2025.11");
  v2.sources.at("books").mutable_license()->set_use_class(v1::USE_CLASS_COMMERCIAL);
  v2.AddFile("books", "c.txt", "charlie");
  DiffOptions web_only;
  web_only.sources = {"web"};
  DiffResult d = Diff(BaseManifest(), v2, web_only);
  EXPECT_TRUE(d.identical()) << "header changes are out of a filtered scope";
  EXPECT_EQ(d.header_changes.size(), 1u) << "but still reported";
  EXPECT_TRUE(d.sources_changed.empty() && d.files.empty() && d.flags.empty());
  EXPECT_EQ(d.source_filter, std::vector<std::string>{"web"});
  EXPECT_EQ(d.totals.files.change(), 1) << "totals describe the whole manifests";

  DiffOptions books;
  books.sources = {"books", "books"};
  d = Diff(BaseManifest(), v2, books);
  EXPECT_FALSE(d.identical());
  ASSERT_EQ(d.sources_changed.size(), 1u);
  ASSERT_EQ(d.files.size(), 1u);
  EXPECT_EQ(d.files[0].source_id, "books");
  ASSERT_EQ(d.flags.size(), 1u);
  EXPECT_EQ(d.source_filter, std::vector<std::string>{"books"});
}

TEST(DiffTest, SourceFilterNamingNoSourceIsNotFound) {
  testing::TempDir dir;
  DiffOptions options;
  options.sources = {"web", "nosuch"};
  auto d = diff_test::WriteAndDiff(dir, BaseManifest(), BaseManifest(), options);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
  EXPECT_NE(d.status().message().find("no source 'nosuch'"), std::string::npos)
      << d.status().message();
}

TEST(DiffTest, EmptyManifestsAndSourcesWithoutFiles) {
  TestManifest empty;
  empty.header = BaseManifest().header;
  DiffResult d = Diff(empty, empty);
  EXPECT_TRUE(d.identical());
  d = Diff(empty, BaseManifest());
  EXPECT_EQ(d.sources_added.size(), 2u);
  ASSERT_EQ(d.files.size(), 2u);
  EXPECT_EQ(d.files[1].added.size(), 3u);
  d = Diff(BaseManifest(), empty);
  EXPECT_EQ(d.sources_removed.size(), 2u);
  EXPECT_EQ(d.files[0].removed.size(), 2u);
}

TEST(DiffTest, DocumentsAreMatchedByIdElseByContent) {
  TestManifest before = BaseManifest(), after = BaseManifest();
  // Ids: a1 kept, a2 changed, a3 removed, a4 added.
  before.AddDocument("web", "1.html", "a1", "one");
  before.AddDocument("web", "1.html", "a2", "two");
  before.AddDocument("web", "1.html", "a3", "three");
  after.AddDocument("web", "1.html", "a1", "one");
  after.AddDocument("web", "1.html", "a2", "two, edited");
  after.AddDocument("web", "1.html", "a4", "four");
  // No ids: matched by content, wherever it is; a duplicate counts twice.
  before.AddDocument("books", "a.txt", "", "chapter 1");
  before.AddDocument("books", "a.txt", "", "chapter 2");
  after.AddDocument("books", "b.txt", "", "chapter 1");
  after.AddDocument("books", "b.txt", "", "chapter 1");
  const DiffResult d = Diff(before, after);
  EXPECT_FALSE(d.identical());
  ASSERT_EQ(d.documents.size(), 2u);
  const SourceDocumentChanges& books = d.documents[0];
  EXPECT_EQ(books.source_id, "books");
  EXPECT_EQ(books.documents.before, 2u);
  EXPECT_EQ(books.documents.after, 2u);
  EXPECT_EQ(books.unchanged, 1u);
  EXPECT_EQ(books.added, 1u);
  EXPECT_EQ(books.removed, 1u);
  EXPECT_EQ(books.changed, 0u);
  const SourceDocumentChanges& web = d.documents[1];
  EXPECT_EQ(web.unchanged, 1u);
  EXPECT_EQ(web.changed, 1u);
  EXPECT_EQ(web.added, 1u);
  EXPECT_EQ(web.removed, 1u);
  // The files' records are unchanged: documents alone make the difference.
  EXPECT_TRUE(d.files.empty());
  // The same documents: identical.
  EXPECT_TRUE(Diff(before, before).identical());
  // A source filter leaves the other source's documents out.
  DiffOptions only_web;
  only_web.sources = {"web"};
  const DiffResult w = Diff(before, after, only_web);
  ASSERT_EQ(w.documents.size(), 1u);
  EXPECT_EQ(w.documents[0].source_id, "web");
}

}  // namespace
}  // namespace dtm
