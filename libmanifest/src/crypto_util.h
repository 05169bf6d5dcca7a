// Helpers shared by the crypto layer (libmanifest/src/crypto_*.cc). This header
// names no OpenSSL type, so it may be included anywhere, but only crypto_*.cc
// files have a use for it.
#pragma once

#include <string>
#include <string_view>

#include "dtm/status.h"

namespace dtm::crypto {

// A unique_ptr deleter calling an OpenSSL free function:
//   std::unique_ptr<BIO, Free<BIO_free_all>>
template <auto FreeFn> struct Free {
  template <typename T> void operator()(T *p) const { FreeFn(p); }
};

// Empties OpenSSL's error queue of this thread and returns its entries joined
// by "; " ("no OpenSSL error recorded" when it was empty).
std::string DrainOpenSslErrors();

// Empties the error queue and returns kInternal "<what>: <OpenSSL errors>".
Status OpenSslFailure(std::string_view what);

// Empties the error queue and returns kInvalidArgument "<what>: <OpenSSL
// errors>".
Status OpenSslRejected(std::string_view what);

} // namespace dtm::crypto
