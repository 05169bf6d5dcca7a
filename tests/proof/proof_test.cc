// Inclusion proofs: what ProveInclusion finds, that its paths are RFC 6962's,
// and the tamper matrix: each damaged proof is rejected by the check
// spec/proof.md names.
#include "dtm/proof.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attestation/format.h"
#include "base/base64.h"
#include "dtm/merkle.h"
#include "merkle/reference.h"
#include "proof/proof_test_util.h"

namespace dtm {

using internal::MerkleInclusionProof;
using internal::MerkleRootOf;

using internal::Base64Decode;
using internal::Base64Encode;
namespace {

using proof_test::DigestQuery;
using proof_test::EditProof;
using proof_test::kSignedAt;
using proof_test::LabKey;
using proof_test::SharedDigest;
using proof_test::TextQuery;
using proof_test::WriteProofManifest;
using Json = nlohmann::ordered_json;

class ProofTest : public proof_test::ProofFixture {};

std::vector<uint64_t> Indexes(const Proof& proof) {
  std::vector<uint64_t> out;
  for (const ProofEntry& e : proof.entries) out.push_back(e.leaf_index);
  return out;
}

TEST_F(ProofTest, DigestInTwoSourcesGivesBothFilesAndTheirSources) {
  const Proof proof = Prove(DigestQuery(SharedDigest()));
  // 0 books, 1 synth, 2 web, 3 books/a.txt, 4 books/b.txt, 5 synth/s/0.jsonl, 6 web/a.txt
  EXPECT_EQ(Indexes(proof), (std::vector<uint64_t>{0, 2, 3, 6}));
  EXPECT_EQ(proof.tree_size, 10u);
  const std::vector<Sha256Digest> leaves = LeafHashes();
  EXPECT_EQ(proof.merkle_root, MerkleRootOf(leaves));
  for (const ProofEntry& e : proof.entries) {
    EXPECT_EQ(e.audit_path, MerkleInclusionProof(leaves, e.leaf_index)) << e.leaf_index;
    EXPECT_EQ(MerkleLeafHash(e.record), leaves[e.leaf_index]);
  }
  EXPECT_NE(proof.entries[0].decoded_json.find("\"id\":\"books\""), std::string::npos)
      << proof.entries[0].decoded_json;

  const ProofVerification result = Verify(*SerializeProof(proof));
  ASSERT_TRUE(result.verified()) << result.status.ToString();
  ASSERT_EQ(result.records.size(), 4u);
  EXPECT_EQ(result.records[0].source().license().use_class(), v1::USE_CLASS_NON_COMMERCIAL);
  EXPECT_EQ(result.records[3].file().path(), "a.txt");
  EXPECT_EQ(result.records[3].file().source_id(), "web");
  EXPECT_EQ(result.header.dataset().name(), "acme-pretrain");
  EXPECT_EQ(result.attestation.subject_name, "acme-pretrain@2026.02");
  EXPECT_EQ(result.attestation.signed_at, kSignedAt);
}

TEST_F(ProofTest, PathAndSourceQueries) {
  const Proof by_path = Prove(TextQuery(ProofQuery::Kind::kPath, "s/0.jsonl"));
  EXPECT_EQ(Indexes(by_path), (std::vector<uint64_t>{1, 5}));
  const ProofVerification result = Verify(*SerializeProof(by_path));
  ASSERT_TRUE(result.verified()) << result.status.ToString();
  EXPECT_EQ(result.records[0].source().generation().model(), "gen-model");

  const Proof by_source = Prove(TextQuery(ProofQuery::Kind::kSource, "web"));
  EXPECT_EQ(Indexes(by_source), (std::vector<uint64_t>{2}));
  EXPECT_TRUE(Verify(*SerializeProof(by_source)).verified());
}

TEST_F(ProofTest, NothingMatchesGivesNoEntries) {
  EXPECT_TRUE(Prove(DigestQuery(Sha256Of("not in the manifest"))).entries.empty());
  EXPECT_TRUE(Prove(TextQuery(ProofQuery::Kind::kPath, "a.tx")).entries.empty());
  EXPECT_TRUE(Prove(TextQuery(ProofQuery::Kind::kSource, "book")).entries.empty());
}

// "Nothing matches" is said only with the manifest's own bundle, of an intact
// manifest.
TEST_F(ProofTest, NothingMatchesStillChecksTheBundleAndTheManifest) {
  const std::string other = dir_ / "other.dtm";
  WriteProofManifest(other, 4);
  for (const ProofQuery& q :
       {DigestQuery(Sha256Of("not in the manifest")), TextQuery(ProofQuery::Kind::kPath, "a.tx"),
        TextQuery(ProofQuery::Kind::kSource, "book")}) {
    auto proof = ProveInclusion(manifest_, Sign(other), q);
    ASSERT_FALSE(proof.ok()) << DescribeQuery(q);
    EXPECT_EQ(proof.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(proof.status().message().find("not the bundle of"), std::string::npos)
        << proof.status().ToString();
  }
  std::string bytes = signing_test::ReadFileOrDie(manifest_);
  bytes[bytes.size() - 70] ^= 0x01;
  signing_test::WriteFileOrDie(manifest_, bytes);
  auto damaged = ProveInclusion(manifest_, bundle_, TextQuery(ProofQuery::Kind::kSource, "book"));
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.status().code(), StatusCode::kCorruption) << damaged.status().ToString();
}

TEST_F(ProofTest, TooManyMatchesIsALimit) {
  ProveOptions options;
  options.max_entries = 3;
  auto proof = ProveInclusion(manifest_, bundle_, DigestQuery(SharedDigest()), options);
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.status().code(), StatusCode::kLimitExceeded) << proof.status().ToString();
}

TEST_F(ProofTest, ProverRejectsABundleOfAnotherManifest) {
  const std::string other = dir_ / "other.dtm";
  WriteProofManifest(other, 4);
  auto proof = ProveInclusion(manifest_, Sign(other), DigestQuery(SharedDigest()));
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(proof.status().message().find("subject"), std::string::npos)
      << proof.status().ToString();
  auto garbage = ProveInclusion(manifest_, "{}", DigestQuery(SharedDigest()));
  EXPECT_EQ(garbage.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ProofTest, ProverChecksTheManifest) {
  // A flipped byte in the last frame: the footer digest no longer matches.
  std::string bytes = signing_test::ReadFileOrDie(manifest_);
  bytes[bytes.size() - 70] ^= 0x01;
  signing_test::WriteFileOrDie(manifest_, bytes);
  auto proof = ProveInclusion(manifest_, bundle_, DigestQuery(SharedDigest()));
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.status().code(), StatusCode::kCorruption) << proof.status().ToString();
}

// ---- The tamper matrix.

TEST_F(ProofTest, ModifiedRecordBytesFailInclusion) {
  const std::string text = EditProof(ProveText(DigestQuery(SharedDigest())), [](Json& p) {
    std::string record = Base64Decode(p["entries"][2]["record"].get<std::string>()).value();
    record.back() ^= 0x01;
    p["entries"][2]["record"] = Base64Encode(record);
  });
  ExpectFails(text, "inclusion", "entries[2] (leaf 3): ");
}

TEST_F(ProofTest, ModifiedPathNodeFailsInclusion) {
  const std::string text = EditProof(ProveText(DigestQuery(SharedDigest())), [](Json& p) {
    std::string node = p["entries"][1]["auditPath"][1].get<std::string>();
    node[0] = node[0] == '0' ? '1' : '0';
    p["entries"][1]["auditPath"][1] = node;
  });
  ExpectFails(text, "inclusion", "computed root");
}

TEST_F(ProofTest, WrongIndexFailsInclusion) {
  const std::string text = EditProof(ProveText(DigestQuery(SharedDigest())), [](Json& p) {
    p["entries"][3]["leafIndex"] = "7";  // web/a.txt is leaf 6
  });
  ExpectFails(text, "inclusion", "entries[3] (leaf 7)");
  const std::string beyond = EditProof(ProveText(DigestQuery(SharedDigest())),
                                       [](Json& p) { p["entries"][3]["leafIndex"] = "10"; });
  ExpectFails(beyond, "inclusion", "entries[3] (leaf 10)");
}

TEST_F(ProofTest, WrongTreeSizeFails) {
  const std::string text =
      EditProof(ProveText(DigestQuery(SharedDigest())), [](Json& p) { p["treeSize"] = "11"; });
  ExpectFails(text, "tree-size", "the proof says 11 records; the signed header says 10");
}

TEST_F(ProofTest, WrongRootFails) {
  const std::string text = EditProof(ProveText(DigestQuery(SharedDigest())), [](Json& p) {
    p["merkleRoot"] = ToHex(Sha256Of("another root"));
  });
  ExpectFails(text, "root", "the proof is for Merkle root");
}

TEST_F(ProofTest, BundleOfAnotherManifestFails) {
  const std::string other = dir_ / "other.dtm";
  WriteProofManifest(other, 4);
  const Json other_bundle = Json::parse(Sign(other));
  const std::string text = EditProof(ProveText(DigestQuery(SharedDigest())),
                                     [&](Json& p) { p["bundle"] = other_bundle; });
  ExpectFails(text, "root", "the statement signs subject acme-pretrain@2026.02");
}

// spec/proof.md: inside the bundle, attestation.md's rule holds: an unknown
// member fails the bundle check, except under the members no verifier reads.
TEST_F(ProofTest, UnknownMembersInsideTheBundleFailTheBundleCheck) {
  const std::string text = ProveText(DigestQuery(SharedDigest()));
  ExpectFails(EditProof(text, [](Json& p) { p["bundle"]["extra"] = 1; }), "bundle",
              "bundle: unknown member 'extra'");
  ExpectFails(EditProof(text, [](Json& p) { p["bundle"]["dsseEnvelope"]["extra"] = 1; }), "bundle",
              "bundle: dsseEnvelope: unknown member 'extra'");
  ExpectFails(EditProof(text, [](Json& p) { p["bundle"]["verificationMaterial"]["extra"] = 1; }),
              "bundle", "bundle: verificationMaterial: unknown member 'extra'");
  // Timestamp data is read as strictly (spec/attestation.md, "The bundle").
  ExpectFails(
      EditProof(
          text,
          [](Json& p) {
            p["bundle"]["verificationMaterial"]["timestampVerificationData"] = {{"future", 1}};
          }),
      "bundle", "timestampVerificationData: unknown member 'future'");
  // tlogEntries is the one place a verifier of this version does not read.
  const std::string logged = EditProof(text, [](Json& p) {
    p["bundle"]["verificationMaterial"]["tlogEntries"] = {{{"future", 1}}};
  });
  EXPECT_TRUE(Verify(logged).verified());
}

TEST_F(ProofTest, WrongKeyFails) {
  const PrivateKey other = PrivateKey::Generate(SignatureAlgorithm::kEd25519).value();
  ProofVerification result = Verify(ProveText(DigestQuery(SharedDigest())), other.public_key());
  EXPECT_FALSE(result.verified());
  EXPECT_EQ(result.failed_check, "signature") << result.status.ToString();
  EXPECT_NE(result.status.message().find("not valid under any given key"), std::string::npos);
}

TEST_F(ProofTest, ChangedStatementFailsTheSignature) {
  const std::string text = EditProof(ProveText(DigestQuery(SharedDigest())), [](Json& p) {
    std::string payload =
        Base64Decode(p["bundle"]["dsseEnvelope"]["payload"].get<std::string>()).value();
    const size_t at = payload.find("\"record_count\":\"10\"");
    ASSERT_NE(at, std::string::npos);
    payload.replace(at, 19, "\"record_count\":\"11\"");
    p["bundle"]["dsseEnvelope"]["payload"] = Base64Encode(payload);
    p["treeSize"] = "11";
  });
  ExpectFails(text, "signature", "not valid");
}

TEST_F(ProofTest, DecodedCopyMustMatchTheBytes) {
  const std::string text = EditProof(ProveText(DigestQuery(SharedDigest())), [](Json& p) {
    p["entries"][0]["decoded"]["source"]["license"]["use_class"] = "USE_CLASS_COMMERCIAL";
  });
  ExpectFails(text, "decoded", "entries[0] (leaf 0): \"decoded\" is not what");
  // Member order and spacing do not matter; values do.
  const std::string reordered = EditProof(ProveText(DigestQuery(SharedDigest())), [](Json& p) {
    Json file = p["entries"][2]["decoded"]["file"];
    Json reversed = Json::object();
    for (auto it = file.rbegin(); it != file.rend(); ++it) reversed[it.key()] = it.value();
    p["entries"][2]["decoded"]["file"] = reversed;
  });
  EXPECT_TRUE(Verify(reordered).verified());
}

TEST_F(ProofTest, FileWithoutItsSourceFails) {
  const std::string text = EditProof(ProveText(DigestQuery(SharedDigest())), [](Json& p) {
    p["entries"].erase(1);  // the source "web"
  });
  ExpectFails(text, "source-link", "its source \"web\" is not among the entries");
}

TEST_F(ProofTest, EntriesMustAnswerTheQuery) {
  const std::string other_digest = EditProof(ProveText(DigestQuery(SharedDigest())), [](Json& p) {
    p["query"]["digest"] = "sha256:" + ToHex(Sha256Of("x"));
  });
  ExpectFails(other_digest, "query", "does not match digest sha256:");
  const std::string extra_source =
      EditProof(ProveText(TextQuery(ProofQuery::Kind::kPath, "b.txt")), [](Json& p) {
        p["query"] = {{"source", "zzz"}};
      });
  ExpectFails(extra_source, "query", "does not match source zzz");
}

// A bundle of `statement` signed by the lab's key, built by hand (for
// statements that SignManifest would never write).
Json SignedBundle(const std::string& statement) {
  internal::Bundle bundle;
  bundle.media_type = std::string(kBundleMediaType);
  bundle.public_key_hint = LabKey().public_key().key_id();
  bundle.envelope.payload = statement;
  bundle.envelope.payload_type = std::string(kInTotoPayloadType);
  bundle.envelope.signatures.push_back(
      {LabKey().Sign(DssePae(kInTotoPayloadType, statement)).value(), bundle.public_key_hint});
  return Json::parse(internal::SerializeBundle(bundle));
}

// A lab that signs a header whose totals put a source among the files is caught
// by "position" (a valid manifest never has such a header: this builds the
// statement by hand).
TEST_F(ProofTest, SourceOutsideTheSourceLeavesFailsPosition) {
  auto integrity = CheckManifest(manifest_);
  ASSERT_TRUE(integrity.ok());
  integrity->header.mutable_totals()->set_sources(2);  // "web" is leaf 2
  const Json forged = SignedBundle(internal::MakeStatement(*integrity, kSignedAt).value());
  const std::string text = EditProof(ProveText(TextQuery(ProofQuery::Kind::kSource, "web")),
                                     [&](Json& p) { p["bundle"] = forged; });
  ExpectFails(text, "position", "entries[0] (leaf 2): a source at a leaf of the file entries");
}

// A signed statement whose header is not written as a signer writes it is
// refused by check 3, not read leniently (spec/proof.md).
TEST_F(ProofTest, AHeaderNotInTheExactJsonMappingFailsTheStatementCheck) {
  auto integrity = CheckManifest(manifest_);
  ASSERT_TRUE(integrity.ok());
  const std::string good = internal::MakeStatement(*integrity, kSignedAt).value();
  auto forge = [&](const std::function<void(Json&)>& edit) {
    Json statement = Json::parse(good);
    edit(statement["predicate"]["header"]);
    const Json forged = SignedBundle(statement.dump());
    return EditProof(ProveText(DigestQuery(SharedDigest())),
                     [&](Json& p) { p["bundle"] = forged; });
  };
  ExpectFails(forge([](Json& h) { h["schema"] = "dtm/v2"; }), "statement",
              "predicate.header.schema is 'dtm/v2'");
  ExpectFails(forge([](Json& h) {
                h["recordCount"] = h["record_count"];
                h.erase("record_count");
              }),
              "statement", "not the protobuf JSON mapping");
  ExpectFails(
      forge([](Json& h) { h["record_count"] = std::stoll(h["record_count"].get<std::string>()); }),
      "statement", "not the protobuf JSON mapping");
  ExpectFails(forge([](Json& h) { h["models"] = nullptr; }), "statement",
              "not the protobuf JSON mapping");
  ExpectFails(forge([](Json& h) { h["created"] = "10000-01-01T00:00:00Z"; }), "statement",
              "predicate.header");
  // The statement as written verifies.
  EXPECT_TRUE(Verify(forge([](Json&) {})).verified());
}

TEST_F(ProofTest, VerifyNeedsAKey) {
  auto result = VerifyProof(ProveText(DigestQuery(SharedDigest())), VerifyOptions{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dtm
