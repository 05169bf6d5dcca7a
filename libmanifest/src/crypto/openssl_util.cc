// Error reporting for the crypto layer.
#include "crypto/openssl_util.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

namespace dtm::internal {

void FreeOpenSslMemory(void* p) { OPENSSL_free(p); }

std::string MemoryBioContents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

std::string DrainOpenSslErrors() {
  std::string out;
  char buf[256];
  for (unsigned long e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error recorded" : out;
}

Status OpenSslFailure(std::string_view what) {
  return Status::Internal(what, DrainOpenSslErrors());
}

Status OpenSslRejected(std::string_view what) {
  return Status::InvalidArgument(what, DrainOpenSslErrors());
}

}  // namespace dtm::internal
