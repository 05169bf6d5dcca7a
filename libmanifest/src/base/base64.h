// Base64 (RFC 4648) for the JSON of envelopes and bundles.
#pragma once

#include <string>
#include <string_view>

#include "dtm/status.h"

namespace dtm::internal {

// Standard alphabet, with "=" padding.
std::string Base64Encode(std::string_view bytes);

// Decodes the standard or the URL-safe alphabet (RFC 4648 sections 4 and 5;
// one string may not mix them), with or without padding. Rejects any other
// character (whitespace included), a length no encoding produces, and
// non-zero unused bits in the last character, so each byte string has exactly
// one accepted encoding per alphabet and padding choice. Errors are
// kInvalidArgument naming the offending offset.
StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace dtm::internal
