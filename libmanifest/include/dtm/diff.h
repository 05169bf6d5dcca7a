// Comparing two manifests: what changed between two versions of a training set
// (`dtm diff`, spec/diff.md).
//
// DiffManifests() streams both manifests once, merging their records in
// canonical order: memory grows with the number of sources and of changed
// entries, never with unchanged ones. The DiffResult it returns is plain data;
// the renderers below (text, Markdown, JSON) only read it.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "dtm/container.h"
#include "dtm/digest.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

struct DiffOptions {
  // Compare only the sources with these ids and their files; empty compares
  // all. An id that neither manifest has is kNotFound.
  std::vector<std::string> sources;
  ContainerLimits limits;
  // Where the documents are sorted when they do not fit in memory ("" is
  // TMPDIR, else /tmp).
  std::string scratch_folder;
};

// A number before and after.
struct BeforeAfter {
  uint64_t before = 0;
  uint64_t after = 0;
  int64_t change() const { return static_cast<int64_t>(after - before); }
};

// Counts of a whole manifest or of one composition row.
struct DiffTally {
  BeforeAfter sources, files, bytes, tokens;
};

// One row of a composition table: one value of a dimension, present in either
// manifest's header.
struct CompositionDiffRow {
  int32_t value = 0;  // the enum number (UseClass, AcquisitionMethod or Modality)
  DiffTally tally;
};

struct CompositionDiff {
  std::vector<CompositionDiffRow> by_use_class;  // each sorted by value
  std::vector<CompositionDiffRow> by_acquisition;
  std::vector<CompositionDiffRow> by_modality;
};

// One manifest as read.
struct DiffSide {
  std::string path;
  v1::Header header;
  Sha256Digest file_sha256{};
};

// One changed field of a source or of the header. Values are rendered as
// spec/diff.md ("Values") says: enum labels, dates, hex digests, and composite
// values on one line; "" for a field that is not set.
struct FieldChange {
  enum class Kind {
    kChanged,  // the field's value changed from `before` to `after`
    kAdded,    // an element of a repeated message field is new: `after` (before "")
    kRemoved,  // an element of a repeated message field is gone: `before` (after "")
  };
  Kind kind = Kind::kChanged;
  std::string field;  // the path in the schema: "license.expression", "opt_outs"
  std::string before;
  std::string after;
};

// Whether the second manifest's header.previous names the first.
struct PreviousLink {
  bool present = false;          // the second manifest has header.previous
  std::string version;           // its previous.version
  bool version_matches = false;  // equals the first manifest's dataset.version
  bool sha256_matches = false;   // previous.manifest_sha256 is the first file's SHA-256
  bool root_matches = false;     // previous.merkle_root is the first manifest's root
  bool names_before() const { return present && sha256_matches && root_matches; }
};

// A source only one manifest has, with the tally of its files there.
struct SourceEntry {
  v1::Source source;
  uint64_t files = 0;
  uint64_t bytes = 0;
};

// A source both manifests have, whose record changed.
struct SourceChange {
  std::string id;
  std::string name;                  // as in the second manifest
  std::vector<FieldChange> changes;  // in schema order
};

// A file as one manifest records it.
struct FileVersion {
  std::string path;
  uint64_t size = 0;
  Sha256Digest sha256{};
  v1::FileEntry::Origin origin = v1::FileEntry::ORIGIN_UNSPECIFIED;
};

// Same path, different record: content (size or digest) or origin changed.
struct FileModification {
  FileVersion before, after;
};

// Same size and digest in the same source, a new path.
struct FileRename {
  FileVersion before, after;
};

// The file changes of one source. Lists are sorted by path (renames by the old
// path); they hold every change, however many.
struct SourceFileChanges {
  std::string source_id;
  BeforeAfter files, bytes;  // this source's files and bytes in each manifest
  std::vector<FileVersion> added;
  std::vector<FileVersion> removed;
  std::vector<FileModification> modified;
  std::vector<FileRename> renamed;
  bool empty() const {
    return added.empty() && removed.empty() && modified.empty() && renamed.empty();
  }
};

// The documents of one source (spec/diff.md, "Documents"): a document with an
// id is the same document in both manifests when the id is, and unchanged when
// its bytes (sha256) are too; a document without one is matched by its bytes.
// Counts only: memory does not grow with the documents.
struct SourceDocumentChanges {
  std::string source_id;
  BeforeAfter documents;  // DocumentEntry records of the source in each manifest
  uint64_t added = 0;
  uint64_t removed = 0;
  uint64_t changed = 0;  // same id, other bytes
  uint64_t unchanged = 0;
  bool empty() const { return added == 0 && removed == 0 && changed == 0; }
};

// A change a regulator looks at first (spec/diff.md, "Flags"). Use classes are
// ordered commercial < non_commercial < academic_only.
enum class DiffFlagKind {
  kUseClassMoreRestrictive,  // license.use_class moved up that order
  kUseClassLessRestrictive,  // license.use_class moved down
  kUseClassUnspecified,      // a stated use class is no longer stated
  kPersonalData,             // contains_personal_information became YES (or a new source has YES)
  kModelGenerated,           // a source added as, or changed to, GENERATED_BY_MODEL
  kUsedForNewModel,          // Source.models names a model it did not (both said)
  kOptOutObserved,           // an opt-out observation the first manifest does not have
};

struct DiffFlag {
  DiffFlagKind kind = DiffFlagKind::kUseClassMoreRestrictive;
  std::string source_id;
  bool source_added = false;  // the source is new in the second manifest
  std::string before;         // rendered value in the first manifest ("" for a new source)
  std::string after;          // rendered value in the second manifest
};

struct DiffResult {
  DiffSide before, after;
  std::vector<std::string> source_filter;  // DiffOptions::sources, sorted
  // One of the two is a public view (spec/container.md): files and documents
  // were not compared, and `files` and `documents` are empty.
  bool public_view = false;

  // Summary: always about the whole manifests, whatever the filter.
  std::vector<FieldChange> header_changes;  // header fields except the computed ones
  PreviousLink previous;
  DiffTally totals;  // from the headers
  CompositionDiff composition;

  // Within the filter: sources sorted by id, file changes by source id (only
  // sources with file changes appear in `files`), flags by source id then kind.
  std::vector<SourceEntry> sources_added;
  std::vector<SourceEntry> sources_removed;
  std::vector<SourceChange> sources_changed;
  std::vector<SourceFileChanges> files;
  // Sources with documents in either manifest, by id (unchanged ones too).
  std::vector<SourceDocumentChanges> documents;
  std::vector<DiffFlag> flags;

  // True when nothing in scope differs: no source, file or document change and, without
  // a source filter, no header change. `dtm diff` exits 0 exactly then.
  bool identical() const;
};

// Reads both manifests to the end and compares them. Each manifest is checked
// as it streams (framing, footer, canonical order, record rules, and that the
// header's record_count, totals, composition and merkle_root equal what the
// records give): a damaged manifest is an error (kCorruption naming the file
// and the place), not a difference.
StatusOr<DiffResult> DiffManifests(const std::string& before_path, const std::string& after_path,
                                   const DiffOptions& options = {});

// The sections a rendering shows.
enum class DiffSections {
  kAll,
  kSummary,  // header changes, previous link, totals, composition, change counts, flags
  kSources,  // flags, sources added, removed and changed
  kFiles,    // file changes by source
};

struct DiffRenderOptions {
  DiffSections sections = DiffSections::kAll;
  // Text and Markdown show at most this many files of each kind per source,
  // then "... and N more". JSON always lists every file.
  size_t max_files_listed = 20;
};

// Renderings (spec/diff.md). Every string taken from a manifest is escaped for
// the output (control characters in text, markup in Markdown and HTML).
// Errors: kIOError when the stream fails.
Status WriteDiffText(const DiffResult& diff, std::ostream& out,
                     const DiffRenderOptions& options = {});
Status WriteDiffMarkdown(const DiffResult& diff, std::ostream& out,
                         const DiffRenderOptions& options = {});
Status WriteDiffJson(const DiffResult& diff, std::ostream& out,
                     const DiffRenderOptions& options = {});
// One self-contained HTML page: the comparison page of spec/report.md (totals
// and composition as charts) with the flags, the source changes and the file
// change counts per source. It lists no single file; the JSON lists them all.
Status WriteDiffHtml(const DiffResult& diff, std::ostream& out,
                     const DiffRenderOptions& options = {});

// The JSON and display name of a flag kind: "use_class_more_restrictive", ...
const char* DiffFlagName(DiffFlagKind kind);

}  // namespace dtm
