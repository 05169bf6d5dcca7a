// Reports: the EU AI Act summary, the AB 2013 documentation and the overview,
// in Markdown and HTML; gaps; size bins; escaping of hostile input.
#include <gtest/gtest.h>

#include <tuple>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "dtm/report.h"
#include "report/report_test_util.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using test::Count;
using test::FactsOf;
using test::RichModelFile;
using test::RichSources;

std::string Render(const ManifestFacts& facts, ReportTemplate kind, ReportFormat format,
                   const v1::ModelFile* model = nullptr) {
  ReportOptions options;
  options.kind = kind;
  options.format = format;
  options.model = model;
  options.generator = "dtm test";
  std::ostringstream out;
  Status st = WriteReport(facts, options, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.str();
}

// The numbered entries of the Markdown "## Gaps" list.
std::vector<std::string> GapLines(const std::string& md) {
  std::vector<std::string> lines;
  const size_t at = md.find("\n## Gaps\n");
  EXPECT_NE(at, std::string::npos);
  std::istringstream in(md.substr(at + 9));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0]))) lines.push_back(line);
  }
  return lines;
}

TEST(ReportSizeBins, EdgesBelongToTheMiddleBin) {
  EXPECT_EQ(TextSizeBin(0), "less than 1 billion tokens");
  EXPECT_EQ(TextSizeBin(999'999'999), "less than 1 billion tokens");
  EXPECT_EQ(TextSizeBin(1'000'000'000), "1 billion to 10 trillion tokens");
  EXPECT_EQ(TextSizeBin(10'000'000'000'000), "1 billion to 10 trillion tokens");
  EXPECT_EQ(TextSizeBin(10'000'000'000'001), "more than 10 trillion tokens");
  EXPECT_EQ(ImageSizeBin(999'999), "less than 1 million images");
  EXPECT_EQ(ImageSizeBin(1'000'000), "1 million to 1 billion images");
  EXPECT_EQ(ImageSizeBin(1'000'000'000), "1 million to 1 billion images");
  EXPECT_EQ(ImageSizeBin(1'000'000'001), "more than 1 billion images");
  EXPECT_EQ(AudioVideoSizeBin(9'999.9), "less than 10,000 hours");
  EXPECT_EQ(AudioVideoSizeBin(10'000), "10,000 to 1 million hours");
  EXPECT_EQ(AudioVideoSizeBin(1'000'000), "10,000 to 1 million hours");
  EXPECT_EQ(AudioVideoSizeBin(1'000'000.5), "more than 1 million hours");
}

TEST(ReportSizeBins, EuTableUsesTheSummedCounts) {
  // books + code declare 600M + 400M tokens; the others a few thousand: the
  // sum crosses 1 billion, so text lands in the middle bin.
  const std::string md =
      Render(FactsOf(RichSources()), ReportTemplate::kEuAiAct, ReportFormat::kMarkdown, nullptr);
  EXPECT_NE(md.find("| text | yes | 1 billion to 10 trillion tokens: 1,000,017,000 tokens"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| image | yes | 1 million to 1 billion images: 1,000,000 images"),
            std::string::npos);
  EXPECT_NE(md.find("| audio | yes | 10,000 to 1 million hours: 10,000.0 hours"),
            std::string::npos);
  EXPECT_NE(md.find("| video | yes | less than 10,000 hours: 5.0 hours"), std::string::npos);
}

TEST(ReportNames, TemplatesAndFormats) {
  EXPECT_EQ(*ParseReportTemplate("eu-ai-act"), ReportTemplate::kEuAiAct);
  EXPECT_EQ(*ParseReportTemplate("ab2013"), ReportTemplate::kAb2013);
  EXPECT_EQ(*ParseReportTemplate("overview"), ReportTemplate::kOverview);
  EXPECT_EQ(ParseReportTemplate("eu").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseReportFormat("md"), ReportFormat::kMarkdown);
  EXPECT_EQ(*ParseReportFormat("html"), ReportFormat::kHtml);
  EXPECT_EQ(ParseReportFormat("pdf").status().code(), StatusCode::kInvalidArgument);
}

TEST(ReportFacts, ReadsSourcesAndTalliesFiles) {
  testing::TempDir dir;
  const std::string path =
      test::WriteTestManifest(dir.Path("m.dtm"), RichSources(), test::RichHeader(), 3, 250);
  auto facts = ReadManifestFacts(path);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  ASSERT_EQ(facts->sources.size(), 10u);
  EXPECT_EQ(facts->sources[0].source.id(), "books");
  EXPECT_EQ(facts->sources[0].files, 3u);
  EXPECT_EQ(facts->sources[0].bytes, 750u);
  EXPECT_EQ(facts->header.dataset().name(), "test-mix");
  ASSERT_TRUE(facts->file_sha256.has_value());
  auto reader = ManifestReader::Open(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(ToHex((*reader)->header().merkle_root()), ToHex(facts->header.merkle_root()));
}

TEST(ReportFacts, DamagedManifestIsAnError) {
  testing::TempDir dir;
  const std::string path = test::WriteTestManifest(dir.Path("m.dtm"), RichSources());
  const std::string bytes = testing::ReadAll(path);
  dir.Write("cut.dtm", bytes.substr(0, bytes.size() - 7));
  EXPECT_FALSE(ReadManifestFacts(dir.Path("cut.dtm")).ok());
  EXPECT_EQ(ReadManifestFacts(dir.Path("missing.dtm")).status().code(), StatusCode::kNotFound);
}

TEST(ReportFacts, FileOfUnknownSourceIsCorruption) {
  ManifestFacts facts;
  facts.name = "x.dtm";
  EXPECT_TRUE(AddRecordToFacts(test::MakeSource("b"), 0, &facts).ok());
  Status st = AddRecordToFacts(test::MakeFile("a", "p"), 1, &facts);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("x.dtm: record 1: entry names an unknown source 'a'"),
            std::string::npos);
  EXPECT_EQ(AddRecordToFacts(test::MakeSource("a"), 2, &facts).code(), StatusCode::kCorruption);
}

// Every section and item of the AI Office template, in order.
const char* const kEuItems[] = {
    "## Summary version",
    "Version of this summary:",
    "Date of last update:",
    "Earlier versions of this summary:",
    "## 1. General information",
    "### 1.1 Provider identification",
    "Provider name and contact details:",
    "Authorised representative",
    "### 1.2 Model identification",
    "Versioned model name(s):",
    "Model dependencies",
    "Date of placement on the Union market:",
    "### 1.3 Modalities, overall training data size and other characteristics",
    "| modality | used | training data size | types of content |",
    "Latest date of data acquisition:",
    "Continued training on newer data",
    "Languages:",
    "Other relevant characteristics:",
    "## 2. List of data sources",
    "### 2.1 Publicly available datasets",
    "Large publicly available datasets",
    "Other publicly available datasets",
    "### 2.2 Private non-publicly available datasets obtained from third parties",
    "#### 2.2.1 Datasets commercially licensed",
    "#### 2.2.2 Private datasets obtained from other third parties",
    "### 2.3 Data crawled and scraped from online sources",
    "Crawler names:",
    "Purposes of the crawlers:",
    "Crawler behaviour (robots.txt, captchas, paywalls):",
    "Period of data collection:",
    "Types of content crawled:",
    "Online sources crawled:",
    "Most relevant domain names by amount of content:",
    "### 2.4 User data",
    "Data from user interactions with the model:",
    "Data collected from the provider's other services or products:",
    "### 2.5 Synthetic data",
    "Models that generated the data:",
    "### 2.6 Other sources of data",
    "## 3. Data processing aspects",
    "### 3.1 Respect of reservations of rights",
    "Opt-out protocols honoured:",
    "### 3.2 Removal of illegal content",
    "### 3.3 Other information",
    "## About this document",
    "## Gaps",
};

TEST(ReportEu, EveryItemInOrderAndNoGapsWhenInputsAreComplete) {
  const v1::ModelFile model = RichModelFile();
  const std::string md =
      Render(FactsOf(RichSources()), ReportTemplate::kEuAiAct, ReportFormat::kMarkdown, &model);
  size_t at = 0;
  for (const char* item : kEuItems) {
    const size_t found = md.find(item, at);
    ASSERT_NE(found, std::string::npos) << "missing or out of order: " << item << "\n" << md;
    at = found;
  }
  EXPECT_NE(md.find("**Gaps:** none"), std::string::npos) << md;
  EXPECT_TRUE(GapLines(md).empty());
  // Facts come through.
  for (const char* fact : {"TestBot (User-Agent: TestBot/1.0)", "big.example", "gen-model 2",
                           "https://gen.example/summary", "robots\\_txt, tdmrep", "EU Rep GmbH",
                           "test-model 1", "2026-01-01", "Version 1.0"}) {
    EXPECT_NE(md.find(fact), std::string::npos) << fact;
  }
}

TEST(ReportEu, WithoutModelFileEveryModelFactIsAGap) {
  const std::string md =
      Render(FactsOf(RichSources()), ReportTemplate::kEuAiAct, ReportFormat::kMarkdown, nullptr);
  const auto gaps = GapLines(md);
  const char* const kModelItems[] = {"Version of this summary",
                                     "Date of last update",
                                     "Earlier versions of this summary",
                                     "Provider name and contact details",
                                     "Authorised representative",
                                     "Versioned model name(s)",
                                     "Model dependencies",
                                     "Date of placement on the Union market",
                                     "Continued training on newer data",
                                     "Signatory of the copyright chapter"};
  for (const char* item : kModelItems) {
    bool found = false;
    for (const std::string& g : gaps) {
      found |= g.find(item) != std::string::npos &&
               g.find("no model file was given") != std::string::npos;
    }
    EXPECT_TRUE(found) << item << "\n" << md;
  }
  EXPECT_EQ(gaps.size(), std::size(kModelItems));
}

// 25 measured domains, d00 largest: the template asks for the top 10% (3
// domains), or for an SME the top 5% or 1,000 (2 domains), rounded up.
TEST(ReportEu, MeasuredDomainsComeFromDocumentUrlsAndFollowTheTemplatesShare) {
  auto sources = RichSources();
  ManifestFacts facts = FactsOf(sources);
  SourceFacts* crawl = nullptr;
  for (SourceFacts& s : facts.sources) {
    if (s.source.id() == "crawl") crawl = &s;
  }
  ASSERT_NE(crawl, nullptr);
  crawl->source.mutable_provenance()->clear_top_domains();
  crawl->documents = 25;
  for (int i = 0; i < 25; ++i) {
    v1::DomainShare d;
    d.set_domain("d" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ".example");
    d.set_bytes(10000 - i * 100);
    d.set_documents(1);
    crawl->measured_domains.push_back(d);
  }
  v1::ModelFile model = RichModelFile();
  std::string md = Render(facts, ReportTemplate::kEuAiAct, ReportFormat::kMarkdown, &model);
  EXPECT_NE(md.find("measured from the URLs of 25 document entries of the crawled sources"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("25 domains in total; the top 10% by size are 3 domains:"), std::string::npos)
      << md;
  const size_t d0 = md.find("| d00.example |"), d2 = md.find("| d02.example |");
  ASSERT_NE(d0, std::string::npos);
  ASSERT_NE(d2, std::string::npos);
  EXPECT_LT(d0, d2);
  EXPECT_EQ(md.find("| d03.example |"), std::string::npos);
  EXPECT_EQ(md.find("as declared in the manifest"), std::string::npos);
  for (const std::string& g : GapLines(md)) {
    EXPECT_EQ(g.find("Most relevant domain names"), std::string::npos) << g;
  }
  model.set_sme(v1::ANSWER_YES);
  md = Render(facts, ReportTemplate::kEuAiAct, ReportFormat::kMarkdown, &model);
  EXPECT_NE(md.find("the top 5% or 1,000 (whichever is fewer), as for an SME by size are 2 "
                    "domains:"),
            std::string::npos)
      << md;
  EXPECT_EQ(md.find("| d02.example |"), std::string::npos);
}

TEST(ReportEu, DeclaredDomainsSayWhetherTheyMeetTheRule) {
  auto sources = RichSources();
  // Two declared of 20: the top 10% is 2, met; of 30 it is 3, short.
  std::string md = Render(FactsOf(sources), ReportTemplate::kEuAiAct, ReportFormat::kMarkdown);
  EXPECT_NE(md.find("as declared in the manifest: 2 domains of 20 declared in total; the top 10% "
                    "are 2, so the list meets the template's rule"),
            std::string::npos)
      << md;
  sources[2].mutable_provenance()->set_domain_count(30);
  md = Render(FactsOf(sources), ReportTemplate::kEuAiAct, ReportFormat::kMarkdown);
  EXPECT_NE(md.find("are 3, so the list is short of the template's rule"), std::string::npos);
  sources[2].mutable_provenance()->clear_domain_count();
  md = Render(FactsOf(sources), ReportTemplate::kEuAiAct, ReportFormat::kMarkdown);
  EXPECT_NE(md.find("total number of domains (provenance.domain\\_count) not stated"),
            std::string::npos);
}

TEST(ReportEu, MissingManifestFactsAreGapsNeverInvented) {
  auto sources = RichSources();
  sources[0].mutable_counts()->clear_tokens();                 // books: no token count
  sources[2].mutable_provenance()->clear_crawlers();           // crawl: no crawler
  sources[2].mutable_provenance()->clear_top_domains();        // crawl: no domains
  sources[3].clear_languages();                                // images: no languages
  sources[7].mutable_generation()->clear_model_summary_url();  // synth: no summary link
  sources[8].mutable_provenance()->clear_user_data_origin();   // users: origin not stated
  const v1::ModelFile model = RichModelFile();
  const std::string md =
      Render(FactsOf(sources), ReportTemplate::kEuAiAct, ReportFormat::kMarkdown, &model);
  const auto gaps = GapLines(md);
  const std::pair<const char*, const char*> expected[] = {
      {"Training data size (text)", "token count not stated for 1 source: books"},
      {"Crawler names", "crawlers not stated for 1 source: crawl"},
      {"Most relevant domain names",
       "top domains (declared, or URLs of document entries) not stated for 1 source: crawl"},
      {"Languages", "languages not stated for 1 source: images"},
      {"Link to the generating model", "not stated for synth"},
      {"Data from user interactions with the model", "user\\_data\\_origin not stated for users"},
  };
  for (const auto& [item, reason] : expected) {
    bool found = false;
    for (const std::string& g : gaps) {
      found |= g.find(item) != std::string::npos && g.find(reason) != std::string::npos;
    }
    EXPECT_TRUE(found) << item << ": " << reason << "\n" << md;
  }
  // Below 1 billion known tokens with a source uncounted: no bin is claimed.
  EXPECT_EQ(md.find("| text | yes | less than"), std::string::npos);
  EXPECT_NE(md.find("| text | yes | Gap: at least 400,017,000 tokens"), std::string::npos);
  EXPECT_EQ(md.find("TestBot"), std::string::npos);
}

TEST(ReportEu, LargePublicDatasetsAreThoseOverThreePercent) {
  // Three public text datasets: 9700, 300 (exactly 3%) and 0 bytes... of 10000.
  auto sources = RichSources();
  ManifestFacts facts = FactsOf(sources);
  for (SourceFacts& s : facts.sources) {
    if (s.source.id() == "books") s.bytes = 9700;
    if (s.source.id() == "code") {
      s.source.set_modality(v1::MODALITY_TEXT);
      s.bytes = 300;
    }
  }
  const std::string md = Render(facts, ReportTemplate::kEuAiAct, ReportFormat::kMarkdown);
  const size_t large = md.find("Large publicly available datasets");
  const size_t other = md.find("Other publicly available datasets");
  ASSERT_LT(large, other);
  const std::string large_part = md.substr(large, other - large);
  EXPECT_NE(large_part.find("Old Books (books)"), std::string::npos);
  EXPECT_NE(large_part.find("97.0%"), std::string::npos);
  EXPECT_EQ(large_part.find("(code)"), std::string::npos);
  EXPECT_NE(md.find("**Source code (code)**", other), std::string::npos) << md;
}

TEST(ReportAb2013, TwelveItemsInTotalAndPerDataset) {
  const auto sources = RichSources();
  const std::string md = Render(FactsOf(sources), ReportTemplate::kAb2013, ReportFormat::kMarkdown);
  const char* const kItems[] = {"1. Sources or owners of the datasets:",
                                "2. How the datasets further the intended purpose",
                                "3. Number of data points:",
                                "4. Types of data points:",
                                "5. Protected by copyright:",
                                "5. Protected by trademark:",
                                "5. Protected by patent:",
                                "5. Entirely in the public domain:",
                                "6. Purchased or licensed:",
                                "7. Includes personal information:",
                                "8. Includes aggregate consumer information:",
                                "9. Cleaning, processing or other modification",
                                "10. Time period of collection:",
                                "11. Dates first used in development:",
                                "12. Synthetic data generation used:"};
  for (const char* item : kItems) {
    EXPECT_EQ(Count(md, item), sources.size() + 1) << item;
  }
  EXPECT_NE(md.find("**Gaps:** none"), std::string::npos) << md;
  EXPECT_NE(md.find("## Dataset: Source synth (synth)"), std::string::npos);
  EXPECT_NE(md.find("12. Synthetic data generation used:** yes, not continuously: synth by "
                    "gen-model 2, generated 2025-01-01 to 2025-02-01"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("6. Purchased or licensed:** yes; licensed: news; purchased: speech"),
            std::string::npos);
  EXPECT_NE(md.find("3. Number of data points:** 1,000 declared\n"), std::string::npos);
}

TEST(ReportAb2013, UnknownItemsAreGapsPerDatasetAndInTotal) {
  auto sources = RichSources();
  sources[1].mutable_personal_data()->clear_contains_personal_information();
  sources[1].mutable_provenance()->clear_first_used();
  sources[4].mutable_personal_data()->set_contains_personal_information(v1::ANSWER_YES);
  sources[5].clear_processing();
  const std::string md = Render(FactsOf(sources), ReportTemplate::kAb2013, ReportFormat::kMarkdown);
  const auto gaps = GapLines(md);
  // Each missing fact: one gap in the total and one in its dataset's section.
  EXPECT_EQ(gaps.size(), 6u) << md;
  EXPECT_NE(md.find("7. Includes personal information:** yes for 1 source (news); no for 8 "
                    "sources"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("not stated for 1 source (code)"), std::string::npos);
  EXPECT_NE(md.find("first\\_used not stated for 1 source: code"), std::string::npos);
  EXPECT_NE(md.find("processing steps (or the step 'none') not stated for 1 source: private"),
            std::string::npos)
      << md;
}

TEST(ReportAb2013, OngoingCollectionIsNoticed) {
  auto sources = RichSources();
  sources[2].mutable_provenance()->clear_collection_end();
  sources[2].mutable_provenance()->set_collection_ongoing(true);
  const std::string md = Render(FactsOf(sources), ReportTemplate::kAb2013, ReportFormat::kMarkdown);
  EXPECT_NE(md.find("10. Time period of collection:** 2025-01-01 to 2025-02-01. Notice: "
                    "collection is ongoing for crawl"),
            std::string::npos)
      << md;
}

}  // namespace
}  // namespace dtm
