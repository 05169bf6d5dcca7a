// The validation rules of dtm.yaml (spec/spec-file.md, "Validation") applied to
// messages already mapped from YAML; errors point at the line where the field
// (or, when it is missing, its nearest declared parent) was written.
#pragma once

#include <string>

#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"
#include "yaml/yaml_to_proto.h"

namespace dtm::internal {

// Not thread-safe. `yaml` must outlive this object and hold the marks of the
// messages checked.
class SpecRules {
 public:
  explicit SpecRules(const YamlToProto& yaml) : yaml_(yaml) {}

  // Where `path` was declared, else its nearest declared ancestor, else the
  // start of the document.
  YamlMark Where(const std::string& path) const;
  // kInvalidArgument at Where(path).
  Status Fail(const std::string& path, std::string_view problem) const;

  // dataset.name, dataset.version, publisher.name, and the fields every
  // message requires when present (see CheckPresentMessages).
  Status CheckHeader(const v1::Header& header) const;
  // `previous` without `manifest`: version, manifest_sha256 and merkle_root.
  Status CheckExplicitPrevious(const v1::PreviousVersion& previous) const;
  // `previous` with `manifest`: none of the fields read from that manifest.
  Status CheckPreviousFromManifest(const v1::PreviousVersion& previous) const;
  // Every rule of one source at `path` ("sources[2]"), whose manifest has
  // `header`. On success source->license().use_class() holds the resolved use
  // class.
  Status CheckSource(v1::Source* source, const v1::Header& header, const std::string& path) const;

 private:
  // `set`, or "missing" / "must not be empty" at `path`.
  Status Require(bool set, const std::string& path) const;
  // Walks every message present in `msg` and checks the fields its type
  // requires (Party.name, ModelRef.name, ...).
  Status CheckPresentMessages(const google::protobuf::Message& msg, const std::string& path) const;
  Status CheckLicenseOf(v1::Source* source, const std::string& path) const;
  Status CheckProvenance(const v1::Source& source, const std::string& path) const;
  Status CheckCounts(const v1::Counts& counts, const std::string& path) const;
  // models (names of header.models, once each), roles (once each), processing
  // (`none` alone), content_types (no media types) and media_types (only).
  Status CheckUse(const v1::Source& source, const v1::Header& header,
                  const std::string& path) const;

  const YamlToProto& yaml_;
};

}  // namespace dtm::internal
