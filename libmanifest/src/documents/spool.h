// Documents found out of order (files are read in parallel) kept on disk,
// compressed, until the manifest is written in canonical order: memory does
// not grow with the number of documents.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/posix_file.h"
#include "documents/extract.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm::internal {

// The DocumentEntry of an extracted document; source_id, path and origin are
// the caller's.
void ToDocumentEntry(const ExtractedDocument& doc, v1::DocumentEntry* entry);

class DocumentSpool {
  struct Scratch;

 public:
  // Where one file's documents are.
  struct Segment {
    uint32_t scratch = 0;  // which scratch file
    uint64_t offset = 0;   // compressed bytes, from here
    uint64_t bytes = 0;
    uint64_t count = 0;  // documents
  };

  // The documents of one file, added in order. Not thread-safe; writers of
  // different files may run at once.
  class SegmentWriter {
   public:
    ~SegmentWriter();
    Status Add(const ExtractedDocument& doc);
    // An entry as it is (source_id, path and origin should be clear).
    Status AddEntry(const v1::DocumentEntry& entry);
    // Writes what is buffered; the writer is done.
    StatusOr<Segment> Finish();

   private:
    friend class DocumentSpool;
    SegmentWriter(DocumentSpool* spool, uint32_t scratch, Scratch* file);
    Status Flush();

    DocumentSpool* spool_;
    uint32_t scratch_;
    Scratch* file_;  // used by this writer alone until it finishes
    Segment segment_;
    std::string pending_;  // length-prefixed entries not yet compressed
    std::string frame_;
    v1::DocumentEntry entry_;
    std::string encoded_;
    bool finished_ = false;
  };

  // Scratch files go in `folder` (unnamed: nothing is left behind).
  explicit DocumentSpool(std::string folder) : folder_(std::move(folder)) {}

  // A writer with a scratch file of its own until it finishes.
  StatusOr<std::unique_ptr<SegmentWriter>> StartSegment();

  // Reads one segment's documents in order. Readers of finished segments may
  // run on several threads at once, not while writers write.
  class SegmentReader {
   public:
    ~SegmentReader();
    // The next document (source_id and path unset); false after the last.
    StatusOr<bool> Next(v1::DocumentEntry* entry);

   private:
    friend class DocumentSpool;
    SegmentReader(int fd, std::string where, const Segment& segment);

    int fd_;
    std::string where_;
    Segment segment_;
    void* zstd_;  // a ZSTD_DStream; zstd.h stays out of this header
    uint64_t read_ = 0, seen_ = 0;
    std::string in_, data_;
    size_t pos_ = 0;
  };
  std::unique_ptr<SegmentReader> Read(const Segment& segment) const;

  // Calls `fn` for each document of `segment` in order (source_id and path
  // unset). Not safe to run while writers write.
  Status ForEach(const Segment& segment, const std::function<Status(v1::DocumentEntry&)>& fn) const;

  // Compressed bytes on disk.
  uint64_t bytes() const;

 private:
  struct Scratch {
    FileDescriptor fd;
    uint64_t end = 0;
  };
  void Release(uint32_t scratch);

  std::string folder_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Scratch>> scratch_;
  std::vector<uint32_t> free_;
};

}  // namespace dtm::internal
