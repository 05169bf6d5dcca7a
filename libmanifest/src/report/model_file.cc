// The model file of `dtm report --model` (spec/report.md, "The model file").
#include "dtm/report.h"
#include "yaml/yaml_input.h"

namespace dtm {

using internal::ElementPath;
using internal::ReadYamlFile;
using internal::YamlInput;

StatusOr<v1::ModelFile> ParseModelFile(std::string_view text, const std::string& file) {
  v1::ModelFile model;
  DTM_ASSIGN_OR_RETURN(auto input, YamlInput::Map(text, file, &model));
  DTM_RETURN_IF_ERROR(input->CheckFormat(model.format()));
  if (model.model().name().empty()) return input->Error("model.name", "missing: name the model");
  const bool has_base = model.has_base_model();
  if (has_base && model.base_model().name().empty()) {
    return input->Error("base_model.name", "missing: name the base model");
  }
  if (model.modification() == v1::ANSWER_YES && !has_base) {
    return input->Error("modification", "is yes, but base_model is not given");
  }
  if (model.modification() == v1::ANSWER_NO && has_base) {
    return input->Error("base_model", "given, but modification is no");
  }
  for (int i = 0; i < model.other_versions_size(); ++i) {
    if (model.other_versions(i).name().empty()) {
      return input->Error(ElementPath("other_versions", i) + ".name", "missing");
    }
  }
  for (int i = 0; i < model.previous_summaries_size(); ++i) {
    if (model.previous_summaries(i).version().empty()) {
      return input->Error(ElementPath("previous_summaries", i) + ".version", "missing");
    }
  }
  return model;
}

StatusOr<v1::ModelFile> LoadModelFile(const std::string& path) {
  DTM_ASSIGN_OR_RETURN(std::string text, ReadYamlFile(path));
  return ParseModelFile(text, path);
}

}  // namespace dtm
