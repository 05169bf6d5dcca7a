// Keys in a PKCS#11 token, against SoftHSM2: a token initialised by the suite
// in a scratch folder (SOFTHSM2_CONF), keys generated in it, manifests signed
// there and verified with the exported public keys. DTM_SKIP_SOFTHSM=1 skips
// these tests; otherwise a missing SoftHSM2 fails them.
#include <stdlib.h>
#include <unistd.h>

#include "attestation/signing_test_manifest.h"
#include "attestation/signing_test_util.h"
#include "dtm/attestation.h"
#include "dtm/pkcs11.h"

// SoftHSM2 leaks a little inside C_SignInit (tests/sanitizers/lsan.supp).
// LeakSanitizer records stacks quickly, without SoftHSM's frames, so the
// suppression cannot match in this process: signing with a token key is done
// with leak checking off here, and the dtm processes the CLI test starts
// unwind fully so that the suppression matches there.
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define DTM_TOKEN_CALL(expr)    \
  ([&] {                        \
    __lsan::ScopedDisabler off; \
    return (expr);              \
  }())
#else
#define DTM_TOKEN_CALL(expr) (expr)
#endif

namespace dtm {
namespace {

using signing_test::Quote;
using signing_test::ReadFileOrDie;
using signing_test::RunCommand;
using signing_test::ScratchDir;
using signing_test::WriteFileOrDie;
using signing_test::WriteTestManifest;

constexpr const char* kPin = "5678";

std::string ModulePath() {
  const char* env = std::getenv("DTM_SOFTHSM_MODULE");
  return env != nullptr ? env : "/usr/lib/softhsm/libsofthsm2.so";
}

class Pkcs11Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (signing_test::SkippedBy("DTM_SKIP_SOFTHSM")) return;
    dir_ = new ScratchDir;
    const std::string conf = dir_->Path("softhsm2.conf");
    ::mkdir(dir_->Path("tokens").c_str(), 0700);
    WriteFileOrDie(conf, "directories.tokendir = " + dir_->Path("tokens") +
                             "\nobjectstore.backend = file\nlog.level = ERROR\n");
    ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
    setup_output_ = new std::string;
    setup_rc_ =
        RunCommand("softhsm2-util --init-token --free --label dtm-test --so-pin 1234 --pin " +
                       std::string(kPin),
                   setup_output_);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete setup_output_;
    dir_ = nullptr;
  }

  void SetUp() override {
    if (signing_test::SkippedBy("DTM_SKIP_SOFTHSM")) GTEST_SKIP() << "DTM_SKIP_SOFTHSM=1";
    ASSERT_EQ(setup_rc_, 0) << "SoftHSM2 (softhsm2-util) could not make a token: " << *setup_output_
                            << "; set DTM_SKIP_SOFTHSM=1 to skip";
    ASSERT_EQ(::access(ModulePath().c_str(), R_OK), 0)
        << ModulePath() << " is missing (DTM_SOFTHSM_MODULE names another)";
    manifest_ = scratch_.Path("data.dtm");
    WriteTestManifest(manifest_);
  }

  static Pkcs11Options Options(const std::string& pin = kPin) {
    return Pkcs11Options{ModulePath(), pin};
  }
  // A label no other test uses.
  static std::string FreshLabel() { return "key-" + std::to_string(++labels_); }

  static ScratchDir* dir_;
  static std::string* setup_output_;
  static int setup_rc_;
  static int labels_;
  ScratchDir scratch_;
  std::string manifest_;
};

ScratchDir* Pkcs11Test::dir_ = nullptr;
std::string* Pkcs11Test::setup_output_ = nullptr;
int Pkcs11Test::setup_rc_ = -1;
int Pkcs11Test::labels_ = 0;

TEST_F(Pkcs11Test, KeysMadeInTheTokenSignManifestsThatVerify) {
  for (SignatureAlgorithm algorithm :
       {SignatureAlgorithm::kEd25519, SignatureAlgorithm::kEcdsaP256Sha256,
        SignatureAlgorithm::kEcdsaP384Sha384}) {
    const std::string uri = "pkcs11:token=dtm-test;object=" + FreshLabel();
    auto pub = GeneratePkcs11Key(uri, algorithm, Options());
    ASSERT_TRUE(pub.ok()) << AlgorithmName(algorithm) << ": " << pub.status().ToString();
    EXPECT_EQ(pub->algorithm(), algorithm);
    auto key = OpenPkcs11Key(uri, Options());
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_TRUE(key->is_external());
    EXPECT_EQ(key->public_key(), *pub);
    EXPECT_EQ(key->ToPem().status().code(), StatusCode::kInvalidArgument);
    Signer signer{&*key, {}};
    auto bundle = DTM_TOKEN_CALL(SignManifest(manifest_, signer, 1767312000));
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    VerifyOptions options;
    options.keys = {*pub};
    auto report = VerifyAttestation(manifest_, *bundle, options);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->verified()) << report->status.ToString();
    EXPECT_EQ(report->signers[0].key_id, pub->key_id());
  }
}

TEST_F(Pkcs11Test, ClearErrorsForWhatIsWrong) {
  const std::string label = FreshLabel();
  const std::string uri = "pkcs11:token=dtm-test;object=" + label;
  ASSERT_TRUE(GeneratePkcs11Key(uri, SignatureAlgorithm::kEd25519, Options()).ok());
  const struct {
    std::string uri;
    Pkcs11Options options;
    StatusCode code;
    std::string detail;
  } cases[] = {
      {uri, Options("0000"), StatusCode::kInvalidArgument, "token 'dtm-test': wrong PIN"},
      {uri, Options(""), StatusCode::kInvalidArgument, "needs a PIN"},
      {"pkcs11:token=dtm-test;object=no-such-key", Options(), StatusCode::kNotFound,
       "no private key matches object=no-such-key"},
      {"pkcs11:token=another;object=" + label, Options(), StatusCode::kNotFound,
       "no token matches (tokens: 'dtm-test'"},
      {uri, Pkcs11Options{"", kPin}, StatusCode::kInvalidArgument, "no module"},
      {uri, Pkcs11Options{scratch_.Path("no-module.so"), kPin}, StatusCode::kIOError,
       "PKCS#11 module"},
      {"pkcs11:token=dtm-test;object=" + label + ";type=cert", Options(),
       StatusCode::kInvalidArgument, "type must be private"},
      {"pkcs11:token=dtm%", Options(), StatusCode::kInvalidArgument, "PKCS#11 URI"},
      // The PIN in the URI is never shown.
      {uri + "?pin-value=0000", Pkcs11Options{ModulePath(), ""}, StatusCode::kInvalidArgument,
       "wrong PIN"},
  };
  for (const auto& c : cases) {
    auto key = OpenPkcs11Key(c.uri, c.options);
    ASSERT_FALSE(key.ok()) << c.uri;
    EXPECT_EQ(key.status().code(), c.code) << c.uri << ": " << key.status().ToString();
    EXPECT_NE(key.status().message().find(c.detail), std::string::npos)
        << c.uri << ": " << key.status().message();
    EXPECT_EQ(key.status().message().find("0000"), std::string::npos) << key.status().message();
  }
  EXPECT_EQ(GeneratePkcs11Key(uri, SignatureAlgorithm::kEd25519, Options()).status().code(),
            StatusCode::kInvalidArgument)
      << "a second key with the same label";
  EXPECT_EQ(GeneratePkcs11Key("pkcs11:token=dtm-test", SignatureAlgorithm::kEd25519, Options())
                .status()
                .code(),
            StatusCode::kInvalidArgument)
      << "a new key needs object=";
  EXPECT_EQ(GeneratePkcs11Key("pkcs11:token=dtm-test;object=" + FreshLabel(),
                              SignatureAlgorithm::kRsaPss3072Sha256, Options())
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(Pkcs11Test, ThePinMayComeFromTheUrisPinSource) {
  const std::string uri = "pkcs11:token=dtm-test;object=" + FreshLabel();
  ASSERT_TRUE(GeneratePkcs11Key(uri, SignatureAlgorithm::kEcdsaP256Sha256, Options()).ok());
  WriteFileOrDie(scratch_.Path("pin"), std::string(kPin) + "\n");
  auto key = OpenPkcs11Key(uri + "?pin-source=file:" + scratch_.Path("pin"),
                           Pkcs11Options{ModulePath(), ""});
  EXPECT_TRUE(key.ok()) << key.status().ToString();
}

TEST_F(Pkcs11Test, CliMakesAKeyInTheTokenSignsAndVerifies) {
  const std::string dtm = DTM_BINARY;
  const std::string uri = "pkcs11:token=dtm-test;object=" + FreshLabel();
  const std::string token = " --pkcs11-module " + Quote(ModulePath()) + " --pin-env DTM_TEST_PIN";
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string env = "DTM_TEST_PIN=" + std::string(kPin) + " ASAN_OPTIONS='" +
                          (asan != nullptr ? std::string(asan) + ":" : "") +
                          "fast_unwind_on_malloc=0' ";
  const std::string prefix = scratch_.Path("hsm");
  std::string out;
  ASSERT_EQ(RunCommand(env + dtm + " keygen -a ecdsa-p256-sha256 --pkcs11 " + Quote(uri) + token +
                           " -o " + Quote(prefix),
                       &out),
            0)
      << out;
  EXPECT_NE(out.find("made the key in the token"), std::string::npos) << out;
  EXPECT_NE(::access((prefix + ".key").c_str(), F_OK), 0) << "no private key file is written";
  out.clear();
  ASSERT_EQ(
      RunCommand(env + dtm + " sign " + Quote(manifest_) + " --key " + Quote(uri) + token, &out), 0)
      << out;
  out.clear();
  EXPECT_EQ(
      RunCommand(dtm + " verify " + Quote(manifest_) + " --key " + Quote(prefix + ".pub"), &out), 0)
      << out;
  out.clear();
  EXPECT_EQ(RunCommand("DTM_TEST_PIN=0000 " + dtm + " sign " + Quote(manifest_) +
                           " --force --key " + Quote(uri) + token,
                       &out),
            2)
      << out;
  EXPECT_NE(out.find("wrong PIN"), std::string::npos) << out;
}

}  // namespace
}  // namespace dtm
