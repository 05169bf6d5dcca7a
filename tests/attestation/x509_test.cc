// Signing with X.509 certificates: bundle layout (v0.3 single certificate, v0.2
// chain), verification through trust roots at the signing time, identities,
// and the certificate rows of the tamper matrix.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "attestation/format.h"
#include "attestation/signing_test_certs.h"
#include "attestation/signing_test_manifest.h"
#include "attestation/signing_test_util.h"
#include "dtm/attestation.h"
#include "dtm/x509.h"

namespace dtm {
namespace {

using signing_test::CertSpec;
using signing_test::IssueCertificate;
using signing_test::Issued;
using signing_test::MakeCa;
using signing_test::ScratchDir;
using signing_test::WriteTestManifest;

constexpr int64_t kJan2025 = 1735689600;
constexpr int64_t kJan2026 = 1767225600;
constexpr int64_t kFeb2026 = 1769904000;
constexpr int64_t kJan2030 = 1893456000;
constexpr int64_t kSignedAt = kJan2026 + 86400;  // 2026-01-02, inside the leaf's validity

constexpr const char* kSans = "email:lab@acme.example,URI:https://acme.example/signer";

CertSpec LeafSpec() {
  return CertSpec{"Acme Lab Signer",           kJan2026,      kFeb2026, false,
                  "critical,digitalSignature", "codeSigning", kSans};
}

class CertificateSigningTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new Issued(MakeCa("Test Root", kJan2025, kJan2030));
    intermediate_ = new Issued(MakeCa("Test Intermediate", kJan2025, kJan2030, root_));
    other_root_ = new Issued(MakeCa("Other Root", kJan2025, kJan2030));
  }

  void SetUp() override {
    manifest_ = dir_ / "data.dtm";
    WriteTestManifest(manifest_);
    ASSERT_FALSE(HasFatalFailure());
  }

  // A leaf for a fresh key, issued by `issuer` per `spec`.
  static Issued Leaf(const CertSpec& spec, const Issued* issuer,
                     SignatureAlgorithm algorithm = SignatureAlgorithm::kEcdsaP256Sha256) {
    PrivateKey key = PrivateKey::Generate(algorithm).value();
    Certificate cert = IssueCertificate(spec, key, issuer);
    return Issued{std::move(cert), std::move(key)};
  }

  // A bundle signed by `leaf` with any signing time, bypassing SignManifest's checks.
  std::string Forge(const Issued& leaf, int64_t signed_at) {
    const std::string payload =
        internal::MakeStatement(CheckManifest(manifest_).value(), signed_at).value();
    internal::Bundle bundle;
    bundle.media_type = kBundleMediaType;
    bundle.certificates = {leaf.cert.der()};
    bundle.envelope.payload = payload;
    bundle.envelope.payload_type = kInTotoPayloadType;
    bundle.envelope.signatures.push_back(
        {leaf.key.Sign(DssePae(kInTotoPayloadType, payload)).value(), ""});
    return internal::SerializeBundle(bundle);
  }

  VerificationReport Verify(const std::string& bundle, const Issued& root,
                            const std::string& identity = "") {
    VerifyOptions options;
    options.trust_roots = {root.cert};
    options.identity = identity;
    auto report = VerifyAttestation(manifest_, bundle, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerificationReport{};
  }

  void ExpectRejected(const std::string& bundle, const Issued& root, const std::string& check,
                      const std::string& detail, const std::string& identity = "") {
    VerificationReport report = Verify(bundle, root, identity);
    EXPECT_FALSE(report.verified());
    EXPECT_EQ(report.failed_check, check) << report.status.ToString();
    EXPECT_NE(report.status.message().find(detail), std::string::npos) << report.status.message();
  }

  static Issued* root_;
  static Issued* intermediate_;
  static Issued* other_root_;
  ScratchDir dir_;
  std::string manifest_;
};

Issued* CertificateSigningTest::root_ = nullptr;
Issued* CertificateSigningTest::intermediate_ = nullptr;
Issued* CertificateSigningTest::other_root_ = nullptr;

TEST_F(CertificateSigningTest, LeafFromRootIsAV03BundleWithOneCertificate) {
  for (SignatureAlgorithm algorithm :
       {SignatureAlgorithm::kEcdsaP256Sha256, SignatureAlgorithm::kEd25519}) {
    Issued leaf = Leaf(LeafSpec(), root_, algorithm);
    auto bundle = SignManifest(manifest_, Signer{&leaf.key, {leaf.cert}}, kSignedAt);
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    const nlohmann::json json = nlohmann::json::parse(*bundle);
    EXPECT_EQ(json["mediaType"], kBundleMediaType);
    EXPECT_TRUE(json["verificationMaterial"].contains("certificate"));
    EXPECT_FALSE(json["verificationMaterial"].contains("publicKey"));

    VerificationReport report = Verify(*bundle, *root_);
    ASSERT_TRUE(report.verified()) << report.status.ToString();
    ASSERT_EQ(report.signers.size(), 1u);
    const SignerReport& signer = report.signers[0];
    EXPECT_TRUE(signer.by_certificate);
    EXPECT_EQ(signer.subject, "CN=Acme Lab Signer,O=DTM Tests");
    EXPECT_EQ(signer.subject_alt_names,
              (std::vector<std::string>{"lab@acme.example", "https://acme.example/signer"}));
    EXPECT_EQ(signer.key_id, leaf.key.public_key().key_id());
    EXPECT_EQ(signer.algorithm, algorithm);
  }
}

TEST_F(CertificateSigningTest, IdentityMatchesSubjectOrSan) {
  Issued leaf = Leaf(LeafSpec(), root_);
  const std::string bundle =
      SignManifest(manifest_, Signer{&leaf.key, {leaf.cert}}, kSignedAt).value();
  for (const char* identity :
       {"CN=Acme Lab Signer,O=DTM Tests", "lab@acme.example", "https://acme.example/signer"}) {
    EXPECT_TRUE(Verify(bundle, *root_, identity).verified()) << identity;
  }
  ExpectRejected(bundle, *root_, "identity", "does not name \"mallory@acme.example\"",
                 "mallory@acme.example");
  ExpectRejected(bundle, *root_, "identity", "", "Acme Lab Signer");  // no partial match
}

TEST_F(CertificateSigningTest, ChainThroughAnIntermediate) {
  Issued leaf = Leaf(LeafSpec(), intermediate_);
  // With the intermediate in the bundle: v0.2, which carries a chain.
  auto chained =
      SignManifest(manifest_, Signer{&leaf.key, {leaf.cert, intermediate_->cert}}, kSignedAt);
  ASSERT_TRUE(chained.ok()) << chained.status().ToString();
  const nlohmann::json json = nlohmann::json::parse(*chained);
  EXPECT_EQ(json["mediaType"], kBundleMediaTypeV02);
  EXPECT_EQ(json["verificationMaterial"]["x509CertificateChain"]["certificates"].size(), 2u);
  EXPECT_TRUE(Verify(*chained, *root_).verified());
  ExpectRejected(*chained, *other_root_, "certificate-chain", "unable to get");

  // Leaf only (v0.3): the verifier supplies the intermediate.
  const std::string leaf_only =
      SignManifest(manifest_, Signer{&leaf.key, {leaf.cert}}, kSignedAt).value();
  ExpectRejected(leaf_only, *root_, "certificate-chain", "unable to get local issuer");
  VerifyOptions options;
  options.trust_roots = {root_->cert};
  options.intermediates = {intermediate_->cert};
  auto report = VerifyAttestation(manifest_, leaf_only, options);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->verified()) << report->status.ToString();
  // A v0.3 bundle may not carry a chain (Sigstore rule).
  const std::string v03_chain = signing_test::EditBundle(*chained, [](nlohmann::json& b) {
    b["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.3+json";
  });
  ExpectRejected(v03_chain, *root_, "bundle", "not allowed in a v0.3 bundle");
}

TEST_F(CertificateSigningTest, UntrustedRootIsRejected) {
  Issued leaf = Leaf(LeafSpec(), root_);
  const std::string bundle =
      SignManifest(manifest_, Signer{&leaf.key, {leaf.cert}}, kSignedAt).value();
  ExpectRejected(bundle, *other_root_, "certificate-chain", "\"CN=Acme Lab Signer,O=DTM Tests\"");
  // A self-signed leaf given as its own "chain" is not trusted either.
  CertSpec self = LeafSpec();
  Issued self_signed = Leaf(self, nullptr);
  ExpectRejected(Forge(self_signed, kSignedAt), *root_, "certificate-chain", "");
}

TEST_F(CertificateSigningTest, CertificateMustBeValidAtTheSigningTime) {
  Issued leaf = Leaf(LeafSpec(), root_);
  ExpectRejected(Forge(leaf, kFeb2026 + 1), *root_, "certificate-validity",
                 "certificate has expired");
  ExpectRejected(Forge(leaf, kJan2026 - 1), *root_, "certificate-validity",
                 "certificate is not yet valid");
  // Valid from notBefore up to, not including, notAfter (OpenSSL's comparison).
  EXPECT_TRUE(Verify(Forge(leaf, kJan2026), *root_).verified());
  EXPECT_TRUE(Verify(Forge(leaf, kFeb2026 - 1), *root_).verified());
  ExpectRejected(Forge(leaf, kFeb2026), *root_, "certificate-validity", "expired");
  // SignManifest refuses to make such bundles.
  auto late = SignManifest(manifest_, Signer{&leaf.key, {leaf.cert}}, kFeb2026 + 1);
  EXPECT_EQ(late.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(late.status().message().find("not valid at the signing time 2026-02-01T00:00:01Z"),
            std::string::npos)
      << late.status().message();
}

TEST_F(CertificateSigningTest, CertificateMustAllowSigning) {
  struct Case {
    const char* key_usage;
    const char* extended_key_usage;
    const char* detail;
  };
  const Case cases[] = {
      {"critical,keyEncipherment", "codeSigning", "does not include digitalSignature"},
      {"", "codeSigning", "does not include digitalSignature"},
      {"critical,digitalSignature", "serverAuth", "does not include codeSigning"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.detail);
    CertSpec spec = LeafSpec();
    spec.key_usage = c.key_usage;
    spec.extended_key_usage = c.extended_key_usage;
    Issued leaf = Leaf(spec, root_);
    ExpectRejected(Forge(leaf, kSignedAt), *root_, "certificate-key-usage", c.detail);
    auto refused = SignManifest(manifest_, Signer{&leaf.key, {leaf.cert}}, kSignedAt);
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  }
  // Without an extended key usage, digitalSignature alone suffices.
  CertSpec plain = LeafSpec();
  plain.extended_key_usage = "";
  EXPECT_TRUE(Verify(Forge(Leaf(plain, root_), kSignedAt), *root_).verified());
}

TEST_F(CertificateSigningTest, CertificateMustBeForTheSigningKey) {
  Issued leaf = Leaf(LeafSpec(), root_);
  PrivateKey other = PrivateKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256).value();
  auto bundle = SignManifest(manifest_, Signer{&other, {leaf.cert}}, kSignedAt);
  EXPECT_EQ(bundle.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bundle.status().message().find("is not for the signing key"), std::string::npos);
}

TEST_F(CertificateSigningTest, WithoutTrustRootTheCertificateIsNotUsed) {
  Issued leaf = Leaf(LeafSpec(), root_);
  const std::string bundle =
      SignManifest(manifest_, Signer{&leaf.key, {leaf.cert}}, kSignedAt).value();
  VerifyOptions options;
  options.keys = {leaf.key.public_key()};
  auto report = VerifyAttestation(manifest_, bundle, options);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->verified());
  EXPECT_FALSE(report->signers[0].by_certificate);
  options.keys = {PrivateKey::Generate(SignatureAlgorithm::kEd25519).value().public_key()};
  report = VerifyAttestation(manifest_, bundle, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->failed_check, "signature");
}

TEST(CertificateTest, ParsesPemChainsAndRejectsOtherBlocks) {
  Issued root = MakeCa("R", kJan2025, kJan2030);
  Issued mid = MakeCa("M", kJan2025, kJan2030, &root);
  auto both = Certificate::ParsePem(mid.cert.ToPem() + root.cert.ToPem());
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0].subject(), "CN=M,O=DTM Tests");
  EXPECT_EQ((*both)[1].subject(), "CN=R,O=DTM Tests");
  EXPECT_EQ((*both)[0].not_before(), kJan2025);
  EXPECT_EQ((*both)[0].not_after(), kJan2030);
  EXPECT_FALSE(Certificate::ParsePem("").ok());
  EXPECT_FALSE(Certificate::ParsePem(root.key.public_key().ToPem()).ok());
  EXPECT_FALSE(Certificate::ParsePem(root.cert.ToPem() + root.key.public_key().ToPem()).ok());
  EXPECT_FALSE(Certificate::FromDer(root.cert.der() + "x").ok());
  EXPECT_FALSE(Certificate::FromDer(root.cert.der().substr(0, 50)).ok());
  Status no_roots = VerifyCertificateChain(mid.cert, {}, {}, std::nullopt, nullptr);
  EXPECT_EQ(no_roots.code(), StatusCode::kInvalidArgument);
}

// Certificates OpenSSL parses but RFC 5280 does not allow are refused when
// read (spec/attestation.md, "Certificates"): two verifiers must not disagree.
TEST(CertificateFormTest, MalformedTimesAndStringsAreRefused) {
  const PrivateKey key = PrivateKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256).value();
  const Certificate good = IssueCertificate(LeafSpec(), key, nullptr);
  auto edit = [&](const std::function<void(X509*)>& change) {
    const auto* p = reinterpret_cast<const unsigned char*>(good.der().data());
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(good.der().size()));
    change(cert);
    auto evp = signing_test::internal::ToEvp(key);
    X509_sign(cert, evp.get(), EVP_sha256());
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert, &der);
    std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    X509_free(cert);
    return Certificate::FromDer(bytes);
  };
  EXPECT_TRUE(edit([](X509*) {}).ok());
  auto no_seconds = edit([](X509* c) {
    ASN1_TIME_set_string(X509_getm_notBefore(c), "2601010000Z");  // UTCTime without seconds
  });
  ASSERT_FALSE(no_seconds.ok());
  EXPECT_NE(no_seconds.status().message().find("RFC 5280"), std::string::npos)
      << no_seconds.status().message();
  auto offset =
      edit([](X509* c) { ASN1_TIME_set_string(X509_getm_notAfter(c), "260201000000+0100"); });
  EXPECT_FALSE(offset.ok());
  // OpenSSL cannot make such a name; the bytes are changed in place (the
  // subject, second of the two names of this self-signed certificate).
  std::string bad_name = good.der();
  const size_t at = bad_name.rfind("Acme Lab Signer");
  ASSERT_NE(at, std::string::npos);
  bad_name[at + 14] = '\xff';
  auto bad_utf8 = Certificate::FromDer(bad_name);
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.status().code(), StatusCode::kInvalidArgument) << bad_utf8.status().message();
}

}  // namespace
}  // namespace dtm
