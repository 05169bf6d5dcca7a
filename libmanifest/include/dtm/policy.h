// Policy checks of a manifest: `dtm check --policy policy.yaml`
// (spec/policy.md). A policy states rules a lab or an auditor cares about;
// CheckPolicy lists every source that breaks one.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/facts.h"
#include "dtm/status.h"
#include "dtm/v1/policy.pb.h"

namespace dtm {

// Reads and checks a policy file. Errors are kInvalidArgument
// "file:line:col: field: problem" (an unknown key, a bad value, an unknown
// SPDX id or field path, an exemption naming an unknown rule), kNotFound,
// kLimitExceeded.
StatusOr<v1::Policy> LoadPolicy(const std::string& path);
// As LoadPolicy, from text; `file` names it in messages.
StatusOr<v1::Policy> ParsePolicy(std::string_view text, const std::string& file);

// The names of the rules: the fields of v1::Policy from disallowed_use_classes
// to disallowed_acquisitions, in field order.
const std::vector<std::string>& PolicyRuleNames();

// Checks one field path of the required_fields rule (spec/policy.md,
// "required_fields"): kInvalidArgument naming the first unknown segment.
Status ValidateRequiredField(std::string_view path);

struct PolicyViolation {
  std::string source_id;  // the source; empty for the manifest's header
  std::string rule;       // the rule's name, e.g. "disallowed_use_classes"
  std::string message;    // what is wrong, e.g. "use class non_commercial is not allowed"
  std::string exemption;  // the reason of the exemption that accepts it; empty if none
};

// Applies every rule of `policy` to every source (and, for header field
// paths, to the header). Violations come in source order, then rule order.
// REQUIRES: `policy` passed ParsePolicy's checks.
std::vector<PolicyViolation> CheckPolicy(const v1::Policy& policy, const ManifestFacts& facts);

// Writes one line per violation ("SOURCE: RULE: MESSAGE", "(header)" for the
// header, " [exempted: REASON]" when exempted) and a summary line. Returns the
// number of violations that are not exempted.
size_t WritePolicyReport(const v1::Policy& policy, const ManifestFacts& facts,
                         const std::vector<PolicyViolation>& violations, std::ostream& out);

}  // namespace dtm
