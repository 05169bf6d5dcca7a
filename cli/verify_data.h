// `dtm verify --data DIR`: re-hashing the data a manifest describes.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace dtm::cli {

struct DataArgs {
  std::string root;  // --data: empty when not asked for
  unsigned jobs = 0;
  bool follow_symlinks = false;
};

// Adds --data, --jobs and --follow-symlinks to `app`.
void AddDataOptions(CLI::App* app, DataArgs* args);

// Compares the files under args.root with the manifest's entries and prints
// missing, modified and unexpected files by source. Returns the exit code:
// kExitOk, kExitFailed (differences) or kExitBadInput (could not check).
int VerifyData(const std::string& manifest, const DataArgs& args);

}  // namespace dtm::cli
