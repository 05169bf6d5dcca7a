// CheckLicense: the rules of spec/license.md, "Validation of Source.license".
#include <string>
#include <vector>

#include "dtm/spdx.h"
#include "spdx/license_list.h"

namespace dtm {
namespace {

// USE_CLASS_NON_COMMERCIAL -> "NON_COMMERCIAL".
std::string UseClassName(v1::UseClass c) {
  std::string name = v1::UseClass_Name(c);
  constexpr std::string_view kPrefix = "USE_CLASS_";
  if (name.starts_with(kPrefix)) name.erase(0, kPrefix.size());
  return name;
}

// A custom entry's license_ref must be one ref, spelled canonically.
bool IsLicenseRef(const std::string& ref) {
  auto parsed = ParseLicenseExpression(ref);
  return parsed.ok() && parsed->license_refs.size() == 1 && parsed->license_refs[0] == ref &&
         parsed->normalized == ref;
}

Status CheckCustomEntries(const v1::License& license, const LicenseExpressionInfo& info) {
  std::vector<int> entry_of(info.license_refs.size(), -1);
  for (int i = 0; i < license.custom_size(); ++i) {
    const v1::CustomLicense& custom = license.custom(i);
    const std::string field = "license.custom[" + std::to_string(i) + "]";
    const std::string& ref = custom.license_ref();
    if (!IsLicenseRef(ref)) {
      return Status::InvalidArgument(field + ".license_ref",
                                     "'" + ref +
                                         "' is not LicenseRef-<idstring> or "
                                         "DocumentRef-<idstring>:LicenseRef-<idstring>");
    }
    size_t k = 0;
    while (k < info.license_refs.size() && !internal::EqualsIgnoreCase(info.license_refs[k], ref)) {
      ++k;
    }
    if (k == info.license_refs.size()) {
      return Status::InvalidArgument(field + ".license_ref",
                                     "'" + ref + "' is not used in license.expression");
    }
    if (entry_of[k] >= 0) {
      return Status::InvalidArgument(field + ".license_ref",
                                     "'" + ref + "' already has an entry, license.custom[" +
                                         std::to_string(entry_of[k]) + "]");
    }
    entry_of[k] = i;
    if (custom.text_url().empty() && custom.text_sha256().empty()) {
      return Status::InvalidArgument(field, "one of text_url or text_sha256 MUST be set");
    }
    if (!custom.text_sha256().empty() && custom.text_sha256().size() != 32) {
      return Status::InvalidArgument(
          field + ".text_sha256",
          "must be 32 bytes, got " + std::to_string(custom.text_sha256().size()));
    }
  }
  for (size_t k = 0; k < info.license_refs.size(); ++k) {
    if (entry_of[k] < 0) {
      return Status::InvalidArgument("license.custom", "no entry for '" + info.license_refs[k] +
                                                           "' used in license.expression");
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckLicense(const v1::License& license, v1::UseClass* resolved) {
  auto parsed = ParseLicenseExpression(license.expression());
  if (!parsed.ok()) return parsed.status().WithContext("license.expression");
  const LicenseExpressionInfo& info = *parsed;
  DTM_RETURN_IF_ERROR(CheckCustomEntries(license, info));

  const v1::UseClass declared = license.use_class();
  if (!v1::UseClass_IsValid(declared)) {
    return Status::InvalidArgument("license.use_class",
                                   "unknown value " + std::to_string(static_cast<int>(declared)));
  }
  const v1::UseClass floor = info.use_class_floor;
  if (declared != v1::USE_CLASS_UNSPECIFIED && floor != v1::USE_CLASS_UNSPECIFIED &&
      declared < floor) {
    bool compound = info.normalized.find(' ') != std::string::npos;
    std::string what = compound ? "'" + info.normalized + "'" : info.normalized;
    return Status::InvalidArgument("license.use_class", "declared " + UseClassName(declared) +
                                                            " but " + what + " allows only " +
                                                            UseClassName(floor));
  }
  if (resolved != nullptr) *resolved = declared == v1::USE_CLASS_UNSPECIFIED ? floor : declared;
  return Status::Ok();
}

}  // namespace dtm
