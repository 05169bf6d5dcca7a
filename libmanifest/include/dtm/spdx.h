// SPDX license expressions checked against the pinned SPDX License List
// (spec/license.md). Thread-safe: every function here may be called from any
// thread at the same time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

// Limits of ParseLicenseExpression; inputs over them give kLimitExceeded.
inline constexpr size_t kMaxLicenseExpressionBytes = 4096;
inline constexpr int kMaxLicenseExpressionNesting = 64;  // levels of parentheses

struct LicenseExpressionInfo {
  // Canonical spelling: list ids in the list's case, operators upper case,
  // single spaces between terms, parentheses only where the input had them
  // and no space just inside them. A LicenseRef is spelled as it first appears.
  std::string normalized;
  // Distinct list ids (current or deprecated), in order of first appearance,
  // without any "+" suffix.
  std::vector<std::string> license_ids;
  // Distinct "LicenseRef-x" and "DocumentRef-y:LicenseRef-x", in order of first
  // appearance; two refs are the same when they differ only in the case of
  // their idstrings.
  std::vector<std::string> license_refs;
  // Distinct exception ids used after WITH, in the list's case.
  std::vector<std::string> exceptions;
  // The members of license_ids that the list marks deprecated.
  std::vector<std::string> deprecated_ids;
  // The least restrictive use class the expression allows when the list
  // determines it (spec/license.md, "Use-class floor"); UNSPECIFIED when a
  // LicenseRef's unknown terms could change it.
  v1::UseClass use_class_floor = v1::USE_CLASS_UNSPECIFIED;
};

// Parses an SPDX license expression (SPDX 2.3 annex D / SPDX 3.0 "License
// expressions") with the restrictions of spec/license.md: ids from the pinned
// list (case-insensitive, optional "+"), LicenseRef-x,
// DocumentRef-y:LicenseRef-x, AND, OR, WITH <exception id from the list>,
// parentheses; operators all upper or all lower case; precedence WITH > AND >
// OR. Errors: kInvalidArgument "offset N: <problem>" with N the 1-based byte
// offset of the offending token (the input length + 1 at the end of input),
// e.g. "offset 1: unknown license id 'MIT2' (did you mean 'MIT'?)";
// kLimitExceeded over kMaxLicenseExpressionBytes or
// kMaxLicenseExpressionNesting.
StatusOr<LicenseExpressionInfo> ParseLicenseExpression(std::string_view expression);

// The version of the pinned list: the versions of the Debian packages it was
// generated from, "spdx-license-ids 3.0.12; spdx-exceptions 2.3.0".
std::string_view SpdxLicenseListVersion();

// True when `id` is a license id of the pinned list, current or deprecated,
// compared case-insensitively. Exception ids and "MIT+" are not license ids.
bool IsSpdxLicenseId(std::string_view id);

// Checks a Source's License message (spec/license.md, "Validation"): the
// expression parses; every LicenseRef used has exactly one custom entry, that
// entry has text_url or a 32-byte text_sha256, and no entry names an unused
// ref; the declared use_class is a known value not less restrictive than the
// floor when the floor is known.
// On success *resolved is the floor when use_class is UNSPECIFIED and the floor
// is known, else the declared use_class. On failure *resolved is unchanged.
// `resolved` may be null. Errors name the field, e.g. kInvalidArgument
// "license.use_class: declared COMMERCIAL but CC-BY-NC-4.0 allows only
// NON_COMMERCIAL"; a parse error is prefixed "license.expression: ".
Status CheckLicense(const v1::License& license, v1::UseClass* resolved);

}  // namespace dtm
