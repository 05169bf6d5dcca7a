// Helpers for the inclusion-proof tests: a small signed manifest where one
// digest occurs in two sources, and editing proof files as JSON.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attestation/signing_test_util.h"
#include "dtm/attestation.h"
#include "dtm/container.h"
#include "dtm/merkle.h"
#include "dtm/proof.h"
#include "merkle/reference.h"
#include "testing/test_records.h"

namespace dtm::proof_test {

constexpr int64_t kSignedAt = 1767312000;  // 2026-01-02T00:00:00Z

// The content digest that two files of different sources share.
inline Sha256Digest SharedDigest() { return Sha256Of("the same book in two sources"); }

// Writes a manifest: sources books (licensed, non-commercial), synth (generated
// by a model) and web; files books/a.txt and web/a.txt with SharedDigest(),
// and `extra_files` more files in web. Records: 3 sources, then the files.
inline void WriteProofManifest(const std::string& path, int extra_files = 3,
                               const std::string& version = "2026.02") {
  auto writer = ManifestWriter::Create(path);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)
                  ->Add(test::MakeSource("books", v1::USE_CLASS_NON_COMMERCIAL,
                                         v1::ACQUISITION_METHOD_LICENSED))
                  .ok());
  v1::Record synth = test::MakeSource("synth", v1::USE_CLASS_COMMERCIAL,
                                      v1::ACQUISITION_METHOD_GENERATED_BY_MODEL);
  synth.mutable_source()->mutable_generation()->set_model("gen-model");
  synth.mutable_source()->mutable_generation()->set_model_version("2");
  ASSERT_TRUE((*writer)->Add(synth).ok());
  ASSERT_TRUE((*writer)->Add(test::MakeSource("web")).ok());
  const std::string shared(AsBytes(SharedDigest()));
  v1::Record book = test::MakeFile("books", "a.txt", 100);
  book.mutable_file()->set_sha256(shared);
  ASSERT_TRUE((*writer)->Add(book).ok());
  ASSERT_TRUE((*writer)->Add(test::MakeFile("books", "b.txt", 200)).ok());
  ASSERT_TRUE((*writer)->Add(test::MakeFile("synth", "s/0.jsonl", 300)).ok());
  v1::Record copy = test::MakeFile("web", "a.txt", 100);
  copy.mutable_file()->set_sha256(shared);
  ASSERT_TRUE((*writer)->Add(copy).ok());
  for (int i = 0; i < extra_files; ++i) {
    ASSERT_TRUE((*writer)->Add(test::MakeFile("web", "z/" + std::to_string(i), 5)).ok());
  }
  v1::Header header;
  header.mutable_dataset()->set_name("acme-pretrain");
  header.mutable_dataset()->set_version(version);
  header.mutable_publisher()->set_name("Acme Labs");
  header.mutable_created()->set_seconds(1767225600);
  auto written = (*writer)->Finish(header);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
}

inline ProofQuery DigestQuery(const Sha256Digest& digest) {
  ProofQuery q;
  q.kind = ProofQuery::Kind::kDigest;
  q.digest = digest;
  return q;
}

inline ProofQuery TextQuery(ProofQuery::Kind kind, const std::string& value) {
  ProofQuery q;
  q.kind = kind;
  q.value = value;
  return q;
}

// Applies `edit` to the parsed proof and returns the new text.
template <typename Edit>
std::string EditProof(const std::string& proof_json, Edit edit) {
  nlohmann::ordered_json proof = nlohmann::ordered_json::parse(proof_json);
  edit(proof);
  return proof.dump(2) + "\n";
}

// Leaf `i` of the sorted key-tree leaves `leaves` as an absence proof's
// neighbour (spec/proof.md), with its audit path from the whole-tree reference.
inline nlohmann::ordered_json KeyNeighbourJson(const std::vector<Sha256Digest>& leaves,
                                               uint64_t i) {
  std::vector<Sha256Digest> hashes;
  for (const Sha256Digest& d : leaves) {
    hashes.push_back(
        MerkleLeafHash(std::string_view(reinterpret_cast<const char*>(d.data()), d.size())));
  }
  nlohmann::ordered_json n;
  n["leafIndex"] = std::to_string(i);
  n["keyDigest"] = ToHex(leaves[i]);
  n["auditPath"] = nlohmann::ordered_json::array();
  for (const Sha256Digest& node : internal::MerkleInclusionProof(hashes, i)) {
    n["auditPath"].push_back(ToHex(node));
  }
  return n;
}

// A key made once per test run.
inline const PrivateKey& LabKey() {
  static const auto* key =
      new PrivateKey(PrivateKey::Generate(SignatureAlgorithm::kEd25519).value());
  return *key;
}

// A signed manifest (WriteProofManifest) and helpers to prove and verify.
class ProofFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    manifest_ = dir_ / "data.dtm";
    WriteProofManifest(manifest_);
    ASSERT_FALSE(HasFatalFailure());
    bundle_ = Sign(manifest_);
  }

  static std::string Sign(const std::string& manifest, const PrivateKey& key = LabKey()) {
    auto bundle = SignManifest(manifest, Signer{&key, {}}, kSignedAt);
    EXPECT_TRUE(bundle.ok()) << bundle.status().ToString();
    return bundle.ok() ? *bundle : std::string();
  }

  Proof Prove(const ProofQuery& query) {
    auto proof = ProveInclusion(manifest_, bundle_, query);
    EXPECT_TRUE(proof.ok()) << proof.status().ToString();
    return proof.ok() ? *proof : Proof{};
  }

  std::string ProveText(const ProofQuery& query) {
    auto text = SerializeProof(Prove(query));
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    return text.ok() ? *text : std::string();
  }

  ProofVerification Verify(const std::string& text, const PublicKey& key) {
    VerifyOptions options;
    options.keys = {key};
    auto result = VerifyProof(text, options);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : ProofVerification{};
  }
  ProofVerification Verify(const std::string& text) { return Verify(text, LabKey().public_key()); }

  // Expects the proof to be rejected by `check` with a message containing `detail`.
  void ExpectFails(const std::string& text, const std::string& check, const std::string& detail) {
    ProofVerification result = Verify(text);
    EXPECT_FALSE(result.verified());
    EXPECT_EQ(result.failed_check, check) << result.status.ToString();
    EXPECT_EQ(result.status.code(), StatusCode::kVerificationFailed);
    EXPECT_NE(result.status.message().find(detail), std::string::npos) << result.status.message();
  }

  // Every leaf hash of the manifest, read directly.
  std::vector<Sha256Digest> LeafHashes() {
    auto reader = ManifestReader::Open(manifest_);
    EXPECT_TRUE(reader.ok());
    std::vector<Sha256Digest> leaves;
    std::string_view bytes;
    while ((*reader)->Next(&bytes).value()) leaves.push_back(MerkleLeafHash(bytes));
    return leaves;
  }

  signing_test::ScratchDir dir_;
  std::string manifest_;
  std::string bundle_;
};

}  // namespace dtm::proof_test
