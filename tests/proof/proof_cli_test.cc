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
  EXPECT_TRUE(OutputHas("wrote proof.json: PRESENT: 4 record(s) (2 matching, 2 source(s))"))
      << out_;
  ASSERT_EQ(Dtm("verify-proof proof.json --key lab.pub --expect present"), 0) << out_;
  EXPECT_EQ(out_.rfind("PRESENT  in acme-pretrain 2026.02, source books (licensed, non commercial, "
                       "MIT), file a.txt (and 1 more)\n",
                       0),
            0u)
      << out_;
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

TEST_F(ProofCliTest, NothingMatchesIsProvenAbsent) {
  ASSERT_EQ(Dtm("prove data.dtm --path nope.txt -o p.json"), 0) << out_;
  EXPECT_TRUE(OutputHas("wrote p.json: ABSENT: no record matches path nope.txt")) << out_;
  ASSERT_EQ(Dtm("verify-proof p.json --key lab.pub"), 0) << out_;
  EXPECT_EQ(out_.rfind("ABSENT   no file with this path in acme-pretrain 2026.02 (signed ", 0), 0u)
      << out_;
  EXPECT_TRUE(
      OutputHas("checks passed: proof, bundle, payload-type, signature, statement, root, "
                "tree-size, key-tree, key-digest, neighbours, key-inclusion"))
      << out_;
  EXPECT_EQ(Dtm("verify-proof p.json --key lab.pub --expect present"), 1) << out_;
  EXPECT_TRUE(OutputHas("the answer is ABSENT, not PRESENT (--expect)")) << out_;
  // A source that does not exist: an inclusion proof has nothing to show.
  EXPECT_EQ(Dtm("prove data.dtm --source nope -o s.json"), 1) << out_;
  EXPECT_TRUE(OutputHas("dtm prove: data.dtm: no record matches source nope")) << out_;
  EXPECT_EQ(RunCommand("test -e " + Quote(dir_ / "s.json")), 1);
}

TEST_F(ProofCliTest, AProofAboutAnotherRootFailsTheRootCheck) {
  ASSERT_EQ(Dtm("prove data.dtm --path a.txt -o p.json"), 0) << out_;
  const std::string other(64, 'a');
  EXPECT_EQ(Dtm("verify-proof p.json --key lab.pub --root " + other), 1) << out_;
  EXPECT_TRUE(
      OutputHas("verification failed: root: the proof is about the manifest with Merkle "
                "root "))
      << out_;
  const std::string root =
      proof_test::EditProof(ReadFileOrDie(dir_ / "p.json"), [](nlohmann::ordered_json&) {});
  const auto parsed = nlohmann::json::parse(root);
  ASSERT_EQ(
      Dtm("verify-proof p.json --key lab.pub --root " + parsed["merkleRoot"].get<std::string>()), 0)
      << out_;
  EXPECT_TRUE(OutputHas("the published root (--root)")) << out_;
}

TEST_F(ProofCliTest, TheSourceListIsComplete) {
  ASSERT_EQ(Dtm("prove data.dtm --sources -o all.json"), 0) << out_;
  EXPECT_TRUE(OutputHas("wrote all.json: every source, 3 of them")) << out_;
  ASSERT_EQ(Dtm("verify-proof all.json --key lab.pub"), 0) << out_;
  EXPECT_EQ(out_.rfind("COMPLETE 3 sources of acme-pretrain 2026.02, none withheld", 0), 0u)
      << out_;
  EXPECT_TRUE(OutputHas("generator    gen-model 2")) << out_;
  const std::string dropped = proof_test::EditProof(
      ReadFileOrDie(dir_ / "all.json"),
      [](nlohmann::ordered_json& p) { p["sources"].erase(p["sources"].begin() + 1); });
  WriteFileOrDie(dir_ / "dropped.json", dropped);
  EXPECT_EQ(Dtm("verify-proof dropped.json --key lab.pub"), 1) << out_;
  EXPECT_TRUE(OutputHas("verification failed: complete: the proof holds 2 sources")) << out_;
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
