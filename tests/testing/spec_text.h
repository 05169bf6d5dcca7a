// Build specs for tests that need a spec and do not test the spec format.
#pragma once

#include <string>
#include <string_view>

namespace dtm::testing {

// A dtm.yaml with one source "files" of `modality` selecting `include`.
inline std::string OneSourceSpec(std::string_view dataset, std::string_view include,
                                 std::string_view modality = "text") {
  return "dtm: 1\n"
         "dataset: {name: " +
         std::string(dataset) +
         ", version: \"1\"}\n"
         "publisher: {name: Test Lab}\n"
         "sources:\n"
         "  - id: files\n"
         "    name: Files\n"
         "    modality: " +
         std::string(modality) +
         "\n"
         "    license: {expression: MIT}\n"
         "    provenance: {acquisition: human_written}\n"
         "    data: {include: [\"" +
         std::string(include) + "\"]}\n";
}

}  // namespace dtm::testing
