// dtm prove and dtm verify-proof end to end through the dtm binary: the
// files, what they print and their exit codes (0 ok, 1 nothing matched or a
// check failed, 2 bad usage or input).
#include <gtest/gtest.h>

#include <string>

#include "attestation/signing_test_util.h"
#include "dtm/digest.h"
#include "proof/proof_test_util.h"

namespace dtm {
namespace {

using signing_test::Quote;
using signing_test::ReadFileOrDie;
using signing_test::RunCommand;
using signing_test::ScratchDir;
using signing_test::WriteFileOrDie;

class ProofCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    proof_test::WriteProofManifest(dir_ / "data.dtm");
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_EQ(Dtm("keygen -o lab"), 0) << out_;
    ASSERT_EQ(Dtm("sign data.dtm --key lab.key"), 0) << out_;
  }

  // Runs `dtm ARGS` in the scratch folder; returns the exit code, output in out_.
  int Dtm(const std::string& args) {
    out_.clear();
    return RunCommand("cd " + Quote(dir_.path()) + " && " + Quote(DTM_BINARY) + " " + args, &out_);
  }

  bool OutputHas(const std::string& text) const { return out_.find(text) != std::string::npos; }

  std::string Shared() const { return "sha256:" + ToHex(proof_test::SharedDigest()); }

  ScratchDir dir_;
  std::string out_;
};

TEST_F(ProofCliTest, ProveAndVerifyADigest) {
  ASSERT_EQ(Dtm("prove data.dtm --digest " + Shared() + " -o proof.json"), 0) << out_;
  EXPECT_TRUE(OutputHas("wrote proof.json: 4 record(s) (2 file entries, 2 sources)")) << out_;
  ASSERT_EQ(Dtm("verify-proof proof.json --key lab.pub"), 0) << out_;
  EXPECT_TRUE(OutputHas("verified proof.json: 4 record(s) of acme-pretrain@2026.02")) << out_;
  EXPECT_TRUE(OutputHas("source books (leaf 0)")) << out_;
  EXPECT_TRUE(OutputHas("use class    NON_COMMERCIAL")) << out_;
  EXPECT_TRUE(OutputHas("acquisition  LICENSED")) << out_;
  EXPECT_TRUE(OutputHas("file a.txt (leaf 6)")) << out_;
  EXPECT_TRUE(OutputHas("(ed25519) from lab.pub")) << out_;
  EXPECT_TRUE(OutputHas("checks passed:")) << out_;
}

TEST_F(ProofCliTest, ProveAPathAndASource) {
  ASSERT_EQ(Dtm("prove data.dtm --path s/0.jsonl -o p.json"), 0) << out_;
  ASSERT_EQ(Dtm("verify-proof p.json --key lab.pub"), 0) << out_;
  EXPECT_TRUE(OutputHas("generator    gen-model 2")) << out_;
  ASSERT_EQ(Dtm("prove data.dtm --source web --bundle data.dtm.sigstore.json -o s.json"), 0)
      << out_;
  ASSERT_EQ(Dtm("verify-proof s.json --key lab.pub"), 0) << out_;
  EXPECT_TRUE(OutputHas("generator    none declared")) << out_;
}

TEST_F(ProofCliTest, NothingMatchesExitsOne) {
  EXPECT_EQ(Dtm("prove data.dtm --path nope.txt -o p.json"), 1) << out_;
  EXPECT_TRUE(OutputHas("dtm prove: data.dtm: no record matches path nope.txt")) << out_;
  EXPECT_EQ(RunCommand("test -e " + Quote(dir_ / "p.json")), 1);
}

TEST_F(ProofCliTest, BadUsageAndInputsExitTwo) {
  EXPECT_EQ(Dtm("prove data.dtm -o p.json"), 2) << out_;
  EXPECT_EQ(Dtm("prove data.dtm --path a.txt --source web -o p.json"), 2) << out_;
  EXPECT_EQ(Dtm("prove data.dtm --digest sha256:123 -o p.json"), 2) << out_;
  EXPECT_EQ(Dtm("prove missing.dtm --path a.txt --bundle data.dtm.sigstore.json -o p.json"), 2)
      << out_;
  EXPECT_EQ(Dtm("prove data.dtm --path a.txt --bundle none.json -o p.json"), 2) << out_;
  EXPECT_TRUE(OutputHas("the manifest's bundle")) << out_;
  ASSERT_EQ(Dtm("prove data.dtm --path a.txt -o p.json"), 0) << out_;
  EXPECT_EQ(Dtm("verify-proof p.json"), 2) << out_;  // no key
  EXPECT_TRUE(OutputHas("no key and no trust root")) << out_;
  const std::string text = ReadFileOrDie(dir_ / "p.json");
  WriteFileOrDie(dir_ / "cut.json", text.substr(0, text.size() / 2));
  EXPECT_EQ(Dtm("verify-proof cut.json --key lab.pub"), 2) << out_;
  EXPECT_TRUE(OutputHas("dtm verify-proof: cut.json: $: not valid JSON")) << out_;
}

TEST_F(ProofCliTest, FailedChecksExitOneNamingTheCheck) {
  ASSERT_EQ(Dtm("prove data.dtm --digest " + Shared() + " -o p.json"), 0) << out_;
  ASSERT_EQ(Dtm("keygen -o other"), 0) << out_;
  EXPECT_EQ(Dtm("verify-proof p.json --key other.pub"), 1) << out_;
  EXPECT_TRUE(OutputHas("dtm verify-proof: p.json: verification failed: signature: ")) << out_;
  const std::string tampered = proof_test::EditProof(
      ReadFileOrDie(dir_ / "p.json"), [](nlohmann::ordered_json& p) { p["treeSize"] = "9"; });
  WriteFileOrDie(dir_ / "t.json", tampered);
  EXPECT_EQ(Dtm("verify-proof t.json --key lab.pub"), 1) << out_;
  EXPECT_TRUE(OutputHas("verification failed: tree-size: ")) << out_;
}

}  // namespace
}  // namespace dtm
