// Reading the YAML inputs of dtm report and dtm check.
#include "yaml/yaml_input.h"

namespace dtm::internal {

YamlInput::YamlInput(std::string file, size_t text_bytes, YamlMark root)
    : mapper_(std::move(file), YamlToProto::BudgetFor(text_bytes)), root_(root) {}

StatusOr<std::unique_ptr<YamlInput>> YamlInput::Map(std::string_view text, const std::string& file,
                                                    google::protobuf::Message* msg) {
  DTM_ASSIGN_OR_RETURN(YamlNode root, ParseYamlDocument(text, file));
  std::unique_ptr<YamlInput> input(new YamlInput(file, text.size(), root.Mark()));
  if (!root.IsMap()) {
    return YamlError(file, root.Mark(), "", "expected a mapping at the top of the document");
  }
  DTM_RETURN_IF_ERROR(input->mapper_.ToMessage(root, msg, "", YamlToProto::Options{}));
  return input;
}

Status YamlInput::CheckFormat(uint32_t format) const {
  if (format == 1) return Status::Ok();
  return Error("format", format == 0 ? "missing; write 'format: 1'"
                                     : "unsupported version " + std::to_string(format) +
                                           "; this is version 1");
}

Status YamlInput::Error(const std::string& path, std::string_view problem) const {
  for (std::string p = path; !p.empty();) {
    if (const YamlMark* mark = mapper_.MarkOf(p)) return mapper_.Error(*mark, path, problem);
    const size_t cut = p.find_last_of(".[");
    p = cut == std::string::npos ? "" : p.substr(0, cut);
  }
  return mapper_.Error(root_, path, problem);
}

}  // namespace dtm::internal
