// Reading the facts of a manifest for reports and policy checks.
#include <algorithm>

#include "container/integrity.h"
#include "dtm/container.h"
#include "dtm/facts.h"

namespace dtm {

Status AddRecordToFacts(const v1::Record& record, uint64_t index, ManifestFacts* facts) {
  if (record.has_source()) {
    if (!facts->sources.empty() && !(facts->sources.back().source.id() < record.source().id())) {
      return Status::Corruption(facts->name + ": record " + std::to_string(index) + ": source '" +
                                record.source().id() + "' is out of canonical order");
    }
    facts->sources.push_back(SourceFacts{record.source(), 0, 0});
    return Status::Ok();
  }
  if (!record.has_file()) return Status::Ok();  // an unknown kind: readers ignore it
  // Files come after all sources, grouped by source in id order, so the
  // source of a file is found by binary search over the sorted sources.
  const std::string& id = record.file().source_id();
  auto it = std::lower_bound(
      facts->sources.begin(), facts->sources.end(), id,
      [](const SourceFacts& s, const std::string& key) { return s.source.id() < key; });
  if (it == facts->sources.end() || it->source.id() != id) {
    return Status::Corruption(facts->name + ": record " + std::to_string(index) +
                              ": file names an unknown source '" + id + "'");
  }
  it->files++;
  it->bytes += record.file().size();
  return Status::Ok();
}

StatusOr<ManifestFacts> ReadManifestFacts(const std::string& path) {
  DTM_ASSIGN_OR_RETURN(auto reader, ManifestReader::Open(path));
  ManifestFacts facts;
  facts.name = path;
  facts.header = reader->header();
  internal::IntegrityCheck check(path, ContainerLimits());
  v1::Record record;
  while (true) {
    const uint64_t index = reader->records_read();
    DTM_ASSIGN_OR_RETURN(bool more, internal::NextChecked(*reader, check, &record));
    if (!more) break;
    DTM_RETURN_IF_ERROR(AddRecordToFacts(record, index, &facts));
  }
  facts.file_sha256 = reader->file_sha256();
  return facts;
}

}  // namespace dtm
