// Field-by-field comparison and one-line rendering of schema messages, by
// protobuf reflection (spec/diff.md, "Values" and "Field changes").
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "dtm/diff.h"

namespace dtm::internal {

// A message on one line: "{mechanism: robots_txt, scope: \"example.com\"}".
// Fields that are not set are left out; strings are quoted.
std::string RenderMessage(const google::protobuf::Message& message);

// Appends to *out one FieldChange for each field of `before` and `after` (the
// same message type) that differs, walking into singular sub-messages, named by
// their path below `prefix` ("license.use_class"). Repeated message fields are
// compared as multisets of elements (kAdded/kRemoved per element; kChanged with
// both lists when only the order differs); repeated scalars as whole lists.
// Fields unknown to this reader are not compared here.
void CompareMessages(const google::protobuf::Message& before,
                     const google::protobuf::Message& after, const std::string& prefix,
                     std::vector<FieldChange>* out);

// The deterministic serialization of `message`: equal messages give equal bytes.
std::string DeterministicBytes(const google::protobuf::Message& message);

}  // namespace dtm::internal
