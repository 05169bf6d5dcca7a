// Lookup proofs (spec/proof.md, "Lookup proofs") and source list proofs: both
// answers for each kind of query on a manifest with documents, and forged
// absence proofs (a skipped neighbour, a wrong order, another tree size, the
// key itself as a neighbour) that must be rejected by the check the spec names.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "dtm/lookup.h"
#include "proof/proof_test_util.h"

namespace dtm {
namespace {

using proof_test::EditProof;
using proof_test::LabKey;

constexpr const char* kUrl = "https://news.example/2024/a";

// Sources news and web; news/a.jsonl with two documents (one with kUrl), and
// web/p.html with no document.
void WriteManifest(const std::string& path) {
  auto writer = ManifestWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(
      (*writer)
          ->Add(test::MakeSource("news", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_LICENSED))
          .ok());
  ASSERT_TRUE((*writer)->Add(test::MakeSource("web")).ok());
  ASSERT_TRUE((*writer)->Add(test::MakeFile("news", "news/a.jsonl", 400)).ok());
  for (uint64_t i = 0; i < 2; ++i) {
    v1::Record doc = test::MakeDocument("news", "news/a.jsonl", i);
    doc.mutable_document()->set_url(i == 0 ? kUrl : "https://news.example/2024/b");
    ASSERT_TRUE((*writer)->Add(doc).ok());
  }
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE((*writer)->Add(test::MakeFile("web", "p/" + std::to_string(i) + ".html")).ok());
  }
  v1::Header header;
  header.mutable_dataset()->set_name("lookup-test");
  header.mutable_dataset()->set_version("1");
  header.mutable_publisher()->set_name("Lab");
  auto written = (*writer)->Finish(header);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
}

ProofQuery Url(const std::string& url) {
  return proof_test::TextQuery(ProofQuery::Kind::kUrl, url);
}

class LookupTest : public proof_test::ProofFixture {
 protected:
  void SetUp() override {
    manifest_ = dir_ / "docs.dtm";
    WriteManifest(manifest_);
    ASSERT_FALSE(HasFatalFailure());
    bundle_ = Sign(manifest_);
  }

  std::string Lookup(const ProofQuery& query) {
    auto proof = ProveLookup(manifest_, bundle_, query);
    EXPECT_TRUE(proof.ok()) << proof.status().ToString();
    if (!proof.ok()) return "";
    auto text = SerializeProof(*proof);
    EXPECT_TRUE(text.ok());
    return text.ok() ? *text : "";
  }

  // The sorted distinct URL key digests of the manifest, and their leaf hashes.
  std::vector<Sha256Digest> UrlLeaves() {
    auto reader = ManifestReader::Open(manifest_);
    std::set<Sha256Digest> keys;
    v1::Record r;
    while (*(*reader)->Next(&r)) {
      if (r.has_document() && !r.document().url().empty()) {
        keys.insert(LookupKeyDigest(v1::KeyTree::KIND_URL, r.document().url()));
      }
    }
    return std::vector<Sha256Digest>(keys.begin(), keys.end());
  }
};

TEST_F(LookupTest, EachKindIsAnsweredBothWays) {
  struct Case {
    ProofQuery present, absent;
  };
  ProofQuery text_present, text_absent, digest_doc, digest_absent;
  text_present.kind = text_absent.kind = ProofQuery::Kind::kText;
  std::fill(text_present.digest.begin(), text_present.digest.end(), 'A');  // MakeDocument(0)
  std::fill(text_absent.digest.begin(), text_absent.digest.end(), 'Z');
  digest_doc.kind = digest_absent.kind = ProofQuery::Kind::kDigest;
  std::fill(digest_doc.digest.begin(), digest_doc.digest.end(), 'b');  // MakeDocument(1)
  std::fill(digest_absent.digest.begin(), digest_absent.digest.end(), 7);
  const Case cases[] = {
      {Url(kUrl), Url("https://news.example/2024/zzz")},
      {text_present, text_absent},
      {digest_doc, digest_absent},
      {proof_test::TextQuery(ProofQuery::Kind::kPath, "p/3.html"),
       proof_test::TextQuery(ProofQuery::Kind::kPath, "p/9.html")},
  };
  for (const Case& c : cases) {
    ProofVerification present = Verify(Lookup(c.present));
    ASSERT_TRUE(present.verified())
        << DescribeQuery(c.present) << ": " << present.status.ToString();
    EXPECT_FALSE(present.proof.absent());
    EXPECT_GE(present.records.size(), 2u);  // the entry and its source
    ProofVerification absent = Verify(Lookup(c.absent));
    ASSERT_TRUE(absent.verified()) << DescribeQuery(c.absent) << ": " << absent.status.ToString();
    ASSERT_TRUE(absent.proof.absent());
    EXPECT_TRUE(absent.records.empty());
    EXPECT_FALSE(absent.proof.absence->neighbours.empty());
  }
}

TEST_F(LookupTest, ForgedAbsenceOfAPresentUrlIsRejected) {
  // Start from a valid absence proof and make it claim the present URL.
  const std::string valid = Lookup(Url("https://news.example/2024/zzz"));
  const std::vector<Sha256Digest> leaves = UrlLeaves();
  ASSERT_EQ(leaves.size(), 2u);
  const Sha256Digest d = LookupKeyDigest(v1::KeyTree::KIND_URL, kUrl);
  const size_t at = std::find(leaves.begin(), leaves.end(), d) - leaves.begin();
  ASSERT_LT(at, leaves.size());
  auto forge = [&](auto edit) {
    return EditProof(valid, [&](nlohmann::ordered_json& p) {
      p["query"]["url"] = kUrl;
      p["absence"]["keyDigest"] = ToHex(d);
      edit(p["absence"]);
    });
  };
  // The key digest left unchanged: the verifier computes it itself.
  ExpectFails(EditProof(valid, [&](nlohmann::ordered_json& p) { p["query"]["url"] = kUrl; }),
              "key-digest", "keyDigest is");
  // The key itself as the neighbour.
  ExpectFails(forge([&](nlohmann::ordered_json& a) {
                a["neighbours"] = {proof_test::KeyNeighbourJson(leaves, at)};
              }),
              "neighbours", "is the key itself");
  // The other leaf alone, as if the key were beyond the end of the tree.
  const size_t other = 1 - at;
  ExpectFails(forge([&](nlohmann::ordered_json& a) {
                a["neighbours"] = {proof_test::KeyNeighbourJson(leaves, other)};
              }),
              "neighbours", "do not enclose");
  // A proof against a tree of another size.
  ExpectFails(forge([&](nlohmann::ordered_json& a) { a["keyTreeSize"] = "3"; }), "key-tree",
              "the proof's url tree has 3 leaves");
}

TEST_F(LookupTest, ForgedNeighboursOfAnAbsentKeyAreRejected) {
  // A path between two leaves of the path tree (p/0 ... p/5 and news/a.jsonl).
  std::string valid;
  for (int i = 0; i < 100 && valid.empty(); ++i) {
    const std::string text =
        Lookup(proof_test::TextQuery(ProofQuery::Kind::kPath, "q/" + std::to_string(i)));
    if (Verify(text).proof.absence->neighbours.size() == 2) valid = text;
  }
  ASSERT_FALSE(valid.empty());
  ProofVerification ok = Verify(valid);
  ASSERT_TRUE(ok.verified()) << ok.status.ToString();
  const auto& nb = ok.proof.absence->neighbours;
  ASSERT_EQ(nb.size(), 2u);
  // Neighbours swapped (wrong order): refused when parsed.
  auto swapped = EditProof(valid, [](nlohmann::ordered_json& p) {
    std::swap(p["absence"]["neighbours"][0], p["absence"]["neighbours"][1]);
  });
  EXPECT_EQ(VerifyProof(swapped, {}).status().code(), StatusCode::kCorruption);
  // A leaf skipped: i and i + 2 with a real path each.
  std::vector<Sha256Digest> leaves;
  {
    auto reader = ManifestReader::Open(manifest_);
    std::set<Sha256Digest> keys;
    v1::Record r;
    while (*(*reader)->Next(&r)) {
      if (r.has_file()) keys.insert(LookupKeyDigest(v1::KeyTree::KIND_PATH, r.file().path()));
    }
    leaves.assign(keys.begin(), keys.end());
  }
  const uint64_t i = nb[0].leaf_index;
  if (i + 2 < leaves.size()) {
    ExpectFails(EditProof(valid,
                          [&](nlohmann::ordered_json& p) {
                            p["absence"]["neighbours"][1] =
                                proof_test::KeyNeighbourJson(leaves, i + 2);
                          }),
                "neighbours", "do not enclose");
  }
  if (i >= 1) {
    ExpectFails(EditProof(valid,
                          [&](nlohmann::ordered_json& p) {
                            p["absence"]["neighbours"][0] =
                                proof_test::KeyNeighbourJson(leaves, i - 1);
                          }),
                "neighbours", "do not enclose");
  }
  // A neighbour whose path does not lead to the root.
  ExpectFails(EditProof(valid,
                        [](nlohmann::ordered_json& p) {
                          auto& path = p["absence"]["neighbours"][0]["auditPath"];
                          path[0] = std::string(64, '0');
                        }),
              "key-inclusion", "neighbour leaf");
  // An absent answer that holds entries, or a present one with an absence.
  EXPECT_EQ(
      VerifyProof(EditProof(valid, [](nlohmann::ordered_json& p) { p["answer"] = "present"; }), {})
          .status()
          .code(),
      StatusCode::kCorruption);
}

TEST_F(LookupTest, AManifestWithoutKeyTreesCannotProveAbsence) {
  // The signing vector was written before key trees: presence works, absence cannot be proven
  // by the prover, and an absence proof against its signed header fails "key-tree".
  const std::string dir = std::string(DTM_SOURCE_DIR) + "/spec/vectors/signing/";
  const std::string old_bundle = signing_test::ReadFileOrDie(dir + "manifest.dtm.sigstore.json");
  auto absent = ProveLookup(dir + "manifest.dtm", old_bundle,
                            proof_test::TextQuery(ProofQuery::Kind::kPath, "no/such/path"));
  EXPECT_EQ(absent.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(absent.status().message().find("has no key trees"), std::string::npos)
      << absent.status().ToString();
  auto present = ProveLookup(dir + "manifest.dtm", old_bundle,
                             proof_test::TextQuery(ProofQuery::Kind::kPath, "books/alice.txt"));
  ASSERT_TRUE(present.ok()) << present.status().ToString();
  // An absence proof of ours with the old bundle, tree size and root.
  const std::string forged =
      EditProof(Lookup(Url("https://news.example/none")), [&](nlohmann::ordered_json& p) {
        p["treeSize"] = std::to_string(present->tree_size);
        p["merkleRoot"] = ToHex(present->merkle_root);
        p["bundle"] = nlohmann::ordered_json::parse(old_bundle);
      });
  VerifyOptions options;
  options.keys = {
      PublicKey::FromPem(signing_test::ReadFileOrDie(dir + "TEST-ONLY-ed25519.pub")).value()};
  auto v = VerifyProof(forged, options);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->failed_check, "key-tree") << v->status.ToString();
}

TEST_F(LookupTest, SourceListIsCompleteAndForgeriesFail) {
  auto proof = ProveSources(manifest_, bundle_);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_EQ(proof->entries.size(), 2u);
  const std::string text = SerializeProof(*proof).value();
  ProofVerification v = Verify(text);
  ASSERT_TRUE(v.verified()) << v.status.ToString();
  ExpectFails(EditProof(text, [](nlohmann::ordered_json& p) { p["sources"].erase(1); }), "complete",
              "holds 1 sources");
  ExpectFails(
      EditProof(text, [](nlohmann::ordered_json& p) { p["withheld"][0] = std::string(64, 'f'); }),
      "withheld", "give the root");
  ExpectFails(EditProof(text, [](nlohmann::ordered_json& p) { p["withheld"].erase(0); }),
              "withheld", "withheld nodes do not make a tree");
  ExpectFails(
      EditProof(text,
                [](nlohmann::ordered_json& p) { std::swap(p["sources"][0], p["sources"][1]); }),
      "record", "is not after");
}

}  // namespace
}  // namespace dtm
