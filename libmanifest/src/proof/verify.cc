// VerifyProof: the checks of spec/proof.md ("Verification" and those of
// lookup and source list proofs), in order, stopping at the first that fails.
#include <google/protobuf/util/json_util.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "attestation/format.h"
#include "base/text.h"
#include "dtm/merkle.h"
#include "dtm/proof.h"
#include "dtm/records.h"
#include "proof/format.h"

namespace dtm {
namespace {

std::string EntryName(size_t i, const ProofEntry& entry) {
  return "entries[" + std::to_string(i) + "] (leaf " + std::to_string(entry.leaf_index) + ")";
}

class ProofVerifier {
 public:
  explicit ProofVerifier(ProofVerification* result) : result_(result) {}

  // Runs the checks after "proof" and the bundle's; the outcome is in *result_.
  void Run();

 private:
  // Records a failed check; returns false so callers can `return Fail(...)`.
  bool Fail(const std::string& check, const std::string& detail) {
    result_->failed_check = check;
    result_->status = Status::VerificationFailed(check, detail);
    return false;
  }
  bool CheckStatement();
  bool CheckEntry(size_t i);
  bool CheckSources();
  bool CheckQuery();
  bool CheckAbsence();
  bool CheckSourceList();
  bool Matches(const v1::Record& record) const {
    if (result_->proof.type == Proof::Type::kLookup) {
      return LookupMatches(record, result_->proof.query);
    }
    return record.has_file() && internal::FileMatches(record.file(), result_->proof.query);
  }

  ProofVerification* result_;
  internal::Statement statement_;
};

// "statement" (the predicate's header decodes), "root", "tree-size".
bool ProofVerifier::CheckStatement() {
  // The bundle verified, so it and its statement parse.
  auto bundle = internal::ParseBundle(result_->proof.bundle_json);
  if (!bundle.ok()) return Fail("bundle", bundle.status().message());
  auto statement = internal::ParseStatement(bundle->envelope.payload);
  if (!statement.ok()) return Fail("statement", statement.status().message());
  statement_ = std::move(statement).value();
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(statement_.header_json, &result_->header);
  if (!parsed.ok()) {
    return Fail("statement", "predicate.header is not a dtm.v1.Header: " + parsed.ToString());
  }
  // Only the exact mapping a signer writes: no camelCase names, numbers for
  // strings, nulls or defaults that a lenient parser would accept, and the
  // schema this reader reads (spec/proof.md, check 3).
  auto canonical = internal::CanonicalHeaderJson(result_->header);
  if (!canonical.ok() || *canonical != statement_.header_json) {
    return Fail("statement",
                "predicate.header is not the protobuf JSON mapping of the dtm.v1.Header it "
                "decodes to, as a signer writes it (attestation.md, \"Predicate\")");
  }
  if (result_->header.schema() != kSchemaId) {
    return Fail("statement", "predicate.header.schema is " +
                                 internal::QuoteForMessage(result_->header.schema()) +
                                 ", expected '" + std::string(kSchemaId) + "'");
  }
  if (Status times = CheckTimestamps(result_->header); !times.ok()) {
    return Fail("statement", "predicate.header." + times.message());
  }
  const Proof& proof = result_->proof;
  const v1::Header& header = result_->header;
  if (proof.merkle_root != statement_.merkle_root ||
      header.merkle_root() != AsBytes(statement_.merkle_root)) {
    return Fail("root", "the proof is for Merkle root " + ToHex(proof.merkle_root) +
                            "; the statement signs subject " + statement_.subject_name +
                            " with Merkle root " + ToHex(statement_.merkle_root) +
                            " and a header with Merkle root " + ToHex(header.merkle_root()));
  }
  if (proof.tree_size != header.record_count()) {
    return Fail("tree-size", "the proof says " + std::to_string(proof.tree_size) +
                                 " records; the signed header says " +
                                 std::to_string(header.record_count()));
  }
  return true;
}

// "inclusion", "record", "decoded", "position" for entry i.
bool ProofVerifier::CheckEntry(size_t i) {
  const Proof& proof = result_->proof;
  const ProofEntry& entry = proof.entries[i];
  const std::string name = EntryName(i, entry);
  Status included =
      VerifyMerkleInclusion(entry.leaf_index, proof.tree_size, MerkleLeafHash(entry.record),
                            entry.audit_path, proof.merkle_root);
  if (!included.ok()) return Fail("inclusion", name + ": " + included.message());

  v1::Record record;
  const bool lookup = proof.type == Proof::Type::kLookup;
  if (!DecodeCanonical(entry.record, &record).ok() ||
      record.kind_case() == v1::Record::KIND_NOT_SET || (record.has_document() && !lookup)) {
    return Fail("record",
                name + (lookup ? ": the bytes do not decode as a source, a file or a "
                                 "document entry"
                               : ": the bytes do not decode as a source or a file entry"));
  }
  auto decoded = internal::RecordToJson(record);
  if (!decoded.ok()) return Fail("record", name + ": " + decoded.status().message());
  const auto written = nlohmann::json::parse(entry.decoded_json, nullptr, false);
  if (written.is_discarded() || nlohmann::json::parse(*decoded, nullptr, false) != written) {
    return Fail("decoded", name + ": \"decoded\" is not what the record's bytes decode to");
  }

  const uint64_t sources = result_->header.totals().sources();
  if (record.has_source() && entry.leaf_index >= sources) {
    return Fail("position", name +
                                ": a source at a leaf of the file entries (the signed header "
                                "counts " +
                                std::to_string(sources) + " sources, leaves 0 to " +
                                std::to_string(sources) + " - 1)");
  }
  if (!record.has_source() && entry.leaf_index < sources) {
    return Fail("position", name + ": a " + (record.has_file() ? "file" : "document") +
                                " entry at a leaf of the sources (the signed header counts " +
                                std::to_string(sources) + ")");
  }
  result_->records.push_back(std::move(record));
  return true;
}

// "source-link": sources are distinct and each file's source is included.
bool ProofVerifier::CheckSources() {
  std::map<std::string, size_t> sources;
  const auto& records = result_->records;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!records[i].has_source()) continue;
    if (!sources.emplace(records[i].source().id(), i).second) {
      return Fail("source-link", EntryName(i, result_->proof.entries[i]) + ": a second source \"" +
                                     records[i].source().id() + "\"");
    }
  }
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].has_source()) continue;
    const std::string& id =
        records[i].has_file() ? records[i].file().source_id() : records[i].document().source_id();
    if (sources.count(id) == 0) {
      return Fail("source-link", EntryName(i, result_->proof.entries[i]) + ": its source \"" + id +
                                     "\" is not among the entries");
    }
  }
  return true;
}

// "query": every entry answers the query, or is the source of one that does.
bool ProofVerifier::CheckQuery() {
  const ProofQuery& query = result_->proof.query;
  const auto& records = result_->records;
  std::map<std::string, bool> needed;  // source id -> some matching file names it
  bool any = false;
  for (size_t i = 0; i < records.size(); ++i) {
    const v1::Record& r = records[i];
    if (!r.has_source()) {
      if (!Matches(r)) {
        return Fail("query", EntryName(i, result_->proof.entries[i]) + ": a " +
                                 (r.has_file() ? "file" : "document") +
                                 " entry that does not match " + DescribeQuery(query));
      }
      needed[r.has_file() ? r.file().source_id() : r.document().source_id()] = true;
      any = true;
    } else if (query.kind == ProofQuery::Kind::kSource && r.source().id() == query.value) {
      any = true;
    }
  }
  for (size_t i = 0; i < records.size(); ++i) {
    const v1::Record& r = records[i];
    if (!r.has_source()) continue;
    if (needed.count(r.source().id()) == 0 &&
        (query.kind != ProofQuery::Kind::kSource || r.source().id() != query.value)) {
      return Fail("query", EntryName(i, result_->proof.entries[i]) + ": the source \"" +
                               r.source().id() + "\" neither matches " + DescribeQuery(query) +
                               " nor holds a file that does");
    }
  }
  if (!any) return Fail("query", "no entry matches " + DescribeQuery(query));
  return true;
}

// "key-tree", "key-digest", "neighbours", "key-inclusion" of an absent answer.
bool ProofVerifier::CheckAbsence() {
  const Proof& proof = result_->proof;
  const Absence& a = *proof.absence;
  const KeyKind kind = QueryKeyKind(proof.query);
  const std::string name(KeyKindName(kind));
  const v1::Header& header = result_->header;
  if (header.key_trees_size() != static_cast<int>(std::size(kKeyKinds))) {
    return Fail("key-tree", "the signed header has no key trees, so it cannot show an absence");
  }
  const v1::KeyTree& tree = header.key_trees(kind - 1);
  if (tree.kind() != kind || tree.size() != a.key_tree_size ||
      tree.root() != AsBytes(a.key_tree_root)) {
    return Fail("key-tree", "the proof's " + name + " tree has " + std::to_string(a.key_tree_size) +
                                " leaves and root " + ToHex(a.key_tree_root) +
                                "; the signed header's has " + std::to_string(tree.size()) +
                                " and " + ToHex(tree.root()));
  }
  const Sha256Digest d = LookupKeyDigest(kind, QueryKey(proof.query));
  if (d != a.key_digest) {
    return Fail("key-digest", "keyDigest is " + ToHex(a.key_digest) + "; the " + name + " key of " +
                                  DescribeQuery(proof.query) + " is " + ToHex(d));
  }
  const uint64_t n = a.key_tree_size;
  const auto& nb = a.neighbours;
  for (const KeyLeafProof& leaf : nb) {
    if (leaf.leaf_index >= n) {
      return Fail("neighbours", "leaf " + std::to_string(leaf.leaf_index) + " of a tree of " +
                                    std::to_string(n) + " leaves");
    }
    if (leaf.key_digest == d) {
      return Fail("neighbours", "leaf " + std::to_string(leaf.leaf_index) +
                                    " is the key itself: the key is present");
    }
  }
  bool enclosed = false;
  if (n == 0) {
    enclosed = nb.empty();
  } else if (nb.size() == 1) {
    enclosed = (nb[0].leaf_index == 0 && d < nb[0].key_digest) ||
               (nb[0].leaf_index == n - 1 && nb[0].key_digest < d);
  } else if (nb.size() == 2) {
    enclosed =
        nb[1].leaf_index == nb[0].leaf_index + 1 && nb[0].key_digest < d && d < nb[1].key_digest;
  }
  if (!enclosed) {
    std::string got;
    for (const KeyLeafProof& leaf : nb) {
      got += (got.empty() ? "" : ", ") + std::string("leaf ") + std::to_string(leaf.leaf_index) +
             " (" + ToHex(leaf.key_digest).substr(0, 16) + "...)";
    }
    return Fail("neighbours", "the neighbours [" + got + "] do not enclose the key digest " +
                                  ToHex(d).substr(0, 16) + "... in a tree of " + std::to_string(n) +
                                  " leaves");
  }
  for (const KeyLeafProof& leaf : nb) {
    Status included = VerifyMerkleInclusion(
        leaf.leaf_index, n,
        MerkleLeafHash(std::string_view(reinterpret_cast<const char*>(leaf.key_digest.data()),
                                        leaf.key_digest.size())),
        leaf.audit_path, a.key_tree_root);
    if (!included.ok()) {
      return Fail("key-inclusion",
                  "neighbour leaf " + std::to_string(leaf.leaf_index) + ": " + included.message());
    }
  }
  return true;
}

// "complete", "record", "decoded", "withheld" of a source list.
bool ProofVerifier::CheckSourceList() {
  const Proof& proof = result_->proof;
  const uint64_t sources = result_->header.totals().sources();
  if (proof.entries.size() != sources || proof.tree_size < sources) {
    return Fail("complete", "the proof holds " + std::to_string(proof.entries.size()) +
                                " sources; the signed header counts " + std::to_string(sources) +
                                " of " + std::to_string(proof.tree_size) + " records");
  }
  std::vector<Sha256Digest> leaves;
  for (size_t i = 0; i < proof.entries.size(); ++i) {
    const ProofEntry& entry = proof.entries[i];
    const std::string name = "sources[" + std::to_string(i) + "]";
    v1::Record record;
    if (!DecodeCanonical(entry.record, &record).ok() || !record.has_source()) {
      return Fail("record", name + ": the bytes are not the canonical encoding of a source");
    }
    if (!result_->records.empty() &&
        !(result_->records.back().source().id() < record.source().id())) {
      return Fail("record", name + ": source \"" + record.source().id() + "\" is not after \"" +
                                result_->records.back().source().id() + "\"");
    }
    auto decoded = internal::RecordToJson(record);
    if (!decoded.ok()) return Fail("record", name + ": " + decoded.status().message());
    const auto written = nlohmann::json::parse(entry.decoded_json, nullptr, false);
    if (written.is_discarded() || nlohmann::json::parse(*decoded, nullptr, false) != written) {
      return Fail("decoded", name + ": \"decoded\" is not what the record's bytes decode to");
    }
    leaves.push_back(MerkleLeafHash(entry.record));
    result_->records.push_back(std::move(record));
  }
  auto root = MerkleRootFromWithheld(leaves, proof.tree_size, proof.withheld);
  if (!root.ok()) return Fail("withheld", root.status().message());
  if (*root != proof.merkle_root) {
    return Fail("withheld", "the sources and the withheld nodes give the root " + ToHex(*root) +
                                ", not " + ToHex(proof.merkle_root));
  }
  return true;
}

void ProofVerifier::Run() {
  if (!CheckStatement()) return;
  const Proof& proof = result_->proof;
  if (proof.type == Proof::Type::kSources) {
    if (!CheckSourceList()) return;
  } else if (proof.absent()) {
    if (!CheckAbsence()) return;
  } else {
    for (size_t i = 0; i < proof.entries.size(); ++i) {
      if (!CheckEntry(i)) return;
    }
    if (!CheckSources() || !CheckQuery()) return;
  }
  result_->status = Status::Ok();
}

}  // namespace

StatusOr<ProofVerification> VerifyProof(std::string_view proof_json, const VerifyOptions& options) {
  DTM_ASSIGN_OR_RETURN(Proof proof, ParseProof(proof_json));
  DTM_ASSIGN_OR_RETURN(VerificationReport report,
                       internal::VerifyBundleSignatures(proof.bundle_json, options));
  ProofVerification result;
  result.proof = std::move(proof);
  result.attestation = std::move(report);
  if (!result.attestation.verified()) {
    result.status = result.attestation.status;
    result.failed_check = result.attestation.failed_check;
    return result;
  }
  result.status = Status::VerificationFailed("not verified");
  ProofVerifier(&result).Run();
  return result;
}

}  // namespace dtm
