// The build spec file (dtm.yaml): what `dtm build` reads to describe a dataset
// and where its files are (spec/spec-file.md). Loading validates everything
// that can be checked without walking the data: every error names the file,
// line and column, and the field ("dtm.yaml:12:5: sources[2].license.use_class:
// ...").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/digest.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

// The format version this library reads (the spec's top-level `dtm` key).
inline constexpr int kBuildSpecVersion = 1;

// A file declared with its size and digest instead of being read
// (FileEntry.origin ORIGIN_DECLARED).
struct DeclaredFile {
  std::string path;  // a valid relative path (ValidateRelativePath)
  uint64_t size = 0;
  Sha256Digest sha256{};
};

// One source of the spec, validated.
struct SourceSpec {
  v1::Source source;                 // license.use_class holds the resolved use class
  std::vector<std::string> include;  // glob patterns relative to the data root (syntax checked)
  std::vector<std::string> exclude;
  // `data.exclude_from`: ignore files (gitignore syntax) whose rules exclude
  // files from this source, resolved as `listing`.
  std::vector<std::string> exclude_from;
  // The listing file: as written if absolute, else joined to the spec's
  // folder; "" if none. It exists and is a regular file at load time; its
  // lines are read by ForEachListedFile.
  std::string listing;
  std::vector<DeclaredFile> declared;  // the `data.files` entries, in spec order
  // The `data.document_listing` file, resolved as `listing`; "" if none. Its
  // lines declare the documents of the source's files (spec/documents.md).
  std::string document_listing;
  std::string location;  // "dtm.yaml:12:3": where the source starts
};

// What a build does with a symbolic link its patterns select (spec/cli.md,
// "Symbolic links and special files"): refuse it (the default), skip it and
// count it in its source's Source.skipped, or follow it when its target is
// inside the data root.
enum class SymlinkPolicy { kError, kSkip, kFollow };
// "error", "skip" or "follow"; kInvalidArgument naming the value otherwise.
StatusOr<SymlinkPolicy> ParseSymlinkPolicy(std::string_view name);

// What a build does with a selected file whose name is not a valid
// FileEntry.path as it stands (bytes that are not UTF-8, a control character
// or a backslash): refuse it (the default), or record it in the escaped form
// of spec/container.md, "Escaped file names" (EscapeFileName).
enum class FileNamePolicy { kError, kEscape };
// "error" or "escape"; kInvalidArgument naming the value otherwise.
StatusOr<FileNamePolicy> ParseFileNamePolicy(std::string_view name);

struct BuildSpec {
  std::string path;            // the spec file as given
  Sha256Digest text_sha256{};  // SHA-256 of the spec's bytes (a sharded build's parts name it)
  std::string base_dir;        // its folder ("." for a bare file name): the default data root
  // dataset, publisher, models and previous as declared; `previous` holds the
  // explicit fields (version, manifest_sha256, merkle_root, url) when given.
  v1::Header header;
  // `previous.manifest` resolved like `listing`, else "". When set, the
  // builder fills header.previous's version, manifest_sha256 and merkle_root
  // from that file; header.previous may already hold its url.
  std::string previous_manifest;
  std::vector<SourceSpec> sources;  // in spec order
  // The spec's `symlinks:`, `special_files:` and `file_names:` keys, when given; the
  // command line's options win over them.
  std::optional<SymlinkPolicy> symlinks;
  std::optional<bool> skip_special;
  std::optional<FileNamePolicy> file_names;  // the spec's `file_names:`
  // Things that load but deserve a look, each "path:line:col: source 'id':
  // problem": a license id that the SPDX License List marks deprecated.
  std::vector<std::string> warnings;
};

// Reads and validates the spec file at `path`. Errors: kNotFound (no such
// file), kLimitExceeded (over 64 MiB, nested deeper than 64 levels),
// kIOError, and kInvalidArgument "path:line:col: field: problem" for
// everything else.
StatusOr<BuildSpec> LoadBuildSpec(const std::string& path);

// As LoadBuildSpec for text already in memory. `path_for_messages` names the
// spec in messages and locations; relative `listing` and `previous.manifest`
// paths are resolved against `base_dir`, and checked on disk.
StatusOr<BuildSpec> ParseBuildSpec(std::string_view yaml_text, const std::string& path_for_messages,
                                   const std::string& base_dir);

// Streams a listing file (spec/spec-file.md, "Listing files"): calls `fn` for
// each declared file, in file order; a non-OK Status from `fn` stops the walk
// and is returned as is. Memory does not grow with the number of lines. Errors
// name "listing:line: problem": wrong number of TAB-separated fields, bad
// size, bad digest, invalid path, a line over 64 KiB; kNotFound / kIOError if
// the file cannot be opened or read. Duplicate paths are not detected here.
Status ForEachListedFile(const std::string& listing_path,
                         const std::function<Status(DeclaredFile&& file)>& fn);

}  // namespace dtm
