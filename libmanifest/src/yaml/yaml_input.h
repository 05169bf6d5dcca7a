// Reading the YAML inputs of dtm report and dtm check (the model file and the
// policy) into their messages, with errors that point at the line.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "dtm/status.h"
#include "google/protobuf/message.h"
#include "yaml/yaml_to_proto.h"

namespace dtm::internal {

// A YAML document mapped onto a message, and where its fields were declared.
class YamlInput {
 public:
  // Parses `text` (one YAML document; `file` names it in messages) and maps it
  // onto *msg as spec/spec-file.md, "Mapping YAML to messages", says. On
  // failure *msg is unspecified.
  static StatusOr<std::unique_ptr<YamlInput>> Map(std::string_view text, const std::string& file,
                                                  google::protobuf::Message* msg);

  // OK when the document's `format` field (the version of its file format) is 1.
  Status CheckFormat(uint32_t format) const;

  // kInvalidArgument "file:line:col: path: problem", at the place `path` was
  // declared, or else at its nearest declared parent, or else at the document.
  Status Error(const std::string& path, std::string_view problem) const;

 private:
  YamlInput(std::string file, size_t text_bytes, YamlMark root);
  YamlToProto mapper_;
  YamlMark root_;
};

}  // namespace dtm::internal
