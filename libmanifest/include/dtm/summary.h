// Human and machine renderings of a manifest: `dtm show` and `dtm export`.
// Both stream: memory grows with the number of sources, never with files.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "dtm/container.h"
#include "dtm/status.h"

namespace dtm {

// Writes the `dtm show` summary of the manifest at `path`: dataset, publisher,
// version, Merkle root, totals, composition by use class, acquisition method
// and modality, and one line per source with its license and provenance.
// Reads every record, so damage anywhere in the file is reported.
Status WriteManifestSummary(const std::string& path, std::ostream& out);

enum class ExportFormat {
  kJson,   // one JSON document: {"header": {...}, "records": [{...}, ...]}
  kJsonl,  // one JSON object a line: {"header": {...}} first, then {"source": ...} / {"file": ...}
  // One JSON object per document, nothing else: {"source", "path", "ordinal",
  // "line", "offset", "member", "id", "url", "size", "sha256", "text_sha256",
  // "text_bytes"}, digests in lower-case hex, fields without a value left out.
  kDocuments,
};

// Writes the manifest in the protobuf JSON mapping (field names as in the
// schema). On error, what was already written stays written; callers that
// write to a file write to a temporary file and rename.
Status ExportManifest(const std::string& path, ExportFormat format, std::ostream& out);

}  // namespace dtm
