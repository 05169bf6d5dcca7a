// Finding the documents inside one file (spec/documents.md): the extraction
// rule of each format, fed from a stream of the file's bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "base/byte_source.h"
#include "dtm/digest.h"
#include "dtm/records.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm::internal {

// Limits of extraction (spec/limits.md, "Documents").
inline constexpr size_t kMaxDocumentBytes = 64u << 20;  // one document as stored

// One document as a DocumentEntry holds it (source_id and path aside).
struct ExtractedDocument {
  uint64_t ordinal = 0;
  uint64_t line = 0;
  uint64_t offset = 0;
  std::string member;
  std::string id;
  std::string url;  // canonical
  uint64_t size = 0;
  Sha256Digest sha256{};
  bool has_text = false;
  Sha256Digest text_sha256{};
  uint64_t text_bytes = 0;
};

// Called once per document in file order; an error stops the extraction.
using DocumentSink = std::function<Status(ExtractedDocument&)>;

// What was skipped under DocumentRule.skip_bad.
struct SkippedDocuments {
  uint64_t count = 0;
  std::string first;  // place and problem of the first, e.g. "line 3: not JSON"
};

// Reads every document of `in` under `rule` and passes each to `sink`. A
// document that breaks the rule (not JSON, no text field, invalid UTF-8, a
// truncated record or stream) is kInvalidArgument naming `file_name`, the
// place (line, byte offset, member) and the problem; with rule.skip_bad() it
// is counted in `skipped` instead, where the format can go on after it (a
// damaged compressed stream or a truncated record ends the file either way).
// Errors of `in` are returned as they are.
Status ExtractDocuments(const v1::DocumentRule& rule, const std::string& file_name, ByteSource& in,
                        const DocumentSink& sink, SkippedDocuments* skipped);

// The document fields of a whole text held in memory: size, digest and, if it
// is valid UTF-8, the text digest. `hash --document` and the whole-file rule.
void DigestWholeDocument(std::string_view bytes, ExtractedDocument* doc);

// "document 3 (line 4)", "document 0 (byte 1197)": how messages name a document.
std::string DocumentPlace(const v1::DocumentEntry& doc);

// The first field in which two entries of one file's document differ
// (ordinal, line, offset, member, id, url, size, sha256, text_sha256,
// text_bytes), as "FIELD A -> B"; "" when they agree. source_id, path and
// origin are not compared.
std::string FirstDocumentDifference(const v1::DocumentEntry& expected,
                                    const v1::DocumentEntry& found);

}  // namespace dtm::internal
