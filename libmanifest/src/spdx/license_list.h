// Lookups in the pinned SPDX License List (license_list.inc). Private to
// libmanifest; the public face is dtm/spdx.h. Thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace dtm::internal {

struct ListedLicense {
  std::string_view id;  // in the list's case
  bool deprecated;
};

// Case-insensitive exact lookups. Returned views point into static storage.
std::optional<ListedLicense> FindLicense(std::string_view id);
std::optional<std::string_view> FindException(std::string_view id);

// The list id closest to `word` by case-insensitive edit distance, when one is
// close enough to be a likely typo (at most 1 edit for words of up to 4
// characters, 2 up to 8, 3 beyond); ties go to the current id first in byte
// order. None for words over 64 characters.
std::optional<std::string_view> SuggestLicense(std::string_view word);
std::optional<std::string_view> SuggestException(std::string_view word);

std::string_view Version();

// ASCII case-insensitive comparisons.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);

}  // namespace dtm::internal
