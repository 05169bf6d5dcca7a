// Helpers shared by the crypto module's files (crypto/*.cc): OpenSSL's error
// queue as a Status, DER encodings, memory BIOs. Deleters are in
// crypto/openssl_ptr.h.
#pragma once

#include <string>
#include <string_view>

#include "dtm/status.h"

struct bio_st;  // OpenSSL's BIO

namespace dtm::internal {

// Frees memory OpenSSL allocated (OPENSSL_free).
void FreeOpenSslMemory(void* p);

// The DER encoding made by an OpenSSL i2d_* function, "" when it fails:
//   ToDer(i2d_X509, cert)
template <typename Fn, typename T>
std::string ToDer(Fn i2d, T* object) {
  unsigned char* der = nullptr;
  const int len = i2d(object, &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  FreeOpenSslMemory(der);
  return out;
}

// The bytes written so far to a memory BIO.
std::string MemoryBioContents(bio_st* bio);

// Empties OpenSSL's error queue of this thread and returns its entries joined
// by "; " ("no OpenSSL error recorded" when it was empty).
std::string DrainOpenSslErrors();

// Empties the error queue and returns kInternal "<what>: <OpenSSL errors>".
Status OpenSslFailure(std::string_view what);

// Empties the error queue and returns kInvalidArgument "<what>: <OpenSSL
// errors>".
Status OpenSslRejected(std::string_view what);

}  // namespace dtm::internal
