// HTML and Markdown output: hostile manifest text cannot inject markup, and
// the overview page is self-contained and has its charts (report/report_browser_test.cc
// lays it out in a browser).
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "dtm/report.h"
#include "render/document.h"
#include "report/report_test_util.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using test::ExpectOnlyOurMarkup;
using test::FactsOf;
using test::RichSources;

constexpr const char* kScript = "<script>alert(1)</script>";
constexpr const char* kBreakout = "\"><img src=x onerror=alert(2)>";
constexpr const char* kJsUrl = "javascript:alert(3)";

// Every string field a report shows, made hostile.
ManifestFacts HostileFacts() {
  auto sources = RichSources();
  for (v1::Source& s : sources) {
    s.set_name(std::string(kScript) + s.id());
    s.set_description(std::string(kBreakout) +
                      "\n# Injected heading\n[click](javascript:alert(4))");
    s.clear_urls();
    s.add_urls(kJsUrl);
    s.add_content_types("</td></tr></table><iframe src=//evil.example>");
    s.add_languages("en<b>");
    s.mutable_license()->set_expression("MIT<svg onload=alert(5)>");
    s.mutable_provenance()->mutable_owner()->set_name("Owner & <Co>");
    s.mutable_provenance()->mutable_owner()->set_url("https://ok.example/\"onmouseover=\"alert(6)");
    s.mutable_opt_out_policy()->set_description("</style><script>alert(7)</script>");
    for (auto& c : *s.mutable_provenance()->mutable_crawlers()) c.set_name("<b onclick=x>Bot</b>");
    for (auto& d : *s.mutable_provenance()->mutable_top_domains()) d.set_domain("<a href=x>d</a>");
    if (s.has_generation()) s.mutable_generation()->set_model_summary_url(" javascript:alert(8)");
  }
  ManifestFacts facts = FactsOf(sources);
  facts.name = "<m>.dtm";
  facts.header.mutable_dataset()->set_name("</title><script>alert(9)</script>");
  facts.header.mutable_publisher()->set_contact("javascript:alert(10)");
  return facts;
}

v1::ModelFile HostileModel() {
  v1::ModelFile m = test::RichModelFile();
  m.mutable_model()->set_name(kScript);
  m.mutable_model()->mutable_provider()->set_contact("data:text/html,<script>alert(11)</script>");
  m.set_other_information(kBreakout);
  m.mutable_previous_summaries(0)->set_url("JaVaScRiPt:alert(12)");
  return m;
}

std::string Render(const ManifestFacts& facts, ReportTemplate kind, ReportFormat format,
                   const v1::ModelFile* model = nullptr,
                   SignatureStatus signature = SignatureStatus{}) {
  ReportOptions options;
  options.kind = kind;
  options.format = format;
  options.model = model;
  options.signature = signature;
  std::ostringstream out;
  EXPECT_TRUE(WriteReport(facts, options, out).ok());
  return out.str();
}

TEST(ReportHtml, HostileTextCannotInjectMarkup) {
  const ManifestFacts facts = HostileFacts();
  const v1::ModelFile model = HostileModel();
  for (ReportTemplate kind :
       {ReportTemplate::kEuAiAct, ReportTemplate::kAb2013, ReportTemplate::kOverview}) {
    const std::string html = Render(facts, kind, ReportFormat::kHtml, &model);
    SCOPED_TRACE(html);
    ExpectOnlyOurMarkup(html);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  }
}

TEST(ReportMarkdown, HostileTextCannotInjectMarkup) {
  const ManifestFacts facts = HostileFacts();
  const v1::ModelFile model = HostileModel();
  for (ReportTemplate kind :
       {ReportTemplate::kEuAiAct, ReportTemplate::kAb2013, ReportTemplate::kOverview}) {
    const std::string md = Render(facts, kind, ReportFormat::kMarkdown, &model);
    SCOPED_TRACE(md);
    // Every '<' is escaped, so no raw HTML; no link to anything but http(s)/mailto.
    for (size_t at = md.find('<'); at != std::string::npos; at = md.find('<', at + 1)) {
      ASSERT_GT(at, 0u);
      EXPECT_EQ(md[at - 1], '\\') << md.substr(at - 10, 30);
    }
    for (size_t at = md.find("]("); at != std::string::npos; at = md.find("](", at + 1)) {
      if (md[at - 1] == '\\') continue;  // an escaped bracket: text, not a link
      const std::string target = md.substr(at + 2, 8);
      EXPECT_TRUE(target.rfind("https://", 0) == 0 || target.rfind("http://", 0) == 0 ||
                  target.rfind("mailto:", 0) == 0)
          << md.substr(at - 20, 60);
    }
    // A newline in a value cannot start a block of its own.
    EXPECT_EQ(md.find("\n# Injected"), std::string::npos);
    if (kind != ReportTemplate::kOverview) {  // the overview shows no source descriptions
      EXPECT_NE(md.find("\\[click\\](javascript:alert(4))"), std::string::npos);
    }
  }
}

TEST(ReportEscaping, Primitives) {
  EXPECT_EQ(internal::EscapeHtml("a<b>&\"'\n\x01z"), "a&lt;b&gt;&amp;&quot;&#39; z");
  EXPECT_EQ(internal::EscapeMarkdown("*a*_b_ [c](d) <e> |f| `g` \\ ~h~ &i; !j $k$"),
            "\\*a\\*\\_b\\_ \\[c\\](d) \\<e\\> \\|f\\| \\`g\\` \\\\ \\~h\\~ \\&i; \\!j \\$k\\$");
  EXPECT_EQ(internal::SafeHref("https://a.example/x?y=1#z"), "https://a.example/x?y=1#z");
  EXPECT_EQ(internal::SafeHref("HTTP://A.EXAMPLE"), "HTTP://A.EXAMPLE");
  EXPECT_EQ(internal::SafeHref("mailto:a@b.example"), "mailto:a@b.example");
  for (const char* bad : {"javascript:alert(1)", "data:text/html,x", "//evil.example", "https://",
                          "https://a.example/\"x", "https://a b", "https://a.example/<x>",
                          "vbscript:x", "file:///etc/passwd", ""}) {
    EXPECT_EQ(internal::SafeHref(bad), "") << bad;
  }
}

TEST(ReportHtml, OverviewIsSelfContainedWithItsFigures) {
  testing::TempDir dir;
  auto facts = ReadManifestFacts(test::WriteTestManifest(dir.Path("m.dtm"), RichSources()));
  ASSERT_TRUE(facts.ok());
  const std::string html = Render(*facts, ReportTemplate::kOverview, ReportFormat::kHtml);
  ExpectOnlyOurMarkup(html);
  for (const char* forbidden : {"<script", "<link", "<img", "<iframe", "<object", "<embed", "url(",
                                "@import", "src=", "@font-face"}) {
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  }
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  EXPECT_EQ(std::count(html.begin(), html.end(), '\n') > 0, true);
  size_t svgs = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    ++svgs;
  }
  EXPECT_EQ(svgs, 7u);  // 3 dimensions x (bytes, tokens) + the timeline
  for (const char* figure :
       {"License use class by bytes", "License use class by tokens", "Acquisition method by bytes",
        "Acquisition method by tokens", "Modality by bytes", "Modality by tokens",
        "Collection periods", ">public_dataset<", ">generated_by_model<", ">commercial<",
        "<th>license</th>", "no bundle"}) {
    EXPECT_NE(html.find(figure), std::string::npos) << figure;
  }
}

TEST(ReportHtml, SignatureStatusIsShown) {
  const ManifestFacts facts = FactsOf(RichSources());
  using State = SignatureStatus::State;
  const std::pair<SignatureStatus, const char*> cases[] = {
      {{State::kNoBundle, ""}, "no bundle"},
      {{State::kNotVerified, "m.dtm.sigstore.json"},
       "bundle present, not verified (no key given): m.dtm.sigstore.json"},
      {{State::kVerified, "key sha256:ab"}, "verified: key sha256:ab"},
      {{State::kFailed, "invalid signature"}, "DOES NOT VERIFY: invalid signature"},
  };
  for (const auto& [status, text] : cases) {
    const std::string html =
        Render(facts, ReportTemplate::kOverview, ReportFormat::kHtml, nullptr, status);
    EXPECT_NE(html.find(std::string("<strong>Signature:</strong> ") + text), std::string::npos)
        << text;
  }
}

TEST(ReportHtml, TimelineDrawsOngoingAndListsUndated) {
  auto sources = RichSources();
  sources[2].mutable_provenance()->clear_collection_end();
  sources[2].mutable_provenance()->set_collection_ongoing(true);
  sources[3].mutable_provenance()->clear_collection_start();
  const std::string html = Render(FactsOf(sources), ReportTemplate::kOverview, ReportFormat::kHtml);
  EXPECT_NE(html.find("<rect class=\"ongoing\""), std::string::npos);
  EXPECT_NE(html.find("<title>crawl: 2025-01-01 to ongoing</title>"), std::string::npos);
  EXPECT_NE(html.find("<strong>No collection period stated:</strong> images</p>"),
            std::string::npos);
  const std::string md =
      Render(FactsOf(sources), ReportTemplate::kOverview, ReportFormat::kMarkdown);
  EXPECT_NE(md.find("| crawl | 2025-01-01 | ongoing |"), std::string::npos) << md;
  EXPECT_NE(md.find("No collection period stated: images"), std::string::npos);
}

}  // namespace
}  // namespace dtm
