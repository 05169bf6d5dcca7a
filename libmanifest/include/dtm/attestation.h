// Signed attestations of manifests (spec/attestation.md): an in-toto Statement
// v1 about the manifest, signed in a DSSE envelope, stored in a Sigstore
// bundle (several signers: the same bundle with several DSSE signatures).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/container.h"
#include "dtm/keys.h"
#include "dtm/status.h"
#include "dtm/x509.h"

namespace dtm {

inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";
inline constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view kManifestPredicateType =
    "https://dtm.dev/attestation/manifest/v1";
// The bundle media type DTM writes, and the one it writes when the signer's
// certificate comes with intermediates (v0.3 allows only a single certificate).
inline constexpr std::string_view kBundleMediaType =
    "application/vnd.dev.sigstore.bundle.v0.3+json";
inline constexpr std::string_view kBundleMediaTypeV02 =
    "application/vnd.dev.sigstore.bundle+json;version=0.2";
// The name of the bundle beside a manifest: "<manifest>.sigstore.json".
inline constexpr std::string_view kBundleSuffix = ".sigstore.json";

// Limits a verifier enforces before parsing (spec/attestation.md, "Limits").
inline constexpr size_t kMaxBundleBytes = 16u << 20;
inline constexpr size_t kMaxSignatures = 64;
inline constexpr size_t kMaxCertificates = 10;
inline constexpr size_t kMaxTimestamps = 32;
// A statement's signedAt may be at most this much later than the trusted time
// of a timestamp over its signature (clocks differ; spec/attestation.md).
inline constexpr int64_t kTimestampToleranceSeconds = 300;

// DSSE v1 pre-authentication encoding:
//   "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
// with LEN the byte length in ASCII decimal, no leading zeros.
std::string DssePae(std::string_view payload_type, std::string_view payload);

struct DsseSignature {
  std::string sig;    // the signature bytes (decoded)
  std::string keyid;  // unauthenticated hint; may be empty
};

struct DsseEnvelope {
  std::string payload;  // the signed bytes (decoded), exactly as signed
  std::string payload_type;
  std::vector<DsseSignature> signatures;
};

// What signs: a key, and optionally its certificate (leaf first, then
// intermediates; no root).
struct Signer {
  const PrivateKey* key = nullptr;  // REQUIRES: not null
  std::vector<Certificate> certificates;
};

// Signs the manifest at `manifest_path`: checks it with CheckManifest, makes
// the Statement (signing time `signed_at`, Unix seconds, recorded in the
// predicate) and returns the bundle JSON. With a certificate, the certificate's
// key must be the signer's key, the certificate must be valid at `signed_at`
// and allow digitalSignature. Errors: the manifest's (kNotFound, kCorruption,
// ...), kInvalidArgument for an unfit certificate.
StatusOr<std::string> SignManifest(const std::string& manifest_path, const Signer& signer,
                                   int64_t signed_at);

// Adds a signature by `key` to an existing bundle of the same manifest and
// returns the new bundle JSON. The statement in the bundle must describe the
// manifest (checked as VerifyAttestation does, without the signatures); the
// signed payload is not changed. kInvalidArgument when `key` already signed it.
StatusOr<std::string> AppendSignature(const std::string& manifest_path,
                                      std::string_view bundle_json, const PrivateKey& key);

// Where and how to ask for RFC 3161 timestamps (spec/attestation.md,
// "Timestamps").
struct TimestampOptions {
  std::vector<std::string> tsa_urls;  // http:// or https://, asked in order
  int timeout_seconds = 30;           // per request, connection included
};

// Asks each TSA of `options` for a token over each signature of the bundle's
// envelope (the decoded signature bytes, SHA-256 imprint, a fresh nonce) and
// returns the bundle with the tokens appended to
// verificationMaterial.timestampVerificationData.rfc3161Timestamps, after any
// it has. Nothing else of the bundle changes. Each answer must be a granted
// TimeStampResp for that request; it is not checked against a trust root
// (verifiers do that). Errors name the TSA's URL: kInvalidArgument for a bad
// URL or no URL, kIOError when no answer came, kCorruption for an answer that
// is not a time-stamp response or a refusal, kVerificationFailed for an answer
// to another request, kLimitExceeded past kMaxTimestamps tokens; the bundle's
// own errors as VerifyAttestation's "bundle" check reports them.
StatusOr<std::string> AddTimestamps(std::string_view bundle_json, const TimestampOptions& options);

struct VerifyOptions {
  std::vector<PublicKey> keys;             // trusted keys
  std::vector<Certificate> trust_roots;    // trusted root certificates
  std::vector<Certificate> intermediates;  // extra untrusted intermediates, if any
  // Trusted TSA certificates. When given, the bundle must hold a timestamp,
  // every timestamp must verify under them, and a signature's certificate is
  // judged at its trusted time instead of the signer's stated time.
  std::vector<Certificate> tsa_roots;
  std::string identity;  // when set, a certificate signer must match it (subject or SAN)
  int threshold = 1;     // distinct keys that must have signed
  ContainerLimits limits;
};

// One signature of the envelope, as verification found it.
struct SignerReport {
  size_t index = 0;        // position in the envelope's signatures
  std::string keyid_hint;  // as written in the envelope (unauthenticated)
  bool verified = false;   // counted towards the threshold
  std::string key_id;      // the key that verified it (hex SHA-256 of its SPKI)
  SignatureAlgorithm algorithm = SignatureAlgorithm::kEd25519;  // when key_id is set
  bool by_certificate = false;  // verified through the bundle's certificate and a trust root
  std::string subject;          // certificate subject (by_certificate)
  std::vector<std::string> subject_alt_names;
  std::string problem;  // why it does not count, when !verified
  // The earliest genTime of the verified timestamps over this signature,
  // Unix seconds; 0 when none (then only the signer's stated time is known).
  int64_t trusted_time = 0;
};

// One RFC 3161 timestamp of the bundle, as verification found it.
struct TimestampReport {
  size_t index = 0;                // position in rfc3161Timestamps
  int64_t gen_time = 0;            // as the token states it, Unix seconds
  std::string tsa_subject;         // the token's signer certificate, RFC 2253-like
  std::vector<size_t> signatures;  // the envelope signatures (0-based) it covers
  bool verified = false;           // checked under VerifyOptions::tsa_roots
};

struct VerificationReport {
  // OK when everything verified; otherwise kVerificationFailed with the message
  // "<check>: <detail>".
  Status status;
  std::string failed_check;  // empty when verified; else a name of spec/attestation.md
  std::vector<SignerReport> signers;
  std::vector<TimestampReport> timestamps;  // every timestamp of the bundle
  size_t distinct_keys = 0;                 // distinct keys with a verified signature
  int64_t signed_at = 0;                    // from the statement; 0 when not reached
  std::string subject_name;                 // "<dataset>@<version>"
  Sha256Digest merkle_root{};
  Sha256Digest manifest_sha256{};
  std::string media_type;
  // The file verified is a public view (spec/container.md, "Public views"):
  // the signed header and sources; manifest_sha256 is the full manifest's,
  // which the view names and only that file can confirm.
  bool public_view = false;
  uint64_t withheld_records = 0;

  bool verified() const { return status.ok(); }
};

// Verifies a bundle for the manifest at `manifest_path`, in the order of
// spec/attestation.md ("Verification"), stopping at the first failing check.
// The returned report says what failed; the function itself fails only on bad
// options (no key and no trust root, threshold < 1: kInvalidArgument) or an
// unreadable manifest (kNotFound, kIOError).
StatusOr<VerificationReport> VerifyAttestation(const std::string& manifest_path,
                                               std::string_view bundle_json,
                                               const VerifyOptions& options);

}  // namespace dtm
