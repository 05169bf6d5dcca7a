// Inclusion proofs (spec/proof.md): a few records of a signed manifest, each
// with its RFC 6962 audit path, and the manifest's signed bundle, so that a
// reader can check offline, without the rest of the manifest, that the lab
// signed a manifest containing them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/attestation.h"
#include "dtm/container.h"
#include "dtm/digest.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

inline constexpr std::string_view kProofType = "https://dtm.dev/proof/inclusion/v1";

// Limits of spec/proof.md ("Limits"); a reader checks them before it decodes.
inline constexpr size_t kMaxProofBytes = 64u << 20;
inline constexpr size_t kMaxProofEntries = 1024;
inline constexpr size_t kMaxAuditPathNodes = 64;

// What a proof is about: the file entries with a digest or a path (with their
// sources), or one source.
struct ProofQuery {
  enum class Kind { kDigest, kPath, kSource };
  Kind kind = Kind::kDigest;
  Sha256Digest digest{};  // kDigest: FileEntry.sha256
  std::string value;      // kPath: FileEntry.path; kSource: Source.id
};

// "digest sha256:<hex>", "path <path>" or "source <id>", for messages.
std::string DescribeQuery(const ProofQuery& query);

// One record of the manifest and its audit path.
struct ProofEntry {
  uint64_t leaf_index = 0;
  std::string record;                    // the record's bytes as stored: the leaf
  std::vector<Sha256Digest> audit_path;  // nearest sibling first (spec/merkle.md)
  // The record in the protobuf JSON mapping, compact. Only for people to read:
  // a verifier decodes `record` itself and requires this to be equal.
  std::string decoded_json;
};

struct InclusionProof {
  ProofQuery query;
  uint64_t tree_size = 0;           // the manifest's record_count
  Sha256Digest merkle_root{};       // the manifest's Merkle root
  std::vector<ProofEntry> entries;  // strictly increasing leaf_index
  std::string bundle_json;          // the manifest's Sigstore bundle (spec/attestation.md)
};

struct ProveOptions {
  ContainerLimits limits;
  size_t max_entries = kMaxProofEntries;  // more matching records: kLimitExceeded
};

// Proves the records of the manifest at `manifest_path` that match `query`:
// for a digest or a path every matching FileEntry and the Source of each; for
// a source its Source record. Reads the manifest at most twice, front to back
// (find the leaf indexes, then compute their audit paths); memory grows with
// the number of sources and of matches, never with the number of files.
// Checks on the way the container (framing, footer), that the root recomputed
// from the records is the header's merkle_root and that `bundle_json` parses
// and states that root and record count.
// When nothing matches, the proof has no entries (and tree_size and
// merkle_root are not set): the second pass is skipped.
// Errors: kLimitExceeded over options.max_entries; the manifest's errors (kNotFound,
// kIOError, kCorruption, ...); kCorruption for a root that differs from the
// header's or a manifest that changed between the passes; kInvalidArgument
// for a bundle of another manifest or one that does not parse.
StatusOr<InclusionProof> ProveInclusion(const std::string& manifest_path,
                                        std::string_view bundle_json, const ProofQuery& query,
                                        const ProveOptions& options = {});

// The proof file of spec/proof.md: compact JSON (no white space between
// tokens) and a final newline. The same proof gives the same bytes. kInvalidArgument when a field
// cannot be written (bundle_json or decoded_json not JSON).
StatusOr<std::string> SerializeProof(const InclusionProof& proof);

// Parses a proof file strictly (spec/proof.md, "Format"): every member known
// and of its type, no duplicate members, the limits above. Syntax only; the
// signature and the paths are checked by VerifyInclusionProof. Errors are
// kCorruption (kLimitExceeded for a limit) naming the JSON place, e.g.
// "entries[1].auditPath[3]: want 64 lower-case hex digits".
StatusOr<InclusionProof> ParseProof(std::string_view json);

// The outcome of VerifyInclusionProof.
struct ProofVerification {
  // OK when every check passed; otherwise kVerificationFailed with the message
  // "<check>: <detail>", the check named as in spec/proof.md ("Verification").
  Status status;
  std::string failed_check;         // empty when verified
  VerificationReport attestation;   // the bundle's checks and signers
  v1::Header header;                // the signed header (statement predicate), once reached
  InclusionProof proof;             // as parsed
  std::vector<v1::Record> records;  // entries decoded from their bytes, once reached

  bool verified() const { return status.ok(); }
};

// Verifies a proof file without the manifest (spec/proof.md, "Verification"):
// the bundle's signatures against `options` (keys, trust roots, threshold) as
// VerifyAttestation does up to the manifest checks, that the signed statement
// names the proof's Merkle root and tree size, every audit path, that each
// decoded copy equals the decoding of the record's bytes, that each file entry's
// source is among the entries, and that the entries answer the query.
// The function fails only for bad options (kInvalidArgument) or a proof that
// does not parse (ParseProof's errors); failed checks are in the result.
StatusOr<ProofVerification> VerifyInclusionProof(std::string_view proof_json,
                                                 const VerifyOptions& options);

}  // namespace dtm
