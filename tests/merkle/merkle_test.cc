#include "dtm/merkle.h"
#include "merkle/reference.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace dtm {
namespace {

using internal::MerkleConsistencyProof;
using internal::MerkleInclusionProof;
using internal::MerkleRootOf;

namespace fs = std::filesystem;
using json = nlohmann::json;

const fs::path kVectors = fs::path(DTM_SOURCE_DIR) / "spec/vectors/rfc6962";

// ---------------------------------------------------------------------------
// Helpers

json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  return json::parse(in);
}

std::string DecodeHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    const size_t v = kAlphabet.find(c);
    if (v == std::string::npos || padding > 0) return std::nullopt;
    acc = acc << 6 | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (text.size() % 4 != 0 || padding > 2) return std::nullopt;
  return out;
}

Sha256Digest Hash(std::string_view hex) {
  StatusOr<Sha256Digest> d = ParseSha256Hex(hex);
  EXPECT_TRUE(d.ok()) << hex;
  return d.ok() ? *d : Sha256Digest{};
}

Sha256Digest FlipBit(Sha256Digest d, int bit) {
  d[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return d;
}

// MTH(D[lo:hi]) written straight from RFC 6962 2.1, on SHA-256 alone.
Sha256Digest ReferenceMth(const std::vector<std::string>& d, size_t lo, size_t hi) {
  const size_t n = hi - lo;
  if (n == 0) return Sha256Of("");
  if (n == 1) return Sha256Of(std::string(1, '\0') + d[lo]);
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  std::string node = "\x01";
  node += AsBytes(ReferenceMth(d, lo, lo + k));
  node += AsBytes(ReferenceMth(d, lo + k, hi));
  return Sha256Of(node);
}

std::vector<std::string> MakeLeaves(size_t n) {
  std::vector<std::string> leaves;
  for (size_t i = 0; i < n; ++i) leaves.push_back(std::string(i % 7, 'x') + std::to_string(i));
  return leaves;
}

std::vector<Sha256Digest> LeafHashes(const std::vector<std::string>& leaves) {
  std::vector<Sha256Digest> out;
  for (const std::string& l : leaves) out.push_back(MerkleLeafHash(l));
  return out;
}

// roots.json: the leaf inputs and the roots of the trees over their prefixes.
struct RootsJson {
  std::vector<std::string> leaves;
  std::vector<Sha256Digest> roots;
};

RootsJson ReadRoots() {
  const json j = ReadJson(kVectors / "roots.json");
  RootsJson r;
  for (const auto& hex : j.at("leaf_inputs_hex"))
    r.leaves.push_back(DecodeHex(hex.get<std::string>()));
  for (const auto& hex : j.at("roots_hex")) r.roots.push_back(Hash(hex.get<std::string>()));
  return r;
}

// Every *.json file below `dir`, sorted.
std::vector<fs::path> VectorFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A hash field of a vector. Fields that are not 32 bytes cannot be a Sha256Digest:
// a real reader rejects them while decoding. They get a stand-in digest (equal
// inputs give equal stand-ins) so the verifier still runs on the rest.
struct VectorHashes {
  bool malformed = false;
  Sha256Digest Field(const json& j, const char* name) {
    std::optional<std::string> bytes = DecodeBase64(j.at(name).get<std::string>());
    EXPECT_TRUE(bytes.has_value()) << name;
    return ToDigest(bytes.value_or(""));
  }
  std::vector<Sha256Digest> Proof(const json& j) {
    std::vector<Sha256Digest> out;
    if (j.at("proof").is_null()) return out;
    for (const auto& node : j.at("proof")) {
      std::optional<std::string> bytes = DecodeBase64(node.get<std::string>());
      EXPECT_TRUE(bytes.has_value());
      out.push_back(ToDigest(bytes.value_or("")));
    }
    return out;
  }
  Sha256Digest ToDigest(const std::string& bytes) {
    if (bytes.size() == 32) return DigestFromBytes(bytes);
    malformed = true;
    return Sha256Of("stand-in for a field of " + std::to_string(bytes.size()) + " bytes: " + bytes);
  }
};

// ---------------------------------------------------------------------------
// Hashes and roots

TEST(MerkleTest, DomainSeparatedHashes) {
  EXPECT_EQ(MerkleEmptyRoot(), Sha256Of(""));
  EXPECT_EQ(MerkleLeafHash("abc"), Sha256Of(std::string("\0abc", 4)));
  const Sha256Digest l = MerkleLeafHash("l");
  const Sha256Digest r = MerkleLeafHash("r");
  EXPECT_EQ(MerkleNodeHash(l, r),
            Sha256Of("\x01" + std::string(AsBytes(l)) + std::string(AsBytes(r))));
  EXPECT_NE(MerkleNodeHash(l, r), MerkleNodeHash(r, l));
}

TEST(MerkleTest, RootsJson) {
  const RootsJson v = ReadRoots();
  ASSERT_EQ(v.leaves.size(), 8u);
  ASSERT_EQ(v.roots.size(), 9u);
  MerkleRootBuilder builder;
  for (size_t n = 0; n <= 8; ++n) {
    const std::vector<std::string> prefix(v.leaves.begin(), v.leaves.begin() + n);
    EXPECT_EQ(builder.size(), n);
    EXPECT_EQ(ToHex(builder.Root()), ToHex(v.roots[n])) << "size " << n;
    EXPECT_EQ(MerkleRootOf(LeafHashes(prefix)), v.roots[n]) << "size " << n;
    EXPECT_EQ(ReferenceMth(v.leaves, 0, n), v.roots[n]) << "size " << n;
    if (n < 8) builder.AddLeaf(v.leaves[n]);
  }
}

TEST(MerkleTest, BuilderMatchesReferenceUpTo200Leaves) {
  const std::vector<std::string> leaves = MakeLeaves(200);
  const std::vector<Sha256Digest> hashes = LeafHashes(leaves);
  MerkleRootBuilder builder;
  for (size_t n = 0; n <= leaves.size(); ++n) {
    const Sha256Digest want = ReferenceMth(leaves, 0, n);
    ASSERT_EQ(builder.Root(), want) << "size " << n;
    ASSERT_EQ(MerkleRootOf({hashes.begin(), hashes.begin() + n}), want) << "size " << n;
    if (n < leaves.size()) builder.AddLeafHash(hashes[n]);
  }
}

// ---------------------------------------------------------------------------
// Inclusion proofs

TEST(MerkleTest, InclusionProofsVerifyAndAnyFlippedBitIsRejected) {
  const std::vector<Sha256Digest> hashes = LeafHashes(MakeLeaves(40));
  for (size_t n = 1; n <= hashes.size(); ++n) {
    const std::vector<Sha256Digest> tree(hashes.begin(), hashes.begin() + n);
    const Sha256Digest root = MerkleRootOf(tree);
    for (uint64_t m = 0; m < n; ++m) {
      const std::vector<Sha256Digest> proof = MerkleInclusionProof(tree, m);
      ASSERT_TRUE(VerifyMerkleInclusion(m, n, tree[m], proof, root).ok()) << n << " " << m;
      for (size_t j = 0; j < proof.size(); ++j) {
        // Every bit of every node for one tree, a few bits for the others.
        const bool all_bits = (n == 13 && m == 6) || (n == 32 && m == 31);
        for (int bit = 0; bit < 256; bit += all_bits ? 1 : 85) {
          std::vector<Sha256Digest> bad = proof;
          bad[j] = FlipBit(bad[j], bit);
          const Status s = VerifyMerkleInclusion(m, n, tree[m], bad, root);
          ASSERT_EQ(s.code(), StatusCode::kVerificationFailed) << n << " " << m << " " << j;
          ASSERT_NE(s.message().find("computed root"), std::string::npos) << s.message();
        }
      }
      EXPECT_FALSE(VerifyMerkleInclusion(m, n, FlipBit(tree[m], 7), proof, root).ok());
      EXPECT_FALSE(VerifyMerkleInclusion(m, n, tree[m], proof, FlipBit(root, 200)).ok());
      if (n > 1) {  // another leaf's hash with this path
        EXPECT_FALSE(VerifyMerkleInclusion(m, n, tree[(m + 1) % n], proof, root).ok());
      }
    }
  }
}

TEST(MerkleTest, InclusionRejectsMalformedInputsNamingTheProblem) {
  const std::vector<Sha256Digest> tree = LeafHashes(MakeLeaves(7));
  const Sha256Digest root = MerkleRootOf(tree);
  const std::vector<Sha256Digest> proof = MerkleInclusionProof(tree, 2);
  ASSERT_EQ(proof.size(), 3u);

  Status s = VerifyMerkleInclusion(7, 7, tree[2], proof, root);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message(), "leaf index 7 is not less than the tree size 7");
  s = VerifyMerkleInclusion(0, 0, tree[0], {}, MerkleEmptyRoot());
  EXPECT_EQ(s.message(), "leaf index 0 is not less than the tree size 0");

  std::vector<Sha256Digest> longer = proof;
  longer.push_back(root);
  s = VerifyMerkleInclusion(2, 7, tree[2], longer, root);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message(), "proof has 4 nodes, leaf 2 of a tree of 7 leaves needs 3");
  s = VerifyMerkleInclusion(2, 7, tree[2], {proof[0], proof[1]}, root);
  EXPECT_EQ(s.message(), "proof has 2 nodes, leaf 2 of a tree of 7 leaves needs 3");
  // Leaf 6 of 7 sits on the right border: 2 nodes.
  s = VerifyMerkleInclusion(6, 7, tree[6], proof, root);
  EXPECT_EQ(s.message(), "proof has 3 nodes, leaf 6 of a tree of 7 leaves needs 2");

  // Right length, wrong index: the computed root differs and both are named.
  s = VerifyMerkleInclusion(3, 7, tree[2], proof, root);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_NE(s.message().find("computed root "), std::string::npos);
  EXPECT_NE(s.message().find(", expected " + ToHex(root)), std::string::npos) << s.message();
}

// ---------------------------------------------------------------------------
// Consistency proofs

TEST(MerkleTest, ConsistencyProofsVerifyAndTamperingIsRejected) {
  const std::vector<Sha256Digest> hashes = LeafHashes(MakeLeaves(40));
  std::vector<Sha256Digest> roots;
  for (size_t n = 0; n <= hashes.size(); ++n) {
    roots.push_back(MerkleRootOf({hashes.begin(), hashes.begin() + n}));
  }
  for (uint64_t n2 = 1; n2 <= hashes.size(); ++n2) {
    const std::vector<Sha256Digest> tree(hashes.begin(), hashes.begin() + n2);
    for (uint64_t n1 = 1; n1 <= n2; ++n1) {
      const std::vector<Sha256Digest> proof = MerkleConsistencyProof(tree, n1);
      ASSERT_TRUE(VerifyMerkleConsistency(n1, n2, proof, roots[n1], roots[n2]).ok())
          << n1 << " -> " << n2;
      EXPECT_EQ(proof.empty(), n1 == n2);
      for (size_t j = 0; j < proof.size(); ++j) {
        std::vector<Sha256Digest> bad = proof;
        bad[j] = FlipBit(bad[j], static_cast<int>(n1 * 31 + j) % 256);
        ASSERT_EQ(VerifyMerkleConsistency(n1, n2, bad, roots[n1], roots[n2]).code(),
                  StatusCode::kVerificationFailed)
            << n1 << " -> " << n2 << " node " << j;
      }
      EXPECT_FALSE(VerifyMerkleConsistency(n1, n2, proof, FlipBit(roots[n1], 3), roots[n2]).ok());
      EXPECT_FALSE(VerifyMerkleConsistency(n1, n2, proof, roots[n1], FlipBit(roots[n2], 3)).ok());
      if (n1 > 1) {
        EXPECT_FALSE(VerifyMerkleConsistency(n1 - 1, n2, proof, roots[n1 - 1], roots[n2]).ok());
      }
      if (!proof.empty()) {
        std::vector<Sha256Digest> shorter(proof.begin(), proof.end() - 1);
        EXPECT_FALSE(VerifyMerkleConsistency(n1, n2, shorter, roots[n1], roots[n2]).ok());
      }
    }
  }
}

TEST(MerkleTest, ConsistencyRejectsMalformedInputsNamingTheProblem) {
  const std::vector<Sha256Digest> tree = LeafHashes(MakeLeaves(7));
  const Sha256Digest r3 = MerkleRootOf({tree.begin(), tree.begin() + 3});
  const Sha256Digest r7 = MerkleRootOf(tree);
  const std::vector<Sha256Digest> proof = MerkleConsistencyProof(tree, 3);
  ASSERT_EQ(proof.size(), 4u);

  auto message = [](const Status& s) {
    EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
    return s.message();
  };
  EXPECT_EQ(message(VerifyMerkleConsistency(7, 3, proof, r7, r3)),
            "size1 7 is greater than size2 3");
  EXPECT_EQ(message(VerifyMerkleConsistency(0, 3, {}, MerkleEmptyRoot(), r3)),
            "size1 is 0: a consistency proof from the empty tree proves nothing");
  EXPECT_EQ(message(VerifyMerkleConsistency(3, 3, proof, r3, r3)),
            "proof has 4 nodes, equal tree sizes 3 -> 3 needs 0");
  EXPECT_EQ(message(VerifyMerkleConsistency(3, 3, {}, r3, r7)),
            "trees of equal size 3 have different roots " + ToHex(r3) + " and " + ToHex(r7));
  EXPECT_EQ(message(VerifyMerkleConsistency(3, 7, {proof[0], proof[1]}, r3, r7)),
            "proof has 2 nodes, tree sizes 3 -> 7 needs 4");
  const std::string got = message(VerifyMerkleConsistency(3, 7, proof, FlipBit(r3, 0), r7));
  EXPECT_EQ(got.rfind("computed root1 " + ToHex(r3) + ", expected ", 0), 0u) << got;
  EXPECT_EQ(message(VerifyMerkleConsistency(3, 7, proof, r3, FlipBit(r7, 0))),
            "computed root2 " + ToHex(r7) + ", expected " + ToHex(FlipBit(r7, 0)));
}

// ---------------------------------------------------------------------------
// The vectors of spec/vectors/rfc6962/

// Runs every vector file of one kind. `verify` returns the verifier's Status and
// sets *malformed when a field is not 32 bytes; `check_happy` compares a happy
// path with our own proof generator where the tree is known. Collects the names
// of error cases that only a field's length rejects, and of happy paths with a
// field that is not 32 bytes (accepted on their stand-ins).
template <typename Verify, typename CheckHappy>
void RunVectorFiles(const char* kind, size_t want_files, size_t want_happy, Verify verify,
                    CheckHappy check_happy, std::set<std::string>* only_malformed,
                    std::set<std::string>* malformed_but_accepted) {
  const fs::path dir = kVectors / kind;
  size_t files = 0;
  size_t happy = 0;
  for (const fs::path& path : VectorFiles(dir)) {
    ++files;
    const std::string name = fs::relative(path, dir).string();
    SCOPED_TRACE(name);
    const json j = ReadJson(path);
    bool malformed = false;
    const Status s = verify(j, &malformed);
    if (!j.at("wantErr").get<bool>()) {
      ++happy;
      if (malformed) malformed_but_accepted->insert(name);
      EXPECT_TRUE(s.ok()) << s.ToString();
      check_happy(j);
      continue;
    }
    if (malformed && s.ok()) {
      only_malformed->insert(name);
      continue;
    }
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << s.ToString();
    EXPECT_FALSE(s.message().empty());
  }
  // A folder or file that vanished must fail the test, not shrink it.
  EXPECT_EQ(files, want_files);
  EXPECT_EQ(happy, want_happy);
}

TEST(MerkleTest, InclusionVectors) {
  const RootsJson known = ReadRoots();
  size_t compared = 0;
  std::set<std::string> only_malformed;
  std::set<std::string> malformed_but_accepted;
  RunVectorFiles(
      "inclusion", 98, 6,
      [](const json& j, bool* malformed) {
        VectorHashes v;
        const Sha256Digest root = v.Field(j, "root");
        const Sha256Digest leaf = v.Field(j, "leafHash");
        const std::vector<Sha256Digest> proof = v.Proof(j);
        *malformed = v.malformed;
        return VerifyMerkleInclusion(j.at("leafIdx").get<uint64_t>(),
                                     j.at("treeSize").get<uint64_t>(), leaf, proof, root);
      },
      [&](const json& j) {
        // Where the tree is the one of roots.json, our proofs must be the vector's.
        VectorHashes v;
        const uint64_t index = j.at("leafIdx").get<uint64_t>();
        const uint64_t size = j.at("treeSize").get<uint64_t>();
        if (size > known.leaves.size() || v.Field(j, "root") != known.roots[size]) return;
        const std::vector<std::string> leaves(known.leaves.begin(), known.leaves.begin() + size);
        const std::vector<Sha256Digest> tree = LeafHashes(leaves);
        EXPECT_EQ(MerkleInclusionProof(tree, index), v.Proof(j));
        MerkleStreamingProver prover(size, {index});
        for (const Sha256Digest& h : tree) prover.AddLeafHash(h);
        EXPECT_EQ(prover.Proof(0), v.Proof(j));
        EXPECT_EQ(prover.Root(), known.roots[size]);
        ++compared;
      },
      &only_malformed, &malformed_but_accepted);
  EXPECT_EQ(compared, 5u);
  EXPECT_TRUE(malformed_but_accepted.empty());
  // Rejected only because a field is not 32 bytes: a leaf hash and root that are
  // both empty in a tree of one leaf (the stand-ins are then equal).
  EXPECT_EQ(only_malformed, std::set<std::string>{"single-entry/empty-root-and-leaf.json"});
}

TEST(MerkleTest, ConsistencyVectors) {
  const RootsJson known = ReadRoots();
  size_t compared = 0;
  std::set<std::string> only_malformed;
  std::set<std::string> malformed_but_accepted;
  RunVectorFiles(
      "consistency", 98, 6,
      [](const json& j, bool* malformed) {
        VectorHashes v;
        const Sha256Digest root1 = v.Field(j, "root1");
        const Sha256Digest root2 = v.Field(j, "root2");
        const std::vector<Sha256Digest> proof = v.Proof(j);
        *malformed = v.malformed;
        return VerifyMerkleConsistency(j.at("size1").get<uint64_t>(), j.at("size2").get<uint64_t>(),
                                       proof, root1, root2);
      },
      [&](const json& j) {
        VectorHashes v;
        const uint64_t size1 = j.at("size1").get<uint64_t>();
        const uint64_t size2 = j.at("size2").get<uint64_t>();
        if (size2 > known.leaves.size() || v.Field(j, "root2") != known.roots[size2]) return;
        const std::vector<std::string> leaves(known.leaves.begin(), known.leaves.begin() + size2);
        EXPECT_EQ(MerkleConsistencyProof(LeafHashes(leaves), size1), v.Proof(j));
        ++compared;
      },
      &only_malformed, &malformed_but_accepted);
  EXPECT_EQ(compared, 5u);
  EXPECT_TRUE(only_malformed.empty()) << *only_malformed.begin();
  // Its roots are 12 bytes ("don't care 2"): a reader rejects them while decoding,
  // but on stand-ins the case still checks that equal sizes with an empty proof
  // and equal roots verify.
  EXPECT_EQ(malformed_but_accepted,
            std::set<std::string>{"additional/sizes-are-equal-one-and-proof-is-empty.json"});
}

// ---------------------------------------------------------------------------
// MerkleStreamingProver

TEST(MerkleStreamingProverTest, MatchesInclusionProofsUpTo70Leaves) {
  const std::vector<Sha256Digest> hashes = LeafHashes(MakeLeaves(70));
  for (uint64_t n = 1; n <= hashes.size(); ++n) {
    const std::vector<Sha256Digest> tree(hashes.begin(), hashes.begin() + n);
    const Sha256Digest root = MerkleRootOf(tree);
    // One prover per (size, index)...
    for (uint64_t m = 0; m < n; ++m) {
      MerkleStreamingProver prover(n, {m});
      for (const Sha256Digest& h : tree) {
        ASSERT_FALSE(prover.complete());
        prover.AddLeafHash(h);
      }
      ASSERT_TRUE(prover.complete());
      ASSERT_EQ(prover.Proof(0), MerkleInclusionProof(tree, m)) << n << " " << m;
      ASSERT_EQ(prover.Root(), root) << n;
    }
    // ...and one for all indexes at once, in reverse order with a duplicate.
    std::vector<uint64_t> targets;
    for (uint64_t m = n; m-- > 0;) targets.push_back(m);
    targets.push_back(n / 2);
    MerkleStreamingProver all(n, targets);
    for (const Sha256Digest& h : tree) all.AddLeafHash(h);
    ASSERT_EQ(all.targets(), targets);
    for (size_t i = 0; i < targets.size(); ++i) {
      ASSERT_EQ(all.Proof(i), MerkleInclusionProof(tree, targets[i])) << n << " " << targets[i];
    }
    ASSERT_EQ(all.Root(), root);
  }
}

TEST(MerkleStreamingProverTest, EmptyAndOneLeafTrees) {
  MerkleStreamingProver empty(0, {});
  EXPECT_TRUE(empty.complete());
  EXPECT_EQ(empty.Root(), MerkleEmptyRoot());

  MerkleStreamingProver one(1, {0, 0});
  one.AddLeaf("only");
  EXPECT_TRUE(one.complete());
  EXPECT_EQ(one.leaves_added(), 1u);
  EXPECT_TRUE(one.Proof(0).empty());
  EXPECT_TRUE(one.Proof(1).empty());
  EXPECT_EQ(one.Root(), MerkleLeafHash("only"));
}

TEST(MerkleStreamingProverTest, ProvesAFewLeavesOfALargerTree) {
  const uint64_t n = 100003;
  const std::vector<uint64_t> targets = {0, 1, 65535, 65536, 77777, n - 1, 77777};
  MerkleStreamingProver prover(n, targets);
  std::vector<Sha256Digest> tree;
  for (uint64_t i = 0; i < n; ++i) {
    tree.push_back(MerkleLeafHash(std::to_string(i)));
    prover.AddLeafHash(tree.back());
  }
  const Sha256Digest root = MerkleRootOf(tree);
  ASSERT_EQ(prover.Root(), root);
  for (size_t t = 0; t < targets.size(); ++t) {
    const uint64_t m = targets[t];
    const std::vector<Sha256Digest> proof = prover.Proof(t);
    EXPECT_TRUE(VerifyMerkleInclusion(m, n, tree[m], proof, root).ok()) << m;
    if (t % 2 == 0) {
      EXPECT_EQ(proof, MerkleInclusionProof(tree, m)) << m;
    }
  }
}

}  // namespace
}  // namespace dtm
