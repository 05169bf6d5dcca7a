// Helpers shared by the build spec tests (buildspec_*_test.cc).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "dtm/buildspec.h"

namespace dtm {

// tests/data/specs: the specs and listings the tests load.
inline std::string SpecDataDir() { return std::string(DTM_TEST_DATA) + "/specs"; }

// tests/data/specs/minimal.yaml, the base every error case edits:
//    1 dtm: 1
//    2 dataset: {name: tiny, version: "1"}
//    3 publisher: {name: Tiny Lab}
//    4 sources:
//    5   - id: notes
//    6     name: Lab notes
//    7     modality: text
//    8     license: {expression: MIT}
//    9     provenance: {acquisition: human_written}
//   10     data: {include: ["notes/*.txt"]}
inline std::string MinimalSpec() {
  std::ifstream in(SpecDataDir() + "/minimal.yaml");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// `text` with the first `from` replaced by `to`; fails the test if absent.
inline std::string ReplaceOnce(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' not in the spec";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// Parses `yaml` as "dtm.yaml" (base folder tests/data/specs) and checks the
// error: `code`, a message starting "dtm.yaml:<where>: <field>: " and holding
// `problem`.
inline ::testing::AssertionResult SpecFails(const std::string& yaml, const std::string& where,
                                            const std::string& field, const std::string& problem,
                                            StatusCode code = StatusCode::kInvalidArgument) {
  StatusOr<BuildSpec> spec = ParseBuildSpec(yaml, "dtm.yaml", SpecDataDir());
  if (spec.ok()) return ::testing::AssertionFailure() << "loaded; expected an error";
  const Status& s = spec.status();
  const std::string prefix = "dtm.yaml:" + where + ": " + (field.empty() ? "" : field + ": ");
  if (s.code() != code || s.message().rfind(prefix, 0) != 0 ||
      s.message().find(problem) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "got " << s.ToString() << "\nwant prefix '" << prefix << "' and '" << problem << "'";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace dtm
