// Proofs about a signed manifest (spec/proof.md), checked offline with the
// lab's keys and without the rest of the manifest: inclusion proofs (records
// with their RFC 6962 audit paths), lookup proofs (is a URL, text, content
// digest or path in the manifest: the records, or the neighbours in a key tree
// that show it is not) and source list proofs (every source, none missing).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/attestation.h"
#include "dtm/container.h"
#include "dtm/digest.h"
#include "dtm/lookup.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

inline constexpr std::string_view kInclusionProofType = "https://dtm.dev/proof/inclusion/v1";
inline constexpr std::string_view kLookupProofType = "https://dtm.dev/proof/lookup/v1";
inline constexpr std::string_view kSourcesProofType = "https://dtm.dev/proof/sources/v1";

// Limits of spec/proof.md ("Limits"); a reader checks them before it decodes.
inline constexpr size_t kMaxProofBytes = 64u << 20;
inline constexpr size_t kMaxProofEntries = 1024;
inline constexpr size_t kMaxAuditPathNodes = 64;
inline constexpr size_t kMaxWithheldNodes = 128;

// What a proof is about. An inclusion proof answers a digest or a path with
// file entries, or a source id with its source; a lookup proof answers a
// digest (files and documents as stored), a path, a canonical URL or a text
// digest either way.
struct ProofQuery {
  enum class Kind { kDigest, kPath, kSource, kUrl, kText };
  Kind kind = Kind::kDigest;
  Sha256Digest digest{};  // kDigest: a content digest; kText: a text digest
  std::string value;      // kPath: a path; kSource: Source.id; kUrl: a canonical URL
};

// "digest sha256:<hex>", "path <path>", "url <url>", ..., for messages.
std::string DescribeQuery(const ProofQuery& query);

// The key tree a lookup query is answered from (kSource has none).
KeyKind QueryKeyKind(const ProofQuery& query);

// The key bytes of a query: the URL or path, or the 32 digest bytes.
std::string QueryKey(const ProofQuery& query);

// True when `record` (a file or document entry) is one the lookup query asks for.
bool LookupMatches(const v1::Record& record, const ProofQuery& query);

// One record of the manifest and its audit path.
struct ProofEntry {
  uint64_t leaf_index = 0;
  std::string record;                    // the record's bytes as stored: the leaf
  std::vector<Sha256Digest> audit_path;  // nearest sibling first (spec/merkle.md)
  // The record in the protobuf JSON mapping, compact. Only for people to read:
  // a verifier decodes `record` itself and requires this to be equal.
  std::string decoded_json;
};

// What an absence proof holds (spec/proof.md, "Lookup proofs").
struct Absence {
  uint64_t key_tree_size = 0;  // of the query's kind, as the signed header says
  Sha256Digest key_tree_root{};
  Sha256Digest key_digest{};             // LookupKeyDigest of the query
  std::vector<KeyLeafProof> neighbours;  // 0 to 2, increasing leaf_index
};

struct Proof {
  enum class Type { kInclusion, kLookup, kSources };
  Type type = Type::kInclusion;
  ProofQuery query;            // kInclusion and kLookup
  uint64_t tree_size = 0;      // the manifest's record_count
  Sha256Digest merkle_root{};  // the manifest's Merkle root
  // kInclusion, and kLookup when present: strictly increasing leaf_index.
  // kSources: every source, leaf_index 0 to S - 1.
  std::vector<ProofEntry> entries;
  std::optional<Absence> absence;      // kLookup: set when the answer is ABSENT
  std::vector<Sha256Digest> withheld;  // kSources: the withheld ranges' roots (spec/merkle.md)
  std::string bundle_json;             // the manifest's Sigstore bundle (spec/attestation.md)

  bool absent() const { return absence.has_value(); }
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
StatusOr<Proof> ProveInclusion(const std::string& manifest_path, std::string_view bundle_json,
                               const ProofQuery& query, const ProveOptions& options = {});

// Answers a lookup query (kDigest, kPath, kUrl with a canonical URL, kText):
// PRESENT with every matching file or document entry and their sources, as
// ProveInclusion does, or ABSENT with the query's neighbours in the key tree of
// its kind. Proving absence reads the manifest twice more: the full integrity
// check (key trees included, and the bundle compared), then its keys of that
// kind, sorted on disk in `scratch_folder` (TMPDIR when empty); memory stays
// flat. kInvalidArgument for a manifest without key trees when nothing matches.
StatusOr<Proof> ProveLookup(const std::string& manifest_path, std::string_view bundle_json,
                            const ProofQuery& query, const ProveOptions& options = {},
                            const std::string& scratch_folder = "");

// Every Source record with the roots of the withheld ranges over the other
// records (spec/proof.md, "Source list proofs"). One pass, memory that grows
// with the sources only; checks the root against the header and the bundle
// against the manifest, as ProveInclusion does.
StatusOr<Proof> ProveSources(const std::string& manifest_path, std::string_view bundle_json,
                             const ProveOptions& options = {});

// The proof file of spec/proof.md: compact JSON (no white space between
// tokens) and a final newline. The same proof gives the same bytes. kInvalidArgument when a field
// cannot be written (bundle_json or decoded_json not JSON).
StatusOr<std::string> SerializeProof(const Proof& proof);

// Parses a proof file strictly (spec/proof.md, "Format"): every member known
// and of its type, no duplicate members, the limits above. Syntax only; the
// signature and the paths are checked by VerifyProof. Errors are
// kCorruption (kLimitExceeded for a limit) naming the JSON place, e.g.
// "entries[1].auditPath[3]: want 64 lower-case hex digits".
StatusOr<Proof> ParseProof(std::string_view json);

// The outcome of VerifyProof.
struct ProofVerification {
  // OK when every check passed; otherwise kVerificationFailed with the message
  // "<check>: <detail>", the check named as in spec/proof.md ("Verification").
  Status status;
  std::string failed_check;         // empty when verified
  VerificationReport attestation;   // the bundle's checks and signers
  v1::Header header;                // the signed header (statement predicate), once reached
  Proof proof;                      // as parsed
  std::vector<v1::Record> records;  // entries decoded from their bytes, once reached

  bool verified() const { return status.ok(); }
};

// Verifies a proof file of any of the three types without the manifest
// (spec/proof.md, "Verification" and the checks of each type):
// the bundle's signatures against `options` (keys, trust roots, threshold) as
// VerifyAttestation does up to the manifest checks, that the signed statement
// names the proof's Merkle root and tree size, every audit path, that each
// decoded copy equals the decoding of the record's bytes, that each file entry's
// source is among the entries, and that the entries answer the query; for an
// absence, the key tree against the signed header and the neighbours; for a
// source list, that it is complete and the withheld nodes give the root.
// The function fails only for bad options (kInvalidArgument) or a proof that
// does not parse (ParseProof's errors); failed checks are in the result.
StatusOr<ProofVerification> VerifyProof(std::string_view proof_json, const VerifyOptions& options);

}  // namespace dtm
