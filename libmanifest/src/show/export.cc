// dtm export: the manifest in the protobuf JSON mapping, streamed.
#include <google/protobuf/util/json_util.h>

#include "container/integrity.h"
#include "dtm/summary.h"

namespace dtm {

namespace {

Status ToJson(const google::protobuf::Message& m, std::string* out) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  out->clear();
  auto st = google::protobuf::util::MessageToJsonString(m, out, opts);
  if (!st.ok()) return Status::Internal("JSON encoding failed", std::string(st.message()));
  return Status::Ok();
}

}  // namespace

Status ExportManifest(const std::string& path, ExportFormat format, std::ostream& out) {
  DTM_ASSIGN_OR_RETURN(auto reader, ManifestReader::Open(path));
  std::string json;
  DTM_RETURN_IF_ERROR(ToJson(reader->header(), &json));
  const bool lines = format == ExportFormat::kJsonl;
  out << (lines ? "{\"header\":" : "{\"header\":") << json << (lines ? "}\n" : ",\n\"records\":[");
  internal::IntegrityCheck check(path, ContainerLimits());
  v1::Record record;
  bool first = true;
  while (true) {
    DTM_ASSIGN_OR_RETURN(bool more, internal::NextChecked(*reader, check, &record));
    if (!more) break;
    DTM_RETURN_IF_ERROR(ToJson(record, &json));
    if (lines) {
      out << json << "\n";
    } else {
      out << (first ? "\n" : ",\n") << json;
    }
    first = false;
    if (!out) return Status::IOError("writing the export failed");
  }
  if (!lines) out << "\n]}\n";
  if (!out) return Status::IOError("writing the export failed");
  return Status::Ok();
}

}  // namespace dtm
