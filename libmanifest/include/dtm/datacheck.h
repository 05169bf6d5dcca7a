// Re-hashing the data a manifest describes: `dtm verify --data DIR`.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/progress.h"
#include "dtm/sharding.h"
#include "dtm/status.h"

namespace dtm {

// A sample of the file entries drawn from an auditor's seed
// (spec/sharding.md, "Sampled audits").
struct DataSample {
  double fraction = 1;  // above 0, at most 1
  std::string seed;     // kMinSeedBytes to kMaxSeedBytes bytes
  static constexpr size_t kMinSeedBytes = 16;
  static constexpr size_t kMaxSeedBytes = 64;
};

// "0.001" or "0.1%": above 0, at most 1 (kInvalidArgument otherwise).
StatusOr<double> ParseSampleFraction(std::string_view text);
// A seed given in hex, 16 to 64 bytes.
StatusOr<std::string> ParseSampleSeed(std::string_view hex);
// 32 bytes from the operating system's random source.
StatusOr<std::string> DrawSampleSeed();
// Whether the entry (source_id, path) is in the sample.
bool InSample(const DataSample& sample, std::string_view source_id, std::string_view path);
// The smallest number of differing entries that a sample of `fraction` finds
// with probability at least 99%: ceil(ln 0.01 / ln(1 - fraction)).
uint64_t SampleDetectableDifferences(double fraction);

struct DataCheckOptions {
  unsigned jobs = 0;  // hashing threads; 0 = one per core
  // As for build: follow symbolic links that stay inside the data root.
  bool follow_symlinks = false;
  // Check only this shard's run of the entries (spec/sharding.md, "Sharded
  // audits"); unexpected files are then reported by shard 0 alone.
  std::optional<ShardSpec> shard;
  // Check only the entries in this sample; unexpected files are not looked for.
  std::optional<DataSample> sample;
  ProgressFn progress;
  const std::atomic<bool>* cancel = nullptr;
};

struct DataProblem {
  enum class Kind {
    kMissing,     // a hashed entry with no file at its path
    kModified,    // the file's size or SHA-256 differs from the entry
    kUnreadable,  // the file could not be read, or changed while read
    kNotRegular,  // a symbolic link (not followed) or special file at the path
    // The file is as listed, but its documents, re-derived by its source's
    // rule, differ from the manifest's entries (detail names the first).
    kDocuments,
  };
  Kind kind;
  std::string source_id;
  std::string path;
  std::string detail;  // e.g. "sha256 differs" or "size 10 -> 12"
};

struct DataSourceTally {
  uint64_t files = 0;  // entries of the source
  uint64_t verified = 0;
  uint64_t missing = 0;
  uint64_t modified = 0;
  uint64_t unreadable = 0;
  uint64_t declared_absent = 0;
  uint64_t documents_verified = 0;  // re-derived and equal
  // What the builder left out of the source (Source.skipped): not checked,
  // only reported.
  uint64_t skipped_symlinks = 0;
  uint64_t skipped_special_files = 0;
  std::string first_skipped;
};

struct DataCheckReport {
  uint64_t entries = 0;            // file entries in the manifest
  uint64_t entries_checked = 0;    // of them, in the shard and the sample (all without either)
  bool unexpected_checked = true;  // whether files in no entry were looked for
  uint64_t files_verified = 0;     // re-hashed and equal
  uint64_t bytes_verified = 0;
  uint64_t documents_verified = 0;  // re-derived from verified files and equal
  // Entries with origin DECLARED whose file is not under the data root: the
  // publisher never had them on disk either, so they are not checked.
  uint64_t declared_absent = 0;
  std::map<std::string, DataSourceTally> by_source;
  // Problems in manifest order (at most kMaxListed of them; all are counted in by_source).
  std::vector<DataProblem> problems;
  uint64_t problem_count = 0;
  // Regular files under the data root that no entry names (first kMaxListed).
  std::vector<std::string> unexpected;
  uint64_t unexpected_count = 0;
  // Regular files in no entry that a .dtmignore under the data root ignores:
  // counted, not listed, not unexpected.
  uint64_t ignored_count = 0;

  static constexpr size_t kMaxListed = 10000;
  bool ok() const { return problem_count == 0; }
};

// Compares every file entry of the manifest at `manifest_path` with the file at
// the same path under `data_root`: re-hashes files in parallel, and lists
// missing, modified and unexpected files. The manifest is streamed (memory
// grows with the files on disk, not with the manifest). Returns an error only
// when the check could not be done (unreadable or damaged manifest, unreadable
// data root, interrupted); differences are reported in the DataCheckReport.
StatusOr<DataCheckReport> CheckDataAgainstManifest(const std::string& manifest_path,
                                                   const std::string& data_root,
                                                   const DataCheckOptions& options);

const char* DataProblemKindName(DataProblem::Kind kind);  // "missing", "modified", ...

}  // namespace dtm
