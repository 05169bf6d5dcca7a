// Private: what the proof files share (proof/make.cc, proof/json.cc,
// proof/verify.cc): the decoded form of a record and matching a query.
#pragma once

#include <string>

#include "dtm/proof.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm::internal {

// The record in the protobuf JSON mapping with the .proto field names (as
// `dtm export` writes it), compact, members in field order.
StatusOr<std::string> RecordToJson(const v1::Record& record);

// True when `file` is one the query asks for (a digest or a path query).
bool FileMatches(const v1::FileEntry& file, const ProofQuery& query);

// The JSON form of a query's value: "sha256:<hex>", the path or the source id.
std::string QueryValue(const ProofQuery& query);

}  // namespace dtm::internal
