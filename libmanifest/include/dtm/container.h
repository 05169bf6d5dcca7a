// Reading and writing *.dtm files: the container of spec/container.md.
//
// Both directions stream: memory does not grow with the number of records.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "dtm/digest.h"
#include "dtm/records.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

// The 8 bytes every *.dtm file starts with (spec/container.md, "Preamble").
inline constexpr std::string_view kContainerMagic{
    "\x89"
    "DTM\r\n\x1a\n",
    8};
inline constexpr uint32_t kContainerVersion = 1;
// Preamble flag of a public view (spec/container.md, "Public views").
inline constexpr uint32_t kPublicViewFlag = 1;
// Preamble flags of a part of a sharded build (spec/sharding.md): never a
// manifest, so only ManifestReader::OpenBuildPart reads one.
inline constexpr uint32_t kBuildPartFlag = 2;
inline constexpr std::string_view kSchemaId = "dtm/v1";

// Limits a reader enforces before it allocates or decompresses anything
// (spec/container.md, "Limits"). Exceeding one is kLimitExceeded. The writer
// enforces max_record_bytes and max_sources, so that what it writes can be read
// with the same limits.
struct ContainerLimits {
  uint32_t max_header_bytes = 16u << 20;
  uint32_t max_record_bytes = 4u << 20;
  uint32_t max_frame_bytes = 8u << 20;  // compressed and uncompressed bytes of one frame
  uint32_t max_frame_records = 1u << 20;
  uint32_t max_window_log = 23;  // zstd window of a frame: at most 2^max_window_log bytes
  // A frame's uncompressed size is at most this many times its compressed
  // size, which bounds the work a reader does per byte of input.
  uint32_t max_compression_ratio = 256;
  uint64_t max_sources = kDefaultMaxSources;
  uint64_t max_source_record_bytes = kDefaultMaxSourceRecordBytes;  // one Source record
  uint64_t max_source_bytes = kDefaultMaxSourceBytes;  // all Source records of a manifest
};

struct PublicViewWritten;

// How the writer cuts records into frames (spec/container.md, "Writing"): it
// closes a frame before the uncompressed records would pass target_bytes (a
// single larger record gets a frame of its own) or when it holds max_records
// records. The defaults are the reference writer's; tests and test vectors use
// smaller frames.
struct FramePolicy {
  uint32_t target_bytes = 1u << 20;
  uint32_t max_records = 16384;
};

// Writes one manifest. Records go to a temporary file beside `path`, unlinked
// as soon as it is created; Finish() writes the complete file through an
// AtomicFileWriter (dtm/file_io.h), which fsyncs it, renames it over `path`
// and fsyncs the directory. If Finish() is not reached or fails, `path` is left
// untouched and no temporary file remains (also when the writer is destroyed).
// The same records and header give the same bytes. Not thread-safe.
class ManifestWriter {
 public:
  // Fails with kInvalidArgument when the limits cannot hold a largest record in
  // a frame (max_record_bytes + 5 > max_frame_bytes), when `frames` does not fit
  // the limits (target_bytes over max_frame_bytes, max_records 0 or over
  // max_frame_records), and with kIOError when the temporary file cannot be
  // created.
  static StatusOr<std::unique_ptr<ManifestWriter>> Create(const std::string& path,
                                                          const ContainerLimits& limits = {},
                                                          const FramePolicy& frames = {});
  ~ManifestWriter();
  ManifestWriter(const ManifestWriter&) = delete;
  ManifestWriter& operator=(const ManifestWriter&) = delete;

  // Appends one record, serialized deterministically. Records MUST come in
  // canonical order and obey the record rules (dtm/records.h): a broken rule is
  // kInvalidArgument, a record over max_record_bytes or a source over
  // max_sources is kLimitExceeded, a failed write kIOError. After any error the
  // writer is unusable: every later call fails.
  Status Add(const v1::Record& record);

  // Completes the manifest. Sets header.schema, record_count, totals,
  // composition and merkle_root from the records; the other header fields are
  // written as given. A header with build_part makes the file a part of a
  // sharded build (preamble flags kBuildPartFlag). Returns the header as
  // written. May be called once.
  StatusOr<v1::Header> Finish(v1::Header header);

  // Records added so far.
  uint64_t records() const;

 private:
  friend StatusOr<PublicViewWritten> WritePublicView(const std::string&, const std::string&,
                                                     const ContainerLimits&);
  struct Impl;
  explicit ManifestWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads one manifest record by record. Open() reads and checks the preamble and
// the header; Next() yields records; after the last record the footer is checked
// (counts and the digest of the whole file), so a truncated or damaged file is
// always reported, at the latest when Next() reaches the end.
// Not thread-safe.
class ManifestReader {
 public:
  // A part of a sharded build is refused (kCorruption saying what it is).
  static StatusOr<std::unique_ptr<ManifestReader>> Open(const std::string& path,
                                                        const ContainerLimits& limits = {});
  // Opens a part of a sharded build (spec/sharding.md) and nothing else.
  static StatusOr<std::unique_ptr<ManifestReader>> OpenBuildPart(
      const std::string& path, const ContainerLimits& limits = {});
  ~ManifestReader();
  ManifestReader(const ManifestReader&) = delete;
  ManifestReader& operator=(const ManifestReader&) = delete;

  const v1::Header& header() const;
  // True for a public view: the sources and one WithheldRecords record.
  bool public_view() const;
  // The header exactly as stored.
  std::string_view header_bytes() const;

  // Sets *record to the next record's bytes as stored (valid until the next call)
  // and returns true, or returns false at the clean end of the file. Errors name
  // the file and the record index.
  StatusOr<bool> Next(std::string_view* record);
  // Like Next(), and also decodes the record. Decoding errors are kCorruption.
  StatusOr<bool> Next(v1::Record* record);

  // Number of records returned so far.
  uint64_t records_read() const;
  // SHA-256 of the whole file. REQUIRES: Next() has returned false.
  Sha256Digest file_sha256() const;
  const std::string& path() const;

 private:
  static StatusOr<std::unique_ptr<ManifestReader>> OpenFile(const std::string& path,
                                                            const ContainerLimits& limits,
                                                            bool build_part);
  struct Impl;
  explicit ManifestReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The result of a complete integrity check.
struct ManifestIntegrity {
  v1::Header header;
  Sha256Digest merkle_root{};  // recomputed from the records
  Sha256Digest file_sha256{};
  uint64_t records = 0;  // in the file (a public view: the sources and one)
  // A public view: what it says the full manifest is (its file digest), which
  // only the full file can confirm.
  bool public_view = false;
  Sha256Digest full_manifest_sha256{};
};

// What WritePublicView wrote.
struct PublicViewWritten {
  ManifestIntegrity manifest;  // the full manifest, checked
  uint64_t sources = 0;
  uint64_t withheld_records = 0;
  size_t nodes = 0;
  Sha256Digest view_sha256{};
};

// Writes the public view of the manifest at `manifest_path` to `view_path`
// (spec/container.md, "Public views"): the same header bytes, the Source
// records as stored, and the roots that stand for the withheld records. Checks
// the manifest whole first (CheckManifest); writes atomically.
StatusOr<PublicViewWritten> WritePublicView(const std::string& manifest_path,
                                            const std::string& view_path,
                                            const ContainerLimits& limits = {});

// Reads a whole manifest and checks everything a reader can check without keys
// (of a public view: what it holds, and that its nodes give the header's root):
// framing and footer, canonical order, record validity, and that the header's
// record_count, totals, composition and merkle_root equal what the records give.
// The first failure is returned (kCorruption or kLimitExceeded) naming the place.
StatusOr<ManifestIntegrity> CheckManifest(const std::string& path,
                                          const ContainerLimits& limits = {});

}  // namespace dtm
