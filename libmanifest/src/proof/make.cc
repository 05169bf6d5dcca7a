// ProveInclusion and ProveLookup: two passes over a manifest. The first finds
// the leaf indexes of the matching records, the second computes their audit
// paths with a MerkleStreamingProver and checks the Merkle root against the
// header. An absence takes the integrity check and a pass over the keys.
// ProveSources: one pass.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "attestation/format.h"
#include "base/posix_file.h"
#include "dtm/merkle.h"
#include "dtm/proof.h"
#include "dtm/records.h"
#include "lookup/key_trees.h"
#include "lookup/neighbours.h"
#include "proof/format.h"

namespace dtm {
namespace {

// What the first pass found.
struct Matches {
  std::vector<uint64_t> targets;  // leaf indexes, sorted, distinct
  std::string header_bytes;       // to notice a file replaced between the passes
};

Status RecordError(const std::string& path, uint64_t index, const std::string& what) {
  return Status::Corruption(path + ": record " + std::to_string(index), what);
}

StatusOr<v1::Record> Decode(const std::string& path, uint64_t index, std::string_view bytes) {
  v1::Record record;
  if (Status decoded = DecodeCanonical(bytes, &record); !decoded.ok()) {
    return RecordError(path, index, decoded.message());
  }
  return record;
}

// The first pass. Sources come first in canonical order and are few: every one
// is decoded and its id kept (sorted, checked), so that a matching file's source
// is found by its id. File records are decoded only when their bytes contain the
// digest or path asked for, which a matching record must.
// True when `record` (not a source) is one the proof of `type` asks for.
bool EntryMatches(Proof::Type type, const v1::Record& record, const ProofQuery& query) {
  if (type == Proof::Type::kLookup) return LookupMatches(record, query);
  return record.has_file() && internal::FileMatches(record.file(), query);
}

// The Source.id of a file or document entry.
const std::string& SourceIdOf(const v1::Record& record) {
  return record.has_file() ? record.file().source_id() : record.document().source_id();
}

StatusOr<Matches> FindMatches(const std::string& path, Proof::Type type, const ProofQuery& query,
                              const ProveOptions& options) {
  DTM_ASSIGN_OR_RETURN(std::unique_ptr<ManifestReader> reader,
                       ManifestReader::Open(path, options.limits));
  Matches found;
  found.header_bytes = std::string(reader->header_bytes());
  const std::string needle = QueryKey(query);
  std::vector<std::string> source_ids;  // leaf i is the Source source_ids[i]
  std::vector<uint64_t> files;
  std::vector<std::string> wanted_sources;
  bool in_sources = true;
  std::string_view bytes;
  for (uint64_t index = 0;; ++index) {
    DTM_ASSIGN_OR_RETURN(bool more, reader->Next(&bytes));
    if (!more) break;
    if (!in_sources && bytes.find(needle) == std::string_view::npos) continue;
    DTM_ASSIGN_OR_RETURN(v1::Record record, Decode(path, index, bytes));
    if (record.has_source()) {
      if (!in_sources) return RecordError(path, index, "a source after the file entries");
      const std::string& id = record.source().id();
      if (!source_ids.empty() && id <= source_ids.back()) {
        return RecordError(path, index, "source \"" + id + "\" is out of canonical order");
      }
      source_ids.push_back(id);
      if (query.kind == ProofQuery::Kind::kSource && id == query.value) {
        found.targets.push_back(index);
      }
      continue;
    }
    in_sources = false;
    // Only sources can match a source query, and the sources are behind us.
    if (query.kind == ProofQuery::Kind::kSource) break;
    if (!EntryMatches(type, record, query)) continue;
    if (files.size() + wanted_sources.size() >= options.max_entries) {
      return Status::LimitExceeded(path, "more than " + std::to_string(options.max_entries) +
                                             " records match " + DescribeQuery(query));
    }
    files.push_back(index);
    if (wanted_sources.empty() || wanted_sources.back() != SourceIdOf(record)) {
      wanted_sources.push_back(SourceIdOf(record));
    }
  }
  for (const std::string& id : wanted_sources) {
    auto it = std::lower_bound(source_ids.begin(), source_ids.end(), id);
    if (it == source_ids.end() || *it != id) {
      return Status::Corruption(
          path, "file entries name the source \"" + id + "\", which the manifest does not have");
    }
    found.targets.push_back(static_cast<uint64_t>(it - source_ids.begin()));
  }
  found.targets.insert(found.targets.end(), files.begin(), files.end());
  std::sort(found.targets.begin(), found.targets.end());
  found.targets.erase(std::unique(found.targets.begin(), found.targets.end()), found.targets.end());
  return found;
}

// The bundle parses and its statement describes this manifest's header (the
// rest, the file digest, is compared once the second pass has read the file).
StatusOr<internal::Statement> ReadBundle(std::string_view bundle_json) {
  auto bundle = internal::ParseBundle(bundle_json);
  if (!bundle.ok()) return Status::InvalidArgument(bundle.status().message()).WithContext("bundle");
  auto statement = internal::ParseStatement(bundle->envelope.payload);
  if (!statement.ok()) {
    return Status::InvalidArgument(statement.status().message()).WithContext("bundle");
  }
  return std::move(statement).value();
}

// True when `record` is one the query asked for, or the source of one.
bool IsWanted(Proof::Type type, const v1::Record& record, const ProofQuery& query) {
  if (!record.has_source()) return EntryMatches(type, record, query);
  return query.kind != ProofQuery::Kind::kSource || record.source().id() == query.value;
}

Status CheckIsBundleOf(const internal::Statement& statement, const ManifestIntegrity& integrity,
                       const std::string& manifest_path) {
  if (auto failure = internal::CompareStatement(statement, integrity)) {
    return Status::InvalidArgument("bundle: not the bundle of " + manifest_path,
                                   failure->check + ": " + failure->status.message());
  }
  return Status::Ok();
}

// After a full pass: the records' root is the header's and the bundle signs
// this manifest (the root, header and file digest).
Status CheckPass(const std::string& manifest_path, const v1::Header& header, uint64_t records,
                 const Sha256Digest& root, const Sha256Digest& file_sha256,
                 const internal::Statement& statement) {
  const uint64_t tree_size = header.record_count();
  if (records != tree_size) {
    return Status::Corruption(manifest_path, "the header's record_count " +
                                                 std::to_string(tree_size) + " is more than the " +
                                                 std::to_string(records) + " records");
  }
  ManifestIntegrity integrity;
  integrity.header = header;
  integrity.merkle_root = root;
  integrity.file_sha256 = file_sha256;
  integrity.records = tree_size;
  if (AsBytes(root) != header.merkle_root()) {
    return Status::Corruption(manifest_path, "the Merkle root of the records is " + ToHex(root) +
                                                 ", the header's is " +
                                                 ToHex(header.merkle_root()));
  }
  return CheckIsBundleOf(statement, integrity, manifest_path);
}

// The proof of `type` (kInclusion or kLookup) of the records matching `query`,
// with no entries when none does (tree_size and merkle_root then unset, and
// the manifest checked whole, so that "none" is said of an intact manifest that
// the bundle signs). `integrity_out` gets that check's result.
StatusOr<Proof> ProveMatches(const std::string& manifest_path, std::string_view bundle_json,
                             Proof::Type type, const ProofQuery& query, const ProveOptions& options,
                             ManifestIntegrity* integrity_out) {
  DTM_ASSIGN_OR_RETURN(internal::Statement statement, ReadBundle(bundle_json));
  DTM_ASSIGN_OR_RETURN(Matches found, FindMatches(manifest_path, type, query, options));
  Proof proof;
  proof.type = type;
  proof.query = query;
  proof.bundle_json = std::string(bundle_json);
  if (found.targets.empty()) {
    // "Nothing matches" is said only of the manifest that the bundle signs,
    // and only of an intact one: a second, checking pass.
    DTM_ASSIGN_OR_RETURN(ManifestIntegrity integrity, CheckManifest(manifest_path, options.limits));
    v1::Header first;
    if (!first.ParseFromString(found.header_bytes) ||
        first.SerializeAsString() != integrity.header.SerializeAsString()) {
      return Status::Corruption(manifest_path, "the file changed while it was read");
    }
    DTM_RETURN_IF_ERROR(CheckIsBundleOf(statement, integrity, manifest_path));
    if (integrity_out != nullptr) *integrity_out = std::move(integrity);
    return proof;
  }
  if (found.targets.size() > options.max_entries) {
    return Status::LimitExceeded(manifest_path, std::to_string(found.targets.size()) +
                                                    " records to prove, more than " +
                                                    std::to_string(options.max_entries));
  }

  // The second pass: every leaf into the prover; the targets' bytes kept.
  DTM_ASSIGN_OR_RETURN(std::unique_ptr<ManifestReader> reader,
                       ManifestReader::Open(manifest_path, options.limits));
  if (reader->header_bytes() != found.header_bytes) {
    return Status::Corruption(manifest_path, "the file changed while it was read");
  }
  const v1::Header& header = reader->header();
  const uint64_t tree_size = header.record_count();
  if (found.targets.back() >= tree_size) {
    return Status::Corruption(
        manifest_path,
        "the header's record_count " + std::to_string(tree_size) + " is less than the records");
  }
  MerkleStreamingProver prover(tree_size, found.targets);
  proof.tree_size = tree_size;
  std::string_view bytes;
  size_t next = 0;
  for (uint64_t index = 0;; ++index) {
    DTM_ASSIGN_OR_RETURN(bool more, reader->Next(&bytes));
    if (!more) break;
    if (index >= tree_size) {
      return Status::Corruption(manifest_path, "more records than the header's record_count " +
                                                   std::to_string(tree_size));
    }
    prover.AddLeaf(bytes);
    if (next < found.targets.size() && found.targets[next] == index) {
      ProofEntry entry;
      entry.leaf_index = index;
      entry.record = std::string(bytes);
      proof.entries.push_back(std::move(entry));
      ++next;
    }
  }
  DTM_RETURN_IF_ERROR(CheckPass(manifest_path, header, prover.leaves_added(), prover.Root(),
                                reader->file_sha256(), statement));
  proof.merkle_root = prover.Root();
  for (size_t i = 0; i < proof.entries.size(); ++i) {
    ProofEntry& entry = proof.entries[i];
    DTM_ASSIGN_OR_RETURN(v1::Record record, Decode(manifest_path, entry.leaf_index, entry.record));
    if (!IsWanted(type, record, query)) {
      return Status::Corruption(manifest_path, "the file changed while it was read");
    }
    DTM_ASSIGN_OR_RETURN(entry.decoded_json, internal::RecordToJson(record));
    entry.audit_path = prover.Proof(i);
  }
  return proof;
}

}  // namespace

StatusOr<Proof> ProveInclusion(const std::string& manifest_path, std::string_view bundle_json,
                               const ProofQuery& query, const ProveOptions& options) {
  if (query.kind == ProofQuery::Kind::kUrl || query.kind == ProofQuery::Kind::kText) {
    return Status::InvalidArgument(DescribeQuery(query) +
                                   ": an inclusion proof answers a digest, "
                                   "a path or a source; use a lookup proof");
  }
  return ProveMatches(manifest_path, bundle_json, Proof::Type::kInclusion, query, options, nullptr);
}

StatusOr<Proof> ProveLookup(const std::string& manifest_path, std::string_view bundle_json,
                            const ProofQuery& query, const ProveOptions& options,
                            const std::string& scratch_folder) {
  const KeyKind kind = QueryKeyKind(query);
  if (kind == v1::KeyTree::KIND_UNSPECIFIED) {
    return Status::InvalidArgument(DescribeQuery(query) +
                                   ": a lookup answers a digest, a path, "
                                   "a URL or a text digest");
  }
  ManifestIntegrity integrity;
  DTM_ASSIGN_OR_RETURN(Proof proof, ProveMatches(manifest_path, bundle_json, Proof::Type::kLookup,
                                                 query, options, &integrity));
  if (!proof.entries.empty()) return proof;

  // Absent: the neighbours in the key tree, which the integrity check compared
  // with the records.
  const v1::Header& header = integrity.header;
  if (header.key_trees_size() == 0) {
    return Status::InvalidArgument(manifest_path + ": nothing matches " + DescribeQuery(query) +
                                   ", and the manifest has no key trees (it was written before "
                                   "them), so absence cannot be proven; rebuild it");
  }
  const v1::KeyTree& tree = header.key_trees(kind - 1);
  Absence absence;
  absence.key_tree_size = tree.size();
  std::copy(tree.root().begin(), tree.root().end(), absence.key_tree_root.begin());
  absence.key_digest = LookupKeyDigest(kind, QueryKey(query));

  internal::SortedKeyDigests keys(
      scratch_folder.empty() ? internal::TemporaryFolder() : scratch_folder, 64u << 20);
  DTM_ASSIGN_OR_RETURN(std::unique_ptr<ManifestReader> reader,
                       ManifestReader::Open(manifest_path, options.limits));
  v1::Record record;
  Status added = Status::Ok();
  for (;;) {
    DTM_ASSIGN_OR_RETURN(bool more, reader->Next(&record));
    if (!more) break;
    internal::ForEachLookupKey(record, [&](KeyKind k, std::string_view key) {
      if (k == kind && added.ok()) added = keys.Add(LookupKeyDigest(k, key));
    });
    DTM_RETURN_IF_ERROR(added);
  }
  if (reader->file_sha256() != integrity.file_sha256) {
    return Status::Corruption(manifest_path, "the file changed while it was read");
  }
  DTM_RETURN_IF_ERROR(keys.Finish());
  internal::NeighbourProver prover(tree.size(), absence.key_digest);
  Sha256Digest digest;
  for (;;) {
    DTM_ASSIGN_OR_RETURN(bool more, keys.Next(&digest));
    if (!more) break;
    DTM_RETURN_IF_ERROR(prover.Add(digest).WithContext(manifest_path));
  }
  DTM_ASSIGN_OR_RETURN(absence.neighbours, prover.Finish());
  if (prover.present() || AsBytes(prover.Root()) != tree.root()) {
    return Status::Corruption(manifest_path, "the file changed while it was read");
  }
  proof.tree_size = header.record_count();
  proof.merkle_root = integrity.merkle_root;
  proof.absence = std::move(absence);
  return proof;
}

StatusOr<Proof> ProveSources(const std::string& manifest_path, std::string_view bundle_json,
                             const ProveOptions& options) {
  DTM_ASSIGN_OR_RETURN(internal::Statement statement, ReadBundle(bundle_json));
  DTM_ASSIGN_OR_RETURN(std::unique_ptr<ManifestReader> reader,
                       ManifestReader::Open(manifest_path, options.limits));
  const v1::Header& header = reader->header();
  const uint64_t tree_size = header.record_count();
  const uint64_t sources = header.totals().sources();
  if (sources > tree_size) {
    return Status::Corruption(manifest_path, "the header counts more sources than records");
  }
  Proof proof;
  proof.type = Proof::Type::kSources;
  proof.tree_size = tree_size;
  const std::vector<MerkleRange> ranges = MerkleWithheldRanges(tree_size, sources);
  size_t range = 0;
  MerkleRootBuilder root, part;
  std::string_view bytes;
  uint64_t index = 0;
  for (;; ++index) {
    DTM_ASSIGN_OR_RETURN(bool more, reader->Next(&bytes));
    if (!more) break;
    if (index >= tree_size) {
      return Status::Corruption(manifest_path, "more records than the header's record_count");
    }
    const Sha256Digest leaf = MerkleLeafHash(bytes);
    root.AddLeafHash(leaf);
    if (index < sources || index == sources) {
      DTM_ASSIGN_OR_RETURN(v1::Record record, Decode(manifest_path, index, bytes));
      if (record.has_source() != (index < sources)) {
        return RecordError(manifest_path, index,
                           "the header counts " + std::to_string(sources) + " sources");
      }
      if (index < sources) {
        ProofEntry entry;
        entry.leaf_index = index;
        entry.record = std::string(bytes);
        DTM_ASSIGN_OR_RETURN(entry.decoded_json, internal::RecordToJson(record));
        proof.entries.push_back(std::move(entry));
        continue;
      }
    }
    part.AddLeafHash(leaf);
    if (index + 1 == ranges[range].end) {
      proof.withheld.push_back(part.Root());
      part = MerkleRootBuilder();
      ++range;
    }
  }
  DTM_RETURN_IF_ERROR(
      CheckPass(manifest_path, header, index, root.Root(), reader->file_sha256(), statement));
  proof.merkle_root = root.Root();
  proof.bundle_json = std::string(bundle_json);
  return proof;
}

}  // namespace dtm
