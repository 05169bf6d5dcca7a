// RFC 3161 timestamps end to end, against a real time-stamping authority:
// OpenSSL's `ts -reply` behind tests/tsa/tsa_server.py on the loopback
// address, started by the suite and stopped after it. DTM_SKIP_TSA=1 skips
// these tests; otherwise a server that cannot start fails them.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "attestation/format.h"
#include "attestation/signing_test_certs.h"
#include "attestation/signing_test_manifest.h"
#include "attestation/signing_test_util.h"
#include "dtm/attestation.h"
#include "dtm/timestamp.h"

namespace dtm {
namespace {

using signing_test::CertSpec;
using signing_test::IssueCertificate;
using signing_test::Issued;
using signing_test::MakeCa;
using signing_test::Quote;
using signing_test::ReadFileOrDie;
using signing_test::RunCommand;
using signing_test::ScratchDir;
using signing_test::WriteFileOrDie;
using signing_test::WriteTestManifest;

constexpr int64_t kDay = 86400;

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// One [section] of the openssl ts configuration: a TSA with its own key.
std::string TsaSection(const std::string& name, const std::string& dir) {
  return "[ " + name + " ]\n" + "dir = " + dir + "\nserial = $dir/" + name +
         ".serial\ncrypto_device = builtin\nsigner_cert = $dir/" + name +
         ".crt\nsigner_key = $dir/" + name +
         ".key\nsigner_digest = sha256\ndefault_policy = 1.3.6.1.4.1.99999.1\n"
         "digests = sha256, sha384, sha512\naccuracy = secs:1\nordering = no\n"
         "tsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n\n";
}

class TimestampTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (signing_test::SkippedBy("DTM_SKIP_TSA")) return;
    pki_ = new ScratchDir;
    const std::string dir = pki_->path();
    const int64_t now = Now();
    root_ = new Issued(MakeCa("Test TSA Root", now - 30 * kDay, now + 365 * kDay));
    other_root_ = new Issued(MakeCa("Other TSA Root", now - 30 * kDay, now + 365 * kDay));
    // The TSAs: "tsa" is good, "other" chains to another root, "expired" had
    // a certificate that ended yesterday.
    std::string config;
    const struct {
      const char* name;
      const Issued* issuer;
      int64_t not_before, not_after;
    } tsas[] = {{"tsa", root_, now - kDay, now + 30 * kDay},
                {"other", other_root_, now - kDay, now + 30 * kDay},
                {"expired", root_, now - 3 * kDay, now - kDay}};
    for (const auto& t : tsas) {
      PrivateKey key = PrivateKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256).value();
      CertSpec spec{std::string("DTM Test TSA ") + t.name,
                    t.not_before,
                    t.not_after,
                    false,
                    "critical,digitalSignature",
                    "critical,timeStamping",
                    ""};
      Certificate cert = IssueCertificate(spec, key, t.issuer);
      WriteFileOrDie(dir + "/" + t.name + ".crt", cert.ToPem());
      WriteFileOrDie(dir + "/" + t.name + ".key", key.ToPem().value());
      WriteFileOrDie(dir + "/" + t.name + ".serial", "01\n");
      config += TsaSection(t.name, dir);
    }
    WriteFileOrDie(dir + "/root.pem", root_->cert.ToPem());
    WriteFileOrDie(dir + "/other-root.pem", other_root_->cert.ToPem());
    WriteFileOrDie(dir + "/ts.cnf", config);
    std::string out;
    const std::string port_file = dir + "/port";
    RunCommand("python3 " + Quote(std::string(DTM_SOURCE_DIR) + "/tests/tsa/tsa_server.py") + " " +
                   Quote(dir + "/ts.cnf") + " " + Quote(port_file) + " >" +
                   Quote(dir + "/server.log") + " 2>&1 & echo $!",
               &out);
    server_pid_ = std::atoi(out.c_str());
    for (int i = 0; i < 200 && ::access(port_file.c_str(), F_OK) != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (::access(port_file.c_str(), F_OK) == 0) {
      base_url_ = new std::string("http://127.0.0.1:" + ReadFileOrDie(port_file) + "/");
    }
  }

  static void TearDownTestSuite() {
    if (server_pid_ > 0) ::kill(server_pid_, SIGTERM);
    server_pid_ = 0;
    delete base_url_;
    delete root_;
    delete other_root_;
    delete pki_;
    base_url_ = nullptr;
  }

  void SetUp() override {
    if (signing_test::SkippedBy("DTM_SKIP_TSA")) GTEST_SKIP() << "DTM_SKIP_TSA=1";
    ASSERT_NE(base_url_, nullptr)
        << "the test TSA (python3 tests/tsa/tsa_server.py with openssl ts) did not start: "
        << ReadFileOrDie(pki_->path() + "/server.log") << "; set DTM_SKIP_TSA=1 to skip";
    manifest_ = dir_.Path("data.dtm");
    WriteTestManifest(manifest_);
    key_ = new PrivateKey(PrivateKey::Generate(SignatureAlgorithm::kEd25519).value());
  }
  void TearDown() override { delete key_; }

  static std::string Url(const std::string& path) { return *base_url_ + path; }

  std::string Sign(int64_t signed_at = 0, const PrivateKey* key = nullptr) {
    Signer signer{key != nullptr ? key : key_, {}};
    return SignManifest(manifest_, signer, signed_at != 0 ? signed_at : Now()).value();
  }

  StatusOr<std::string> Stamp(const std::string& bundle, const std::string& path = "tsa",
                              int timeout = 30) {
    TimestampOptions options;
    options.tsa_urls = {Url(path)};
    options.timeout_seconds = timeout;
    return AddTimestamps(bundle, options);
  }

  VerificationReport Verify(const std::string& bundle, const std::vector<Certificate>& tsa_roots,
                            const std::vector<Certificate>& trust_roots = {}) {
    VerifyOptions options;
    if (trust_roots.empty()) options.keys = {key_->public_key()};
    options.trust_roots = trust_roots;
    options.tsa_roots = tsa_roots;
    auto report = VerifyAttestation(manifest_, bundle, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerificationReport{};
  }

  void ExpectTimestampFailure(const std::string& bundle, const std::string& detail,
                              const std::vector<Certificate>& tsa_roots) {
    VerificationReport report = Verify(bundle, tsa_roots);
    EXPECT_FALSE(report.verified());
    EXPECT_EQ(report.failed_check, "timestamp") << report.status.message();
    EXPECT_NE(report.status.message().find(detail), std::string::npos) << report.status.message();
  }

  static ScratchDir* pki_;
  static Issued* root_;
  static Issued* other_root_;
  static std::string* base_url_;
  static pid_t server_pid_;
  ScratchDir dir_;
  std::string manifest_;
  PrivateKey* key_ = nullptr;
};

ScratchDir* TimestampTest::pki_ = nullptr;
Issued* TimestampTest::root_ = nullptr;
Issued* TimestampTest::other_root_ = nullptr;
std::string* TimestampTest::base_url_ = nullptr;
pid_t TimestampTest::server_pid_ = 0;

TEST_F(TimestampTest, ATimestampedBundleVerifiesWithTheTsaTime) {
  const int64_t before = Now();
  auto stamped = Stamp(Sign());
  ASSERT_TRUE(stamped.ok()) << stamped.status().ToString();
  VerificationReport report = Verify(*stamped, {root_->cert});
  ASSERT_TRUE(report.verified()) << report.status.ToString();
  ASSERT_EQ(report.timestamps.size(), 1u);
  const TimestampReport& t = report.timestamps[0];
  EXPECT_TRUE(t.verified);
  EXPECT_EQ(t.signatures, std::vector<size_t>{0});
  EXPECT_GE(t.gen_time, before - 2);
  EXPECT_LE(t.gen_time, Now() + 2);
  EXPECT_NE(t.tsa_subject.find("CN=DTM Test TSA tsa"), std::string::npos) << t.tsa_subject;
  EXPECT_EQ(report.signers[0].trusted_time, t.gen_time);
}

TEST_F(TimestampTest, WithoutTsaCertificatesTimestampsAreReportedButNotTrusted) {
  auto stamped = Stamp(Sign());
  ASSERT_TRUE(stamped.ok()) << stamped.status().ToString();
  VerificationReport report = Verify(*stamped, {});
  ASSERT_TRUE(report.verified()) << report.status.ToString();
  ASSERT_EQ(report.timestamps.size(), 1u);
  EXPECT_FALSE(report.timestamps[0].verified);
  EXPECT_EQ(report.signers[0].trusted_time, 0);
}

TEST_F(TimestampTest, TsaCertificatesRequireATimestamp) {
  ExpectTimestampFailure(Sign(), "no timestamp", {root_->cert});
}

TEST_F(TimestampTest, AnUntrustedTsaIsRejected) {
  auto stamped = Stamp(Sign());
  ASSERT_TRUE(stamped.ok());
  ExpectTimestampFailure(*stamped, "does not verify under the TSA certificates",
                         {other_root_->cert});
  auto by_other = Stamp(Sign(), "other");
  ASSERT_TRUE(by_other.ok()) << by_other.status().ToString();
  ExpectTimestampFailure(*by_other, "timestamp 1", {root_->cert});
}

TEST_F(TimestampTest, ATsaCertificateIsJudgedWhenItStamped) {
  auto stamped = Stamp(Sign(), "expired");
  ASSERT_TRUE(stamped.ok()) << stamped.status().ToString();
  ExpectTimestampFailure(*stamped, "expired", {root_->cert});
}

TEST_F(TimestampTest, ATokenOverAnotherSignatureIsRejected) {
  auto a = Stamp(Sign());
  ASSERT_TRUE(a.ok());
  // The same manifest signed again, later: another signature.
  const std::string b = Sign(Now() - 10);
  nlohmann::json moved = nlohmann::json::parse(b);
  moved["verificationMaterial"]["timestampVerificationData"] =
      nlohmann::json::parse(*a)["verificationMaterial"]["timestampVerificationData"];
  ExpectTimestampFailure(moved.dump(), "covers none of the bundle's signatures", {root_->cert});
}

TEST_F(TimestampTest, TamperedTokensAreRejected) {
  auto stamped = Stamp(Sign());
  ASSERT_TRUE(stamped.ok());
  nlohmann::json bundle = nlohmann::json::parse(*stamped);
  auto& slot = bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]
                     ["signedTimestamp"];
  const std::string token = internal::Base64Decode(slot.get<std::string>()).value();
  size_t rejected = 0, positions = 0;
  for (size_t at = 0; at < token.size(); at += 1) {
    std::string bad = token;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    slot = internal::Base64Encode(bad);
    VerificationReport report = Verify(bundle.dump(), {root_->cert});
    ++positions;
    if (!report.verified()) {
      ++rejected;
      EXPECT_TRUE(report.failed_check == "bundle" || report.failed_check == "timestamp")
          << at << ": " << report.status.message();
    } else {
      ADD_FAILURE() << "a token changed at byte " << at << " still verifies";
    }
  }
  EXPECT_EQ(rejected, positions);
  // Cut short, or with bytes after it: the bundle check.
  for (const std::string& bad : {token.substr(0, token.size() - 1), token + std::string("\0", 1)}) {
    slot = internal::Base64Encode(bad);
    VerificationReport report = Verify(bundle.dump(), {});
    EXPECT_EQ(report.failed_check, "bundle") << report.status.message();
  }
}

TEST_F(TimestampTest, ASigningTimeAfterTheTimestampIsRejected) {
  auto stamped = Stamp(Sign(Now() + 3600));
  ASSERT_TRUE(stamped.ok());
  ExpectTimestampFailure(*stamped, "after the TSA saw the signature", {root_->cert});
  // Within the stated tolerance of clocks, it verifies.
  auto close = Stamp(Sign(Now() + 60));
  ASSERT_TRUE(close.ok());
  EXPECT_TRUE(Verify(*close, {root_->cert}).verified());
}

// The point of a trusted time: a back-dated signature by a certificate that
// had expired when it was really made.
TEST_F(TimestampTest, AnExpiredSignerCertificateIsJudgedAtTheTsaTime) {
  const int64_t now = Now();
  Issued ca = MakeCa("Signer CA", now - 30 * kDay, now + 30 * kDay);
  PrivateKey signer_key = PrivateKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256).value();
  CertSpec spec{"Lab Signer",
                now - 10 * kDay,
                now - 5 * kDay,
                false,
                "critical,digitalSignature",
                "codeSigning",
                ""};
  Signer signer{&signer_key, {IssueCertificate(spec, signer_key, &ca)}};
  auto bundle = SignManifest(manifest_, signer, now - 7 * kDay);  // claimed: inside the validity
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  auto stamped = Stamp(*bundle);
  ASSERT_TRUE(stamped.ok());
  EXPECT_TRUE(Verify(*stamped, {}, {ca.cert}).verified()) << "the stated time passes";
  VerificationReport report = Verify(*stamped, {root_->cert}, {ca.cert});
  EXPECT_EQ(report.failed_check, "certificate-validity") << report.status.message();
  EXPECT_NE(report.status.message().find("at the timestamp's time"), std::string::npos)
      << report.status.message();
}

TEST_F(TimestampTest, EverySignatureOfACoSignedBundleGetsATimestamp) {
  PrivateKey second = PrivateKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256).value();
  auto cosigned = AppendSignature(manifest_, Sign(), second);
  ASSERT_TRUE(cosigned.ok());
  TimestampOptions options;
  options.tsa_urls = {Url("tsa"), Url("tsa")};
  auto stamped = AddTimestamps(*cosigned, options);
  ASSERT_TRUE(stamped.ok()) << stamped.status().ToString();
  VerifyOptions verify;
  verify.keys = {key_->public_key(), second.public_key()};
  verify.tsa_roots = {root_->cert};
  verify.threshold = 2;
  auto report = VerifyAttestation(manifest_, *stamped, verify);
  ASSERT_TRUE(report.ok() && report->verified()) << report->status.ToString();
  ASSERT_EQ(report->timestamps.size(), 4u);
  EXPECT_EQ(report->timestamps[1].signatures, std::vector<size_t>{1});
  EXPECT_NE(report->signers[1].trusted_time, 0);
}

TEST_F(TimestampTest, BrokenTsasGiveClearErrors) {
  const std::string bundle = Sign();
  const struct {
    const char* path;
    StatusCode code;
    const char* detail;
  } cases[] = {
      {"refuse", StatusCode::kCorruption, "the TSA refused (status 2): policy not accepted"},
      {"stale", StatusCode::kVerificationFailed, "not the request's"},
      {"wrong-type", StatusCode::kCorruption, "content type 'text/html'"},
      {"huge", StatusCode::kLimitExceeded, "larger than"},
      {"http500", StatusCode::kIOError, "HTTP 500"},
      {"slow", StatusCode::kIOError, "imed out"},
  };
  ASSERT_TRUE(Stamp(bundle, "stale").ok());  // the first answer, replayed below
  for (const auto& c : cases) {
    auto result = Stamp(bundle, c.path, 1);
    ASSERT_FALSE(result.ok()) << c.path;
    EXPECT_EQ(result.status().code(), c.code) << c.path << ": " << result.status().ToString();
    EXPECT_NE(result.status().message().find(c.detail), std::string::npos)
        << result.status().message();
    EXPECT_NE(result.status().message().find(Url(c.path)), std::string::npos)
        << "names the TSA: " << result.status().message();
  }
  TimestampOptions options;
  options.tsa_urls = {"ftp://127.0.0.1/tsa"};
  EXPECT_EQ(AddTimestamps(bundle, options).status().code(), StatusCode::kInvalidArgument);
  options.tsa_urls = {"http://127.0.0.1:1/tsa"};
  EXPECT_EQ(AddTimestamps(bundle, options).status().code(), StatusCode::kIOError);
}

TEST_F(TimestampTest, CliSignsTimestampsAndVerifies) {
  const std::string dtm = DTM_BINARY;
  const std::string key = dir_.Path("lab");
  std::string out;
  ASSERT_EQ(RunCommand(dtm + " keygen -o " + Quote(key), &out), 0) << out;
  ASSERT_EQ(RunCommand(dtm + " sign " + Quote(manifest_) + " --key " + Quote(key + ".key") +
                           " --tsa " + Quote(Url("tsa")),
                       &out),
            0)
      << out;
  EXPECT_NE(out.find("timestamped by " + Url("tsa")), std::string::npos) << out;
  const std::string root = pki_->path() + "/root.pem";
  out.clear();
  ASSERT_EQ(RunCommand(dtm + " verify " + Quote(manifest_) + " --key " + Quote(key + ".pub") +
                           " --tsa-cert " + Quote(root),
                       &out),
            0)
      << out;
  EXPECT_NE(out.find("timestamp 1  "), std::string::npos) << out;
  EXPECT_NE(out.find("verified with --tsa-cert: a trusted time"), std::string::npos) << out;
  EXPECT_NE(out.find("statement, timestamp, "), std::string::npos) << out;
  // dtm timestamp adds a second token from another TSA; an untrusted one fails.
  out.clear();
  ASSERT_EQ(RunCommand(dtm + " timestamp " + Quote(manifest_ + ".sigstore.json") + " --tsa " +
                           Quote(Url("other")),
                       &out),
            0)
      << out;
  out.clear();
  EXPECT_EQ(RunCommand(dtm + " verify " + Quote(manifest_) + " --key " + Quote(key + ".pub") +
                           " --tsa-cert " + Quote(root),
                       &out),
            1)
      << out;
  EXPECT_NE(out.find("verification failed: timestamp: timestamp 2: "), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(RunCommand(dtm + " verify " + Quote(manifest_) + " --key " + Quote(key + ".pub") +
                           " --tsa-cert " + Quote(root) + " --tsa-cert " +
                           Quote(pki_->path() + "/other-root.pem"),
                       &out),
            0)
      << out;
  out.clear();
  EXPECT_EQ(RunCommand(dtm + " timestamp " + Quote(dir_.Path("missing.json")) + " --tsa " +
                           Quote(Url("tsa")),
                       &out),
            2)
      << out;
}

// The bundle check reads timestampVerificationData strictly, without a TSA.
TEST(TimestampBundleTest, MalformedTimestampDataFailsTheBundleCheck) {
  ScratchDir dir;
  const std::string manifest = dir.Path("data.dtm");
  WriteTestManifest(manifest);
  PrivateKey key = PrivateKey::Generate(SignatureAlgorithm::kEd25519).value();
  Signer signer{&key, {}};
  const std::string bundle = SignManifest(manifest, signer, Now()).value();
  const struct {
    const char* data;
    const char* detail;
  } cases[] = {
      {R"([])", "timestampVerificationData: not a JSON object"},
      {R"({"rfc3161Timestamp": []})", "unknown member 'rfc3161Timestamp'"},
      {R"({"rfc3161Timestamps": {}})", "rfc3161Timestamps: not an array"},
      {R"({"rfc3161Timestamps": [{}]})", "no \"signedTimestamp\" string"},
      {R"({"rfc3161Timestamps": [{"signedTimestamp": "!!"}]})", "signedTimestamp"},
      {R"({"rfc3161Timestamps": [{"signedTimestamp": "MAA="}]})", "timestamp"},
      {R"({"rfc3161Timestamps": [{"signedTimestamp": "AAAA", "x": 1}]})", "unknown member 'x'"},
  };
  VerifyOptions options;
  options.keys = {key.public_key()};
  for (const auto& c : cases) {
    nlohmann::json b = nlohmann::json::parse(bundle);
    b["verificationMaterial"]["timestampVerificationData"] = nlohmann::json::parse(c.data);
    auto report = VerifyAttestation(manifest, b.dump(), options);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->failed_check, "bundle") << c.data;
    EXPECT_NE(report->status.message().find(c.detail), std::string::npos)
        << c.data << ": " << report->status.message();
  }
  nlohmann::json many = nlohmann::json::parse(bundle);
  auto& list = many["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"];
  for (size_t i = 0; i <= kMaxTimestamps; ++i) list.push_back({{"signedTimestamp", "AAAA"}});
  auto report = VerifyAttestation(manifest, many.dump(), options);
  ASSERT_TRUE(report.ok());
  EXPECT_NE(report->status.message().find("more than 32 timestamps"), std::string::npos)
      << report->status.message();
}

}  // namespace
}  // namespace dtm
