// Computing the key trees of a manifest from its records (spec/proof.md, "Key
// trees"), with memory that does not grow with the number of keys: the key
// digests of each kind are sorted externally.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/digest.h"
#include "dtm/lookup.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"
#include "sort/external_sort.h"

namespace dtm::internal {

// Calls on_key(kind, key) for each lookup key of `record`: a file gives its
// content digest and its path; a document its URL and text digest (where set)
// and its content digest; a source gives none.
template <typename OnKey>
void ForEachLookupKey(const v1::Record& record, OnKey&& on_key) {
  if (record.has_file()) {
    on_key(v1::KeyTree::KIND_CONTENT, std::string_view(record.file().sha256()));
    on_key(v1::KeyTree::KIND_PATH, std::string_view(record.file().path()));
  } else if (record.has_document()) {
    const v1::DocumentEntry& d = record.document();
    if (!d.url().empty()) on_key(v1::KeyTree::KIND_URL, std::string_view(d.url()));
    if (!d.text_sha256().empty()) on_key(v1::KeyTree::KIND_TEXT, std::string_view(d.text_sha256()));
    on_key(v1::KeyTree::KIND_CONTENT, std::string_view(d.sha256()));
  }
}

// The distinct key digests of one kind in ascending order: Add them in any
// order, with repeats; Finish; then Next yields each once.
class SortedKeyDigests {
 public:
  SortedKeyDigests(std::string scratch_folder, size_t memory_bytes);
  Status Add(const Sha256Digest& digest) { return sorter_.Add(digest.data()); }
  Status Finish() { return sorter_.Finish(); }
  // The next distinct digest, or false after the last.
  StatusOr<bool> Next(Sha256Digest* digest);

 private:
  ExternalSorter sorter_;
  Sha256Digest last_{};
  bool started_ = false;
};

// The four key trees of a sequence of records.
class KeyTreeBuilder {
 public:
  // Scratch files go to `scratch_folder`; each kind holds at most
  // `memory_bytes_per_kind` of digests in memory.
  explicit KeyTreeBuilder(const std::string& scratch_folder,
                          size_t memory_bytes_per_kind = 32u << 20);
  Status Add(const v1::Record& record);
  // The trees in the order of kKeyKinds. May be called once.
  StatusOr<std::vector<v1::KeyTree>> Finish();

 private:
  std::vector<std::unique_ptr<SortedKeyDigests>> sorted_;  // by kind - 1
  Sha256 hasher_;
};

// kCorruption naming `path` and the first field of header.key_trees that
// differs from `computed` (a header without key trees passes).
Status CompareKeyTrees(const std::string& path, const v1::Header& header,
                       const std::vector<v1::KeyTree>& computed);

}  // namespace dtm::internal
