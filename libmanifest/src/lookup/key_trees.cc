#include "lookup/key_trees.h"

#include <cstring>

#include "dtm/format.h"
#include "dtm/merkle.h"

namespace dtm {

std::string_view KeyKindName(KeyKind kind) {
  switch (kind) {
    case v1::KeyTree::KIND_URL:
      return "url";
    case v1::KeyTree::KIND_TEXT:
      return "text";
    case v1::KeyTree::KIND_CONTENT:
      return "content";
    case v1::KeyTree::KIND_PATH:
      return "path";
    default:
      return "";
  }
}

namespace {
void HashKey(Sha256& hasher, KeyKind kind, std::string_view key) {
  static constexpr std::string_view kPrefix = "dtm:key:";
  hasher.Update(kPrefix);
  hasher.Update(KeyKindName(kind));
  hasher.Update("\0", 1);
  hasher.Update(key);
}
}  // namespace

Sha256Digest LookupKeyDigest(KeyKind kind, std::string_view key) {
  Sha256 hasher;
  HashKey(hasher, kind, key);
  return hasher.Finish();
}

namespace internal {

SortedKeyDigests::SortedKeyDigests(std::string scratch_folder, size_t memory_bytes)
    : sorter_(sizeof(Sha256Digest), sizeof(Sha256Digest), std::move(scratch_folder), memory_bytes) {
}

StatusOr<bool> SortedKeyDigests::Next(Sha256Digest* digest) {
  while (true) {
    DTM_ASSIGN_OR_RETURN(bool more, sorter_.Next(digest->data()));
    if (!more) return false;
    if (started_ && *digest == last_) continue;
    started_ = true;
    last_ = *digest;
    return true;
  }
}

KeyTreeBuilder::KeyTreeBuilder(const std::string& scratch_folder, size_t memory_bytes_per_kind) {
  for (size_t i = 0; i < std::size(kKeyKinds); ++i) {
    sorted_.push_back(std::make_unique<SortedKeyDigests>(scratch_folder, memory_bytes_per_kind));
  }
}

Status KeyTreeBuilder::Add(const v1::Record& record) {
  Status status = Status::Ok();
  ForEachLookupKey(record, [&](KeyKind kind, std::string_view key) {
    if (!status.ok()) return;
    HashKey(hasher_, kind, key);
    status = sorted_[kind - 1]->Add(hasher_.Finish());
  });
  return status;
}

StatusOr<std::vector<v1::KeyTree>> KeyTreeBuilder::Finish() {
  std::vector<v1::KeyTree> trees;
  for (KeyKind kind : kKeyKinds) {
    SortedKeyDigests& sorted = *sorted_[kind - 1];
    DTM_RETURN_IF_ERROR(sorted.Finish());
    MerkleRootBuilder root;
    Sha256Digest digest;
    while (true) {
      DTM_ASSIGN_OR_RETURN(bool more, sorted.Next(&digest));
      if (!more) break;
      root.AddLeaf(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
    }
    v1::KeyTree& tree = trees.emplace_back();
    tree.set_kind(kind);
    tree.set_size(root.size());
    const Sha256Digest r = root.Root();
    tree.set_root(reinterpret_cast<const char*>(r.data()), r.size());
  }
  sorted_.clear();
  return trees;
}

Status CompareKeyTrees(const std::string& path, const v1::Header& header,
                       const std::vector<v1::KeyTree>& computed) {
  if (header.key_trees_size() == 0) return Status::Ok();
  if (static_cast<size_t>(header.key_trees_size()) != computed.size()) {
    return Status::Corruption(
        path, "header.key_trees has " + std::to_string(header.key_trees_size()) +
                  " trees; a manifest has none or " + std::to_string(computed.size()));
  }
  for (size_t i = 0; i < computed.size(); ++i) {
    const v1::KeyTree& stated = header.key_trees(static_cast<int>(i));
    const v1::KeyTree& mine = computed[i];
    const std::string field = "header.key_trees[" + std::to_string(i) + "]";
    if (stated.kind() != mine.kind()) {
      return Status::Corruption(path, field + ".kind is " + std::to_string(stated.kind()) +
                                          " but must be " + std::to_string(mine.kind()) + " (" +
                                          std::string(KeyKindName(mine.kind())) + ")");
    }
    const std::string name = " (" + std::string(KeyKindName(mine.kind())) + ")";
    if (stated.size() != mine.size()) {
      return Status::Corruption(path, field + ".size" + name + " is " +
                                          std::to_string(stated.size()) + " but the records give " +
                                          std::to_string(mine.size()));
    }
    if (stated.root() != mine.root()) {
      return Status::Corruption(path, field + ".root" + name + " is " + ToHex(stated.root()) +
                                          " but the records give " + ToHex(mine.root()));
    }
  }
  return Status::Ok();
}

}  // namespace internal
}  // namespace dtm
