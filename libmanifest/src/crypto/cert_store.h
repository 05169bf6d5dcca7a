// Certificates as OpenSSL's verification inputs, for the crypto module's
// chain checks (x509.cc, timestamp.cc).
#pragma once

#include <vector>

#include "crypto/openssl_ptr.h"
#include "dtm/status.h"
#include "dtm/x509.h"

namespace dtm::internal {

// An X509_STORE trusting exactly `roots`.
StatusOr<StorePtr> TrustStoreOf(const std::vector<Certificate>& roots);
// A stack holding a copy of each of `certificates`, in order (untrusted).
StatusOr<X509StackPtr> CertificateStackOf(const std::vector<Certificate>& certificates);

}  // namespace dtm::internal
