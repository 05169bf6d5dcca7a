// Fuzz target: the policy file of `dtm check` (dtm/policy.h, spec/policy.md).
// The input is the YAML text. A policy that parses is applied to the signing
// vector's manifest and its report is written.
#include <cstdint>
#include <sstream>
#include <string>

#include "dtm/policy.h"
#include "fuzz_facts.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const dtm::ManifestFacts& facts = dtm::fuzz::VectorFacts();
  auto policy = dtm::ParsePolicy(dtm::fuzz::AsText(data, size), "policy.yaml");
  if (!policy.ok()) return 0;
  const std::vector<dtm::PolicyViolation> violations = dtm::CheckPolicy(*policy, facts);
  std::ostringstream out;
  (void)dtm::WritePolicyReport(*policy, facts, violations, out);
  return 0;
}
