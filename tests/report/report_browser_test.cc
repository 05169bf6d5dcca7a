// The HTML reports in a real browser: headless Chromium (Debian's `chromium`,
// which scripts/install-deps.sh installs) lays out the overview and the
// comparison page; the DOM after layout must hold every figure, the browser
// must log no console message (so the Content-Security-Policy blocked
// nothing: the page needs no fetch), and a screenshot must show a page.
//
// DTM_SKIP_BROWSER=1 skips these tests; otherwise a missing browser is a
// failure. DTM_CHROMIUM names another browser binary (default
// /usr/bin/chromium).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dtm/report.h"
#include "report/report_test_util.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using test::Count;

// The browser binary.
std::string Browser() {
  const char* env = std::getenv("DTM_CHROMIUM");
  return env ? env : "/usr/bin/chromium";
}

// Skips the test when DTM_SKIP_BROWSER=1; fails it when the browser is missing.
#define REQUIRE_BROWSER()                                                                      \
  do {                                                                                         \
    const char* skip = std::getenv("DTM_SKIP_BROWSER");                                        \
    if (skip && std::string(skip) == "1") GTEST_SKIP() << "DTM_SKIP_BROWSER=1";                \
    ASSERT_TRUE(std::filesystem::exists(Browser()))                                            \
        << Browser() << " not found: run scripts/install-deps.sh (it installs chromium), set " \
        << "DTM_CHROMIUM to a Chromium binary, or set DTM_SKIP_BROWSER=1 to skip";             \
  } while (0)

struct BrowserRun {
  int status = -1;
  std::string log;  // the browser's standard error, with console messages
};

// Runs the browser headless on the local file `page` with `action`
// ("--dump-dom > FILE" or "--screenshot=FILE"), with a fresh profile, no
// network (every host name fails to resolve) and console logging.
BrowserRun RunBrowser(const testing::TempDir& dir, const std::string& page,
                      const std::string& action) {
  const std::string log = dir.Path("browser.log");
  const std::string command =
      "timeout 120 " + Browser() +
      " --headless --no-sandbox --disable-gpu --no-first-run --disable-sync"
      " --disable-background-networking --disable-component-update --disable-extensions"
      " --host-resolver-rules='MAP * ~NOTFOUND' --enable-logging=stderr --v=0"
      " --window-size=1280,2000 --user-data-dir=" +
      dir.Path("profile") + " " + action + " file://" + page + " 2>" + log;
  BrowserRun run;
  run.status = std::system(command.c_str());
  run.log = testing::ReadAll(log);
  return run;
}

// The console messages of a browser log: a page that needs nothing blocked
// and runs nothing has none.
std::vector<std::string> ConsoleMessages(const std::string& log) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

// Lays out `html` and returns the DOM the browser holds afterwards.
std::string RenderedDom(const testing::TempDir& dir, const std::string& html) {
  const std::string page = dir.Write("page.html", html);
  const BrowserRun run = RunBrowser(dir, page, "--dump-dom >" + dir.Path("dom.html"));
  EXPECT_EQ(run.status, 0) << run.log;
  EXPECT_EQ(ConsoleMessages(run.log), std::vector<std::string>{}) << run.log;
  return testing::ReadAll(dir.Path("dom.html"));
}

TEST(ReportBrowser, OverviewRendersInHeadlessChromium) {
  REQUIRE_BROWSER();
  testing::TempDir dir;
  auto sources = test::RichSources();
  sources[2].mutable_provenance()->clear_collection_end();  // crawl: ongoing
  sources[2].mutable_provenance()->set_collection_ongoing(true);
  auto facts = ReadManifestFacts(test::WriteTestManifest(dir.Path("m.dtm"), sources));
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  ReportOptions options;
  options.format = ReportFormat::kHtml;
  options.signature = {SignatureStatus::State::kNotVerified, "m.dtm.sigstore.json"};
  std::ostringstream html;
  ASSERT_TRUE(WriteReport(*facts, options, html).ok());

  const std::string dom = RenderedDom(dir, html.str());
  EXPECT_NE(dom.find("<h1>Training data overview: test-mix 1.0</h1>"), std::string::npos) << dom;
  EXPECT_EQ(Count(dom, "<svg"), 7u);  // six composition charts and the timeline
  for (const char* dimension : {"License use class", "Acquisition method", "Modality"}) {
    for (const char* unit : {" by bytes", " by tokens"}) {
      const std::string caption = "<figcaption>" + std::string(dimension) + unit + "</figcaption>";
      EXPECT_EQ(Count(dom, caption), 1u) << caption;
    }
  }
  // Bars: 1 use class, 8 acquisition methods and 6 modalities, by bytes and by
  // tokens; then the ten collection periods, the ongoing one with its arrow.
  EXPECT_EQ(Count(dom, "<rect"), 2 * (1 + 8 + 6) + 10u);
  EXPECT_EQ(Count(dom, "<rect class=\"ongoing\""), 1u);
  EXPECT_EQ(Count(dom, "<path d="), 1u);
  EXPECT_NE(dom.find("bundle present, not verified (no key given): m.dtm.sigstore.json"),
            std::string::npos);
  EXPECT_NE(dom.find("<th>license claim</th>"), std::string::npos);  // the source list

  const BrowserRun shot = RunBrowser(dir, dir.Path("page.html"),
                                     "--screenshot=" + dir.Path("shot.png") + " >/dev/null");
  ASSERT_EQ(shot.status, 0) << shot.log;
  const std::string png = testing::ReadAll(dir.Path("shot.png"));
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  auto be32 = [&png](size_t at) {
    return (uint32_t{static_cast<unsigned char>(png[at])} << 24) |
           (uint32_t{static_cast<unsigned char>(png[at + 1])} << 16) |
           (uint32_t{static_cast<unsigned char>(png[at + 2])} << 8) |
           uint32_t{static_cast<unsigned char>(png[at + 3])};
  };
  EXPECT_EQ(be32(16), 1280u);  // the window's size
  EXPECT_EQ(be32(20), 2000u);
  // A blank page of that size compresses to about 12 KB; one with the charts
  // and the table to well over 100 KB.
  EXPECT_GT(png.size(), 50'000u);
}

TEST(ReportBrowser, ComparisonPageRendersInHeadlessChromium) {
  REQUIRE_BROWSER();
  testing::TempDir dir;
  auto sources = test::RichSources();
  auto before = ReadManifestFacts(test::WriteTestManifest(
      dir.Path("a.dtm"), std::vector<v1::Source>(sources.begin(), sources.begin() + 5)));
  auto after = ReadManifestFacts(test::WriteTestManifest(dir.Path("b.dtm"), sources));
  ASSERT_TRUE(before.ok() && after.ok());
  CompositionDiffOptions options;
  options.sections = {{"Sources", {"added: private, speech, synth, users, video"}}};
  std::ostringstream html;
  ASSERT_TRUE(WriteCompositionDiff(before->header, after->header, options, html).ok());

  const std::string dom = RenderedDom(dir, html.str());
  EXPECT_NE(dom.find("<h1>Composition before and after: test-mix 1.0 to 1.0</h1>"),
            std::string::npos)
      << dom;
  EXPECT_EQ(Count(dom, "<div class=\"charts\">"), 6u);
  EXPECT_EQ(Count(dom, "<svg"), 12u);  // before beside after, bytes and tokens, three dimensions
  EXPECT_NE(dom.find("<li>added: private, speech, synth, users, video</li>"), std::string::npos);
}

}  // namespace
}  // namespace dtm
