// Field paths of the required_fields rule (spec/policy.md, "required_fields").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dtm/status.h"
#include "google/protobuf/message.h"

namespace dtm::internal {

// Paths starting with this prefix name fields of the Header; others, fields
// of a Source.
inline constexpr std::string_view kHeaderPrefix = "header.";

// Appends to *unfilled every place where `path` (dot-separated field names,
// valid for msg's type) is not filled in `msg`: a string or bytes field
// empty, a number zero, a bool false, an enum UNSPECIFIED, a message absent,
// a repeated field empty. Through a repeated message field the rest of the
// path is checked in every element ("opt_outs[2].observed_at"); an absent
// message on the way makes the whole path unfilled.
void FindUnfilled(const google::protobuf::Message& msg, std::string_view path,
                  std::vector<std::string>* unfilled);

}  // namespace dtm::internal
