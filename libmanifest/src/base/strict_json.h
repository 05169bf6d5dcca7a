// Private: JSON parsing for signed documents, stricter than nlohmann's default.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "dtm/status.h"

namespace dtm::internal {

// Nesting deeper than this is rejected (the top-level array or object is
// level 1).
inline constexpr int kMaxJsonDepth = 32;
// More values than this (scalars, arrays and objects, at any depth) are
// rejected: they bound the memory of a parsed document.
inline constexpr size_t kMaxJsonValues = 1'000'000;

// Parses `text` as one I-JSON value (RFC 7493: RFC 8259 in UTF-8), rejecting
// what parsers disagree on: duplicate member names in an object, a
// byte-order mark, bytes that are not UTF-8, escapes of lone surrogates,
// numbers beyond the range of a double (1e400); and, before building
// anything, nesting deeper than kMaxJsonDepth and more than kMaxJsonValues
// values. Time and memory are linear in the size of `text`. Errors are
// kCorruption "<what>: ..." with nlohmann's message (which gives the byte
// offset). Never throws.
StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, std::string_view what);

// The first member name of the JSON object `object` that is not in `known`, or
// nullopt when there is none (or `object` is not an object).
std::optional<std::string> FirstUnknownMember(const nlohmann::json& object,
                                              std::initializer_list<std::string_view> known);

}  // namespace dtm::internal
