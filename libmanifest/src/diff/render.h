// What the text and Markdown renderings of a diff share (spec/diff.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dtm/diff.h"
#include "render/escape.h"

namespace dtm::internal {

// Counts over every source's file changes.
struct FileChangeTotals {
  uint64_t added = 0, removed = 0, modified = 0, renamed = 0;
  uint64_t bytes_added = 0, bytes_removed = 0;  // of the added and removed files
};
FileChangeTotals CountFileChanges(const DiffResult& diff);

// "1 added, 1 removed, 2 changed" ("no changes" when all are 0).
std::string SourceCountsText(const DiffResult& diff);
// "12 added (40.0 KiB), 3 removed (1.20 MiB), 2 modified, 4 renamed".
std::string FileCountsText(const FileChangeTotals& totals);

// `text` with control characters (C0, DEL, C1) written as \xNN or \u00NN, so
// that a manifest cannot drive the terminal or break a line.
inline std::string Shown(const std::string& text) {
  return Printable(text, ControlCharacters::kShowEscaped);
}

// "+5", "-3", "0" and the same with bytes in binary units ("+2.00 KiB").
std::string SignedCount(int64_t change);
std::string SignedBytes(int64_t change);

// A dimension of the composition: its title, its column name and its enum.
struct CompositionDimension {
  const char* title;   // "By license use class"
  const char* column;  // "use class"
  const google::protobuf::EnumDescriptor* type;
  const std::vector<CompositionDiffRow>* rows;
};
std::vector<CompositionDimension> Dimensions(const DiffResult& diff);

// One measure of a tally, rendered: name, before, after, change.
struct MeasureRow {
  const char* name;
  std::string before, after, change;
};
// The rows of a tally; tokens are left out when both sides have none and
// `skip_empty_tokens`.
std::vector<MeasureRow> MeasureRows(const DiffTally& tally, bool skip_empty_tokens);

// The sentence about header.previous, naming the two files by `before` and
// `after` (already escaped); the version label is escaped with `escape`.
std::string PreviousText(const DiffResult& diff, const std::string& before,
                         const std::string& after, std::string (*escape)(const std::string&));

// A flag as a phrase: "use class less restrictive: non_commercial -> commercial"
// (`arrow` between before and after). Not escaped.
std::string FlagText(const DiffFlag& flag, const char* arrow);

// "text, generated_by_model, commercial, Apache-2.0, 3 files, 12.0 KiB".
// Not escaped.
std::string SourceFacts(const SourceEntry& entry);

// "1.00 KiB -> 1.10 KiB, sha256:0123456789ab -> sha256:ba9876543210, origin
// hashed -> declared": the parts of a modified file that changed.
std::string ModificationText(const FileModification& m, const char* arrow);

// "news: 10 -> 12 documents, 3 added, 1 removed, 2 changed": one source's
// document counts. Not escaped.
std::string DocumentChangesText(const SourceDocumentChanges& c, const char* arrow);

bool ShowsSummary(DiffSections s);
bool ShowsFlags(DiffSections s);
bool ShowsSources(DiffSections s);
bool ShowsFiles(DiffSections s);

}  // namespace dtm::internal
