// Fuzz target: SPDX license expressions (dtm/spdx.h, spec/license.md). The
// input is an expression. One that parses must parse again from its normalized
// spelling to the same result (normalizing is idempotent).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "dtm/spdx.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = dtm::fuzz::AsText(data, size);
  (void)dtm::IsSpdxLicenseId(input);
  dtm::v1::License license;
  license.set_expression(std::string(input));
  (void)dtm::CheckLicense(license, nullptr);

  auto info = dtm::ParseLicenseExpression(input);
  if (!info.ok()) return 0;
  auto again = dtm::ParseLicenseExpression(info->normalized);
  if (!again.ok() || again->normalized != info->normalized ||
      again->license_ids != info->license_ids || again->license_refs != info->license_refs ||
      again->exceptions != info->exceptions || again->use_class_floor != info->use_class_floor) {
    std::fprintf(stderr, "normalized expression '%s' does not parse to the same: %s\n",
                 info->normalized.c_str(),
                 again.ok() ? again->normalized.c_str() : again.status().ToString().c_str());
    std::abort();
  }
  return 0;
}
