// Small text helpers for messages and input checks, shared inside libmanifest.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dtm::internal {

// `text` between single quotes, cut to 80 bytes (then "..." follows), with
// bytes outside printable ASCII, the quote and the backslash escaped as \xNN,
// so that a message showing user input stays one readable line.
std::string QuoteForMessage(std::string_view text);

// True if `text` is valid UTF-8 (RFC 3629: shortest form, no surrogates, at
// most U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Levenshtein distance (insertions, deletions, substitutions of bytes), for
// "did you mean" suggestions. O(a.size() * b.size()) time.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace dtm::internal
