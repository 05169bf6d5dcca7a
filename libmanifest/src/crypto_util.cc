// Error reporting for the crypto layer.
#include "crypto_util.h"

#include <openssl/err.h>

namespace dtm::crypto {

std::string DrainOpenSslErrors() {
  std::string out;
  char buf[256];
  for (unsigned long e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty())
      out += "; ";
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

} // namespace dtm::crypto
