// The stat cache of incremental builds (spec/cli.md, "Incremental rebuilds"):
// for each file a build read, its stat (device, inode, size, modification and
// status change times in ns) and its digest, with the file digest of the
// manifest the build wrote. A rebuild that names that manifest as its previous
// version takes the digest of every file whose stat is unchanged instead of
// reading it. The cache is authenticated with the user's checkpoint key: a
// damaged, forged or stale cache is ignored (with a warning), never trusted,
// so it can make a build faster but never change what it writes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/digest.h"
#include "dtm/file_hash.h"
#include "dtm/status.h"

namespace dtm::internal {

class StatCache {
 public:
  // Where the cache of the data root `root` lives: $XDG_CACHE_HOME/dtm/stat/,
  // else $HOME/.cache/dtm/stat/, a file named by the SHA-256 of the root's real
  // path. "" when neither variable is set or the root has no real path.
  static std::string PathFor(const std::string& root);

  // Loads the cache at `path` for a build whose previous version's file digest
  // is `previous`. An empty cache and a warning (naming the file and why) when
  // it is missing, damaged, not authenticated by `key`, or of another
  // manifest; never an error.
  static StatCache Load(const std::string& path, const std::string& key,
                        const Sha256Digest& previous, std::string* warning);

  // The cached digest of the file at the relative path `rel` when `now`, its
  // stat in this build, equals the cached stat and the cached stat was not
  // racy (changed within 2 s before the build that made the cache stated it);
  // nullptr otherwise.
  const Sha256Digest* Lookup(std::string_view rel, const FileIdentity& now) const;
  size_t size() const { return offsets_.size(); }

  // One file of a build's cache; the pointers are the caller's.
  struct Entry {
    std::string_view rel;  // the path relative to the data root
    const FileIdentity* stat = nullptr;
    const Sha256Digest* sha256 = nullptr;
  };
  // Writes `entries` (any order; of a path given twice, the first) as the
  // cache at `path`, atomically and streaming, for the manifest whose file
  // digest is `manifest`; `listed_at_ns` is when the build began to stat its
  // files. kIOError naming the cache.
  static Status Save(const std::string& path, const std::string& key, const Sha256Digest& manifest,
                     int64_t listed_at_ns, std::vector<Entry> entries);

 private:
  std::string bytes_;              // the file, authenticated
  std::vector<uint64_t> offsets_;  // of each entry in bytes_, sorted by path
  int64_t listed_at_ns_ = 0;
};

}  // namespace dtm::internal
