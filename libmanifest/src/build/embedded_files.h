// Files compiled into the library at build time (cmake/EmbedFiles.cmake
// generates the functions declared here).
#pragma once

#include <span>
#include <string_view>

namespace dtm::internal {

struct EmbeddedFile {
  std::string_view path;   // relative, "/"-separated, no "." or ".." segments
  std::string_view bytes;  // the file's exact content
};

// The files of examples/training-set-v1 (dtm.yaml and its data), sorted by
// path: what `dtm init` writes. Thread-safe; the data is static.
std::span<const EmbeddedFile> ExampleProjectFiles();

}  // namespace dtm::internal
