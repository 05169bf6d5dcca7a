// The selection's side of a sharded build (spec/sharding.md): its digest and
// the run of it one shard covers.
#pragma once

#include <cstdint>

#include "build/file_selection.h"
#include "dtm/buildspec.h"
#include "dtm/digest.h"
#include "dtm/sharding.h"

namespace dtm::internal {

// The run [begin, end) of the sorted selection's files that `shard` covers.
struct ShardRun {
  uint64_t begin = 0;
  uint64_t end = 0;
};

// REQUIRES: `sel` is sorted in canonical order and every task is listed.
ShardRun ShardRunOf(const FileSelection& sel, const ShardSpec& shard);

// The selection digest (spec/sharding.md, "The selection"). REQUIRES: as
// ShardRunOf.
Sha256Digest SelectionDigest(const BuildSpec& spec, const FileSelection& sel);

}  // namespace dtm::internal
