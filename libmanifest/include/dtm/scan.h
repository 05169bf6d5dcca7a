// A first build spec for a folder that already holds data: `dtm init --scan`
// (spec/cli.md, "dtm init"). It says what can be measured (files, sizes, file
// types, links) and leaves every fact only the publisher knows as a TODO that
// `dtm build` refuses until it is filled in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dtm/progress.h"
#include "dtm/status.h"

namespace dtm {

// One source the scan proposes: a top-level folder of the data root (or the
// files directly in it, or, with more than kMaxScannedSources folders, the
// whole root).
struct ScannedSource {
  std::string id;       // a valid, unique source id made from the folder's name
  std::string pattern;  // its include pattern, relative to the data root
  std::string folder;   // the folder as on disk ("" for the whole root)
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t symlinks = 0;
  uint64_t special_files = 0;
  uint64_t bad_names = 0;  // names that need the escaped form (e.g. not UTF-8); also counted above
  uint64_t vcs_folders = 0;  // .git, .hg and .svn folders found below it (excluded)
  std::string modality;      // the guess: "text", "code", "image", "audio", "video" or "other"
  std::vector<std::string> media_types;  // of its most common known extensions, by bytes
  std::string evidence;                  // what the guess rests on, e.g. "3 .txt (12 KiB)"
};

struct ScanResult {
  std::vector<ScannedSource> sources;  // sorted by id
  uint64_t files = 0, bytes = 0, symlinks = 0, special_files = 0, bad_names = 0;
  uint64_t todos = 0;     // TODO placeholders written
  std::string spec_text;  // the spec, as written to the output
};

inline constexpr size_t kMaxScannedSources = 64;

// Walks `data_root` (never following links, never opening a file: a stat
// per entry) and returns a commented spec for it whose patterns are relative
// to the data root. Memory grows with the top-level folders and the distinct
// extensions (at most 256 kept per source), not with the files. `dataset_name`
// is proposed as dataset.name. Errors: kNotFound or kInvalidArgument for a
// root that is not a folder, kIOError for an unreadable folder (naming it).
StatusOr<ScanResult> ScanDataFolder(const std::string& data_root, const std::string& dataset_name,
                                    const ProgressFn& progress = nullptr);

// ScanDataFolder, then writes the spec to `spec_path` atomically; refuses
// (kInvalidArgument, writing nothing) when `spec_path` already exists.
StatusOr<ScanResult> WriteScannedSpec(const std::string& data_root, const std::string& spec_path,
                                      const ProgressFn& progress = nullptr);

}  // namespace dtm
