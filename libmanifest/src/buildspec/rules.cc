// The validation rules of spec/spec-file.md, "Validation".
#include "buildspec/rules.h"

#include <algorithm>
#include <set>
#include <vector>

#include "base/text.h"
#include "dtm/records.h"
#include "dtm/spdx.h"

namespace dtm::internal {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Fields a message requires whenever it is present: each group lists
// alternatives of which at least one must be set (schema comments marked MUST;
// CustomLicense is checked by CheckLicense).
struct PresenceRule {
  const char* message;
  std::vector<std::vector<const char*>> groups;
};

const std::vector<PresenceRule>& PresenceRules() {
  static const std::vector<PresenceRule> rules = {
      {"dtm.v1.Party", {{"name"}}},
      {"dtm.v1.ModelRef", {{"name"}}},
      {"dtm.v1.OptOutObservation", {{"mechanism"}, {"observed_at"}}},
      {"dtm.v1.Generation", {{"model"}}},
      {"dtm.v1.ProcessingStep", {{"purpose"}}},
  };
  return rules;
}

bool IsSet(const Message& msg, const FieldDescriptor* field) {
  const auto* reflection = msg.GetReflection();
  return field->is_repeated() ? reflection->FieldSize(msg, field) > 0
                              : reflection->HasField(msg, field);
}

bool Before(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() < b.seconds() || (a.seconds() == b.seconds() && a.nanos() < b.nanos());
}

}  // namespace

YamlMark SpecRules::Where(const std::string& path) const {
  std::string p = path;
  while (!p.empty()) {
    if (const YamlMark* mark = yaml_.MarkOf(p)) return *mark;
    const size_t cut = p.find_last_of(".[");
    p.resize(cut == std::string::npos ? 0 : cut);
  }
  return YamlMark::null_mark();
}

Status SpecRules::Fail(const std::string& path, std::string_view problem) const {
  return yaml_.Error(Where(path), path, problem);
}

Status SpecRules::Require(bool set, const std::string& path) const {
  if (set) return Status::Ok();
  return Fail(path, yaml_.MarkOf(path) ? "must not be empty or null" : "missing (required)");
}

Status SpecRules::CheckPresentMessages(const Message& msg, const std::string& path) const {
  const auto* type = msg.GetDescriptor();
  for (const PresenceRule& rule : PresenceRules()) {
    if (type->full_name() != rule.message) continue;
    for (const auto& group : rule.groups) {
      bool any = false;
      std::string names;
      for (const char* name : group) {
        any = any || IsSet(msg, type->FindFieldByName(name));
        names += std::string(names.empty() ? "" : " or ") + name;
      }
      if (any) continue;
      if (group.size() == 1) {
        DTM_RETURN_IF_ERROR(Require(false, FieldPath(path, group[0])));
      } else {
        return Fail(path, "give at least one of " + names);
      }
    }
  }
  const auto* reflection = msg.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_map()) continue;
    const std::string field_path = FieldPath(path, field->name());
    if (!field->is_repeated()) {
      if (reflection->HasField(msg, field)) {
        DTM_RETURN_IF_ERROR(CheckPresentMessages(reflection->GetMessage(msg, field), field_path));
      }
      continue;
    }
    for (int k = 0; k < reflection->FieldSize(msg, field); ++k) {
      DTM_RETURN_IF_ERROR(CheckPresentMessages(reflection->GetRepeatedMessage(msg, field, k),
                                               ElementPath(field_path, static_cast<size_t>(k))));
    }
  }
  return Status::Ok();
}

Status SpecRules::CheckHeader(const v1::Header& header) const {
  DTM_RETURN_IF_ERROR(Require(!header.dataset().name().empty(), "dataset.name"));
  DTM_RETURN_IF_ERROR(Require(!header.dataset().version().empty(), "dataset.version"));
  DTM_RETURN_IF_ERROR(Require(header.has_publisher(), "publisher"));
  return CheckPresentMessages(header, "");
}

Status SpecRules::CheckExplicitPrevious(const v1::PreviousVersion& previous) const {
  DTM_RETURN_IF_ERROR(Require(!previous.version().empty(), "previous.version"));
  DTM_RETURN_IF_ERROR(Require(!previous.manifest_sha256().empty(), "previous.manifest_sha256"));
  return Require(!previous.merkle_root().empty(), "previous.merkle_root");
}

Status SpecRules::CheckPreviousFromManifest(const v1::PreviousVersion&) const {
  for (const char* name : {"version", "manifest_sha256", "merkle_root"}) {
    const std::string path = FieldPath("previous", name);
    if (yaml_.MarkOf(path) != nullptr) {
      return Fail(path, std::string("is read from previous.manifest; give either '") + name +
                            "' or 'manifest', not both");
    }
  }
  return Status::Ok();
}

Status SpecRules::CheckSource(v1::Source* source, const v1::Header& header,
                              const std::string& path) const {
  const std::string id_path = FieldPath(path, "id");
  DTM_RETURN_IF_ERROR(Require(!source->id().empty(), id_path));
  if (Status s = ValidateSourceId(source->id()); !s.ok()) {
    return Fail(id_path, "bad source id " + QuoteForMessage(source->id()) + ": " + s.message());
  }
  DTM_RETURN_IF_ERROR(Require(!source->name().empty(), FieldPath(path, "name")));
  DTM_RETURN_IF_ERROR(
      Require(source->modality() != v1::MODALITY_UNSPECIFIED, FieldPath(path, "modality")));
  DTM_RETURN_IF_ERROR(CheckLicenseOf(source, FieldPath(path, "license")));
  DTM_RETURN_IF_ERROR(CheckProvenance(*source, path));
  DTM_RETURN_IF_ERROR(CheckCounts(source->counts(), FieldPath(path, "counts")));
  DTM_RETURN_IF_ERROR(CheckUse(*source, header, path));
  return CheckPresentMessages(*source, path);
}

Status SpecRules::CheckLicenseOf(v1::Source* source, const std::string& path) const {
  DTM_RETURN_IF_ERROR(Require(source->has_license(), path));
  const std::string expression_path = FieldPath(path, "expression");
  const std::string& expression = source->license().expression();
  DTM_RETURN_IF_ERROR(Require(!expression.empty(), expression_path));
  v1::UseClass resolved = v1::USE_CLASS_UNSPECIFIED;
  if (Status s = CheckLicense(source->license(), &resolved); !s.ok()) {
    // CheckLicense says "license.<field>: problem"; point at that field.
    const std::string& message = s.message();
    const size_t colon = message.find(": ");
    if (message.starts_with("license") && colon != std::string::npos) {
      const std::string field = path + message.substr(7, colon - 7);
      return Fail(field, message.substr(colon + 2));
    }
    return Fail(path, message);
  }
  source->mutable_license()->set_use_class(resolved);
  return Status::Ok();
}

Status SpecRules::CheckProvenance(const v1::Source& source, const std::string& path) const {
  const std::string provenance_path = FieldPath(path, "provenance");
  const v1::Provenance& provenance = source.provenance();
  DTM_RETURN_IF_ERROR(Require(source.has_provenance(), provenance_path));
  DTM_RETURN_IF_ERROR(Require(provenance.acquisition() != v1::ACQUISITION_METHOD_UNSPECIFIED,
                              FieldPath(provenance_path, "acquisition")));
  if (provenance.acquisition() == v1::ACQUISITION_METHOD_GENERATED_BY_MODEL &&
      source.generation().model().empty()) {
    return Fail(FieldPath(path, "generation.model"),
                "missing (required when provenance.acquisition is generated_by_model)");
  }
  const std::string end_path = FieldPath(provenance_path, "collection_end");
  if (provenance.has_collection_end() && provenance.collection_ongoing()) {
    return Fail(end_path,
                "a collection that is still ongoing has no end; remove one of "
                "collection_end and collection_ongoing");
  }
  if (provenance.has_collection_start() && provenance.has_collection_end() &&
      Before(provenance.collection_end(), provenance.collection_start())) {
    return Fail(end_path, "is before collection_start");
  }
  return Status::Ok();
}

Status SpecRules::CheckUse(const v1::Source& source, const v1::Header& header,
                           const std::string& path) const {
  std::set<std::string> seen;
  for (int i = 0; i < source.models_size(); ++i) {
    const std::string& name = source.models(i);
    const std::string at = ElementPath(FieldPath(path, "models"), i);
    const bool named = std::any_of(header.models().begin(), header.models().end(),
                                   [&](const v1::ModelRef& m) { return m.name() == name; });
    if (!named) {
      std::string names;
      for (const v1::ModelRef& m : header.models()) {
        names += (names.empty() ? ": " : ", ") + QuoteForMessage(m.name());
      }
      return Fail(at, QuoteForMessage(name) + " is not among the models the spec names" +
                          (names.empty() ? " (it names none)" : names));
    }
    if (!seen.insert(name).second) return Fail(at, QuoteForMessage(name) + " is listed twice");
  }
  std::set<int> roles;
  for (int i = 0; i < source.roles_size(); ++i) {
    const std::string at = ElementPath(FieldPath(path, "roles"), i);
    if (source.roles(i) == v1::DEVELOPMENT_ROLE_UNSPECIFIED) return Fail(at, "is unspecified");
    if (!roles.insert(source.roles(i)).second) return Fail(at, "is listed twice");
  }
  for (int i = 0; i < source.processing_size(); ++i) {
    if (source.processing(i).purpose() == v1::PROCESSING_PURPOSE_NONE &&
        source.processing_size() > 1) {
      return Fail(FieldPath(ElementPath(FieldPath(path, "processing"), i), "purpose"),
                  "'none' says the data was used as obtained, so it must be the only step");
    }
  }
  for (int i = 0; i < source.content_types_size(); ++i) {
    if (IsMediaType(source.content_types(i))) {
      return Fail(ElementPath(FieldPath(path, "content_types"), i),
                  QuoteForMessage(source.content_types(i)) +
                      " is a media type (a file format); list it under media_types, and say "
                      "here what kind of content it is (\"news articles\")");
    }
  }
  for (int i = 0; i < source.media_types_size(); ++i) {
    if (!IsMediaType(source.media_types(i))) {
      return Fail(ElementPath(FieldPath(path, "media_types"), i),
                  QuoteForMessage(source.media_types(i)) +
                      " is not a media type such as \"text/html\"; kinds of content in words go "
                      "under content_types");
    }
  }
  return Status::Ok();
}

Status SpecRules::CheckCounts(const v1::Counts& counts, const std::string& path) const {
  if (counts.tokens() > 0 && counts.tokenizer().empty()) {
    return Fail(FieldPath(path, "tokenizer"), "missing (required when tokens is given)");
  }
  if (counts.hours() < 0) return Fail(FieldPath(path, "hours"), "must not be negative");
  if (counts.documents_max() > 0 && counts.documents_min() > counts.documents_max()) {
    return Fail(FieldPath(path, "documents_min"), "is greater than documents_max");
  }
  return Status::Ok();
}

}  // namespace dtm::internal
