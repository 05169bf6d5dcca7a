// Inclusion proof files: round trips, strict parsing with errors naming the
// JSON place, limits, the size of a proof in a 10-million-record tree, and the
// vector of spec/vectors/proof.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/base64.h"
#include "dtm/merkle.h"
#include "dtm/proof.h"
#include "merkle/reference.h"
#include "proof/proof_test_util.h"

namespace dtm {

using internal::MerkleInclusionProof;

using internal::Base64Decode;
using internal::Base64Encode;
namespace {

using proof_test::DigestQuery;
using proof_test::EditProof;
using proof_test::SharedDigest;
using Json = nlohmann::ordered_json;

class ProofFormatTest : public proof_test::ProofFixture {};

TEST_F(ProofFormatTest, SerializeParseRoundTrip) {
  const Proof proof = Prove(DigestQuery(SharedDigest()));
  const std::string text = *SerializeProof(proof);
  auto parsed = ParseProof(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->tree_size, proof.tree_size);
  EXPECT_EQ(parsed->merkle_root, proof.merkle_root);
  EXPECT_EQ(parsed->query.digest, SharedDigest());
  ASSERT_EQ(parsed->entries.size(), proof.entries.size());
  for (size_t i = 0; i < proof.entries.size(); ++i) {
    EXPECT_EQ(parsed->entries[i].record, proof.entries[i].record);
    EXPECT_EQ(parsed->entries[i].audit_path, proof.entries[i].audit_path);
  }
  // Writing the parsed proof again gives the same JSON value.
  EXPECT_EQ(nlohmann::json::parse(*SerializeProof(*parsed)), nlohmann::json::parse(text));
  EXPECT_EQ(text.back(), '\n');
}

// Malformed files are kCorruption (or kLimitExceeded) naming the place.

void ExpectParseError(const std::string& text, StatusCode code, const std::string& place) {
  auto parsed = ParseProof(text);
  ASSERT_FALSE(parsed.ok()) << place;
  EXPECT_EQ(parsed.status().code(), code) << parsed.status().ToString();
  EXPECT_EQ(parsed.status().message().rfind(place, 0), 0u) << parsed.status().ToString();
}

TEST_F(ProofFormatTest, TruncatedProofIsRejected) {
  const std::string text = ProveText(DigestQuery(SharedDigest()));
  for (size_t len : {size_t{0}, size_t{1}, text.size() / 3, text.size() / 2, text.size() - 3}) {
    ExpectParseError(text.substr(0, len), StatusCode::kCorruption, "$: not valid JSON");
  }
}

TEST_F(ProofFormatTest, MalformedMembersNameTheirPlace) {
  const std::string text = ProveText(DigestQuery(SharedDigest()));
  const auto edit = [&](auto f) { return EditProof(text, f); };
  ExpectParseError(edit([](Json& p) { p["extra"] = 1; }), StatusCode::kCorruption,
                   "$: unknown member \"extra\"");
  ExpectParseError(edit([](Json& p) { p.erase("bundle"); }), StatusCode::kCorruption,
                   "$: missing member \"bundle\"");
  ExpectParseError(edit([](Json& p) { p["proofType"] = "x"; }), StatusCode::kCorruption,
                   "$.proofType");
  ExpectParseError(edit([](Json& p) { p["treeSize"] = "010"; }), StatusCode::kCorruption,
                   "$.treeSize");
  ExpectParseError(edit([](Json& p) { p["treeSize"] = 10; }), StatusCode::kCorruption,
                   "$.treeSize: not a string");
  ExpectParseError(edit([](Json& p) { p["treeSize"] = "18446744073709551616"; }),
                   StatusCode::kCorruption, "$.treeSize");
  ExpectParseError(edit([](Json& p) { p["merkleRoot"] = std::string(64, 'A'); }),
                   StatusCode::kCorruption, "$.merkleRoot: want 64 lower-case hex digits");
  ExpectParseError(edit([](Json& p) {
                     p["query"] = {{"digest", "abc"}};
                   }),
                   StatusCode::kCorruption, "$.query.digest");
  ExpectParseError(edit([](Json& p) {
                     p["query"] = {{"hash", "abc"}};
                   }),
                   StatusCode::kCorruption, "$.query: unknown member \"hash\"");
  ExpectParseError(edit([](Json& p) { p["entries"] = Json::array(); }), StatusCode::kCorruption,
                   "$.entries: want a non-empty array");
  ExpectParseError(edit([](Json& p) { p["entries"][1]["auditPath"][2] = "00"; }),
                   StatusCode::kCorruption, "$.entries[1].auditPath[2]: want 64 lower-case hex");
  ExpectParseError(edit([](Json& p) { p["entries"][2]["record"] = "A"; }), StatusCode::kCorruption,
                   "$.entries[2].record: ");
  // "ab" is "YWI=": without its padding it decodes, but is not the one encoding.
  ExpectParseError(edit([](Json& p) { p["entries"][2]["record"] = "YWI"; }),
                   StatusCode::kCorruption, "$.entries[2].record: not standard base64");
  ExpectParseError(edit([](Json& p) { p["entries"][0]["decoded"] = "x"; }), StatusCode::kCorruption,
                   "$.entries[0].decoded: not a JSON object");
  ExpectParseError(edit([](Json& p) { p["entries"][1]["leafIndex"] = "0"; }),
                   StatusCode::kCorruption,
                   "$.entries[1].leafIndex: entries must be in increasing");
  ExpectParseError(edit([](Json& p) { p["entries"][3].erase("auditPath"); }),
                   StatusCode::kCorruption, "$.entries[3]: missing member \"auditPath\"");
  ExpectParseError(edit([](Json& p) { p["bundle"] = "{}"; }), StatusCode::kCorruption,
                   "$.bundle: not a JSON object");
  // A duplicate member, which JSON parsers disagree on.
  std::string dup = text;
  dup.insert(dup.find("\"treeSize\""), "\"treeSize\": \"3\",\n  ");
  ExpectParseError(dup, StatusCode::kCorruption, "$: duplicate member \"treeSize\"");
}

TEST_F(ProofFormatTest, LimitsAreCheckedBeforeDecoding) {
  const std::string text = ProveText(DigestQuery(SharedDigest()));
  const std::string long_path = EditProof(text, [](Json& p) {
    for (int i = 0; i < 65; ++i) p["entries"][0]["auditPath"].push_back(std::string(64, '0'));
  });
  ExpectParseError(long_path, StatusCode::kLimitExceeded, "$.entries[0].auditPath: ");
  const std::string many = EditProof(text, [](Json& p) {
    Json entries = Json::array();
    for (size_t i = 0; i <= kMaxProofEntries; ++i) {
      Json e = p["entries"][0];
      e["leafIndex"] = std::to_string(i);
      entries.push_back(e);
    }
    p["entries"] = entries;
  });
  ExpectParseError(many, StatusCode::kLimitExceeded, "$.entries: ");
  ExpectParseError(std::string(kMaxProofBytes + 1, ' '), StatusCode::kLimitExceeded, "$: ");
  const std::string big_record = EditProof(text, [](Json& p) {
    p["entries"][0]["record"] =
        Base64Encode(std::string(ContainerLimits{}.max_record_bytes + 1, 'x'));
  });
  ExpectParseError(big_record, StatusCode::kLimitExceeded, "$.entries[0].record: ");
}

// Size: one entry of a 10-million-record manifest.

// The tree hash of `size` leaves that all have the leaf hash `leaf`: it depends
// only on the size, so a path in a huge tree costs O(log n) hashes.
Sha256Digest UniformTreeHash(uint64_t size, const Sha256Digest& leaf,
                             std::map<uint64_t, Sha256Digest>* memo) {
  if (size == 1) return leaf;
  auto it = memo->find(size);
  if (it != memo->end()) return it->second;
  uint64_t k = 1;
  while (k * 2 < size) k *= 2;
  const Sha256Digest h =
      MerkleNodeHash(UniformTreeHash(k, leaf, memo), UniformTreeHash(size - k, leaf, memo));
  memo->emplace(size, h);
  return h;
}

// RFC 6962 PATH(m, D[0:n]) in that uniform tree, nearest sibling first.
std::vector<Sha256Digest> UniformPath(uint64_t m, uint64_t n, const Sha256Digest& leaf,
                                      std::map<uint64_t, Sha256Digest>* memo) {
  if (n == 1) return {};
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  std::vector<Sha256Digest> path =
      m < k ? UniformPath(m, k, leaf, memo) : UniformPath(m - k, n - k, leaf, memo);
  path.push_back(UniformTreeHash(m < k ? n - k : k, leaf, memo));
  return path;
}

TEST(ProofSizeTest, OneEntryOfTenMillionRecordsIsUnderTwoKiB) {
  constexpr uint64_t kTreeSize = 10'000'000;
  const std::string record = "a record";
  const Sha256Digest leaf = MerkleLeafHash(record);
  std::map<uint64_t, Sha256Digest> memo;
  const Sha256Digest root = UniformTreeHash(kTreeSize, leaf, &memo);
  // The first path agrees with the streaming prover on a tree small enough to build.
  {
    std::vector<Sha256Digest> leaves(1000, leaf);
    std::map<uint64_t, Sha256Digest> small;
    EXPECT_EQ(UniformPath(617, 1000, leaf, &small), MerkleInclusionProof(leaves, 617));
  }
  for (uint64_t index :
       {uint64_t{0}, uint64_t{4'999'999}, uint64_t{8'388'608}, kTreeSize - 2, kTreeSize - 1}) {
    const std::vector<Sha256Digest> path = UniformPath(index, kTreeSize, leaf, &memo);
    EXPECT_LE(path.size(), 24u) << index;
    ASSERT_TRUE(VerifyMerkleInclusion(index, kTreeSize, leaf, path, root).ok()) << index;

    // The proof file without bundle and record is under 2 KiB.
    Proof proof;
    proof.query = DigestQuery(Sha256Of("x"));
    proof.tree_size = kTreeSize;
    proof.merkle_root = root;
    proof.entries.push_back({index, record, path, "{}"});
    proof.bundle_json = "{}";
    const std::string text = SerializeProof(proof).value();
    const size_t overhead = text.size() - Base64Encode(record).size();
    EXPECT_LT(overhead, 2048u) << index;
  }
}

// spec/vectors/proof: reproduced byte for byte from the signing vector, and
// verified with its TEST-ONLY key; changed parts fail.
TEST(ProofVectorTest, ReproducesAndVerifies) {
  const std::string dir = std::string(DTM_SOURCE_DIR) + "/spec/vectors/";
  const std::string vector = signing_test::ReadFileOrDie(dir + "proof/proof.json");
  const auto digest =
      ParseSha256Hex("sha256:626f6f6b732f616c6963652e7478740000000000000000000000000000000000");
  ASSERT_TRUE(digest.ok());
  auto proof =
      ProveInclusion(dir + "signing/manifest.dtm",
                     signing_test::ReadFileOrDie(dir + "signing/manifest.dtm.sigstore.json"),
                     DigestQuery(*digest));
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_EQ(SerializeProof(*proof).value(), vector);

  VerifyOptions options;
  options.keys = {
      PublicKey::FromPem(signing_test::ReadFileOrDie(dir + "signing/TEST-ONLY-ed25519.pub"))
          .value()};
  auto result = VerifyProof(vector, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_TRUE(result->verified()) << result->status.ToString();
  ASSERT_EQ(result->records.size(), 2u);
  EXPECT_EQ(result->records[0].source().id(), "books");
  EXPECT_EQ(result->records[1].file().path(), "books/alice.txt");
  EXPECT_EQ(ToHex(result->proof.merkle_root),
            "0afc35ba7dc02578a3414052fe4154cce63f4b6f9595cd1f88d7c0f8b4520081");
  EXPECT_EQ(ToHex(result->proof.entries[1].audit_path[1]),
            "b7747fd32cc26efb58e5270de4c7d65d259762070e7dd6d86f436bec0b2f053f");

  const std::pair<std::string, std::function<void(Json&)>> mutations[] = {
      {"inclusion",
       [](Json& p) {
         std::string r = Base64Decode(p["entries"][1]["record"].get<std::string>()).value();
         r[5] ^= 0x20;
         p["entries"][1]["record"] = Base64Encode(r);
       }},
      {"inclusion", [](Json& p) { p["entries"][0]["auditPath"][2] = std::string(64, 'f'); }},
      {"inclusion", [](Json& p) { p["entries"][1]["leafIndex"] = "3"; }},
      {"tree-size", [](Json& p) { p["treeSize"] = "6"; }},
      {"decoded", [](Json& p) { p["entries"][1]["decoded"]["file"]["size"] = "1"; }},
  };
  for (const auto& [check, mutate] : mutations) {
    auto changed = VerifyProof(EditProof(vector, mutate), options);
    ASSERT_TRUE(changed.ok()) << changed.status().ToString();
    EXPECT_EQ(changed->failed_check, check) << changed->status.ToString();
  }
}

}  // namespace
}  // namespace dtm
