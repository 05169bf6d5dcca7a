// `dtm verify --data DIR`: re-hashing the data a manifest describes.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "dtm/status.h"

namespace dtm::cli {

struct DataArgs {
  std::string root;  // --data: empty when not asked for
  unsigned jobs = 0;
  bool follow_symlinks = false;
  std::string shard;   // --shard I/N
  std::string sample;  // --sample P
  std::string seed;    // --seed HEX
};

// Adds --data, --jobs, --follow-symlinks, --shard, --sample and --seed to `app`.
void AddDataOptions(CLI::App* app, DataArgs* args);

// Compares the files under args.root with the manifest's entries and prints
// missing, modified and unexpected files by source. Returns the exit code:
// kExitOk, kExitFailed (differences) or kExitBadInput (could not check).
int VerifyData(const std::string& manifest, const DataArgs& args);

// The options that only --data uses, given without it: a usage error.
Status CheckDataArgs(const DataArgs& args);

}  // namespace dtm::cli
