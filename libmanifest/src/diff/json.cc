// The JSON rendering of a diff: stable and complete (spec/diff.md, "JSON").
#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "diff/render.h"
#include "dtm/diff.h"
#include "dtm/format.h"

namespace dtm {

namespace {

using Json = nlohmann::ordered_json;
using namespace internal;

// The source record in the protobuf JSON mapping, as `dtm export` writes it.
StatusOr<Json> SourceJson(const v1::Source& source) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  std::string text;
  auto st = google::protobuf::util::MessageToJsonString(source, &text, opts);
  if (!st.ok()) return Status::Internal("JSON encoding failed", std::string(st.message()));
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Status::Internal("JSON encoding failed: unparsable output");
  return parsed;
}

Json Pair(const BeforeAfter& v) {
  return {{"before", v.before}, {"after", v.after}, {"change", v.change()}};
}

Json TallyJson(const DiffTally& t) {
  return {{"sources", Pair(t.sources)},
          {"files", Pair(t.files)},
          {"bytes", Pair(t.bytes)},
          {"tokens", Pair(t.tokens)}};
}

Json Side(const DiffSide& s) {
  return {{"path", s.path},
          {"dataset", s.header.dataset().name()},
          {"version", s.header.dataset().version()},
          {"file_sha256", ToHex(s.file_sha256)},
          {"merkle_root", ToHex(s.header.merkle_root())}};
}

Json Changes(const std::vector<FieldChange>& changes) {
  Json out = Json::array();
  for (const FieldChange& c : changes) {
    const char* kind = c.kind == FieldChange::Kind::kAdded     ? "added"
                       : c.kind == FieldChange::Kind::kRemoved ? "removed"
                                                               : "changed";
    out.push_back({{"field", c.field}, {"kind", kind}, {"before", c.before}, {"after", c.after}});
  }
  return out;
}

Json Composition(const std::vector<CompositionDiffRow>& rows,
                 const google::protobuf::EnumDescriptor* type) {
  Json out = Json::array();
  for (const CompositionDiffRow& r : rows) {
    Json row = {{"value", EnumLabel(type, r.value)}, {"number", r.value}};
    row.update(TallyJson(r.tally));
    out.push_back(std::move(row));
  }
  return out;
}

Json Summary(const DiffResult& d) {
  const PreviousLink& p = d.previous;
  const FileChangeTotals files = CountFileChanges(d);
  return {
      {"previous",
       {{"present", p.present},
        {"version", p.version},
        {"names_before", p.names_before()},
        {"version_matches", p.version_matches},
        {"manifest_sha256_matches", p.sha256_matches},
        {"merkle_root_matches", p.root_matches}}},
      {"header_changes", Changes(d.header_changes)},
      {"totals", TallyJson(d.totals)},
      {"composition",
       {{"by_use_class", Composition(d.composition.by_use_class, v1::UseClass_descriptor())},
        {"by_acquisition",
         Composition(d.composition.by_acquisition, v1::AcquisitionMethod_descriptor())},
        {"by_modality", Composition(d.composition.by_modality, v1::Modality_descriptor())}}},
      {"changes",
       {{"sources_added", d.sources_added.size()},
        {"sources_removed", d.sources_removed.size()},
        {"sources_changed", d.sources_changed.size()},
        {"files_added", files.added},
        {"files_removed", files.removed},
        {"files_modified", files.modified},
        {"files_renamed", files.renamed},
        {"bytes_added", files.bytes_added},
        {"bytes_removed", files.bytes_removed}}},
  };
}

Json Flags(const std::vector<DiffFlag>& flags) {
  Json out = Json::array();
  for (const DiffFlag& f : flags) {
    out.push_back({{"kind", DiffFlagName(f.kind)},
                   {"source", f.source_id},
                   {"source_added", f.source_added},
                   {"before", f.before},
                   {"after", f.after}});
  }
  return out;
}

StatusOr<Json> SourceEntries(const std::vector<SourceEntry>& entries) {
  Json out = Json::array();
  for (const SourceEntry& e : entries) {
    DTM_ASSIGN_OR_RETURN(Json record, SourceJson(e.source));
    out.push_back({{"id", e.source.id()},
                   {"name", e.source.name()},
                   {"files", e.files},
                   {"bytes", e.bytes},
                   {"record", std::move(record)}});
  }
  return out;
}

StatusOr<Json> Sources(const DiffResult& d) {
  DTM_ASSIGN_OR_RETURN(Json added, SourceEntries(d.sources_added));
  DTM_ASSIGN_OR_RETURN(Json removed, SourceEntries(d.sources_removed));
  Json changed = Json::array();
  for (const SourceChange& c : d.sources_changed) {
    changed.push_back({{"id", c.id}, {"name", c.name}, {"changes", Changes(c.changes)}});
  }
  return Json{{"added", std::move(added)},
              {"removed", std::move(removed)},
              {"changed", std::move(changed)}};
}

Json Content(const FileVersion& f) {
  return {{"size", f.size},
          {"sha256", ToHex(f.sha256)},
          {"origin", EnumLabel(v1::FileEntry::Origin_descriptor(), f.origin)}};
}

Json File(const FileVersion& f) {
  Json out = {{"path", f.path}};
  out.update(Content(f));
  return out;
}

Json Files(const DiffResult& d) {
  Json out = Json::array();
  for (const SourceFileChanges& s : d.files) {
    Json added = Json::array(), removed = Json::array(), modified = Json::array(),
         renamed = Json::array();
    for (const FileVersion& f : s.added) added.push_back(File(f));
    for (const FileVersion& f : s.removed) removed.push_back(File(f));
    for (const FileModification& m : s.modified) {
      modified.push_back(
          {{"path", m.after.path}, {"before", Content(m.before)}, {"after", Content(m.after)}});
    }
    for (const FileRename& r : s.renamed) {
      renamed.push_back({{"before", File(r.before)}, {"after", File(r.after)}});
    }
    out.push_back({{"source", s.source_id},
                   {"files", Pair(s.files)},
                   {"bytes", Pair(s.bytes)},
                   {"added", std::move(added)},
                   {"removed", std::move(removed)},
                   {"modified", std::move(modified)},
                   {"renamed", std::move(renamed)}});
  }
  return out;
}

}  // namespace

Status WriteDiffJson(const DiffResult& d, std::ostream& out, const DiffRenderOptions& options) {
  Json doc = {{"format", "dtm-diff/v1"},          {"identical", d.identical()},
              {"before", Side(d.before)},         {"after", Side(d.after)},
              {"source_filter", d.source_filter}, {"public_view", d.public_view}};
  if (ShowsSummary(options.sections)) doc["summary"] = Summary(d);
  if (ShowsFlags(options.sections)) doc["flags"] = Flags(d.flags);
  if (ShowsSources(options.sections)) {
    DTM_ASSIGN_OR_RETURN(doc["sources"], Sources(d));
  }
  if (ShowsFiles(options.sections)) {
    doc["files"] = Files(d);
    Json documents = Json::array();
    for (const SourceDocumentChanges& c : d.documents) {
      documents.push_back({{"source", c.source_id},
                           {"documents", Pair(c.documents)},
                           {"added", c.added},
                           {"removed", c.removed},
                           {"changed", c.changed},
                           {"unchanged", c.unchanged}});
    }
    doc["documents"] = std::move(documents);
  }
  // Manifest strings are valid UTF-8; `replace` keeps dump() from throwing if not.
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  if (!out) return Status::IOError("writing the diff failed");
  return Status::Ok();
}

}  // namespace dtm
