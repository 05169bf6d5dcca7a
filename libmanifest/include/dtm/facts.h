// What reports and policy checks read from a manifest: its header and every
// source with the tally of its files (spec/report.md, spec/policy.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dtm/digest.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

// One source of a manifest with the tally of its files.
struct SourceFacts {
  v1::Source source;
  uint64_t files = 0;
  uint64_t bytes = 0;  // sum of the sizes of its files
};

// What the reports and policy checks read from a manifest: the header and
// every source, but no file entries. Memory grows with sources, not files.
struct ManifestFacts {
  std::string name;  // the manifest's file name, for messages and reports
  v1::Header header;
  std::vector<SourceFacts> sources;         // in manifest order (sorted by id)
  std::optional<Sha256Digest> file_sha256;  // set when read from a file
};

// Reads the manifest at `path` once, checking its framing and footer as the
// reader does. Errors name the file and the record (kCorruption etc.).
StatusOr<ManifestFacts> ReadManifestFacts(const std::string& path);

// Adds one record to `facts`: a Source is appended, a FileEntry is tallied on
// its source. A FileEntry naming no earlier source is kCorruption (`index` is
// the record number, for the message).
Status AddRecordToFacts(const v1::Record& record, uint64_t index, ManifestFacts* facts);

}  // namespace dtm
