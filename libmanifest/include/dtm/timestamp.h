// RFC 3161 time-stamp tokens (spec/attestation.md, "Timestamps"): the request
// a signer sends to a time-stamping authority (TSA), the check of its answer,
// and the verification of a token as evidence that some bytes existed at the
// time the TSA states.
//
// A token is kept as the DER TimeStampResp the TSA sent (RFC 3161 section
// 2.4.2), as Sigstore bundles keep it. Only SHA-256, SHA-384 and SHA-512
// message imprints are accepted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/status.h"
#include "dtm/x509.h"

namespace dtm {

// A time-stamp request (TimeStampReq, DER) over SHA-256(message), with a
// random 63-bit nonce and certReq true (the TSA includes its certificate).
struct TimestampRequest {
  std::string der;
  std::string message_sha256;  // the imprint, 32 bytes
  std::string nonce;           // big-endian, 8 bytes
};
StatusOr<TimestampRequest> MakeTimestampRequest(std::string_view message);

// What a token says, read without trusting it.
struct TimestampInfo {
  int64_t gen_time = 0;        // genTime, Unix seconds (fractions dropped)
  std::string tsa_subject;     // the signer certificate's subject (RFC 2253), if the token holds it
  std::string serial_hex;      // serialNumber, lower-case hex
  std::string policy;          // the TSA policy OID, dotted
  std::string hash_algorithm;  // "sha256", "sha384" or "sha512"
};

// Parses a TimeStampResp: well-formed DER with nothing after it, status
// granted (0; grantedWithMods is refused: what was modified is not said), a token with a TSTInfo of
// version 1 and an accepted imprint algorithm. kCorruption naming the problem.
StatusOr<TimestampInfo> ParseTimestamp(std::string_view response_der);

// The answer to `request`: ParseTimestamp, then the imprint and the nonce
// must be the request's. kVerificationFailed when they are not, kCorruption
// when the answer is malformed or a refusal (with the TSA's status text).
StatusOr<TimestampInfo> CheckTimestampResponse(std::string_view response_der,
                                               const TimestampRequest& request);

// True when the token's message imprint is the digest of `message` (under
// the token's own hash algorithm). False for a malformed token.
bool TimestampCovers(std::string_view response_der, std::string_view message);

// Verifies a token as evidence that `message` existed at its genTime:
// ParseTimestamp; the imprint is the digest of `message`; the CMS signature
// verifies with the signer certificate the token names (ESS signingCertificate
// or signingCertificateV2 must identify it); that certificate has a path
// through the token's certificates and `intermediates` to a root in `roots`,
// every certificate of it valid at genTime; and the signer certificate is a
// time-stamping certificate (RFC 3161 section 2.3: extendedKeyUsage present,
// critical, and only id-kp-timeStamping). kVerificationFailed naming the
// failure; kInvalidArgument when `roots` is empty.
StatusOr<TimestampInfo> VerifyTimestamp(std::string_view response_der, std::string_view message,
                                        const std::vector<Certificate>& roots,
                                        const std::vector<Certificate>& intermediates);

}  // namespace dtm
