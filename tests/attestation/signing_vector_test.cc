// spec/vectors/signing: the signed example verifies, is reproduced byte for
// byte (Ed25519 is deterministic), and its parts are what the README says.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "attestation/signing_test_util.h"
#include "base/base64.h"
#include "dtm/attestation.h"
#include "dtm/x509.h"

namespace dtm {

using internal::Base64Decode;
namespace {

using signing_test::ReadFileOrDie;
using signing_test::ScratchDir;
using signing_test::WriteFileOrDie;

const std::string kDir = std::string(DTM_SOURCE_DIR) + "/spec/vectors/signing/";
constexpr int64_t kSignedAt = 1767312000;

TEST(SigningVectorTest, VerifiesWithTheTestKey) {
  auto key = PublicKey::FromPem(ReadFileOrDie(kDir + "TEST-ONLY-ed25519.pub"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->key_id(), "4bf9693a6ee8f5d78f4cc0560022f4743899786afe260817c0478729c201a460");
  VerifyOptions options;
  options.keys = {*key};
  auto report = VerifyAttestation(kDir + "manifest.dtm",
                                  ReadFileOrDie(kDir + "manifest.dtm.sigstore.json"), options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->verified()) << report->status.ToString();
  EXPECT_EQ(ToHex(report->merkle_root),
            "0afc35ba7dc02578a3414052fe4154cce63f4b6f9595cd1f88d7c0f8b4520081");
  EXPECT_EQ(ToHex(report->manifest_sha256),
            "e45e11306d3559da9807296eb32d8adb3aa7d2f463494f45fd2685bf6142aceb");
  EXPECT_EQ(report->signed_at, kSignedAt);
  EXPECT_EQ(report->subject_name, "example-corpus@1.0");
}

TEST(SigningVectorTest, SigningAgainGivesTheSameBytes) {
  auto key = PrivateKey::FromPem(ReadFileOrDie(kDir + "TEST-ONLY-ed25519.key"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto bundle = SignManifest(kDir + "manifest.dtm", Signer{&*key, {}}, kSignedAt);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(*bundle, ReadFileOrDie(kDir + "manifest.dtm.sigstore.json"));
}

TEST(SigningVectorTest, StatementAndPaeFilesAreThePayload) {
  const nlohmann::json bundle =
      nlohmann::json::parse(ReadFileOrDie(kDir + "manifest.dtm.sigstore.json"));
  const std::string payload =
      Base64Decode(bundle["dsseEnvelope"]["payload"].get<std::string>()).value();
  EXPECT_EQ(payload, ReadFileOrDie(kDir + "statement.json"));
  EXPECT_EQ(DssePae(kInTotoPayloadType, payload), ReadFileOrDie(kDir + "pae.bin"));
}

TEST(SigningVectorTest, AnyChangedByteFails) {
  ScratchDir dir;
  const std::string manifest = ReadFileOrDie(kDir + "manifest.dtm");
  const std::string bundle = ReadFileOrDie(kDir + "manifest.dtm.sigstore.json");
  VerifyOptions options;
  options.keys = {PublicKey::FromPem(ReadFileOrDie(kDir + "TEST-ONLY-ed25519.pub")).value()};
  // Every byte of the manifest: each change is caught by some check.
  for (size_t i = 0; i < manifest.size(); ++i) {
    std::string changed = manifest;
    changed[i] ^= 0x01;
    WriteFileOrDie(dir / "m.dtm", changed);
    auto report = VerifyAttestation(dir / "m.dtm", bundle, options);
    ASSERT_TRUE(report.ok()) << i;
    EXPECT_FALSE(report->verified()) << "byte " << i;
  }
  // A byte of the signature, inside its base64 text.
  const size_t sig_at = bundle.find("\"sig\": \"") + 9;
  std::string changed = bundle;
  changed[sig_at] = changed[sig_at] == 'A' ? 'B' : 'A';
  WriteFileOrDie(dir / "m.dtm", manifest);
  auto report = VerifyAttestation(dir / "m.dtm", changed, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->failed_check, "signature");
}

// spec/vectors/signing/timestamped: the same bundle with one RFC 3161 timestamp.
constexpr int64_t kGenTime = 1796699843;  // 2026-12-08T03:17:23Z

VerifyOptions TimestampedOptions() {
  VerifyOptions options;
  options.keys = {PublicKey::FromPem(ReadFileOrDie(kDir + "TEST-ONLY-ed25519.pub")).value()};
  options.tsa_roots =
      Certificate::ParsePem(ReadFileOrDie(kDir + "timestamped/tsa-root.pem")).value();
  return options;
}

TEST(SigningVectorTest, TimestampedBundleVerifiesWithTheTsaRoot) {
  const std::string bundle = ReadFileOrDie(kDir + "timestamped/manifest.dtm.sigstore.json");
  auto report = VerifyAttestation(kDir + "manifest.dtm", bundle, TimestampedOptions());
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->verified()) << report->status.ToString();
  EXPECT_EQ(report->signed_at, kSignedAt);
  ASSERT_EQ(report->timestamps.size(), 1u);
  EXPECT_TRUE(report->timestamps[0].verified);
  EXPECT_EQ(report->timestamps[0].gen_time, kGenTime);
  EXPECT_EQ(report->timestamps[0].tsa_subject, "CN=TEST-ONLY TSA,O=DTM Test Vectors");
  EXPECT_EQ(report->signers[0].trusted_time, kGenTime);
  // The signature and statement are the untimestamped vector's.
  const auto plain = nlohmann::json::parse(ReadFileOrDie(kDir + "manifest.dtm.sigstore.json"));
  EXPECT_EQ(nlohmann::json::parse(bundle)["dsseEnvelope"], plain["dsseEnvelope"]);
}

TEST(SigningVectorTest, TimestampedBundleFailsWithAnyChangedTokenByteOrNoTimestamp) {
  const auto bundle =
      nlohmann::json::parse(ReadFileOrDie(kDir + "timestamped/manifest.dtm.sigstore.json"));
  const std::string slot =
      "/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/"
      "signedTimestamp";
  const std::string token =
      Base64Decode(bundle.at(nlohmann::json::json_pointer(slot)).get<std::string>()).value();
  const VerifyOptions options = TimestampedOptions();
  for (size_t i = 0; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] ^= 0x01;
    nlohmann::json edited = bundle;
    edited[nlohmann::json::json_pointer(slot)] = internal::Base64Encode(changed);
    auto report = VerifyAttestation(kDir + "manifest.dtm", edited.dump(), options);
    ASSERT_TRUE(report.ok());
    EXPECT_FALSE(report->verified()) << "token byte " << i;
  }
  // TSA certificates given, and the bundle of ../ has no timestamp.
  auto report = VerifyAttestation(kDir + "manifest.dtm",
                                  ReadFileOrDie(kDir + "manifest.dtm.sigstore.json"), options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->failed_check, "timestamp");
}

}  // namespace
}  // namespace dtm
