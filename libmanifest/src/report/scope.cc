// Which sources a report is about (spec/report.md, "Scope"), the warnings a
// report raises, and the helpers that read roles, content types and media
// types.
#include <algorithm>

#include "base/text.h"
#include "dtm/format.h"
#include "dtm/records.h"
#include "report/templates.h"

namespace dtm {

StatusOr<ManifestFacts> ReportFacts(ManifestFacts facts, const ReportOptions& options) {
  std::string model = options.for_model;
  const std::string file_model = options.model ? options.model->model().name() : "";
  if (!model.empty() && !file_model.empty() && model != file_model) {
    return Status::InvalidArgument("--for names " + internal::QuoteForMessage(model) +
                                   " but the model file is about " +
                                   internal::QuoteForMessage(file_model));
  }
  if (model.empty()) model = file_model;
  const auto& named = facts.header.models();
  if (model.empty() && named.size() == 1) model = named[0].name();
  // A manifest that names no model cannot say which model a source went into;
  // the report says so instead of refusing.
  if (model.empty() || named.empty()) return facts;
  return FactsForModel(std::move(facts), model);
}

std::vector<std::string> ReportWarnings(const ManifestFacts& facts, const ReportOptions& options) {
  std::vector<std::string> warnings;
  const v1::ModelFile* model = options.model;
  if (options.kind == ReportTemplate::kEuAiAct && model &&
      internal::HasTime(model->summary_updated()) && internal::HasTime(facts.header.created()) &&
      internal::Day(model->summary_updated()) < internal::Day(facts.header.created())) {
    warnings.push_back("the summary's date of last update, " +
                       FormatDate(model->summary_updated()) +
                       ", is before the manifest was created, " +
                       FormatDate(internal::Day(facts.header.created()) * 86400) +
                       ": the summary predates the evidence it is made from; update "
                       "summary_updated (and summary_version) in the model file");
  }
  return warnings;
}

namespace internal {

int64_t Day(const google::protobuf::Timestamp& t) {
  return t.seconds() >= 0 ? t.seconds() / 86400 : (t.seconds() - 86399) / 86400;
}

std::vector<std::string> ContentKinds(const v1::Source& s) {
  std::vector<std::string> out;
  for (const std::string& t : s.content_types()) {
    if (!IsMediaType(t)) out.push_back(t);
  }
  return out;
}

std::vector<std::string> MediaTypes(const v1::Source& s) {
  std::vector<std::string> out(s.media_types().begin(), s.media_types().end());
  for (const std::string& t : s.content_types()) {
    if (IsMediaType(t)) out.push_back(t);  // a manifest written before media_types
  }
  return out;
}

bool TrainingContent(const v1::Source& s) {
  if (s.roles().empty()) return true;  // not said: counted, and a gap
  return std::any_of(s.roles().begin(), s.roles().end(), [](int role) {
    return role != v1::DEVELOPMENT_ROLE_VALIDATION && role != v1::DEVELOPMENT_ROLE_TEST &&
           role != v1::DEVELOPMENT_ROLE_EVALUATION;
  });
}

std::string RoleList(const v1::Source& s) {
  std::vector<std::string> names;
  for (int role : s.roles()) names.push_back(EnumName(v1::DevelopmentRole_descriptor(), role));
  return Join(names);
}

std::string ModelLabel(const ManifestFacts& facts, const std::string& name) {
  for (const v1::ModelRef& m : facts.header.models()) {
    if (m.name() == name) return Join({m.name(), m.version()}, " ");
  }
  return name;
}

void AddScope(Document* doc, const ManifestFacts& facts, const std::string& what) {
  const std::string label = "Scope";
  if (facts.header.models().empty()) {
    doc->AddGap(label, "the manifest names no models, so which of its sources went into " + what +
                           " is not stated; all " + std::to_string(facts.sources.size()) +
                           " sources are counted");
    return;
  }
  if (!facts.scope) {
    std::vector<std::string> names;
    for (const v1::ModelRef& m : facts.header.models()) names.push_back(m.name());
    doc->AddItem(label, "all " + std::to_string(facts.sources.size()) +
                            " sources of the manifest, for the models it names (" + IdList(names) +
                            "); dtm report --for MODEL narrows it to one");
    return;
  }
  const ModelScope& scope = *facts.scope;
  std::string value = std::to_string(facts.sources.size()) + " of the manifest's " +
                      std::to_string(facts.sources.size() + scope.left_out.size()) +
                      " sources: those used for " + ModelLabel(facts, scope.model);
  if (!scope.left_out.empty()) {
    value += "; left out, as used only for other models: " + IdList(scope.left_out);
  }
  doc->AddItem(label, value);
  if (!scope.unstated.empty()) {
    doc->AddGap("Models a source was used for",
                "Source.models not stated for " + std::to_string(scope.unstated.size()) +
                    (scope.unstated.size() == 1 ? " source" : " sources") +
                    ", counted as used for " + scope.model + ": " + IdList(scope.unstated));
  }
}

}  // namespace internal
}  // namespace dtm
