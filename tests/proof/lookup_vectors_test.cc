// spec/vectors/lookup: a signed manifest with documents (TEST-ONLY key of
// spec/vectors/signing), lookup proofs that answer PRESENT and ABSENT, a source
// list proof, and forged proofs with the check each must fail. The test writes
// the manifest and the proofs again and compares them byte for byte
// (DTM_WRITE_LOOKUP_VECTORS=1 rewrites them after a deliberate change), then
// verifies each with the test key.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>

#include "dtm/lookup.h"
#include "proof/proof_test_util.h"

namespace dtm {
namespace {

using Json = nlohmann::ordered_json;
using signing_test::ReadFileOrDie;
using signing_test::WriteFileOrDie;

const std::string kDir = std::string(DTM_SOURCE_DIR) + "/spec/vectors/";
constexpr int64_t kSignedAt = 1767312000;  // 2026-01-02T00:00:00Z
constexpr const char* kPresentUrl = "https://news.example/2024/10/battery-storage";
constexpr const char* kAbsentUrl = "https://news.example/2024/10/not-published";

bool Writing() { return std::getenv("DTM_WRITE_LOOKUP_VECTORS") != nullptr; }

v1::Record Document(const std::string& path, uint64_t ordinal, const std::string& url,
                    const std::string& text) {
  v1::Record r;
  v1::DocumentEntry* d = r.mutable_document();
  d->set_source_id("news");
  d->set_path(path);
  d->set_ordinal(ordinal);
  d->set_line(ordinal + 1);
  d->set_offset(ordinal * 100);
  d->set_id("n-" + std::to_string(ordinal));
  d->set_url(url);
  const std::string line =
      "{\"id\":\"n-" + std::to_string(ordinal) + "\",\"text\":\"" + text + "\"}";
  d->set_size(line.size());
  d->set_sha256(std::string(AsBytes(Sha256Of(line))));
  d->set_text_sha256(std::string(AsBytes(Sha256Of(text))));
  d->set_text_bytes(text.size());
  d->set_origin(v1::FileEntry::ORIGIN_HASHED);
  return r;
}

void WriteManifest(const std::string& path) {
  auto writer = ManifestWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(
      (*writer)
          ->Add(test::MakeSource("news", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_LICENSED))
          .ok());
  ASSERT_TRUE((*writer)->Add(test::MakeSource("web")).ok());
  ASSERT_TRUE((*writer)->Add(test::MakeFile("news", "news/2024-10.jsonl", 300)).ok());
  const char* urls[] = {"https://news.example/2024/10/harbour-wall", kPresentUrl,
                        "https://news.example/2024/10/school-meals"};
  const char* texts[] = {"The harbour wall is repaired.", "A battery storage site is approved.",
                         "School meals get cheaper."};
  for (uint64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE((*writer)->Add(Document("news/2024-10.jsonl", i, urls[i], texts[i])).ok());
  }
  ASSERT_TRUE((*writer)->Add(test::MakeFile("web", "web/about.html", 40)).ok());
  ASSERT_TRUE((*writer)->Add(test::MakeFile("web", "web/index.html", 50)).ok());
  v1::Header header;
  header.mutable_dataset()->set_name("lookup-vector");
  header.mutable_dataset()->set_version("2026.01");
  header.mutable_publisher()->set_name("Example Org");
  header.mutable_created()->set_seconds(1767225600);
  header.mutable_tool()->set_name("dtm");
  header.mutable_tool()->set_version("vector");
  ASSERT_TRUE((*writer)->Finish(header).ok());
}

ProofQuery Query(ProofQuery::Kind kind, const std::string& value) {
  return proof_test::TextQuery(kind, value);
}

// Leaf `i` of the sorted key tree `leaves` as a neighbour, with its reference path.
std::string Compact(const Json& j) { return j.dump() + "\n"; }

class LookupVectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string manifest = dir_ / "manifest.dtm";
    WriteManifest(manifest);
    ASSERT_FALSE(HasFatalFailure());
    auto key = PrivateKey::FromPem(ReadFileOrDie(kDir + "signing/TEST-ONLY-ed25519.key"));
    ASSERT_TRUE(key.ok());
    auto bundle = SignManifest(manifest, Signer{&*key, {}}, kSignedAt);
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    Expect("lookup/manifest.dtm", ReadFileOrDie(manifest));
    Expect("lookup/manifest.dtm.sigstore.json", *bundle);
    manifest_ = manifest;
    bundle_ = *bundle;
    options_.keys = {
        PublicKey::FromPem(ReadFileOrDie(kDir + "signing/TEST-ONLY-ed25519.pub")).value()};
  }

  // The vector file `name` holds `bytes` (or is rewritten to, when writing).
  void Expect(const std::string& name, const std::string& bytes) {
    if (Writing()) {
      std::filesystem::create_directories(std::filesystem::path(kDir + name).parent_path());
      WriteFileOrDie(kDir + name, bytes);
    }
    EXPECT_EQ(ReadFileOrDie(kDir + name), bytes) << name << " differs; see its README";
  }

  std::string Lookup(const ProofQuery& q) {
    auto p = ProveLookup(manifest_, bundle_, q);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? SerializeProof(*p).value() : "";
  }

  // The check that fails on `text`, or "" when it verifies.
  std::string FailedCheck(const std::string& text) {
    auto v = VerifyProof(text, options_);
    if (!v.ok()) return "proof";  // malformed: the "proof" check
    return v->failed_check;
  }

  std::vector<Sha256Digest> UrlLeaves() {
    std::set<Sha256Digest> keys;
    auto reader = ManifestReader::Open(manifest_);
    v1::Record r;
    while (*(*reader)->Next(&r)) {
      if (r.has_document()) keys.insert(LookupKeyDigest(v1::KeyTree::KIND_URL, r.document().url()));
    }
    return {keys.begin(), keys.end()};
  }

  signing_test::ScratchDir dir_;
  std::string manifest_, bundle_;
  VerifyOptions options_;
};

TEST_F(LookupVectorTest, ProofsAreReproducedAndVerify) {
  ProofQuery text;
  text.kind = ProofQuery::Kind::kText;
  text.digest = Sha256Of("A harbour wall nobody built.");
  const std::pair<std::string, std::string> proofs[] = {
      {"lookup/present-url.json", Lookup(Query(ProofQuery::Kind::kUrl, kPresentUrl))},
      {"lookup/absent-url.json", Lookup(Query(ProofQuery::Kind::kUrl, kAbsentUrl))},
      {"lookup/absent-text.json", Lookup(text)},
      {"lookup/sources.json", SerializeProof(ProveSources(manifest_, bundle_).value()).value()},
  };
  for (const auto& [name, text_of] : proofs) {
    Expect(name, text_of);
    EXPECT_EQ(FailedCheck(text_of), "") << name;
  }
  auto present = VerifyProof(proofs[0].second, options_).value();
  EXPECT_FALSE(present.proof.absent());
  ASSERT_EQ(present.records.size(), 2u);
  EXPECT_EQ(present.records[1].document().url(), kPresentUrl);
  auto absent = VerifyProof(proofs[1].second, options_).value();
  ASSERT_TRUE(absent.proof.absent());
  EXPECT_EQ(absent.proof.absence->key_tree_size, 3u);
}

TEST_F(LookupVectorTest, ForgedProofsFailTheCheckTheReadmeNames) {
  const std::string absent = Lookup(Query(ProofQuery::Kind::kUrl, kAbsentUrl));
  const std::string sources = SerializeProof(ProveSources(manifest_, bundle_).value()).value();
  const std::vector<Sha256Digest> leaves = UrlLeaves();
  ASSERT_EQ(leaves.size(), 3u);
  const Sha256Digest present = LookupKeyDigest(v1::KeyTree::KIND_URL, kPresentUrl);
  const uint64_t j = std::find(leaves.begin(), leaves.end(), present) - leaves.begin();
  // Claims ABSENT for the present URL: the key digest is right, the neighbours are not.
  auto claim_present_absent = [&](const std::function<void(Json&)>& neighbours) {
    Json p = Json::parse(absent);
    p["query"]["url"] = kPresentUrl;
    p["absence"]["keyDigest"] = ToHex(present);
    neighbours(p["absence"]["neighbours"]);
    return Compact(p);
  };
  struct Forged {
    std::string name, check, text;
  };
  const std::vector<Forged> forged = {
      {"forged-skipped-neighbour.json", "neighbours", claim_present_absent([&](Json& n) {
         n = Json::array();
         if (j > 0) n.push_back(proof_test::KeyNeighbourJson(leaves, j - 1));
         if (j + 1 < leaves.size()) n.push_back(proof_test::KeyNeighbourJson(leaves, j + 1));
       })},
      {"forged-key-as-neighbour.json", "neighbours", claim_present_absent([&](Json& n) {
         n = Json::array({proof_test::KeyNeighbourJson(leaves, j)});
       })},
      {"forged-other-tree-size.json", "key-tree",
       [&] {
         Json p = Json::parse(absent);
         p["absence"]["keyTreeSize"] = "4";
         return Compact(p);
       }()},
      {"forged-wrong-order.json", "proof",
       [&] {
         Json p = Json::parse(absent);
         auto& n = p["absence"]["neighbours"];
         if (n.size() == 2)
           std::swap(n[0], n[1]);
         else
           n.push_back(n[0]);
         return Compact(p);
       }()},
      {"forged-audit-path.json", "key-inclusion",
       [&] {
         Json p = Json::parse(absent);
         p["absence"]["neighbours"][0]["auditPath"][0] = std::string(64, '0');
         return Compact(p);
       }()},
      {"forged-source-missing.json", "complete",
       [&] {
         Json p = Json::parse(sources);
         p["sources"].erase(1);
         return Compact(p);
       }()},
      {"forged-withheld-node.json", "withheld",
       [&] {
         Json p = Json::parse(sources);
         p["withheld"][0] = std::string(64, 'f');
         return Compact(p);
       }()},
  };
  for (const Forged& f : forged) {
    Expect("lookup/" + f.name, f.text);
    EXPECT_EQ(FailedCheck(f.text), f.check) << f.name;
  }
}

}  // namespace
}  // namespace dtm
