// The rules of spec/policy.md applied to the sources of a manifest.
#include <algorithm>
#include <cctype>

#include "dtm/format.h"
#include "dtm/policy.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "policy/fields.h"

namespace dtm {

using internal::FindUnfilled;
using internal::kHeaderPrefix;
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::string Label(const google::protobuf::EnumDescriptor* type, int value) {
  return EnumLabel(type, value);
}

template <typename Enum>
bool Contains(const google::protobuf::RepeatedField<int>& list, Enum value) {
  return std::find(list.begin(), list.end(), static_cast<int>(value)) != list.end();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The license and exception ids of an SPDX expression, lower-case, without a
// "+" suffix: every term that is not an operator or a parenthesis.
std::vector<std::string> ExpressionIds(std::string_view expression) {
  std::vector<std::string> ids;
  std::string term;
  auto flush = [&] {
    if (!term.empty() && term.back() == '+') term.pop_back();
    const std::string lower = Lower(term);
    if (!lower.empty() && lower != "and" && lower != "or" && lower != "with") ids.push_back(lower);
    term.clear();
  };
  for (char c : expression) {
    if (c == '(' || c == ')' || std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      term += c;
    }
  }
  flush();
  return ids;
}

// Adds a violation of `rule` for the source to *out.
struct Collector {
  const std::string& source_id;
  std::vector<PolicyViolation>* out;
  void Add(const std::string& rule, std::string message) {
    out->push_back(PolicyViolation{source_id, rule, std::move(message), ""});
  }
};

void CheckLicense(const v1::Policy& policy, const v1::Source& s, Collector* c) {
  const v1::License& license = s.license();
  if (Contains(policy.disallowed_use_classes(), license.use_class())) {
    c->Add(
        "disallowed_use_classes",
        "use class " + Label(v1::UseClass_descriptor(), license.use_class()) + " is not allowed");
  }
  const std::vector<std::string> ids = ExpressionIds(license.expression());
  for (const std::string& review : policy.review_licenses()) {
    std::string wanted = Lower(review);
    if (!wanted.empty() && wanted.back() == '+') wanted.pop_back();
    if (std::find(ids.begin(), ids.end(), wanted) != ids.end()) {
      c->Add("review_licenses", "license expression '" + license.expression() + "' names " +
                                    review + ", which needs legal review");
    }
  }
  if (policy.license_verified() && license.verified_by().name().empty()) {
    c->Add("license_verified",
           "the license claim (from " +
               Label(v1::LicenseClaimSource_descriptor(), license.claim_source()) +
               ") was not verified: license.verified_by is empty");
  }
}

// Measured against declared document counts (spec/policy.md).
void CheckDocumentCounts(const v1::Policy& policy, const SourceFacts& sf, Collector* c) {
  const v1::Counts& counts = sf.source.counts();
  if (!policy.documents_match_declared() || counts.documents() == 0) return;
  if (sf.withheld) return;  // a public view: the document entries are not there to count
  if (sf.documents == 0 && !sf.source.has_documents()) return;  // nothing measured
  const uint64_t found = sf.documents + sf.documents_skipped;
  const bool ranged = counts.documents_max() > 0;
  const uint64_t lo = ranged ? counts.documents_min() : counts.documents();
  const uint64_t hi = ranged ? counts.documents_max() : counts.documents();
  if (found >= lo && found <= hi) return;
  std::string declared = ranged ? std::to_string(lo) + " to " + std::to_string(hi)
                                : std::to_string(counts.documents());
  std::string message = "declares " + declared + " documents (counts) but its files hold " +
                        std::to_string(sf.documents) + " document entries";
  if (sf.documents_skipped > 0) {
    message += " and " + std::to_string(sf.documents_skipped) + " skipped bad documents";
  }
  c->Add("documents_match_declared", message);
}

void CheckProvenance(const v1::Policy& policy, const v1::Source& s, Collector* c) {
  const int method = s.provenance().acquisition();
  const std::string label = Label(v1::AcquisitionMethod_descriptor(), method);
  if (!policy.allowed_acquisitions().empty() && !Contains(policy.allowed_acquisitions(), method)) {
    c->Add("allowed_acquisitions", "acquisition method " + label + " is not among those allowed");
  }
  if (Contains(policy.disallowed_acquisitions(), method)) {
    c->Add("disallowed_acquisitions", "acquisition method " + label + " is not allowed");
  }
  if (policy.opt_outs_honoured()) {
    for (int i = 0; i < s.opt_outs_size(); ++i) {
      const v1::OptOutObservation& o = s.opt_outs(i);
      if (o.reserved() != v1::ANSWER_YES || o.action() == v1::OPT_OUT_ACTION_HONOURED) continue;
      c->Add("opt_outs_honoured", "opt_outs[" + std::to_string(i) + "] (" +
                                      Label(v1::OptOutMechanism_descriptor(), o.mechanism()) +
                                      (o.scope().empty() ? "" : " for " + o.scope()) +
                                      ", observed " + FormatDate(o.observed_at()) +
                                      ") reserved rights but the action is " +
                                      Label(v1::OptOutAction_descriptor(), o.action()));
    }
  }
  const bool generated = method == v1::ACQUISITION_METHOD_GENERATED_BY_MODEL || s.has_generation();
  if (generated) {
    const v1::Generation& g = s.generation();
    const int permission = g.training_permission();
    const std::string model = g.model().empty() ? "the generator" : "generator " + g.model();
    if (Contains(policy.forbidden_training_permissions(), permission)) {
      c->Add("forbidden_training_permissions",
             model + ": its terms are declared " +
                 Label(v1::TrainingPermission_descriptor(), permission) +
                 " for training on outputs");
    }
    if (policy.training_permission_stated() && permission == v1::TRAINING_PERMISSION_UNSPECIFIED) {
      c->Add("training_permission_stated",
             model + ": generation.training_permission is not stated");
    }
  }
  if (policy.personal_data_legal_basis() &&
      s.personal_data().contains_personal_information() == v1::ANSWER_YES &&
      s.personal_data().legal_basis().empty()) {
    c->Add("personal_data_legal_basis",
           "contains personal information but personal_data.legal_basis is empty");
  }
}

void CheckRequired(const v1::Policy& policy, const Message& message, bool header, Collector* c) {
  for (const std::string& path : policy.required_fields()) {
    const bool header_path = path.rfind(kHeaderPrefix, 0) == 0;
    if (header_path != header) continue;
    std::vector<std::string> missing;
    FindUnfilled(message, header ? path.substr(kHeaderPrefix.size()) : path, &missing);
    for (const std::string& m : missing) {
      c->Add("required_fields", (header ? std::string(kHeaderPrefix) : "") + m + " is not filled");
    }
  }
}

}  // namespace

const std::vector<std::string>& PolicyRuleNames() {
  // The rules are the fields numbered 10 to 29 (policy.proto).
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    const google::protobuf::Descriptor* type = v1::Policy::descriptor();
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* f = type->field(i);
      if (f->number() >= 10 && f->number() < 30) out.push_back(f->name());
    }
    return out;
  }();
  return names;
}

std::vector<PolicyViolation> CheckPolicy(const v1::Policy& policy, const ManifestFacts& facts) {
  std::vector<PolicyViolation> out;
  const std::string none;
  Collector header{none, &out};
  CheckRequired(policy, facts.header, true, &header);
  // Within a source, violations come in the order of the rules in the schema.
  const auto& names = PolicyRuleNames();
  auto rank = [&names](const PolicyViolation& v) {
    return std::find(names.begin(), names.end(), v.rule) - names.begin();
  };
  for (const SourceFacts& sf : facts.sources) {
    std::vector<PolicyViolation> found;
    Collector c{sf.source.id(), &found};
    CheckLicense(policy, sf.source, &c);
    CheckProvenance(policy, sf.source, &c);
    CheckDocumentCounts(policy, sf, &c);
    CheckRequired(policy, sf.source, false, &c);
    std::stable_sort(found.begin(), found.end(),
                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    out.insert(out.end(), found.begin(), found.end());
  }
  for (PolicyViolation& v : out) {
    for (const v1::PolicyExemption& e : policy.exemptions()) {
      if (e.source() == v.source_id &&
          std::find(e.rules().begin(), e.rules().end(), v.rule) != e.rules().end()) {
        v.exemption = e.reason();
        break;
      }
    }
  }
  return out;
}

size_t WritePolicyReport(const v1::Policy& policy, const ManifestFacts& facts,
                         const std::vector<PolicyViolation>& violations, std::ostream& out) {
  size_t counted = 0;
  std::vector<std::string> sources;  // with a counted violation
  bool header = false;               // the header has a counted violation
  for (const PolicyViolation& v : violations) {
    out << (v.source_id.empty() ? "(header)" : v.source_id) << ": " << v.rule << ": " << v.message;
    if (!v.exemption.empty()) {
      out << " [exempted: " << v.exemption << "]";
    } else {
      ++counted;
      if (v.source_id.empty()) {
        header = true;
      } else if (std::find(sources.begin(), sources.end(), v.source_id) == sources.end()) {
        sources.push_back(v.source_id);
      }
    }
    out << "\n";
  }
  auto plural = [](size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  const size_t exempted = violations.size() - counted;
  out << "policy " << policy.name() << ": ";
  if (counted == 0) {
    out << "no violations";
  } else {
    out << plural(counted, "violation", "violations") << " in ";
    if (!sources.empty()) out << plural(sources.size(), "source", "sources");
    out << (header ? (sources.empty() ? "the header" : " and the header") : "");
  }
  if (exempted) out << " (" << exempted << " exempted)";
  out << "; " << plural(facts.sources.size(), "source", "sources") << " checked";
  if (facts.scope) {
    out << ", those used for " << facts.scope->model;
    if (!facts.scope->left_out.empty()) {
      out << " (" << plural(facts.scope->left_out.size(), "source", "sources")
          << " used only for other models left out)";
    }
  }
  out << "\n";
  return counted;
}

}  // namespace dtm
