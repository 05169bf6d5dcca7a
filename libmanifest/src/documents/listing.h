// Document listings (spec/documents.md, "Document listings"): a source's
// documents as the pipeline that wrote the files already knows them, one JSON
// object a line, read as a stream.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm::internal {

class DocumentListing {
 public:
  // kNotFound / kIOError naming the file.
  static StatusOr<std::unique_ptr<DocumentListing>> Open(const std::string& path);

  // The next document (source_id unset, origin DECLARED), or none at the end.
  // Lines must be in canonical order (path bytes, then ordinal strictly
  // increasing); a line that is not a valid entry or breaks the order is
  // kInvalidArgument "LISTING:LINE: problem".
  StatusOr<const v1::DocumentEntry*> Peek();
  void Pop() { has_current_ = false; }
  // "LISTING:LINE" of the entry Peek gave, for messages.
  std::string Where() const;

 private:
  explicit DocumentListing(std::string path) : path_(std::move(path)) {}
  Status ParseLine(const std::string& line, v1::DocumentEntry* entry);

  std::string path_;
  std::ifstream in_;
  uint64_t line_ = 0;
  bool has_current_ = false, ended_ = false, has_previous_ = false;
  v1::DocumentEntry current_;
  std::string previous_path_;
  uint64_t previous_ordinal_ = 0;
};

}  // namespace dtm::internal
