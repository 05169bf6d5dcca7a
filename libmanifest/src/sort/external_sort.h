// Sorting more fixed-size records than memory holds: sorted runs are written
// compressed to unnamed scratch files and merged. For the streaming
// comparisons of documents (dtm diff), whose number has no bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/posix_file.h"
#include "dtm/status.h"

namespace dtm::internal {

class ExternalSorter {
 public:
  // Records are `record_bytes` long and ordered by their first `key_bytes`
  // (compared as unsigned bytes; equal keys keep no particular order). At
  // most `memory_bytes` of records are held before a run goes to disk, in
  // `folder`.
  ExternalSorter(size_t record_bytes, size_t key_bytes, std::string folder,
                 size_t memory_bytes = 64u << 20);
  ~ExternalSorter();
  ExternalSorter(const ExternalSorter&) = delete;
  ExternalSorter& operator=(const ExternalSorter&) = delete;

  Status Add(const void* record);

  // After the last Add: the records in key order, one at a time. Next copies
  // the next record into `record` and returns false after the last.
  Status Finish();
  StatusOr<bool> Next(void* record);

  uint64_t records() const { return records_; }
  size_t runs() const { return runs_.size(); }

 private:
  struct Run {
    uint64_t offset = 0, bytes = 0, count = 0;
  };
  class RunReader;
  // Fills order_ with the held records' indexes in key order.
  void SortHeld();
  Status SpillRun();

  size_t record_bytes_, key_bytes_;
  std::string folder_;
  size_t capacity_;  // records held in memory
  std::string buffer_;
  size_t held_ = 0;
  uint64_t records_ = 0;
  FileDescriptor scratch_;
  uint64_t scratch_end_ = 0;
  std::vector<Run> runs_;
  std::vector<std::unique_ptr<RunReader>> readers_;
  std::vector<size_t> heap_;  // indexes of readers_, a min-heap by their current record
  bool in_memory_ = false;    // one run that never left memory
  std::vector<uint32_t> order_;
  size_t next_in_memory_ = 0;
};

}  // namespace dtm::internal
