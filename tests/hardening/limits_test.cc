// The limits of spec/limits.md that no other test covers: each is refused with
// its documented error, before the input is read or a structure is built.
// (Container limits: container/container_test and container_vectors_test; SPDX
// expressions: spdx_test; listing lines: listing_test; record rules:
// records_test; the envelope's JSON nesting: attestation/dsse_test.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "attestation/format.h"
#include "attestation/signing_test_util.h"
#include "base/strict_json.h"
#include "dtm/attestation.h"
#include "dtm/file_io.h"
#include "dtm/keys.h"
#include "files/path_glob.h"
#include "files/walker.h"
#include "testing/temp_dir.h"
#include "yaml/yaml_to_proto.h"

namespace dtm {

using internal::GlobPattern;
using internal::kMaxJsonDepth;
using internal::kMaxJsonValues;
using internal::kMaxYamlBytes;
using internal::kMaxYamlDepth;
using internal::kMaxYamlNodes;
using internal::ParseStrictJson;
using internal::ParseYamlDocument;
using internal::ReadYamlFile;
using internal::WalkEntry;
using internal::WalkTree;
namespace {

using signing_test::Quote;
using signing_test::RunCommand;

void ExpectError(const Status& status, StatusCode code, const std::string& fragment) {
  EXPECT_EQ(status.code(), code) << status.ToString();
  EXPECT_NE(status.message().find(fragment), std::string::npos)
      << status.message() << "\nwant: " << fragment;
}

// A file of `size` bytes that takes no disk space (a hole).
std::string SparseFile(const testing::TempDir& dir, const std::string& name, uint64_t size) {
  const std::string path = dir.Write(name, "");
  std::filesystem::resize_file(path, size);
  return path;
}

// ---- JSON (bundle, envelope, statement, proof files)

std::string Nested(int levels) { return std::string(levels, '[') + std::string(levels, ']'); }

TEST(LimitsJsonTest, NestingAndValuesAreCheckedBeforeBuilding) {
  EXPECT_TRUE(ParseStrictJson(Nested(kMaxJsonDepth), "x").ok());
  ExpectError(ParseStrictJson(Nested(kMaxJsonDepth + 1), "x").status(), StatusCode::kCorruption,
              "x: nested deeper than 32 levels");
  // 8 MiB of '[' is refused at the 33rd, without building 8 million arrays.
  ExpectError(ParseStrictJson(Nested(8 << 20), "bundle").status(), StatusCode::kCorruption,
              "bundle: nested deeper than 32 levels");

  std::string values = "[0";
  for (size_t i = 1; i < kMaxJsonValues - 1; ++i) values += ",0";
  EXPECT_TRUE(ParseStrictJson(values + "]", "x").ok());  // the array and its elements
  ExpectError(ParseStrictJson(values + ",0]", "x").status(), StatusCode::kCorruption,
              "x: more than 1000000 values");
}

// A NUL ends the text for the parser, so garbage after it would pass; and an
// error quoting a megabyte of digits would be a megabyte long.
TEST(LimitsJsonTest, NulBytesAndHugeTokensAreRefusedBriefly) {
  ExpectError(ParseStrictJson(std::string("{\"a\": 1}\0garbage", 17), "x").status(),
              StatusCode::kCorruption, "x: not valid JSON: a NUL byte at offset 8");
  const Status huge = ParseStrictJson("{\"a\": " + std::string(1000000, '1') + "}", "x").status();
  EXPECT_EQ(huge.code(), StatusCode::kCorruption);
  EXPECT_LT(huge.message().size(), 300u) << huge.message().size();
  EXPECT_TRUE(huge.message().ends_with("...")) << huge.message();
}

// nlohmann's callback parser takes quadratic time for the objects of an array;
// ParseStrictJson must not (this took minutes with it, milliseconds without).
TEST(LimitsJsonTest, ManyObjectsInAnArrayParseInLinearTime) {
  std::string text = "[{}";
  for (int i = 1; i < 300000; ++i) text += ",{}";
  auto parsed = ParseStrictJson(text + "]", "x");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->size(), 300000u);
  ExpectError(ParseStrictJson(R"({"a": 1, "b": {"c": 2, "c": 3}})", "x").status(),
              StatusCode::kCorruption, "x: duplicate member \"c\"");
}

// ---- Bundles

nlohmann::json MinimalBundle() {
  return nlohmann::json::parse(R"({
    "mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "verificationMaterial": {"publicKey": {"hint": ""}},
    "dsseEnvelope": {"payload": "", "payloadType": "application/vnd.in-toto+json",
                     "signatures": [{"sig": "AA==", "keyid": ""}]}})");
}

TEST(LimitsBundleTest, SignaturesAndCertificatesAreCounted) {
  nlohmann::json bundle = MinimalBundle();
  ASSERT_TRUE(internal::ParseBundle(bundle.dump()).ok());
  auto& sigs = bundle["dsseEnvelope"]["signatures"];
  while (sigs.size() < kMaxSignatures) sigs.push_back(sigs[0]);
  EXPECT_TRUE(internal::ParseBundle(bundle.dump()).ok());
  sigs.push_back(sigs[0]);
  ExpectError(internal::ParseBundle(bundle.dump()).status(), StatusCode::kCorruption,
              "bundle: dsseEnvelope.signatures: 65 signatures, more than 64");

  bundle = MinimalBundle();
  auto& material = bundle["verificationMaterial"];
  material.erase("publicKey");
  nlohmann::json certs = nlohmann::json::array();
  // Counted before any certificate is decoded or parsed.
  for (size_t i = 0; i <= kMaxCertificates; ++i) certs.push_back({{"rawBytes", "AA=="}});
  material["x509CertificateChain"]["certificates"] = certs;
  ExpectError(internal::ParseBundle(bundle.dump()).status(), StatusCode::kCorruption,
              "bundle: verificationMaterial.x509CertificateChain.certificates: more than 10 "
              "certificates");
}

TEST(LimitsBundleTest, SizeIsCheckedBeforeReading) {
  testing::TempDir dir;
  const std::string path = SparseFile(dir, "big.sigstore.json", kMaxBundleBytes + 1);
  ExpectError(ReadSmallFile(path, kMaxBundleBytes).status(), StatusCode::kLimitExceeded,
              path + ": 16777217 bytes; the limit is 16777216");
  ExpectError(internal::ParseBundle(std::string(kMaxBundleBytes + 1, ' ')).status(),
              StatusCode::kLimitExceeded, "bundle: larger than 16777216 bytes");
  // The same through dtm verify: exit 2, one line naming the file and the limit.
  const std::string manifest = dir.Write("data.dtm", "");
  const std::string key =
      dir.Write("k.pub", PrivateKey::Generate(SignatureAlgorithm::kEd25519)->public_key().ToPem());
  std::string out;
  const int rc = RunCommand(std::string(DTM_BINARY) + " verify " + Quote(manifest) + " --bundle " +
                                Quote(path) + " --key " + Quote(key),
                            &out);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("dtm verify: " + path + ": 16777217 bytes; the limit is 16777216"),
            std::string::npos)
      << out;
}

// ---- Key, certificate and passphrase files (dtm keygen, sign, verify)

TEST(LimitsCliFilesTest, KeyAndPassphraseFilesAreCheckedBeforeReading) {
  testing::TempDir dir;
  const std::string key = SparseFile(dir, "big.pub", (1u << 20) + 1);
  std::string out;
  EXPECT_EQ(RunCommand(std::string(DTM_BINARY) + " verify " + Quote(dir.Path("data.dtm")) +
                           " --key " + Quote(key),
                       &out),
            2);
  EXPECT_NE(out.find(key + ": 1048577 bytes; the limit is 1048576"), std::string::npos) << out;

  const std::string passphrase = SparseFile(dir, "pass.txt", (64u << 10) + 1);
  out.clear();
  EXPECT_EQ(RunCommand(std::string(DTM_BINARY) + " keygen -o " + Quote(dir.Path("k")) +
                           " --passphrase-file " + Quote(passphrase),
                       &out),
            2);
  EXPECT_NE(out.find(": 65537 bytes; the limit is 65536"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.Path("k.key")));
}

// ---- YAML (dtm.yaml, policy files, model files)

TEST(LimitsYamlTest, NodesAndNestingAreCountedBeforeLoading) {
  std::string deep = std::string(kMaxYamlDepth, '[') + std::string(kMaxYamlDepth, ']');
  EXPECT_TRUE(ParseYamlDocument(deep, "x.yaml").ok());
  deep = std::string(100000, '[') + std::string(100000, ']');
  ExpectError(ParseYamlDocument(deep, "x.yaml").status(), StatusCode::kLimitExceeded,
              "x.yaml:1:65: nested deeper than 64 levels");

  // The sequence and its 1,000,000 items: refused at the last item, before a
  // tree of them is built (loading them would take about 130 MB).
  std::string many;
  for (uint64_t i = 0; i < kMaxYamlNodes; ++i) many += "- a\n";
  ExpectError(ParseYamlDocument(many, "x.yaml").status(), StatusCode::kLimitExceeded,
              "x.yaml:1000000:3: more than 1000000 YAML nodes");
}

TEST(LimitsYamlTest, SizeIsCheckedBeforeReading) {
  testing::TempDir dir;
  const std::string path = SparseFile(dir, "dtm.yaml", kMaxYamlBytes + 1);
  ExpectError(ReadYamlFile(path).status(), StatusCode::kLimitExceeded,
              path + ": 67108865 bytes; the limit is 67108864");
}

// ---- Build specs

TEST(LimitsGlobTest, AtMostEightDoubleStars) {
  std::string pattern = "a";
  for (int i = 0; i < 8; ++i) pattern += "/**";
  EXPECT_TRUE(GlobPattern::Parse(pattern + "/*.txt").ok());
  ExpectError(GlobPattern::Parse(pattern + "/**/*.txt").status(), StatusCode::kInvalidArgument,
              "more than 8 '**' segments");
}

// ---- Data roots

TEST(LimitsWalkTest, FoldersNestedTooDeeplyAreRefused) {
  testing::TempDir dir;
  std::string rel = "d";
  for (int i = 0; i < 257; ++i) rel += "/d";
  std::filesystem::create_directories(dir.Path(rel));
  Status s = WalkTree(
      dir.path(), {}, [](std::string_view) { return true; },
      [](const WalkEntry&) { return Status::Ok(); });
  ExpectError(s, StatusCode::kLimitExceeded, "folders nested deeper than 256 levels");
}

}  // namespace
}  // namespace dtm
