// Reading policy files (spec/policy.md).
#include "dtm/policy.h"
#include "dtm/records.h"
#include "dtm/spdx.h"
#include "yaml/yaml_input.h"

namespace dtm {

using internal::ElementPath;
using internal::QuoteForMessage;
using internal::ReadYamlFile;
using internal::YamlInput;
namespace {

// An id review_licenses may name: a license id of the pinned SPDX list
// (optionally with "+"), an exception id, or a LicenseRef-/DocumentRef- id.
bool IsReviewableId(std::string_view id) {
  if (id.rfind("LicenseRef-", 0) == 0 || id.rfind("DocumentRef-", 0) == 0) {
    return ParseLicenseExpression(id).ok();
  }
  std::string_view bare = id;
  if (!bare.empty() && bare.back() == '+') bare.remove_suffix(1);
  if (IsSpdxLicenseId(bare)) return true;
  return id.find_first_of(" ()") == std::string_view::npos &&
         ParseLicenseExpression("MIT WITH " + std::string(id)).ok();
}

bool HasRules(const v1::Policy& p) {
  return !p.disallowed_use_classes().empty() || !p.review_licenses().empty() ||
         !p.required_fields().empty() || p.opt_outs_honoured() ||
         !p.forbidden_training_permissions().empty() || p.training_permission_stated() ||
         p.personal_data_legal_basis() || p.license_verified() ||
         !p.allowed_acquisitions().empty() || !p.disallowed_acquisitions().empty() ||
         p.documents_match_declared();
}

Status CheckExemption(const YamlInput& input, const v1::PolicyExemption& e,
                      const std::string& path) {
  if (e.source().empty()) return input.Error(path + ".source", "missing: name a source id");
  if (Status s = ValidateSourceId(e.source()); !s.ok()) {
    return input.Error(path + ".source", s.message());
  }
  if (e.rules().empty()) return input.Error(path + ".rules", "missing: name the rules exempted");
  const auto& names = PolicyRuleNames();
  for (int i = 0; i < e.rules_size(); ++i) {
    if (std::find(names.begin(), names.end(), e.rules(i)) == names.end()) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      return input.Error(ElementPath(path + ".rules", i),
                         "unknown rule " + QuoteForMessage(e.rules(i)) + "; the rules are " + list);
    }
  }
  if (e.reason().empty()) return input.Error(path + ".reason", "missing: say why it is accepted");
  return Status::Ok();
}

}  // namespace

StatusOr<v1::Policy> ParsePolicy(std::string_view text, const std::string& file) {
  v1::Policy policy;
  DTM_ASSIGN_OR_RETURN(auto input, YamlInput::Map(text, file, &policy));
  DTM_RETURN_IF_ERROR(input->CheckFormat(policy.format()));
  if (policy.name().empty()) return input->Error("name", "missing: name the policy");
  if (!HasRules(policy)) return input->Error("", "the policy sets no rule");
  for (int i = 0; i < policy.review_licenses_size(); ++i) {
    if (!IsReviewableId(policy.review_licenses(i))) {
      return input->Error(ElementPath("review_licenses", i),
                          "unknown SPDX license id " + QuoteForMessage(policy.review_licenses(i)));
    }
  }
  for (int i = 0; i < policy.required_fields_size(); ++i) {
    if (Status s = ValidateRequiredField(policy.required_fields(i)); !s.ok()) {
      return input->Error(ElementPath("required_fields", i), s.message());
    }
  }
  for (int i = 0; i < policy.exemptions_size(); ++i) {
    DTM_RETURN_IF_ERROR(CheckExemption(*input, policy.exemptions(i), ElementPath("exemptions", i)));
  }
  return policy;
}

StatusOr<v1::Policy> LoadPolicy(const std::string& path) {
  DTM_ASSIGN_OR_RETURN(std::string text, ReadYamlFile(path));
  return ParsePolicy(text, path);
}

}  // namespace dtm
