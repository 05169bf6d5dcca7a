// The signing commands end to end through the dtm binary: keygen, sign,
// verify, their files, their output and their exit codes (0 verified, 1 a
// check failed, 2 bad usage or unreadable input).
#include <unistd.h>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "attestation/signing_test_certs.h"
#include "attestation/signing_test_manifest.h"
#include "attestation/signing_test_util.h"

namespace dtm {
namespace {

using signing_test::Quote;
using signing_test::ReadFileOrDie;
using signing_test::RunCommand;
using signing_test::ScratchDir;
using signing_test::WriteFileOrDie;

class SigningCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signing_test::WriteTestManifest(Path("data.dtm"));
    ASSERT_FALSE(HasFatalFailure());
  }

  std::string Path(const std::string& name) const { return dir_ / name; }

  // Runs `dtm ARGS` in the scratch folder; returns the exit code, output in out_.
  int Dtm(const std::string& args, const std::string& env = "") {
    out_.clear();
    return RunCommand(
        "cd " + Quote(dir_.path()) + " && " + env + " " + Quote(DTM_BINARY) + " " + args, &out_);
  }

  bool OutputHas(const std::string& text) const { return out_.find(text) != std::string::npos; }

  ScratchDir dir_;
  std::string out_;
};

TEST_F(SigningCliTest, KeygenSignVerify) {
  ASSERT_EQ(Dtm("keygen -o lab"), 0) << out_;
  EXPECT_TRUE(OutputHas("wrote lab.key (private, not encrypted) and lab.pub")) << out_;
  struct stat st;
  ASSERT_EQ(::stat(Path("lab.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(Dtm("sign data.dtm --key lab.key"), 0) << out_;
  EXPECT_TRUE(OutputHas("wrote data.dtm.sigstore.json")) << out_;
  ASSERT_EQ(Dtm("verify data.dtm --key lab.pub"), 0) << out_;
  EXPECT_TRUE(OutputHas("verified data.dtm: acme-pretrain@2026.01")) << out_;
  EXPECT_TRUE(OutputHas("(ed25519) from lab.pub")) << out_;
  EXPECT_TRUE(OutputHas("no timestamp authority")) << out_;
}

TEST_F(SigningCliTest, KeysAreNotOverwrittenWithoutForce) {
  ASSERT_EQ(Dtm("keygen -o lab"), 0) << out_;
  const std::string first = ReadFileOrDie(Path("lab.key"));
  EXPECT_EQ(Dtm("keygen -o lab"), 2);
  EXPECT_TRUE(OutputHas("lab.key: already exists (use --force to replace it)")) << out_;
  EXPECT_EQ(ReadFileOrDie(Path("lab.key")), first);
  EXPECT_EQ(Dtm("keygen -o lab --force -a ecdsa-p384-sha384"), 0) << out_;
  EXPECT_NE(ReadFileOrDie(Path("lab.key")), first);
  EXPECT_EQ(Dtm("keygen -o x -a rsa-2048"), 2);
  EXPECT_TRUE(OutputHas("unknown algorithm 'rsa-2048'")) << out_;
}

TEST_F(SigningCliTest, EncryptedKeysTakeThePassphraseFromAFileOrTheEnvironment) {
  WriteFileOrDie(Path("pw"), "correct horse\n");
  ASSERT_EQ(Dtm("keygen -o lab --passphrase-file pw"), 0) << out_;
  EXPECT_NE(ReadFileOrDie(Path("lab.key")).find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(Dtm("sign data.dtm --key lab.key"), 2);
  EXPECT_TRUE(OutputHas("give its passphrase")) << out_;
  EXPECT_EQ(Dtm("sign data.dtm --key lab.key --passphrase-env DTM_PW", "DTM_PW=wrong"), 2);
  EXPECT_TRUE(OutputHas("wrong passphrase")) << out_;
  EXPECT_EQ(Dtm("sign data.dtm --key lab.key --passphrase-env DTM_PW"), 2);
  EXPECT_TRUE(OutputHas("DTM_PW: unset or empty")) << out_;
  ASSERT_EQ(Dtm("sign data.dtm --key lab.key --passphrase-env DTM_PW", "DTM_PW='correct horse'"), 0)
      << out_;
  EXPECT_EQ(Dtm("verify data.dtm --key lab.pub"), 0) << out_;
}

TEST_F(SigningCliTest, FailedChecksExitOneAndNameTheCheck) {
  ASSERT_EQ(Dtm("keygen -o lab"), 0);
  ASSERT_EQ(Dtm("keygen -o other"), 0);
  ASSERT_EQ(Dtm("sign data.dtm --key lab.key"), 0) << out_;
  EXPECT_EQ(Dtm("verify data.dtm --key other.pub"), 1);
  EXPECT_TRUE(OutputHas("data.dtm: verification failed: signature:")) << out_;
  std::string bytes = ReadFileOrDie(Path("data.dtm"));
  bytes[bytes.size() - 70] ^= 1;
  WriteFileOrDie(Path("data.dtm"), bytes);
  EXPECT_EQ(Dtm("verify data.dtm --key lab.pub"), 1);
  EXPECT_TRUE(OutputHas("verification failed: manifest-integrity:")) << out_;
}

TEST_F(SigningCliTest, BadUsageAndUnreadableInputExitTwo) {
  ASSERT_EQ(Dtm("keygen -o lab"), 0);
  EXPECT_EQ(Dtm("verify data.dtm --key lab.pub"), 2);  // no bundle yet
  ASSERT_EQ(Dtm("sign data.dtm --key lab.key"), 0);
  EXPECT_EQ(Dtm("verify data.dtm"), 2);
  EXPECT_TRUE(OutputHas("no key and no trust root")) << out_;
  EXPECT_EQ(Dtm("verify data.dtm --key missing.pub"), 2);
  EXPECT_EQ(Dtm("verify data.dtm --key lab.key"), 2);  // a private key is not a public key
  EXPECT_EQ(Dtm("verify missing.dtm --key lab.pub --bundle data.dtm.sigstore.json"), 2);
  EXPECT_EQ(Dtm("verify data.dtm --key lab.pub --threshold 0"), 2);
  EXPECT_EQ(Dtm("sign data.dtm --key lab.key"), 2);  // the bundle exists
  EXPECT_TRUE(OutputHas("--append adds a signature to it, --force replaces it")) << out_;
  EXPECT_EQ(Dtm("sign data.dtm --key lab.key --chain lab.pub"), 2);
}

TEST_F(SigningCliTest, CoSignatureAndThreshold) {
  ASSERT_EQ(Dtm("keygen -o lab"), 0);
  ASSERT_EQ(Dtm("keygen -o auditor -a ecdsa-p256-sha256"), 0);
  ASSERT_EQ(Dtm("sign data.dtm --key lab.key"), 0);
  EXPECT_EQ(Dtm("verify data.dtm --key lab.pub --key auditor.pub --threshold 2"), 1);
  EXPECT_TRUE(OutputHas("threshold: 2 distinct keys must sign; 1 did")) << out_;
  ASSERT_EQ(Dtm("sign data.dtm --key auditor.key --append"), 0) << out_;
  EXPECT_EQ(Dtm("sign data.dtm --key auditor.key --append"), 2);
  EXPECT_EQ(Dtm("verify data.dtm --key lab.pub --key auditor.pub --threshold 2"), 0) << out_;
  EXPECT_TRUE(OutputHas("2 distinct key(s) verified, 2 required")) << out_;
  // --append through a link would read the target and replace the link.
  ASSERT_EQ(symlink("data.dtm.sigstore.json", Path("link.json").c_str()), 0);
  EXPECT_EQ(Dtm("sign data.dtm --key auditor.key --append -o link.json"), 2);
  EXPECT_TRUE(OutputHas("link.json: is a symbolic link; --append rewrites the bundle in place"))
      << out_;
}

TEST_F(SigningCliTest, SourceDateEpochMakesEd25519BundlesReproducible) {
  ASSERT_EQ(Dtm("keygen -o lab"), 0);
  ASSERT_EQ(Dtm("sign data.dtm --key lab.key -o a.json", "SOURCE_DATE_EPOCH=1767312000"), 0);
  ASSERT_EQ(Dtm("sign data.dtm --key lab.key -o b.json", "SOURCE_DATE_EPOCH=1767312000"), 0);
  EXPECT_EQ(ReadFileOrDie(Path("a.json")), ReadFileOrDie(Path("b.json")));
  ASSERT_EQ(Dtm("verify data.dtm --key lab.pub --bundle a.json"), 0) << out_;
  EXPECT_TRUE(OutputHas("signed at    2026-01-02T00:00:00Z")) << out_;
}

TEST_F(SigningCliTest, CertificateSignerWithTrustRootAndIdentity) {
  using signing_test::CertSpec;
  signing_test::Issued root = signing_test::MakeCa("CLI Root", 1735689600, 1893456000);
  PrivateKey key = PrivateKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256).value();
  CertSpec spec{"CLI Signer",
                1767225600,
                1893456000,
                false,
                "critical,digitalSignature",
                "codeSigning",
                "email:signer@acme.example"};
  Certificate cert = signing_test::IssueCertificate(spec, key, &root);
  WriteFileOrDie(Path("signer.key"), key.ToPem().value());
  WriteFileOrDie(Path("signer.crt"), cert.ToPem());
  WriteFileOrDie(Path("root.pem"), root.cert.ToPem());
  ASSERT_EQ(Dtm("sign data.dtm --key signer.key --cert signer.crt", "SOURCE_DATE_EPOCH=1767312000"),
            0)
      << out_;
  ASSERT_EQ(Dtm("verify data.dtm --trust-root root.pem --identity signer@acme.example"), 0) << out_;
  EXPECT_TRUE(OutputHas("verified: certificate \"CN=CLI Signer,O=DTM Tests\"")) << out_;
  EXPECT_TRUE(OutputHas("SAN signer@acme.example")) << out_;
  EXPECT_EQ(Dtm("verify data.dtm --trust-root root.pem --identity someone@else.example"), 1);
  EXPECT_TRUE(OutputHas("verification failed: identity:")) << out_;
  EXPECT_EQ(Dtm("verify data.dtm --key signer.crt"), 2);  // a certificate is not a key file
}

}  // namespace
}  // namespace dtm
