// The creation time of a manifest a build or a merge writes.
#pragma once

#include <optional>

#include "dtm/status.h"
#include "google/protobuf/timestamp.pb.h"

namespace dtm::internal {

// `given` when set, else SOURCE_DATE_EPOCH when set (an error names it when it
// is not a time), else now.
StatusOr<google::protobuf::Timestamp> CreationTime(
    const std::optional<google::protobuf::Timestamp>& given);

}  // namespace dtm::internal
