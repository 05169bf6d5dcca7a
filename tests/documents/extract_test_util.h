// Running ExtractDocuments over bytes in memory, for the format tests.
#pragma once

#include <string>
#include <vector>

#include "documents/extract.h"

namespace dtm::internal::test {

struct ExtractResult {
  Status status;
  std::vector<ExtractedDocument> docs;
  SkippedDocuments skipped;
};

// The documents of `data` (a file named `name`) under `rule`.
inline ExtractResult ExtractFrom(const v1::DocumentRule& rule, const std::string& name,
                                 ByteSource& in) {
  ExtractResult r;
  r.status = ExtractDocuments(
      rule, name, in,
      [&](ExtractedDocument& d) {
        r.docs.push_back(d);
        return Status::Ok();
      },
      &r.skipped);
  return r;
}

inline ExtractResult ExtractFrom(const v1::DocumentRule& rule, const std::string& name,
                                 const std::string& data) {
  StringByteSource in(data);
  return ExtractFrom(rule, name, in);
}

}  // namespace dtm::internal::test
