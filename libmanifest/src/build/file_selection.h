// Which files each source of a build spec selects: files on disk matched by
// patterns, and declared files. The first step of `dtm build`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/buildspec.h"
#include "dtm/status.h"
#include "files/parallel_hash.h"

namespace dtm::internal {

// One (source, path) pair. Paths live in FileSelection::paths to keep an entry
// small: a build of ten million declared files holds ten million of these.
struct SelectedFile {
  uint32_t source = 0;  // index into FileSelection::source_order
  uint32_t path_len = 0;
  uint64_t path_offset = 0;
  uint64_t size = 0;  // for a file on disk: 0 until it is stat'ed (its task)
  Sha256Digest sha256{};
  // Index into FileSelection::tasks for a file on disk; kDeclared otherwise.
  uint64_t task = kDeclared;
  static constexpr uint64_t kDeclared = ~uint64_t{0};
};

struct FileSelection {
  // spec.sources indexes, sorted by source id: SelectedFile::source indexes
  // this.
  std::vector<size_t> source_order;
  std::vector<SelectedFile> files;
  std::string paths;            // every SelectedFile's path bytes, back to back
  std::vector<HashTask> tasks;  // files on disk to hash, each once; mostly not yet stat'ed
  // Per source (as source_order): the links and special files its patterns
  // selected that the walk skipped.
  std::vector<v1::SkippedEntries> skipped;
  // The data root the walk read, which tasks are opened beneath (-1 when no
  // source has patterns and nothing was walked).
  FileDescriptor root_fd;

  std::string_view PathOf(const SelectedFile& f) const {
    return std::string_view(paths).substr(f.path_offset, f.path_len);
  }
};

// What the walk does with symbolic links and special files a pattern selects.
struct WalkPolicy {
  SymlinkPolicy symlinks = SymlinkPolicy::kError;
  bool skip_special = false;
  // Record a name that is not a valid FileEntry.path as it stands in the
  // escaped form (EscapeFileName) instead of refusing it.
  bool escape_names = false;
};

// Walks `data_root` once for all sources' patterns and reads every declared
// file (inline and listings). Errors name the spec location of the source.
// Files of the build's own output are never selected: `output_path`, its
// checkpoint (OUTPUT.checkpoint) and its temporary files (.OUTPUT.*), when
// they lie under the data root.
StatusOr<FileSelection> SelectFiles(const BuildSpec& spec, const std::string& data_root,
                                    const std::string& output_path, const WalkPolicy& policy);

}  // namespace dtm::internal
