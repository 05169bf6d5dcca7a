// Builds a manifest from a build spec and the data it names (spec/cli.md, "dtm
// build").
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dtm/buildspec.h"
#include "dtm/progress.h"
#include "dtm/sharding.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

struct BuildOptions {
  std::string data_root;  // where patterns are resolved; "" = the spec file's folder
  unsigned jobs = 0;      // hashing threads; 0 = one per core
  // What to do with symbolic links and special files that patterns select
  // (spec/cli.md, "Symbolic links and special files"); unset: the spec's
  // `symlinks:` and `special_files:`, else an error for each.
  std::optional<SymlinkPolicy> symlinks;
  std::optional<bool> skip_special;
  // Unset: the spec's `file_names:`, else an error for a name that would
  // need the escaped form.
  std::optional<FileNamePolicy> file_names;
  // The header's creation time. Unset: SOURCE_DATE_EPOCH when set, else now.
  std::optional<google::protobuf::Timestamp> created;
  // Take the digests of unchanged files from the checkpoint an interrupted
  // build left beside the output (OUTPUT.checkpoint) instead of re-hashing.
  bool resume = false;
  // Incremental rebuilds (spec/cli.md, "Incremental rebuilds"): with a
  // previous version (`reuse`, else the spec's previous.manifest) whose build
  // wrote the stat cache, files whose stat is unchanged are not read again.
  std::string reuse;       // --reuse PREVIOUS.dtm
  bool use_cache = false;  // read and write the stat cache (the CLI's default; --no-cache)
  std::string cache_path;  // "" = the data root's (StatCache::PathFor)
  // Build one part of a sharded build (spec/sharding.md): the output is the
  // part, holding the Source records and this shard's run of the files.
  std::optional<ShardSpec> shard;
  ProgressFn progress;                        // optional
  const std::atomic<bool>* cancel = nullptr;  // optional: stop and write nothing
};

struct BuildResult {
  v1::Header header;  // as written
  // Of the files the output holds (a part: its shard's).
  uint64_t files_hashed = 0;
  uint64_t bytes_hashed = 0;
  uint64_t files_declared = 0;
  uint64_t files_resumed = 0;  // digests taken from the checkpoint (counted in files_hashed)
  uint64_t files_reused = 0;   // digests taken from the stat cache (counted in files_hashed)
  // Problems of the stat cache (ignored, not written): the build went on.
  std::vector<std::string> warnings;
  uint64_t documents = 0;           // DocumentEntry records written
  uint64_t documents_declared = 0;  // of them, from document listings (not read in the files)
  uint64_t documents_skipped = 0;   // under DocumentRule.skip_bad, over all files
  // Paths that differ only by Unicode normalisation or letter case: two
  // entries in the manifest, one file on file systems that ignore the
  // difference (macOS, Windows). The first kMaxListedCollisions pairs (byte
  // order) and how many there are; a warning, not an error.
  std::vector<std::pair<std::string, std::string>> path_collisions;
  uint64_t path_collision_count = 0;
  static constexpr size_t kMaxListedCollisions = 100;
};

// Selects every source's files, hashes those on disk in parallel, takes
// declared files as given, and writes the manifest in canonical order to
// `output_path` atomically (nothing is written on error). Errors name the spec
// location, the source and the path: a pattern that matches nothing, a selected
// symbolic link or special file, a non-UTF-8 or otherwise invalid path, an
// unreadable file, a file that changed while it was hashed, a path listed twice
// in a source, a document that breaks its source's rule (spec/documents.md).
// The documents of sources with a DocumentRule are found while their files are
// hashed (one read) and kept in compressed scratch files beside the output
// until they are written. Errors of the output file (cannot create it, disk full) are
// kIOError with a message starting "output '<output_path>'"; see IsOutputError.
// While hashing, each digest is appended to OUTPUT.checkpoint; the checkpoint
// is deleted once the manifest is in place and left behind on any failure, for
// BuildOptions::resume. A resumed build writes the same bytes as an
// uninterrupted one.
StatusOr<BuildResult> BuildManifest(const BuildSpec& spec, const BuildOptions& options,
                                    const std::string& output_path);

// True for the errors BuildManifest reports about its output file.
bool IsOutputError(const Status& status, const std::string& output_path);

// Parses a creation time given as RFC 3339 ("2026-01-01T00:00:00Z") or as
// seconds since the Unix epoch ("1767225600").
StatusOr<google::protobuf::Timestamp> ParseCreatedTime(std::string_view text);

}  // namespace dtm
