// The `dtm report` and `dtm check` commands: outputs, atomic files, signature
// status and exit codes (spec/report.md, spec/policy.md, spec/cli.md).
#include <gtest/gtest.h>

#include <filesystem>

#include "attestation/signing_test_util.h"
#include "dtm/attestation.h"
#include "dtm/keys.h"
#include "report/report_test_util.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using signing_test::Quote;
using signing_test::RunCommand;

class ReportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    manifest_ = test::WriteTestManifest(dir_.Path("m.dtm"), test::RichSources());
  }
  // Runs dtm with `args`; stdout goes to *out, stderr to *err.
  int Dtm(const std::string& args, std::string* out = nullptr, std::string* err = nullptr) {
    const std::string command = std::string(DTM_BINARY) + " " + args + " >" +
                                Quote(dir_.Path("stdout")) + " 2>" + Quote(dir_.Path("stderr"));
    const int rc = RunCommand("(" + command + ")");
    if (out) *out = testing::ReadAll(dir_.Path("stdout"));
    if (err) *err = testing::ReadAll(dir_.Path("stderr"));
    return rc;
  }
  // The entries of the temp dir other than the given names.
  std::vector<std::string> Leftovers(std::initializer_list<std::string> expected) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      const std::string name = e.path().filename().string();
      if (std::find(expected.begin(), expected.end(), name) == expected.end()) out.push_back(name);
    }
    return out;
  }

  testing::TempDir dir_;
  std::string manifest_;
};

// A model file about the test manifest's model.
constexpr const char* kTestModelFile =
    "format: 1\nmodel: {name: test-model, version: \"1\"}\nsummary_updated: 2026-01-01\n";

TEST_F(ReportCliTest, WritesEachTemplate) {
  dir_.Write("model.yaml", kTestModelFile);
  const std::string model = dir_.Path("model.yaml");
  ASSERT_EQ(Dtm("report " + Quote(manifest_) + " -t eu-ai-act -m " + Quote(model) + " -o " +
                Quote(dir_.Path("eu.md"))),
            0);
  EXPECT_EQ(testing::ReadAll(dir_.Path("eu.md")).rfind("# Public summary of training content\n", 0),
            0u);
  ASSERT_EQ(
      Dtm("report " + Quote(manifest_) + " --template ab2013 -o " + Quote(dir_.Path("ab.md"))), 0);
  EXPECT_NE(testing::ReadAll(dir_.Path("ab.md")).find("12. Synthetic data generation used"),
            std::string::npos);
  // The format follows the output's extension unless --format says otherwise.
  ASSERT_EQ(Dtm("report " + Quote(manifest_) + " -o " + Quote(dir_.Path("r.html"))), 0);
  EXPECT_EQ(testing::ReadAll(dir_.Path("r.html")).rfind("<!DOCTYPE html>", 0), 0u);
  std::string out;
  ASSERT_EQ(Dtm("report " + Quote(manifest_) + " --format html", &out), 0);
  EXPECT_EQ(out.rfind("<!DOCTYPE html>", 0), 0u);
  ASSERT_EQ(Dtm("report " + Quote(manifest_), &out), 0);
  EXPECT_EQ(out.rfind("# Training data overview: test-mix 1.0\n", 0), 0u);
  EXPECT_EQ(Leftovers({"m.dtm", "model.yaml", "eu.md", "ab.md", "r.html", "stdout", "stderr"}),
            std::vector<std::string>{});
}

TEST_F(ReportCliTest, ForAModelTheManifestNames) {
  std::string out, err;
  ASSERT_EQ(Dtm("report " + Quote(manifest_) + " -t ab2013 --for test-model", &out), 0);
  EXPECT_NE(out.find("the generative AI system test-model 1"), std::string::npos);
  // An older summary is reported, not refused.
  dir_.Write("old.yaml", "format: 1\nmodel: {name: test-model}\nsummary_updated: 2025-06-01\n");
  ASSERT_EQ(Dtm("report " + Quote(manifest_) + " -t eu-ai-act -m " + Quote(dir_.Path("old.yaml")),
                &out, &err),
            0);
  EXPECT_NE(err.find("dtm report: warning: the summary's date of last update, 2025-06-01, is "
                     "before the manifest was created, 2026-01-01"),
            std::string::npos)
      << err;
  EXPECT_EQ(Dtm("check " + Quote(manifest_) + " --for nope -p " +
                    Quote(std::string(DTM_SOURCE_DIR) + "/examples/policy.yaml"),
                &out, &err),
            2);
  EXPECT_NE(err.find("the manifest names no model 'nope'; it names 'test-model'"),
            std::string::npos)
      << err;
}

TEST_F(ReportCliTest, BadInputsExitTwoAndWriteNothing) {
  dir_.Write("bad-model.yaml", "format: 1\nmodel: {name: m}\nplaced_on_market: someday\n");
  const std::string bytes = testing::ReadAll(manifest_);
  dir_.Write("cut.dtm", bytes.substr(0, bytes.size() / 2));
  const std::pair<std::string, std::string> cases[] = {
      {"report " + Quote(dir_.Path("none.dtm")), "none.dtm"},
      {"report " + Quote(dir_.Path("cut.dtm")), "cut.dtm"},
      {"report " + Quote(manifest_) + " -t eu", "unknown report template 'eu'"},
      {"report " + Quote(manifest_) + " -f pdf", "unknown report format 'pdf'"},
      {"report " + Quote(manifest_) + " -t ab2013 -m x.yaml", "--model applies to"},
      {"report " + Quote(manifest_) + " -t eu-ai-act -m " + Quote(dir_.Path("bad-model.yaml")),
       "bad-model.yaml:3:19: placed_on_market: "},
      {"report " + Quote(manifest_) + " -k " + Quote(manifest_), ""},
      {"report " + Quote(manifest_) + " --for acme-7b",
       "the manifest names no model 'acme-7b'; it names 'test-model'"},
      {"report " + Quote(manifest_) + " -t eu-ai-act -m " +
           Quote(std::string(DTM_SOURCE_DIR) + "/examples/model.yaml"),
       "the manifest names no model 'acme-7b'"},
  };
  for (const auto& [args, message] : cases) {
    std::string err;
    EXPECT_EQ(Dtm(args + " -o " + Quote(dir_.Path("out.md")), nullptr, &err), 2) << args;
    EXPECT_NE(err.find("dtm report: "), std::string::npos) << err;
    EXPECT_NE(err.find(message), std::string::npos) << err;
    EXPECT_FALSE(std::filesystem::exists(dir_.Path("out.md"))) << args;
  }
}

TEST_F(ReportCliTest, UnwritableOutputExitsThreeAndKeepsTheTarget) {
  std::string err;
  EXPECT_EQ(Dtm("report " + Quote(manifest_) + " -o " + Quote(dir_.Path("no/such/dir/r.md")),
                nullptr, &err),
            3);
  EXPECT_NE(err.find("dtm report: "), std::string::npos);
  // A target that cannot be replaced (a folder) stays as it was.
  dir_.Write("r.md/keep", "old");
  EXPECT_EQ(Dtm("report " + Quote(manifest_) + " -o " + Quote(dir_.Path("r.md")), nullptr, &err),
            3);
  EXPECT_EQ(testing::ReadAll(dir_.Path("r.md/keep")), "old");
  EXPECT_EQ(Leftovers({"m.dtm", "r.md", "stdout", "stderr"}), std::vector<std::string>{});
}

TEST_F(ReportCliTest, SignatureStatusOfTheBundleBesideTheManifest) {
  std::string out;
  ASSERT_EQ(Dtm("report " + Quote(manifest_), &out), 0);
  EXPECT_NE(out.find("**Signature:** no bundle"), std::string::npos);

  auto key = PrivateKey::Generate(SignatureAlgorithm::kEd25519);
  auto other = PrivateKey::Generate(SignatureAlgorithm::kEd25519);
  ASSERT_TRUE(key.ok() && other.ok());
  Signer signer;
  signer.key = &*key;
  auto bundle = SignManifest(manifest_, signer, 1767225600);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  dir_.Write("m.dtm.sigstore.json", *bundle);
  dir_.Write("key.pub", key->public_key().ToPem());
  dir_.Write("other.pub", other->public_key().ToPem());

  ASSERT_EQ(Dtm("report " + Quote(manifest_), &out), 0);
  EXPECT_NE(out.find("**Signature:** bundle present, not verified (no key given)"),
            std::string::npos);
  ASSERT_EQ(Dtm("report " + Quote(manifest_) + " -k " + Quote(dir_.Path("key.pub")), &out), 0);
  EXPECT_NE(out.find("**Signature:** verified: "), std::string::npos) << out;
  EXPECT_NE(out.find("signed by key " + key->public_key().key_id().substr(0, 16) +
                     " at 2026-01-01T00:00:00Z"),
            std::string::npos)
      << out;
  // A bundle that does not verify: the report says so, and the exit code is 1.
  std::string err;
  EXPECT_EQ(Dtm("report " + Quote(manifest_) + " -k " + Quote(dir_.Path("other.pub")) + " -o " +
                    Quote(dir_.Path("r.md")),
                nullptr, &err),
            1);
  EXPECT_NE(testing::ReadAll(dir_.Path("r.md")).find("**Signature:** DOES NOT VERIFY: "),
            std::string::npos);
  EXPECT_NE(err.find("the signature does not verify"), std::string::npos);
}

TEST_F(ReportCliTest, CheckExitCodes) {
  dir_.Write("clean.yaml", "format: 1\nname: clean\nlicense_verified: true\n");
  dir_.Write("strict.yaml",
             "format: 1\nname: strict\ndisallowed_acquisitions: [crawled, purchased]\n"
             "exemptions:\n  - {source: speech, rules: [disallowed_acquisitions], reason: ok}\n");
  dir_.Write("bad.yaml", "format: 1\nname: bad\nreview_licenses: [NOPE-1.0]\n");
  std::string out, err;
  EXPECT_EQ(Dtm("check " + Quote(manifest_) + " --policy " + Quote(dir_.Path("clean.yaml")), &out),
            0);
  EXPECT_EQ(out, "policy clean: no violations; 10 sources checked\n");
  EXPECT_EQ(
      Dtm("check " + Quote(manifest_) + " --for test-model -p " + Quote(dir_.Path("clean.yaml")),
          &out),
      0);
  EXPECT_EQ(out, "policy clean: no violations; 10 sources checked, those used for test-model\n");
  EXPECT_EQ(Dtm("check " + Quote(manifest_) + " -p " + Quote(dir_.Path("strict.yaml")), &out), 1);
  EXPECT_EQ(out,
            "crawl: disallowed_acquisitions: acquisition method crawled is not allowed\n"
            "speech: disallowed_acquisitions: acquisition method purchased is not allowed "
            "[exempted: ok]\n"
            "policy strict: 1 violation in 1 source (1 exempted); 10 sources checked\n");
  EXPECT_EQ(Dtm("check " + Quote(manifest_) + " -p " + Quote(dir_.Path("bad.yaml")), &out, &err),
            2);
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "dtm check: " + dir_.Path("bad.yaml") +
                     ":3:19: review_licenses[0]: unknown SPDX license id 'NOPE-1.0'\n");
  EXPECT_EQ(Dtm("check " + Quote(dir_.Path("none.dtm")) + " -p " + Quote(dir_.Path("clean.yaml")),
                &out, &err),
            2);
  EXPECT_EQ(Dtm("check " + Quote(manifest_), &out, &err), 2);  // --policy is required
}

}  // namespace
}  // namespace dtm
