// Sharded builds (spec/sharding.md): N tasks each hash 1/N of the data into a
// part, and `dtm merge` joins the parts into the manifest one machine would
// have written, byte for byte.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/progress.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace dtm {

// One task of a sharded build or a sharded check: shard `index` of `count`,
// 0 <= index < count.
struct ShardSpec {
  uint32_t index = 0;
  uint32_t count = 1;
};

// The largest number of shards (spec/sharding.md, "Limits").
inline constexpr uint32_t kMaxShards = 100000;

// Parses "I/N" (decimal, 0-based I below N, N at most kMaxShards).
StatusOr<ShardSpec> ParseShardSpec(std::string_view text);

// The weight of one file in the partition: its size when it is read from disk
// (0 for a declared file), plus kShardFileWeight for the work of one file.
inline constexpr uint64_t kShardFileWeight = 4096;

// The shard of an item whose preceding items weigh `before` of all items'
// `total`: floor(shards * before / total), exactly; 0 when total is 0.
uint32_t ShardOfWeight(unsigned __int128 before, unsigned __int128 total, uint32_t shards);

// Cuts `count` weights, in order, into `shards` contiguous runs of about equal
// total weight (spec/sharding.md, "The partition"): returns the `shards + 1`
// boundaries, run k being [bounds[k], bounds[k+1]). The first is 0 and the last
// `count`; a run may be empty.
std::vector<uint64_t> PartitionByWeight(uint64_t count,
                                        const std::function<uint64_t(uint64_t)>& weight_of,
                                        uint32_t shards);

// The file name of a part, "part-00007-of-00064.dtmpart".
std::string BuildPartFileName(const ShardSpec& shard);

// Where `dtm build --shard` writes a part given `-o output`: into the folder
// `output` under BuildPartFileName when it is a folder or ends in '/' (created
// with its parents when missing), else `output` itself. kIOError when the
// folder cannot be created.
StatusOr<std::string> BuildPartPath(const std::string& output, const ShardSpec& shard);

// The *.dtmpart files in `folder`, sorted by name. kNotFound when it holds
// none.
StatusOr<std::vector<std::string>> ListBuildParts(const std::string& folder);

struct MergeOptions {
  // The header's creation time. Unset: SOURCE_DATE_EPOCH when set, else now
  // (as BuildOptions::created).
  std::optional<google::protobuf::Timestamp> created;
  ProgressFn progress;                        // optional
  const std::atomic<bool>* cancel = nullptr;  // optional: stop and write nothing
};

struct MergeResult {
  v1::Header header;  // as written
  uint32_t parts = 0;
};

// Joins the parts of one sharded build into the manifest at `output_path`,
// atomically. First checks that the parts are one build's: each shard of the
// same count present once, the same spec, selection and header, contiguous
// runs that cover the selection; then streams them in shard order, checking
// each part whole (framing, footer, record rules, its header against its
// records) while its records are written. Any failure names the part and
// writes nothing: kInvalidArgument for parts that do not belong together
// (missing, duplicated, foreign), kCorruption for a damaged part, kIOError
// "output '<output_path>'" for the output (IsOutputError in dtm/builder.h).
StatusOr<MergeResult> MergeBuildParts(const std::vector<std::string>& part_paths,
                                      const MergeOptions& options, const std::string& output_path);

}  // namespace dtm
