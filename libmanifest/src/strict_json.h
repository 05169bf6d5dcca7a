// Private: JSON parsing for signed documents, stricter than nlohmann's default.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "dtm/status.h"

namespace dtm {

// Nesting deeper than this is rejected.
inline constexpr int kMaxJsonDepth = 32;

// Parses `text` as one JSON value (RFC 8259, UTF-8), rejecting what parsers
// disagree on: duplicate member names in an object, and nesting deeper than
// kMaxJsonDepth. Errors are kCorruption "<what>: ..." with nlohmann's message
// (which gives the byte offset). Never throws.
StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, std::string_view what);

}  // namespace dtm
