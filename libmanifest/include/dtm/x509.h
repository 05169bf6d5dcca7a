// X.509 certificates naming who signed (spec/attestation.md, "Certificates").
//
// DTM checks a signer's certificate as a code-signing certificate: a chain to
// a trust root the verifier gives, validity at the signing time, and the key
// usage digitalSignature (plus codeSigning when an extended key usage is
// present). It does not fetch anything (no CRL, OCSP or AIA).
//
// Certificates are immutable and may be shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/keys.h"
#include "dtm/status.h"

namespace dtm {

// Which part of a certificate check failed.
struct CertificateProblem {
  enum Kind {
    kNone,
    kChain,     // no path to a trust root, or a bad signature or extension on the
                // path
    kValidity,  // a certificate of the path is expired or not yet valid at the
                // time
    kKeyUsage,  // the leaf may not sign: no digitalSignature, or EKU without
                // codeSigning
  };
  Kind kind = kNone;
};

class Certificate {
 public:
  // One DER certificate; trailing bytes are an error.
  static StatusOr<Certificate> FromDer(std::string_view der);
  // Every "-----BEGIN CERTIFICATE-----" block of a PEM text, in order. At
  // least one; anything that is not a certificate block is an error.
  static StatusOr<std::vector<Certificate>> ParsePem(std::string_view pem);

  const std::string& der() const;
  std::string ToPem() const;
  // The subject in RFC 2253 form, most significant last: "CN=Lab,O=Acme,C=DE".
  const std::string& subject() const;
  // The DNS names, e-mail addresses and URIs of the subjectAltName extension,
  // in the order they appear; other name types are left out.
  const std::vector<std::string>& subject_alt_names() const;
  // The validity period, in Unix seconds. As OpenSSL checks it, a certificate
  // is valid at time t when not_before <= t < not_after.
  int64_t not_before() const;
  int64_t not_after() const;
  // The certificate's key, if its type is one DTM signs with.
  StatusOr<PublicKey> public_key() const;

  // True when `identity` equals the subject or one of the subject alternative
  // names, byte for byte.
  bool MatchesIdentity(std::string_view identity) const;

  // OK when the certificate may sign: its keyUsage extension is present and
  // includes digitalSignature, and its extendedKeyUsage extension, if any,
  // includes codeSigning. Otherwise kVerificationFailed saying which.
  Status CheckSigningUsage() const;

 private:
  struct Impl;
  explicit Certificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Checks `leaf` as a signing certificate: a path from `leaf` through any of
// `intermediates` to a self-signed certificate in `roots` (only `roots` are
// trust anchors), with valid signatures; when `at_time` is given, every
// certificate of the path valid at that time; the leaf's keyUsage extension
// present with digitalSignature, and, if it has an extendedKeyUsage extension,
// codeSigning in it. Returns kVerificationFailed naming the failure and sets
// *problem (if not null) to its kind; kInvalidArgument when `roots` is empty.
Status VerifyCertificateChain(const Certificate& leaf,
                              const std::vector<Certificate>& intermediates,
                              const std::vector<Certificate>& roots, std::optional<int64_t> at_time,
                              CertificateProblem* problem);

}  // namespace dtm
