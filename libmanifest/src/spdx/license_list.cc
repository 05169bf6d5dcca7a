#include "spdx/license_list.h"

#include "base/text.h"

#include <algorithm>
#include <cctype>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "dtm/spdx.h"

namespace dtm {

using internal::ListedLicense;
namespace internal {
namespace {

#include "spdx/license_list.inc"

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Lower-cased id -> entry. Built once, on first use; never modified after.
struct Tables {
  std::unordered_map<std::string, ListedLicense> licenses;
  std::unordered_map<std::string, std::string_view> exceptions;
};

const Tables& GetTables() {
  static const Tables* const tables = [] {
    auto* t = new Tables;
    for (std::string_view id : kSpdxLicenseIds)
      t->licenses.emplace(Lower(id), ListedLicense{id, false});
    for (std::string_view id : kSpdxDeprecatedLicenseIds) {
      t->licenses.emplace(Lower(id), ListedLicense{id, true});
    }
    for (std::string_view id : kSpdxExceptionIds) t->exceptions.emplace(Lower(id), id);
    return t;
  }();
  return *tables;
}

constexpr size_t kMaxSuggestInput = 64;

std::optional<std::string_view> Closest(
    std::string_view word, std::initializer_list<std::span<const std::string_view>> lists) {
  if (word.size() > kMaxSuggestInput) return std::nullopt;
  const size_t limit = word.size() <= 4 ? 1 : word.size() <= 8 ? 2 : 3;
  const std::string lower = Lower(word);
  std::optional<std::string_view> best;
  size_t best_distance = limit + 1;
  for (auto list : lists) {
    for (std::string_view id : list) {
      size_t gap = id.size() > word.size() ? id.size() - word.size() : word.size() - id.size();
      if (gap >= best_distance) continue;
      size_t d = EditDistance(lower, Lower(id));
      if (d < best_distance) {
        best_distance = d;
        best = id;
      }
    }
  }
  return best;
}

}  // namespace

std::optional<ListedLicense> FindLicense(std::string_view id) {
  const auto& map = GetTables().licenses;
  auto it = map.find(Lower(id));
  if (it == map.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string_view> FindException(std::string_view id) {
  const auto& map = GetTables().exceptions;
  auto it = map.find(Lower(id));
  if (it == map.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string_view> SuggestLicense(std::string_view word) {
  return Closest(word, {kSpdxLicenseIds, kSpdxDeprecatedLicenseIds});
}

std::optional<std::string_view> SuggestException(std::string_view word) {
  return Closest(word, {kSpdxExceptionIds});
}

std::string_view Version() { return kSpdxListVersion; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

}  // namespace internal

std::string_view SpdxLicenseListVersion() { return internal::Version(); }

bool IsSpdxLicenseId(std::string_view id) { return internal::FindLicense(id).has_value(); }

}  // namespace dtm
