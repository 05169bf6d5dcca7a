// The comparison page (WriteCompositionDiff): totals and composition of two
// manifests before and after, side by side on one scale, in HTML and Markdown.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "dtm/report.h"
#include "report/report_test_util.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using test::Count;
using test::ExpectOnlyOurMarkup;
using test::RichSources;

// Two versions: "after" adds two sources (synthetic and user data) and moves
// the crawl to non_commercial; every source has two files of 1000 bytes.
struct TwoVersions {
  v1::Header before, after;
};

TwoVersions MakeVersions() {
  testing::TempDir dir;
  const std::vector<v1::Source> all = RichSources();
  std::vector<v1::Source> before, after;
  for (const v1::Source& s : all) {
    const std::string& id = s.id();
    if (id == "books" || id == "code" || id == "crawl" || id == "images" || id == "news") {
      before.push_back(s);
      after.push_back(s);
    }
    if (id == "synth" || id == "users") after.push_back(s);
  }
  std::sort(after.begin(), after.end(),
            [](const v1::Source& a, const v1::Source& b) { return a.id() < b.id(); });
  for (v1::Source& s : after) {
    if (s.id() == "crawl") s.mutable_license()->set_use_class(v1::USE_CLASS_NON_COMMERCIAL);
  }
  auto first = ReadManifestFacts(test::WriteTestManifest(dir.Path("v1.dtm"), before));
  EXPECT_TRUE(first.ok()) << first.status().ToString();
  v1::Header next = test::RichHeader();
  next.mutable_dataset()->set_version("2.0");
  next.mutable_previous()->set_version("1.0");
  next.mutable_previous()->set_merkle_root(first->header.merkle_root());
  auto second = ReadManifestFacts(test::WriteTestManifest(dir.Path("v2.dtm"), after, next));
  EXPECT_TRUE(second.ok()) << second.status().ToString();
  return {first->header, second->header};
}

std::string Render(const v1::Header& before, const v1::Header& after, ReportFormat format,
                   CompositionDiffOptions options = {}) {
  options.format = format;
  options.generator = "dtm test";
  std::ostringstream out;
  Status st = WriteCompositionDiff(before, after, options, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.str();
}

TEST(ReportDiff, TotalsAndCompositionChangesInMarkdown) {
  const TwoVersions v = MakeVersions();
  CompositionDiffOptions options;
  options.before_name = "v1.dtm";
  options.after_name = "v2.dtm";
  const std::string md = Render(v.before, v.after, ReportFormat::kMarkdown, options);
  EXPECT_NE(md.find("# Composition before and after: test-mix 1.0 to 2.0\n"), std::string::npos)
      << md;
  EXPECT_NE(md.find("- **Before:** test-mix 1.0 (v1.dtm), published by Test Lab, created "
                    "2026-01-01, Merkle root sha256:" +
                    ToHex(v.before.merkle_root())),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("- **Previous version:** the second manifest names version 1.0 (the first "
                    "manifest's version); its Merkle root matches the first manifest's"),
            std::string::npos);
  // Totals: before, after, signed change.
  EXPECT_NE(md.find("| sources | 5 | 7 | +2 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| files | 10 | 14 | +4 |"), std::string::npos);
  EXPECT_NE(md.find("| bytes | 9.77 KiB | 13.7 KiB | +3.91 KiB |"), std::string::npos);
  EXPECT_NE(md.find("| tokens (declared) | 1,000,012,000 | 1,000,017,000 | +5,000 |"),
            std::string::npos);
  EXPECT_NE(md.find("| hours (declared) | 0.0 | 0.0 | 0.0 |"), std::string::npos);
  // Composition rows: a value on one side only shows 0 on the other.
  EXPECT_NE(md.find("| commercial | 5 → 6 | 10 → 12 | 9.77 KiB | 11.7 KiB | +1.95 KiB | "
                    "1,000,012,000 | 1,000,012,000 | 0 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| non\\_commercial | 0 → 1 | 0 → 2 | 0 B | 1.95 KiB | +1.95 KiB | 0 | "
                    "5,000 | +5,000 |"),
            std::string::npos);
  EXPECT_NE(md.find("| public\\_dataset | 3 | 6 | 5.86 KiB | 5.86 KiB | 0 B | 1,000,000,000 | "
                    "1,000,000,000 | 0 |"),
            std::string::npos);
  EXPECT_NE(md.find("| generated\\_by\\_model | 0 → 1 | 0 → 2 | 0 B | 1.95 KiB | +1.95 KiB |"),
            std::string::npos);
  // Charts become tables: six pairs, each value listed on both sides.
  EXPECT_EQ(Count(md, "**before (1.0): bytes**"), 3u);
  EXPECT_EQ(Count(md, "**after (2.0): tokens**"), 3u);
}

TEST(ReportDiff, ReversedVersionsShowNegativeChanges) {
  const TwoVersions v = MakeVersions();
  const std::string md = Render(v.after, v.before, ReportFormat::kMarkdown);
  EXPECT_NE(md.find("| sources | 7 | 5 | -2 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| bytes | 13.7 KiB | 9.77 KiB | -3.91 KiB |"), std::string::npos);
  EXPECT_NE(md.find("| non\\_commercial | 1 → 0 | 2 → 0 | 1.95 KiB | 0 B | -1.95 KiB |"),
            std::string::npos);
  EXPECT_NE(md.find("- **Previous version:** none: the second manifest names no previous version"),
            std::string::npos);
}

TEST(ReportDiff, PreviousLinkThatDoesNotMatchIsSaid) {
  TwoVersions v = MakeVersions();
  v.after.mutable_previous()->set_version("0.9");
  v.after.mutable_previous()->set_merkle_root(std::string(32, '\x01'));
  const std::string md = Render(v.before, v.after, ReportFormat::kMarkdown);
  EXPECT_NE(md.find("names version 0.9 (not the first manifest's version); its Merkle root does "
                    "not match the first manifest's"),
            std::string::npos)
      << md;
}

// The width of every bar of each chart, in page order.
std::vector<std::vector<std::pair<std::string, double>>> BarWidths(const std::string& html) {
  std::vector<std::vector<std::pair<std::string, double>>> charts;
  static const std::regex kBar(
      "<rect x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"([0-9.]+)\"[^>]*><title>([^:<]*):");
  for (size_t at = html.find("<figure class=\"chart\">"); at != std::string::npos;
       at = html.find("<figure class=\"chart\">", at + 1)) {
    const std::string figure = html.substr(at, html.find("</figure>", at) - at);
    charts.emplace_back();
    for (std::sregex_iterator it(figure.begin(), figure.end(), kBar), end; it != end; ++it) {
      charts.back().emplace_back((*it)[2].str(), std::stod((*it)[1].str()));
    }
  }
  return charts;
}

TEST(ReportDiff, HtmlDrawsEachPairSideBySideOnOneScale) {
  const TwoVersions v = MakeVersions();
  const std::string html = Render(v.before, v.after, ReportFormat::kHtml);
  ExpectOnlyOurMarkup(html);
  EXPECT_EQ(Count(html, "<div class=\"charts\">"), 6u);  // bytes and tokens of three dimensions
  EXPECT_EQ(Count(html, "<figure class=\"chart\">"), 12u);
  EXPECT_NE(html.find("<figcaption>before (1.0): bytes</figcaption>"), std::string::npos);
  EXPECT_NE(html.find("<figcaption>after (2.0): tokens</figcaption>"), std::string::npos);
  const auto charts = BarWidths(html);
  ASSERT_EQ(charts.size(), 12u);
  for (size_t i = 0; i < charts.size(); i += 2) {
    const auto& before = charts[i];
    const auto& after = charts[i + 1];
    ASSERT_EQ(before.size(), after.size()) << "chart pair " << i / 2;
    double longest = 0;
    for (size_t j = 0; j < before.size(); ++j) {
      EXPECT_EQ(before[j].first, after[j].first) << "chart pair " << i / 2;
      longest = std::max({longest, before[j].second, after[j].second});
    }
    EXPECT_DOUBLE_EQ(longest, 170.0) << "chart pair " << i / 2;  // the full bar length
  }
  // Use class by bytes: commercial 10,000 B before and 12,000 B after, on one
  // scale; non_commercial is new.
  ASSERT_EQ(charts[0].size(), 2u);
  EXPECT_EQ(charts[0][0].first, "commercial");
  EXPECT_NEAR(charts[0][0].second, 170.0 * 10 / 12, 0.06);
  EXPECT_DOUBLE_EQ(charts[1][0].second, 170.0);
  EXPECT_EQ(charts[0][1].first, "non_commercial");
  EXPECT_DOUBLE_EQ(charts[0][1].second, 0.0);
  EXPECT_NEAR(charts[1][1].second, 170.0 * 2 / 12, 0.06);
  // Acquisition by bytes: public_dataset is 6,000 B on both sides.
  EXPECT_EQ(charts[4][0].first, "public_dataset");
  EXPECT_DOUBLE_EQ(charts[4][0].second, charts[5][0].second);
}

TEST(ReportDiff, CallerSectionsAndNamesAreEscaped) {
  TwoVersions v = MakeVersions();
  v.after.mutable_dataset()->set_name("<script>alert(1)</script>");
  CompositionDiffOptions options;
  options.before_name = "\"><img src=x onerror=alert(2)>";
  options.sections = {
      {"Sources added <b>", {"synth: <i>Synthetic</i>", "users"}},
      {"Flags", {"crawl: use_class_more_restrictive commercial -> non_commercial"}}};
  const std::string html = Render(v.before, v.after, ReportFormat::kHtml, options);
  ExpectOnlyOurMarkup(html);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<h2>Sources added &lt;b&gt;</h2>\n<ul>\n<li>synth: &lt;i&gt;Synthetic&lt;/"
                      "i&gt;</li>\n<li>users</li>\n</ul>"),
            std::string::npos)
      << html;
  // Sections come after the totals and before the composition.
  const size_t totals = html.find("<h2>Totals</h2>");
  const size_t flags = html.find("<h2>Flags</h2>");
  const size_t composition = html.find("<h2>Composition</h2>");
  EXPECT_LT(totals, flags);
  EXPECT_LT(flags, composition);
  const std::string md = Render(v.before, v.after, ReportFormat::kMarkdown, options);
  EXPECT_NE(md.find("## Sources added \\<b\\>\n\n- synth: \\<i\\>Synthetic\\</i\\>\n- users\n"),
            std::string::npos)
      << md;
}

TEST(ReportDiff, EmptyHeadersStillMakeAPage) {
  const std::string html = Render(v1::Header{}, v1::Header{}, ReportFormat::kHtml);
  ExpectOnlyOurMarkup(html);
  EXPECT_EQ(Count(html, "none declared"), 12u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(ReportDiff, FailingStreamIsAnIoError) {
  const TwoVersions v = MakeVersions();
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  Status st = WriteCompositionDiff(v.before, v.after, {}, out);
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
}

}  // namespace
}  // namespace dtm
