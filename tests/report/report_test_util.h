// Test helpers for reports and policy checks: a manifest whose sources answer
// every item of the report templates, written with ManifestWriter.
#pragma once

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "dtm/container.h"
#include "dtm/report.h"
#include "testing/test_records.h"

namespace dtm::test {

// Fields every rich source shares; each source adds its own on top.
inline constexpr const char* kCommonSource = R"pb(
  description: "A source of the test manifest."
  urls: "https://data.example/source"
  content_types: "plain text documents"
  media_types: "text/plain"
  models: "test-model"
  roles: DEVELOPMENT_ROLE_PRE_TRAINING
  languages: "en"
  counts { documents: 100 }
  intended_purpose: "Teach the model things."
  license {
    expression: "MIT"
    claim_source: LICENSE_CLAIM_SOURCE_AUTHOR
    verified_by { name: "Legal" }
    use_class: USE_CLASS_COMMERCIAL
    rights: RIGHTS_STATUS_COPYRIGHTED
    copyright: ANSWER_YES
    trademark: ANSWER_NO
    patent: ANSWER_NO
  }
  provenance {
    owner { name: "Owner Ltd" }
    collection_start { seconds: 1735689600 }  # 2025-01-01
    collection_end { seconds: 1738368000 }    # 2025-02-01
    first_used { seconds: 1740787200 }        # 2025-03-01
  }
  personal_data {
    contains_personal_information: ANSWER_NO
    contains_aggregate_consumer_information: ANSWER_NO
  }
  processing { purpose: PROCESSING_PURPOSE_DEDUPLICATION description: "Exact duplicates removed." }
  opt_out_policy {
    illegal_content_removed: ANSWER_YES
    illegal_content_measures: "Hash lists."
    measures_by: OPT_OUT_MEASURES_BY_THIRD_PARTY
    description: "The supplier honours robots.txt."
  }
)pb";

inline v1::Source RichSource(const std::string& id, const std::string& specific) {
  v1::Source s;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kCommonSource, &s));
  v1::Source own;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(specific, &own)) << specific;
  s.MergeFrom(own);
  s.set_id(id);
  if (s.name().empty()) s.set_name("Source " + id);
  return s;
}

// Ten sources, sorted by id, covering every acquisition method and modality
// and answering every item of the EU and AB 2013 templates.
inline std::vector<v1::Source> RichSources() {
  return {
      RichSource("books", R"pb(name: "Old Books"
                               modality: MODALITY_TEXT
                               counts { tokens: 600000000 tokenizer: "bpe" }
                               provenance { acquisition: ACQUISITION_METHOD_PUBLIC_DATASET })pb"),
      RichSource("code", R"pb(modality: MODALITY_CODE
                              counts { tokens: 400000000 tokenizer: "bpe" }
                              provenance { acquisition: ACQUISITION_METHOD_PUBLIC_DATASET })pb"),
      RichSource("crawl", R"pb(
        modality: MODALITY_TEXT
        counts { tokens: 5000 tokenizer: "bpe" }
        provenance {
          acquisition: ACQUISITION_METHOD_CRAWLED
          crawlers {
            name: "TestBot"
            user_agent: "TestBot/1.0"
            purpose: "Collect pages for training."
            respects_robots_txt: ANSWER_YES
            bypasses_captchas: ANSWER_NO
            bypasses_paywalls: ANSWER_NO
          }
          top_domains { domain: "big.example" bytes: 900 documents: 9 }
          top_domains { domain: "small.example" bytes: 100 documents: 1 }
          domain_count: 20
        }
        opt_outs {
          mechanism: OPT_OUT_MECHANISM_ROBOTS_TXT
          scope: "blocked.example"
          observed_at { seconds: 1735689600 }
          reserved: ANSWER_YES
          action: OPT_OUT_ACTION_HONOURED
        }
        opt_out_policy {
          honoured: [ OPT_OUT_MECHANISM_ROBOTS_TXT, OPT_OUT_MECHANISM_TDMREP ]
          description: "robots.txt and TDMRep are obeyed."
          measures_by: OPT_OUT_MEASURES_BY_PUBLISHER
        })pb"),
      RichSource("images", R"pb(modality: MODALITY_IMAGE
                                counts { images: 1000000 }
                                provenance { acquisition: ACQUISITION_METHOD_PUBLIC_DATASET })pb"),
      RichSource("news", R"pb(modality: MODALITY_TEXT
                              counts { tokens: 7000 tokenizer: "bpe" }
                              provenance { acquisition: ACQUISITION_METHOD_LICENSED })pb"),
      RichSource("private",
                 R"pb(modality: MODALITY_OTHER
                      provenance { acquisition: ACQUISITION_METHOD_THIRD_PARTY_PRIVATE })pb"),
      RichSource("speech", R"pb(modality: MODALITY_AUDIO
                                counts { hours: 10000 }
                                provenance { acquisition: ACQUISITION_METHOD_PURCHASED })pb"),
      RichSource("synth", R"pb(
        modality: MODALITY_TEXT
        counts { tokens: 3000 tokenizer: "bpe" }
        provenance { acquisition: ACQUISITION_METHOD_GENERATED_BY_MODEL }
        generation {
          model: "gen-model"
          model_version: "2"
          provider { name: "Gen Labs" }
          training_permission: TRAINING_PERMISSION_PERMITTED
          model_summary_url: "https://gen.example/summary"
        })pb"),
      RichSource("users", R"pb(
        modality: MODALITY_TEXT
        counts { tokens: 2000 tokenizer: "bpe" }
        provenance {
          acquisition: ACQUISITION_METHOD_USER_DATA
          user_data_origin: USER_DATA_ORIGIN_MODEL_INTERACTIONS
          consent_obtained: ANSWER_YES
        })pb"),
      RichSource("video", R"pb(modality: MODALITY_VIDEO
                               counts { hours: 5 }
                               provenance { acquisition: ACQUISITION_METHOD_HUMAN_WRITTEN })pb"),
  };
}

inline v1::Header RichHeader() {
  v1::Header h;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        dataset { name: "test-mix" version: "1.0" intended_purpose: "A general assistant." }
        publisher { name: "Test Lab" contact: "data@lab.example" }
        models { name: "test-model" version: "1" }
        created { seconds: 1767225600 }
      )pb",
      &h));
  return h;
}

// A model file that answers every model item of the EU template.
inline v1::ModelFile RichModelFile() {
  v1::ModelFile m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        format: 1
        model {
          name: "test-model"
          version: "1"
          provider { name: "Test Lab" contact: "ai@lab.example" }
        }
        authorised_representative { name: "EU Rep GmbH" contact: "rep@eu.example" }
        placed_on_market { seconds: 1767225600 }
        modification: ANSWER_NO
        continued_training: ANSWER_NO
        summary_version: "1.1"
        summary_updated { seconds: 1767225600 }
        previous_summaries { version: "1.0" url: "https://lab.example/summary-1.0" }
        code_of_practice_signed: ANSWER_YES
        sme: ANSWER_NO
      )pb",
      &m));
  return m;
}

// Writes a manifest of `sources` with `files_per_source` files of `file_size`
// bytes each, and returns its path.
inline std::string WriteTestManifest(const std::string& path,
                                     const std::vector<v1::Source>& sources,
                                     v1::Header header = RichHeader(), int files_per_source = 2,
                                     uint64_t file_size = 1000) {
  auto writer = ManifestWriter::Create(path);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  for (const v1::Source& s : sources) {
    v1::Record r;
    *r.mutable_source() = s;
    EXPECT_TRUE((*writer)->Add(r).ok()) << s.id();
  }
  for (const v1::Source& s : sources) {
    for (int i = 0; i < files_per_source; ++i) {
      Status st = (*writer)->Add(MakeFile(s.id(), "f" + std::to_string(i), file_size));
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
  }
  auto written = (*writer)->Finish(header);
  EXPECT_TRUE(written.ok()) << written.status().ToString();
  return path;
}

// Facts without a file, for tests of the templates alone.
inline ManifestFacts FactsOf(const std::vector<v1::Source>& sources, uint64_t bytes_each = 1000) {
  ManifestFacts facts;
  facts.name = "test.dtm";
  facts.header = RichHeader();
  for (const v1::Source& s : sources) {
    SourceFacts f;
    f.source = s;
    f.files = 2;
    f.bytes = bytes_each;
    facts.sources.push_back(std::move(f));
  }
  return facts;
}

// How many times `what` occurs in `text` (overlaps counted).
inline size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Checks that every tag in `html` is one the renderer writes, with only the
// attributes it writes, and that every link is http, https, mailto or "#".
inline void ExpectOnlyOurMarkup(const std::string& html) {
  static const std::set<std::string> kTags = {
      "!DOCTYPE", "html",  "head",  "meta", "title", "style", "body", "main",   "h1",
      "h2",       "h3",    "h4",    "p",    "ul",    "ol",    "li",   "strong", "span",
      "table",    "thead", "tbody", "tr",   "th",    "td",    "div",  "figure", "figcaption",
      "svg",      "text",  "rect",  "line", "path",  "a"};
  static const std::set<std::string> kAttributes = {
      "lang", "charset", "http-equiv", "content", "name",   "class",       "href",       "rel",
      "id",   "xmlns",   "role",       "width",   "height", "viewBox",     "aria-label", "x",
      "y",    "x1",      "y1",         "x2",      "y2",     "text-anchor", "fill",       "d"};
  const size_t style_end = html.find("</style>");
  ASSERT_NE(style_end, std::string::npos);
  for (size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    if (at > html.find("<style>") && at < style_end) continue;  // our stylesheet
    const size_t end = html.find('>', at);
    ASSERT_NE(end, std::string::npos);
    std::string tag = html.substr(at + 1, end - at - 1);
    if (!tag.empty() && tag[0] == '/') tag = tag.substr(1);
    if (!tag.empty() && tag.back() == '/') tag.pop_back();
    const std::string name = tag.substr(0, tag.find(' '));
    ASSERT_TRUE(kTags.count(name)) << "unexpected tag <" << tag << ">";
    // Attributes: name="value" pairs; values never hold a raw quote.
    for (size_t p = tag.find(' '); p != std::string::npos && name != "!DOCTYPE";) {
      const size_t eq = tag.find('=', p);
      if (eq == std::string::npos) break;
      const std::string attr = tag.substr(p + 1, eq - p - 1);
      ASSERT_TRUE(kAttributes.count(attr)) << "unexpected attribute " << attr << " in <" << tag;
      ASSERT_EQ(tag[eq + 1], '"') << tag;
      const size_t close = tag.find('"', eq + 2);
      ASSERT_NE(close, std::string::npos) << tag;
      const std::string value = tag.substr(eq + 2, close - eq - 2);
      if (attr == "href") {
        EXPECT_TRUE(value.rfind("https://", 0) == 0 || value.rfind("http://", 0) == 0 ||
                    value.rfind("mailto:", 0) == 0 || value == "#gaps")
            << value;
      }
      p = tag.find(' ', close);
    }
  }
}

}  // namespace dtm::test
