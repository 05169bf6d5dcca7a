// dtm diff through the binary: exit codes (0 identical, 1 different, 2
// trouble, 3 output error), formats, -o, --source, --only and --key.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "attestation/signing_test_util.h"
#include "diff/diff_test_util.h"

namespace dtm {
namespace {

using diff_test::BaseManifest;
using diff_test::TestManifest;
using signing_test::Quote;
using signing_test::RunCommand;

class DiffCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BaseManifest().Write(dir_.Path("v1.dtm"));
    BaseManifest().Write(dir_.Path("same.dtm"));
    TestManifest v2 = BaseManifest();
    v2.sources.at("web").mutable_license()->set_expression("Apache-2.0");
    v2.AddFile("web", "4.html", "four");
    v2.Write(dir_.Path("v2.dtm"));
  }

  // Runs `dtm ARGS` in the temporary folder; returns the exit code, with
  // standard output in out_ and standard error in err_.
  int Dtm(const std::string& args) {
    // Grouped, so that RunCommand's own 2>&1 does not take standard error.
    const int rc = RunCommand("cd " + Quote(dir_.path()) + " && { " + Quote(DTM_BINARY) + " " +
                              args + " >.stdout 2>.stderr; }");
    out_ = testing::ReadAll(dir_.Path(".stdout"));
    err_ = testing::ReadAll(dir_.Path(".stderr"));
    return rc;
  }

  bool Out(const std::string& part) const { return out_.find(part) != std::string::npos; }
  bool Err(const std::string& part) const { return err_.find(part) != std::string::npos; }

  testing::TempDir dir_;
  std::string out_, err_;
};

TEST_F(DiffCliTest, ExitCodeSaysWhetherTheManifestsDiffer) {
  EXPECT_EQ(Dtm("diff v1.dtm same.dtm"), 0) << err_;
  EXPECT_TRUE(Out("\nNo differences.\n")) << out_;
  EXPECT_EQ(Dtm("diff v1.dtm v2.dtm"), 1) << err_;
  EXPECT_TRUE(Out("license.expression: MIT -> Apache-2.0")) << out_;
  EXPECT_TRUE(Out("+ 4.html  4 B")) << out_;
  EXPECT_TRUE(err_.empty()) << err_;
}

TEST_F(DiffCliTest, FormatsAndSections) {
  ASSERT_EQ(Dtm("diff v1.dtm v2.dtm --format json"), 1) << err_;
  const nlohmann::json j = nlohmann::json::parse(out_, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out_;
  EXPECT_EQ(j["format"], "dtm-diff/v1");
  EXPECT_EQ(j["files"][0]["added"][0]["path"], "4.html");
  ASSERT_EQ(Dtm("diff v1.dtm v2.dtm -f md --only files"), 1) << err_;
  EXPECT_TRUE(Out("## Files") && !Out("## Sources")) << out_;
  ASSERT_EQ(Dtm("diff v1.dtm v2.dtm --source books"), 0) << err_;
  EXPECT_TRUE(Out("compared sources: books\n")) << out_;
  ASSERT_EQ(Dtm("diff v1.dtm v2.dtm -s books -s web --only sources"), 1) << err_;
  EXPECT_TRUE(Out("compared sources: books web\n")) << out_;
}

TEST_F(DiffCliTest, OutputFileIsWrittenWhole) {
  ASSERT_EQ(Dtm("diff v1.dtm v2.dtm -f md -o report.md"), 1) << err_;
  EXPECT_TRUE(out_.empty()) << out_;
  const std::string md = testing::ReadAll(dir_.Path("report.md"));
  EXPECT_EQ(md.rfind("# Changes from acme-pretrain 2025.06 to acme-pretrain 2025.06\n", 0), 0u)
      << md;
  EXPECT_EQ(Dtm("diff v1.dtm v2.dtm -o no/such/dir/report.md"), 3);
  EXPECT_TRUE(Err("dtm diff: ")) << err_;
}

TEST_F(DiffCliTest, TroubleIsExitCodeTwoNamingTheFile) {
  const std::string bytes = testing::ReadAll(dir_.Path("v2.dtm"));
  dir_.Write("cut.dtm", bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(Dtm("diff v1.dtm cut.dtm"), 2);
  EXPECT_EQ(err_.rfind("dtm diff: cut.dtm: ", 0), 0u) << err_;
  EXPECT_TRUE(out_.empty()) << out_;
  EXPECT_EQ(Dtm("diff missing.dtm v1.dtm"), 2);
  EXPECT_TRUE(Err("missing.dtm")) << err_;
  EXPECT_EQ(Dtm("diff v1.dtm v2.dtm --source nosuch"), 2);
  EXPECT_TRUE(Err("no source 'nosuch'")) << err_;
  EXPECT_EQ(Dtm("diff v1.dtm v2.dtm --format yaml"), 2);
  EXPECT_EQ(Dtm("diff v1.dtm"), 2);
}

TEST_F(DiffCliTest, KeyVerifiesBothSignaturesFirst) {
  ASSERT_EQ(Dtm("keygen -o lab"), 0) << err_;
  ASSERT_EQ(Dtm("keygen -o other"), 0) << err_;
  ASSERT_EQ(Dtm("sign v1.dtm --key lab.key"), 0) << err_;
  // v2 is not signed yet.
  EXPECT_EQ(Dtm("diff v1.dtm v2.dtm --key lab.pub"), 2);
  EXPECT_TRUE(Err("v2.dtm.sigstore.json")) << err_;
  EXPECT_TRUE(out_.empty()) << out_;
  ASSERT_EQ(Dtm("sign v2.dtm --key other.key"), 0) << err_;
  EXPECT_EQ(Dtm("diff v1.dtm v2.dtm --key lab.pub"), 2);
  EXPECT_TRUE(Err("dtm diff: v2.dtm: the signature does not verify (v2.dtm.sigstore.json)"))
      << err_;
  EXPECT_EQ(Dtm("diff v1.dtm v2.dtm --key lab.pub --key other.pub"), 1) << err_;
  EXPECT_TRUE(Out("license.expression: MIT -> Apache-2.0")) << out_;
  // A manifest changed after signing.
  ASSERT_EQ(Dtm("sign v2.dtm --key lab.key --force"), 0) << err_;
  ASSERT_EQ(Dtm("diff v1.dtm v2.dtm -k lab.pub"), 1) << err_;
  BaseManifest().Write(dir_.Path("v2.dtm"));
  EXPECT_EQ(Dtm("diff v1.dtm v2.dtm -k lab.pub"), 2);
  EXPECT_TRUE(Err("dtm diff: v2.dtm: the signature does not verify")) << err_;
}

}  // namespace
}  // namespace dtm
