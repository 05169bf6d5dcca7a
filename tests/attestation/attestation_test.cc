// Signing and verifying manifests with keys: round trips for every algorithm,
// the statement's content, co-signatures, and the tamper matrix, each case
// rejected by the check spec/attestation.md names.
#include "dtm/attestation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "attestation/format.h"
#include "attestation/signing_test_manifest.h"
#include "attestation/signing_test_util.h"
#include "base/base64.h"

namespace dtm {

using internal::Base64Decode;
using internal::Base64Encode;
namespace {

using signing_test::EditBundle;
using signing_test::FlipBase64Byte;
using signing_test::ReadFileOrDie;
using signing_test::ScratchDir;
using signing_test::WriteFileOrDie;
using signing_test::WriteTestManifest;

constexpr int64_t kSignedAt = 1767312000;  // 2026-01-02T00:00:00Z

const PrivateKey& TestKey(SignatureAlgorithm algorithm) {
  static auto* keys = new std::map<SignatureAlgorithm, PrivateKey>();
  auto it = keys->find(algorithm);
  if (it == keys->end())
    it = keys->emplace(algorithm, PrivateKey::Generate(algorithm).value()).first;
  return it->second;
}
const PrivateKey& LabKey() { return TestKey(SignatureAlgorithm::kEd25519); }
const PrivateKey& AuditorKey() { return TestKey(SignatureAlgorithm::kEcdsaP256Sha256); }

class AttestationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    manifest_ = dir_ / "data.dtm";
    WriteTestManifest(manifest_);
    ASSERT_FALSE(HasFatalFailure());
  }

  std::string Sign(const PrivateKey& key = LabKey()) {
    auto bundle = SignManifest(manifest_, Signer{&key, {}}, kSignedAt);
    EXPECT_TRUE(bundle.ok()) << bundle.status().ToString();
    return bundle.ok() ? *bundle : std::string();
  }

  VerificationReport Verify(const std::string& bundle, std::vector<PublicKey> keys,
                            int threshold = 1) {
    VerifyOptions options;
    options.keys = std::move(keys);
    options.threshold = threshold;
    auto report = VerifyAttestation(manifest_, bundle, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerificationReport{};
  }

  // Expects the bundle to fail exactly `check`, with `detail` in the message.
  void ExpectRejected(const std::string& bundle, std::vector<PublicKey> keys,
                      const std::string& check, const std::string& detail = "", int threshold = 1) {
    VerificationReport report = Verify(bundle, std::move(keys), threshold);
    EXPECT_FALSE(report.verified());
    EXPECT_EQ(report.failed_check, check) << report.status.ToString();
    EXPECT_EQ(report.status.code(), StatusCode::kVerificationFailed);
    EXPECT_EQ(report.status.message().rfind(check + ": ", 0), 0u) << report.status.message();
    EXPECT_NE(report.status.message().find(detail), std::string::npos) << report.status.message();
  }

  ScratchDir dir_;
  std::string manifest_;
};

class AttestationAlgorithmTest : public AttestationTest,
                                 public ::testing::WithParamInterface<SignatureAlgorithm> {};

TEST_P(AttestationAlgorithmTest, SignVerifyRoundTrip) {
  const PrivateKey& key = TestKey(GetParam());
  const std::string bundle = Sign(key);
  VerificationReport report = Verify(bundle, {key.public_key()});
  ASSERT_TRUE(report.verified()) << report.status.ToString();
  EXPECT_EQ(report.failed_check, "");
  ASSERT_EQ(report.signers.size(), 1u);
  EXPECT_TRUE(report.signers[0].verified);
  EXPECT_EQ(report.signers[0].key_id, key.public_key().key_id());
  EXPECT_EQ(report.signers[0].keyid_hint, key.public_key().key_id());
  EXPECT_EQ(report.signers[0].algorithm, GetParam());
  EXPECT_EQ(report.distinct_keys, 1u);
  EXPECT_EQ(report.signed_at, kSignedAt);
  EXPECT_EQ(report.subject_name, "acme-pretrain@2026.01");
  EXPECT_EQ(report.media_type, kBundleMediaType);
  auto integrity = CheckManifest(manifest_);
  ASSERT_TRUE(integrity.ok());
  EXPECT_EQ(report.merkle_root, integrity->merkle_root);
  EXPECT_EQ(report.manifest_sha256, integrity->file_sha256);
  // Any other key: rejected.
  ExpectRejected(
      bundle,
      {TestKey(GetParam() == SignatureAlgorithm::kEd25519 ? SignatureAlgorithm::kEcdsaP384Sha384
                                                          : SignatureAlgorithm::kEd25519)
           .public_key()},
      "signature", "not valid under any given key");
}

INSTANTIATE_TEST_SUITE_P(All, AttestationAlgorithmTest,
                         ::testing::Values(SignatureAlgorithm::kEd25519,
                                           SignatureAlgorithm::kEcdsaP256Sha256,
                                           SignatureAlgorithm::kEcdsaP384Sha384,
                                           SignatureAlgorithm::kRsaPss3072Sha256),
                         [](const auto& info) {
                           std::string name(AlgorithmName(info.param));
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST_F(AttestationTest, BundleLayoutIsSigstoreV03WithKeyHint) {
  const nlohmann::json bundle = nlohmann::json::parse(Sign());
  EXPECT_EQ(bundle["mediaType"], "application/vnd.dev.sigstore.bundle.v0.3+json");
  const std::string key_id = LabKey().public_key().key_id();
  EXPECT_EQ(bundle["verificationMaterial"]["publicKey"]["hint"], key_id);
  EXPECT_EQ(bundle["verificationMaterial"]["tlogEntries"], nlohmann::json::array());
  EXPECT_FALSE(bundle["verificationMaterial"].contains("timestampVerificationData"));
  const nlohmann::json& envelope = bundle["dsseEnvelope"];
  EXPECT_EQ(envelope["payloadType"], "application/vnd.in-toto+json");
  ASSERT_EQ(envelope["signatures"].size(), 1u);
  EXPECT_EQ(envelope["signatures"][0]["keyid"], key_id);
  // The signature is over PAE(payloadType, payload), checked independently here.
  const std::string payload = Base64Decode(envelope["payload"].get<std::string>()).value();
  const std::string sig = Base64Decode(envelope["signatures"][0]["sig"].get<std::string>()).value();
  EXPECT_TRUE(LabKey().public_key().Verify(sig, DssePae(kInTotoPayloadType, payload)).ok());
}

TEST_F(AttestationTest, StatementDescribesTheManifest) {
  const nlohmann::json bundle = nlohmann::json::parse(Sign());
  const std::string payload =
      Base64Decode(bundle["dsseEnvelope"]["payload"].get<std::string>()).value();
  const nlohmann::json statement = nlohmann::json::parse(payload);
  EXPECT_EQ(payload, statement.dump());  // compact, members sorted
  auto integrity = CheckManifest(manifest_);
  ASSERT_TRUE(integrity.ok());
  EXPECT_EQ(statement["_type"], "https://in-toto.io/Statement/v1");
  EXPECT_EQ(statement["predicateType"], "https://dtm.dev/attestation/manifest/v1");
  ASSERT_EQ(statement["subject"].size(), 2u);
  EXPECT_EQ(statement["subject"][0]["name"], "acme-pretrain@2026.01");
  EXPECT_EQ(statement["subject"][0]["digest"]["sha256"], ToHex(integrity->merkle_root));
  EXPECT_EQ(statement["subject"][1]["name"], "acme-pretrain@2026.01.dtm");
  EXPECT_EQ(statement["subject"][1]["digest"]["sha256"], ToHex(integrity->file_sha256));
  const nlohmann::json& predicate = statement["predicate"];
  EXPECT_EQ(predicate["signedAt"], "2026-01-02T00:00:00Z");
  const nlohmann::json& header = predicate["header"];
  EXPECT_EQ(header["schema"], "dtm/v1");
  EXPECT_EQ(header["publisher"]["name"], "Acme Labs");
  EXPECT_EQ(header["dataset"]["version"], "2026.01");
  EXPECT_EQ(header["created"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(header["totals"]["files"], "4");  // uint64 as a string (protobuf JSON mapping)
  EXPECT_EQ(header["totals"]["sources"], "2");
  EXPECT_EQ(header["composition"]["by_use_class"].size(), 2u);
  EXPECT_EQ(header["previous"]["version"], "2025.12");
  EXPECT_EQ(header["previous"]["manifest_sha256"], Base64Encode(std::string(32, '\x42')));
  EXPECT_EQ(header["merkle_root"], Base64Encode(AsBytes(integrity->merkle_root)));
}

TEST_F(AttestationTest, Ed25519BundlesAreByteIdentical) { EXPECT_EQ(Sign(), Sign()); }

TEST_F(AttestationTest, NoKeyAndNoTrustRootIsAnErrorNotASuccess) {
  auto report = VerifyAttestation(manifest_, Sign(), VerifyOptions{});
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  VerifyOptions zero;
  zero.keys = {LabKey().public_key()};
  zero.threshold = 0;
  EXPECT_EQ(VerifyAttestation(manifest_, Sign(), zero).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(AttestationTest, MissingManifestIsAnInputError) {
  VerifyOptions options;
  options.keys = {LabKey().public_key()};
  const std::string bundle = Sign();
  auto report = VerifyAttestation(dir_ / "missing.dtm", bundle, options);
  EXPECT_EQ(report.status().code(), StatusCode::kNotFound) << report.status().ToString();
}

// ---- The tamper matrix (keys)

TEST_F(AttestationTest, TamperedPayloadFailsTheSignature) {
  ExpectRejected(FlipBase64Byte(Sign(), "/dsseEnvelope/payload", 40), {LabKey().public_key()},
                 "signature");
}

TEST_F(AttestationTest, TamperedSignatureFailsTheSignature) {
  ExpectRejected(FlipBase64Byte(Sign(), "/dsseEnvelope/signatures/0/sig", 7),
                 {LabKey().public_key()}, "signature");
}

TEST_F(AttestationTest, ChangedPayloadTypeIsRejectedFirst) {
  const std::string bundle = EditBundle(
      Sign(), [](nlohmann::json& b) { b["dsseEnvelope"]["payloadType"] = "application/json"; });
  ExpectRejected(bundle, {LabKey().public_key()}, "payload-type", "application/json");
}

TEST_F(AttestationTest, TamperedManifestBodyFailsIntegrity) {
  const std::string bundle = Sign();
  std::string bytes = ReadFileOrDie(manifest_);
  bytes[bytes.size() - 70] ^= 0x20;  // in the last frame, before the end marker and footer
  WriteFileOrDie(manifest_, bytes);
  ExpectRejected(bundle, {LabKey().public_key()}, "manifest-integrity");
}

TEST_F(AttestationTest, TamperedHeaderFailsIntegrity) {
  const std::string bundle = Sign();
  signing_test::ReplaceInFile(manifest_, "Acme Labs", "Acme Fabs");
  ExpectRejected(bundle, {LabKey().public_key()}, "manifest-integrity", "digest");
}

TEST_F(AttestationTest, HeaderEditedWithRecomputedFooterFailsTheFileDigest) {
  const std::string bundle = Sign();
  signing_test::ReplaceInFile(manifest_, "Acme Labs", "Acme Fabs");
  signing_test::FixFooterDigest(manifest_);
  ASSERT_TRUE(CheckManifest(manifest_).ok());  // the container alone cannot tell
  ExpectRejected(bundle, {LabKey().public_key()}, "manifest-digest");
}

TEST_F(AttestationTest, BundleMovedToAnotherManifestFailsTheSubject) {
  const std::string bundle = Sign();
  WriteTestManifest(manifest_, "2026.01", 4);  // same name and version, other records
  ExpectRejected(bundle, {LabKey().public_key()}, "subject", "Merkle root");
  WriteTestManifest(manifest_, "2026.02", 3);
  ExpectRejected(bundle, {LabKey().public_key()}, "subject", "acme-pretrain@2026.02");
}

TEST_F(AttestationTest, TruncatedOrMalformedBundleFailsTheBundleCheck) {
  const std::string bundle = Sign();
  for (size_t len : {size_t{0}, size_t{1}, bundle.size() / 2, bundle.size() - 3}) {
    ExpectRejected(bundle.substr(0, len), {LabKey().public_key()}, "bundle", "not valid JSON");
  }
  ExpectRejected(EditBundle(bundle, [](nlohmann::json& b) { b.erase("dsseEnvelope"); }),
                 {LabKey().public_key()}, "bundle", "dsseEnvelope: missing");
  ExpectRejected(EditBundle(bundle, [](nlohmann::json& b) { b["mediaType"] = "x"; }),
                 {LabKey().public_key()}, "bundle", "unsupported 'x'");
  ExpectRejected(EditBundle(bundle,
                            [](nlohmann::json& b) {
                              b["verificationMaterial"]["x509CertificateChain"]["certificates"] =
                                  nlohmann::json::array();
                            }),
                 {LabKey().public_key()}, "bundle", "want exactly one of");
  ExpectRejected(EditBundle(bundle,
                            [](nlohmann::json& b) {
                              b["dsseEnvelope"]["signatures"] = nlohmann::json::array();
                            }),
                 {LabKey().public_key()}, "bundle", "signatures: empty");
  ExpectRejected(std::string(kMaxBundleBytes + 1, ' '), {LabKey().public_key()}, "bundle",
                 "larger than");
}

TEST_F(AttestationTest, KeyOfAnotherAlgorithmFailsTheSignature) {
  ExpectRejected(Sign(LabKey()), {AuditorKey().public_key()}, "signature");
}

TEST_F(AttestationTest, DuplicateSignaturesAreRejected) {
  const std::string bundle = EditBundle(Sign(), [](nlohmann::json& b) {
    b["dsseEnvelope"]["signatures"].push_back(b["dsseEnvelope"]["signatures"][0]);
  });
  ExpectRejected(bundle, {LabKey().public_key()}, "duplicate-signature",
                 LabKey().public_key().key_id());
  // Even with a threshold of 2 the same key cannot count twice.
  ExpectRejected(bundle, {LabKey().public_key()}, "duplicate-signature", "", 2);
}

TEST_F(AttestationTest, ThresholdCountsDistinctKeys) {
  const std::string one = Sign();
  ExpectRejected(one, {LabKey().public_key(), AuditorKey().public_key()}, "threshold",
                 "2 distinct keys must sign; 1 did", 2);
  auto two = AppendSignature(manifest_, one, AuditorKey());
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  VerificationReport report = Verify(*two, {LabKey().public_key(), AuditorKey().public_key()}, 2);
  EXPECT_TRUE(report.verified()) << report.status.ToString();
  EXPECT_EQ(report.distinct_keys, 2u);
  ASSERT_EQ(report.signers.size(), 2u);
  EXPECT_EQ(report.signers[1].key_id, AuditorKey().public_key().key_id());
  // One of the two keys suffices for a threshold of 1; the other signature is reported.
  report = Verify(*two, {AuditorKey().public_key()});
  EXPECT_TRUE(report.verified()) << report.status.ToString();
  EXPECT_FALSE(report.signers[0].verified);
  EXPECT_TRUE(report.signers[1].verified);
  ExpectRejected(*two, {AuditorKey().public_key()}, "threshold", "", 2);
  // The statement was not touched by the co-signature.
  EXPECT_EQ(nlohmann::json::parse(*two)["dsseEnvelope"]["payload"],
            nlohmann::json::parse(one)["dsseEnvelope"]["payload"]);
}

TEST_F(AttestationTest, AppendRefusesTheSameKeyAndAnotherManifest) {
  const std::string bundle = Sign();
  auto again = AppendSignature(manifest_, bundle, LabKey());
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(again.status().message().find("already signed"), std::string::npos);
  const std::string other = dir_ / "other.dtm";
  WriteTestManifest(other, "2026.02");
  auto moved = AppendSignature(other, bundle, AuditorKey());
  EXPECT_EQ(moved.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(moved.status().message().find("does not describe"), std::string::npos)
      << moved.status().message();
  EXPECT_EQ(AppendSignature(manifest_, "{", AuditorKey()).status().code(), StatusCode::kCorruption);
}

// Validly signed statements that are wrong: made with the library's internals.
class AttestationStatementTest : public AttestationTest {
 protected:
  std::string SignPayload(const std::string& payload) {
    internal::Bundle bundle;
    bundle.media_type = kBundleMediaType;
    bundle.public_key_hint = LabKey().public_key().key_id();
    bundle.envelope.payload = payload;
    bundle.envelope.payload_type = kInTotoPayloadType;
    bundle.envelope.signatures.push_back(
        {LabKey().Sign(DssePae(kInTotoPayloadType, payload)).value(), ""});
    return internal::SerializeBundle(bundle);
  }
  ManifestIntegrity Integrity() { return CheckManifest(manifest_).value(); }
};

TEST_F(AttestationStatementTest, MalformedStatementFailsTheStatementCheck) {
  ExpectRejected(SignPayload("not json"), {LabKey().public_key()}, "statement", "not valid JSON");
  std::string payload = internal::MakeStatement(Integrity(), kSignedAt).value();
  nlohmann::json s = nlohmann::json::parse(payload);
  s["predicateType"] = "https://slsa.dev/provenance/v1";
  ExpectRejected(SignPayload(s.dump()), {LabKey().public_key()}, "statement", "predicateType");
  s = nlohmann::json::parse(payload);
  s["predicate"]["signedAt"] = "2026-02-30T00:00:00Z";
  ExpectRejected(SignPayload(s.dump()), {LabKey().public_key()}, "statement", "no such date");
  s = nlohmann::json::parse(payload);
  s["subject"].erase(1);
  ExpectRejected(SignPayload(s.dump()), {LabKey().public_key()}, "statement", "2 subjects");
}

TEST_F(AttestationStatementTest, PredicateMustEqualTheHeader) {
  ManifestIntegrity changed = Integrity();
  changed.header.mutable_totals()->set_tokens(12345);
  changed.header.mutable_publisher()->set_url("https://elsewhere.example");
  ExpectRejected(SignPayload(internal::MakeStatement(changed, kSignedAt).value()),
                 {LabKey().public_key()}, "predicate", "in: publisher, totals");
  EXPECT_TRUE(Verify(SignPayload(internal::MakeStatement(Integrity(), kSignedAt).value()),
                     {LabKey().public_key()})
                  .verified());
}

TEST_F(AttestationStatementTest, FileSubjectMustBeTheManifestFile) {
  ManifestIntegrity changed = Integrity();
  changed.file_sha256[0] ^= 1;
  ExpectRejected(SignPayload(internal::MakeStatement(changed, kSignedAt).value()),
                 {LabKey().public_key()}, "manifest-digest");
}

TEST(AttestationTimeTest, Rfc3339UtcBothWays) {
  EXPECT_EQ(internal::FormatUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(internal::FormatUtc(kSignedAt), "2026-01-02T00:00:00Z");
  EXPECT_EQ(*internal::ParseUtc("2026-01-02T00:00:00Z"), kSignedAt);
  // Years below 1000 have four digits both ways.
  auto early = internal::ParseUtc("0999-03-04T05:06:07Z");
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(internal::FormatUtc(*early), "0999-03-04T05:06:07Z");
  EXPECT_EQ(internal::FormatUtc(*internal::ParseUtc("0001-01-01T00:00:00Z")),
            "0001-01-01T00:00:00Z");
  for (const char* bad : {"2026-01-02T00:00:00", "2026-01-02 00:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-01-02T24:00:00Z", "2026-01-02T00:00:00+01:00",
                          "0000-01-01T00:00:00Z", "2026-1-02T00:00:00Z"}) {
    EXPECT_FALSE(internal::ParseUtc(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace dtm
