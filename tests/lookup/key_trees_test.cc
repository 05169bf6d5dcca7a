// Key digests and key trees (spec/proof.md, "Key trees") against the vectors of
// spec/vectors/lookup/keys.json, written with Python's hashlib.
#include "lookup/key_trees.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "base/posix_file.h"
#include "dtm/merkle.h"
#include "merkle/reference.h"
#include "testing/hex.h"
#include "testing/test_records.h"

namespace dtm {
namespace {

nlohmann::json Vectors() {
  std::ifstream in(std::string(DTM_SOURCE_DIR) + "/spec/vectors/lookup/keys.json");
  return nlohmann::json::parse(in);
}

KeyKind KindNamed(const std::string& name) {
  for (KeyKind kind : kKeyKinds) {
    if (KeyKindName(kind) == name) return kind;
  }
  ADD_FAILURE() << "no kind " << name;
  return v1::KeyTree::KIND_UNSPECIFIED;
}

using test::FromHex;

TEST(KeyDigestTest, MatchesTheVectors) {
  const nlohmann::json v = Vectors();
  ASSERT_GE(v["digests"].size(), 6u);
  for (const auto& d : v["digests"]) {
    const std::string key =
        d.contains("key") ? d["key"].get<std::string>() : FromHex(d["key_hex"].get<std::string>());
    EXPECT_EQ(ToHex(LookupKeyDigest(KindNamed(d["kind"]), key)), d["digest"]) << d["note"];
  }
}

TEST(KeyTreeTest, PathTreeOfTheVectorsHasDistinctSortedLeaves) {
  const nlohmann::json tree = Vectors()["tree"];
  internal::KeyTreeBuilder builder(internal::TemporaryFolder());
  ASSERT_TRUE(builder.Add(test::MakeSource("s")).ok());
  for (const auto& path : tree["keys"]) {
    ASSERT_TRUE(builder.Add(test::MakeFile("s", path.get<std::string>())).ok());
  }
  auto trees = builder.Finish();
  ASSERT_TRUE(trees.ok()) << trees.status().ToString();
  ASSERT_EQ(trees->size(), 4u);
  const v1::KeyTree& path = (*trees)[3];
  EXPECT_EQ(path.kind(), v1::KeyTree::KIND_PATH);
  EXPECT_EQ(path.size(), tree["size"].get<uint64_t>());
  EXPECT_EQ(ToHex(path.root()), tree["root"]);
  // No document: the URL and text trees are empty, the content tree has the files' digests.
  EXPECT_EQ((*trees)[0].size(), 0u);
  EXPECT_EQ(ToHex((*trees)[0].root()), ToHex(MerkleEmptyRoot()));
  EXPECT_EQ((*trees)[2].size(), 4u);
}

// Records whose keys repeat, in numbers that make the sorter spill runs to disk.
std::vector<v1::Record> ManyRecords() {
  std::vector<v1::Record> records{test::MakeSource("s")};
  for (int f = 0; f < 300; ++f) {
    records.push_back(test::MakeFile("s", "f" + std::to_string(f)));
    for (int d = 0; d < 30; ++d) {
      v1::Record doc = test::MakeDocument("s", "f" + std::to_string(f), d);
      doc.mutable_document()->set_url("https://e.example/" + std::to_string((f * 30 + d) % 4000));
      if (d % 3 == 0) doc.mutable_document()->clear_text_sha256();
      records.push_back(doc);
    }
  }
  return records;
}

TEST(KeyTreeTest, SpilledRunsGiveTheReferenceRoots) {
  const std::vector<v1::Record> records = ManyRecords();
  internal::KeyTreeBuilder small(internal::TemporaryFolder(), 4096);  // 128 digests a run
  for (const v1::Record& r : records) ASSERT_TRUE(small.Add(r).ok());
  auto trees = small.Finish();
  ASSERT_TRUE(trees.ok()) << trees.status().ToString();
  for (KeyKind kind : kKeyKinds) {
    std::set<std::string> distinct;
    for (const v1::Record& r : records) {
      internal::ForEachLookupKey(r, [&](KeyKind k, std::string_view key) {
        if (k != kind) return;
        const Sha256Digest d = LookupKeyDigest(k, key);
        distinct.insert(std::string(d.begin(), d.end()));
      });
    }
    std::vector<Sha256Digest> leaf_hashes;  // of the sorted digests
    for (const std::string& d : distinct) leaf_hashes.push_back(MerkleLeafHash(d));
    const v1::KeyTree& tree = (*trees)[kind - 1];
    EXPECT_EQ(tree.size(), leaf_hashes.size()) << KeyKindName(kind);
    const Sha256Digest root = internal::MerkleRootOf(leaf_hashes);
    EXPECT_EQ(ToHex(tree.root()), ToHex(root)) << KeyKindName(kind);
  }
  EXPECT_EQ((*trees)[0].size(), 4000u);  // URLs repeat
  EXPECT_EQ((*trees)[1].size(), 19u);    // text digests repeat (and a third are absent)
}

TEST(KeyTreeTest, ComparingNamesTheFirstFieldThatDiffers) {
  internal::KeyTreeBuilder builder(internal::TemporaryFolder());
  ASSERT_TRUE(builder.Add(test::MakeFile("s", "a")).ok());
  auto trees = builder.Finish();
  ASSERT_TRUE(trees.ok());
  v1::Header header;
  EXPECT_TRUE(internal::CompareKeyTrees("m.dtm", header, *trees).ok());  // no key trees
  for (const v1::KeyTree& t : *trees) *header.add_key_trees() = t;
  EXPECT_TRUE(internal::CompareKeyTrees("m.dtm", header, *trees).ok());
  v1::Header bad = header;
  bad.mutable_key_trees(1)->set_kind(v1::KeyTree::KIND_PATH);
  EXPECT_EQ(internal::CompareKeyTrees("m.dtm", bad, *trees).message(),
            "m.dtm: header.key_trees[1].kind is 4 but must be 2 (text)");
  bad = header;
  bad.mutable_key_trees(3)->set_size(2);
  EXPECT_EQ(internal::CompareKeyTrees("m.dtm", bad, *trees).message(),
            "m.dtm: header.key_trees[3].size (path) is 2 but the records give 1");
  bad = header;
  bad.mutable_key_trees()->RemoveLast();
  EXPECT_EQ(internal::CompareKeyTrees("m.dtm", bad, *trees).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace dtm
