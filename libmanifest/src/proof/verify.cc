// VerifyInclusionProof: the checks of spec/proof.md ("Verification"), in
// order, stopping at the first that fails.
#include <google/protobuf/util/json_util.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "attestation/format.h"
#include "dtm/merkle.h"
#include "dtm/proof.h"
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
  const InclusionProof& proof = result_->proof;
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
  const InclusionProof& proof = result_->proof;
  const ProofEntry& entry = proof.entries[i];
  const std::string name = EntryName(i, entry);
  Status included =
      VerifyMerkleInclusion(entry.leaf_index, proof.tree_size, MerkleLeafHash(entry.record),
                            entry.audit_path, proof.merkle_root);
  if (!included.ok()) return Fail("inclusion", name + ": " + included.message());

  v1::Record record;
  if (!record.ParseFromString(entry.record) || record.kind_case() == v1::Record::KIND_NOT_SET) {
    return Fail("record", name + ": the bytes do not decode as a source or a file entry");
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
  if (record.has_file() && entry.leaf_index < sources) {
    return Fail("position", name +
                                ": a file entry at a leaf of the sources (the signed header "
                                "counts " +
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
    if (records[i].has_file() && sources.count(records[i].file().source_id()) == 0) {
      return Fail("source-link", EntryName(i, result_->proof.entries[i]) + ": its source \"" +
                                     records[i].file().source_id() + "\" is not among the entries");
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
    if (r.has_file()) {
      if (!internal::FileMatches(r.file(), query)) {
        return Fail("query", EntryName(i, result_->proof.entries[i]) +
                                 ": a file entry that does not match " + DescribeQuery(query));
      }
      needed[r.file().source_id()] = true;
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

void ProofVerifier::Run() {
  if (!CheckStatement()) return;
  for (size_t i = 0; i < result_->proof.entries.size(); ++i) {
    if (!CheckEntry(i)) return;
  }
  if (!CheckSources() || !CheckQuery()) return;
  result_->status = Status::Ok();
}

}  // namespace

StatusOr<ProofVerification> VerifyInclusionProof(std::string_view proof_json,
                                                 const VerifyOptions& options) {
  DTM_ASSIGN_OR_RETURN(InclusionProof proof, ParseProof(proof_json));
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
