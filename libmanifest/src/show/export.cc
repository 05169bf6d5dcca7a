// dtm export: the manifest in the protobuf JSON mapping, streamed.
#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "container/integrity.h"
#include "dtm/digest.h"
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

// One document as a line of `export --documents`: digests in hex, as
// `dtm hash` prints them; fields without a value left out.
std::string DocumentLine(const v1::DocumentEntry& d) {
  nlohmann::ordered_json j;
  j["source"] = d.source_id();
  j["path"] = d.path();
  j["ordinal"] = d.ordinal();
  if (d.line()) j["line"] = d.line();
  if (d.offset()) j["offset"] = d.offset();
  if (!d.member().empty()) j["member"] = d.member();
  if (!d.id().empty()) j["id"] = d.id();
  if (!d.url().empty()) j["url"] = d.url();
  j["size"] = d.size();
  j["sha256"] = ToHex(d.sha256());
  if (!d.text_sha256().empty()) {
    j["text_sha256"] = ToHex(d.text_sha256());
    j["text_bytes"] = d.text_bytes();
  }
  return j.dump();
}

// Every document of the manifest, one JSON object a line.
Status ExportDocuments(const std::string& path, ManifestReader& reader, std::ostream& out) {
  internal::IntegrityCheck check(path, ContainerLimits());
  v1::Record record;
  while (true) {
    DTM_ASSIGN_OR_RETURN(bool more, internal::NextChecked(reader, check, &record));
    if (!more) break;
    if (!record.has_document()) continue;
    out << DocumentLine(record.document()) << "\n";
    if (!out) return Status::IOError("writing the export failed");
  }
  return Status::Ok();
}

}  // namespace

Status ExportManifest(const std::string& path, ExportFormat format, std::ostream& out) {
  DTM_ASSIGN_OR_RETURN(auto reader, ManifestReader::Open(path));
  if (format == ExportFormat::kDocuments) return ExportDocuments(path, *reader, out);
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
