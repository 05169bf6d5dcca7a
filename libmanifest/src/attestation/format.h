// Private: the JSON documents of attestations (spec/attestation.md): the DSSE
// envelope, the Sigstore bundle around it, and the in-toto Statement inside.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/attestation.h"
#include "dtm/container.h"
#include "dtm/digest.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm::internal {

// ---- DSSE envelope (attestation/dsse.cc)

// Parses a DSSE JSON envelope document: payload and sig in base64 (standard or
// URL-safe), payloadType, 1 to kMaxSignatures signatures, keyid optional.
// Unknown members are ignored, as DSSE requires. kCorruption naming the member.
StatusOr<DsseEnvelope> ParseEnvelope(std::string_view json);

// The same for an envelope already parsed as the JSON value `value`; error
// messages start with `where` ("dsseEnvelope").
StatusOr<DsseEnvelope> EnvelopeFromJson(const nlohmann::json& value, std::string_view where);

// The envelope as JSON: payload, payloadType, signatures [{sig, keyid}]
// (standard base64, members in that order).
nlohmann::ordered_json EnvelopeToJson(const DsseEnvelope& envelope);

// ---- Sigstore bundle (attestation/bundle.cc)

struct Bundle {
  std::string media_type;
  DsseEnvelope envelope;
  // Verification material: a key hint, or certificates (DER, leaf first).
  std::string public_key_hint;
  std::vector<std::string> certificates;
  // verificationMaterial.timestampVerificationData.rfc3161Timestamps: each
  // a DER TimeStampResp (dtm/timestamp.h), in bundle order.
  std::vector<std::string> timestamps;
};

// The bundle JSON: members in the protobuf field order of the Sigstore schema,
// two-space indentation, a final newline. tlogEntries is written as an empty
// array; timestampVerificationData only when there are timestamps. One
// certificate is written as "certificate", several as "x509CertificateChain".
std::string SerializeBundle(const Bundle& bundle);

// Parses a bundle: kLimitExceeded over kMaxBundleBytes, kCorruption for
// malformed JSON, an unsupported mediaType or verification material, a
// messageSignature instead of a dsseEnvelope, or a bad envelope.
StatusOr<Bundle> ParseBundle(std::string_view json);

// ---- In-toto Statement (attestation/statement.cc)

struct Statement {
  std::string subject_name;  // subject[0].name: "<dataset>@<version>"
  Sha256Digest merkle_root{};
  std::string file_subject_name;  // subject[1].name: "<dataset>@<version>.dtm"
  Sha256Digest manifest_sha256{};
  std::string header_json;  // predicate.header in compact form, members sorted
  int64_t signed_at = 0;    // predicate.signedAt, Unix seconds
};

// The Statement payload for a checked manifest: compact JSON, members sorted
// by name, so the same manifest and time give the same bytes.
StatusOr<std::string> MakeStatement(const ManifestIntegrity& manifest, int64_t signed_at);

// Parses a Statement payload, checking its layout (_type, predicateType, two
// subjects with SHA-256 digests, predicate with header and signedAt only).
// kCorruption naming the member.
StatusOr<Statement> ParseStatement(std::string_view payload);

// The header in the protobuf JSON mapping (proto field names), compact with
// members sorted: the form Statement::header_json is compared in.
StatusOr<std::string> CanonicalHeaderJson(const v1::Header& header);

// A named check that did not pass.
struct CheckFailure {
  std::string check;
  Status status;
};

// Compares a Statement with the manifest it should describe: "subject" (name
// and Merkle root), "manifest-digest" (name and file SHA-256), "predicate"
// (the header). nullopt when all match.
std::optional<CheckFailure> CompareStatement(const Statement& statement,
                                             const ManifestIntegrity& manifest);

// ---- Verification without the manifest (attestation/verify.cc)

// Runs the checks of VerifyAttestation that need no manifest, 1 to 8 of
// spec/attestation.md ("Verification"): "bundle" to "certificate-validity". A
// verified report says only that trusted keys signed a well-formed statement;
// the caller MUST then compare the statement with what it verifies (an
// inclusion proof, spec/proof.md). Fails only on bad options, as
// VerifyAttestation does.
StatusOr<VerificationReport> VerifyBundleSignatures(std::string_view bundle_json,
                                                    const VerifyOptions& options);

// RFC 3339 UTC with whole seconds, "2026-01-02T03:04:05Z", both ways. Parsing
// accepts only that form and only real dates from year 1 to 9999.
std::string FormatUtc(int64_t unix_seconds);
StatusOr<int64_t> ParseUtc(std::string_view text);

}  // namespace dtm::internal
