// Incremental rebuilds (spec/cli.md, "Incremental rebuilds"): which stat
// cache a build takes digests from and records into.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "build/file_selection.h"
#include "build/stat_cache.h"
#include "dtm/builder.h"

namespace dtm::internal {

class IncrementalBuild {
 public:
  // The cache of `root` when the build may use one: not --no-cache, not a
  // shard, and a user key to authenticate it. Digests are taken from it only
  // when `previous` (the file digest of the previous version: --reuse, else
  // the spec's previous.manifest) is the manifest it belongs to. Problems are
  // warnings, never errors.
  static IncrementalBuild Start(const BuildOptions& options, const std::string& root,
                                const std::optional<Sha256Digest>& previous,
                                std::vector<std::string>* warnings);

  // The cached digest of the task's file when its stat is unchanged.
  const Sha256Digest* Lookup(const HashTask& task) const;

  // Writes the cache of this build: every file on disk of the selection with
  // its stat and digest, for the manifest at `output_path`. A failure is a
  // warning (the manifest is written).
  void Save(const FileSelection& sel, const std::string& output_path,
            std::vector<std::string>* warnings) const;

 private:
  std::string path_;  // "" when no cache is used or written
  std::string key_;
  StatCache cache_;
  int64_t listed_at_ns_ = 0;
};

}  // namespace dtm::internal
