// The rules every record of a manifest obeys (spec/container.md, "Record rules"
// and "Canonical order"), shared by the writer, CheckManifest, the builder and
// diff.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

// Limits of the record rules (spec/container.md, "Limits").
inline constexpr size_t kMaxSourceIdBytes = 128;
inline constexpr size_t kMaxPathBytes = 4096;
// DocumentEntry.id, url and member, and FileEntry.first_skip.
inline constexpr size_t kMaxDocumentFieldBytes = 8192;
inline constexpr uint64_t kDefaultMaxSources = 1u << 20;
// What the sources of a manifest may take (encoded): readers keep every Source.
inline constexpr uint64_t kDefaultMaxSourceRecordBytes = 256u << 10;
inline constexpr uint64_t kDefaultMaxSourceBytes = 64u << 20;

// OK when `id` matches [a-z0-9][a-z0-9._-]{0,127}; otherwise kInvalidArgument
// saying what is wrong (the message does not repeat the id).
Status ValidateSourceId(std::string_view id);

// Decodes `bytes` into `message` (a dtm.v1.Header or dtm.v1.Record) and
// checks that they are its canonical encoding (spec/container.md, "Canonical
// encoding"): what the protobuf serializer writes for the decoded message,
// with no unknown field. So no byte of a stored header or record can be
// hidden from a reader (a second value of a field, a second member of a
// oneof, a padded varint). kCorruption "not a valid dtm.v1.X" when the bytes
// do not decode, "not in canonical encoding: ..." when they decode to
// something that encodes otherwise.
Status DecodeCanonical(std::string_view bytes, google::protobuf::Message* message);
// The same for a record, faster for file and document entries (no reflection).
Status DecodeCanonical(std::string_view bytes, v1::Record* record);

// OK when every google.protobuf.Timestamp in `message` can be written as
// RFC 3339: seconds from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, nanos
// from 0 to 999,999,999 (spec/schema.md). kCorruption naming the field.
Status CheckTimestamps(const google::protobuf::Message& message);

// True when `text` has the syntax of an IANA media type (RFC 6838): a
// registered top-level type ("application", "audio", "font", "haptics",
// "image", "message", "model", "multipart", "text", "video", "example"), "/",
// and a subtype of RFC 6838 restricted-name characters, with no parameters.
// Source.media_types holds these; Source.content_types holds the kinds of
// content in words (spec/schema.md, "Content types and media types").
bool IsMediaType(std::string_view text);

// OK when `path` is a relative path as FileEntry.path requires
// (spec/container.md, "Record rules"): 1 to 4096 bytes of valid UTF-8; no NUL
// and no other control character (U+0001..U+001F, U+007F); segments separated
// by single "/", none empty, "." or ".."; and every backslash begins an escape
// \xHH of the escaped form, which is canonical (EscapeFileName of the name it
// stands for gives it back). Otherwise kInvalidArgument saying what is wrong
// (the message does not repeat the path).
Status ValidateRelativePath(std::string_view path);

// OK when `raw`, a relative name as the file system holds it, is a valid
// FileEntry.path as it stands: ValidateRelativePath's rules with no backslash
// at all, so EscapeFileName(raw) == raw. The messages say which byte breaks it.
Status ValidateRawFileName(std::string_view raw);

// The escaped form of a relative file name (spec/container.md, "Escaped file
// names"): every backslash, C0 control and DEL, and every byte that does not
// begin a valid UTF-8 sequence, as \xHH with uppercase hex digits; everything
// else as it is. A bijection onto canonical escaped paths: the identity for a
// name that needs no escape.
std::string EscapeFileName(std::string_view raw);

// The name an escaped path stands for: each \xHH as its byte. kInvalidArgument
// for a backslash that does not begin \x and two uppercase hex digits. It does
// not check that `path` is canonical (ValidateRelativePath does).
StatusOr<std::string> UnescapeFileName(std::string_view path);

// Checks a stream of records against the record rules and the canonical order,
// and tallies the header's Totals and Composition from them. Feed every record
// in stream order to Add(); read totals() and composition() at the end.
//
// Memory is one entry per source (at most max_sources), never per file.
// Callers that keep the sources (reports, diff) rely on the byte limits.
// Not thread-safe.
class RecordSequence {
 public:
  // A Source over max_source_record_bytes, or one that takes the sources'
  // encoded sizes past max_source_bytes, is kLimitExceeded.
  explicit RecordSequence(uint64_t max_sources = kDefaultMaxSources,
                          uint64_t max_source_record_bytes = kDefaultMaxSourceRecordBytes,
                          uint64_t max_source_bytes = kDefaultMaxSourceBytes);

  // Checks `record` as record number records() (0-based) and counts it. On
  // failure returns kInvalidArgument (a broken rule; kLimitExceeded for more
  // than max_sources sources) with a message starting "record N: ", and the
  // record is not counted; the sequence should not be used further.
  Status Add(const v1::Record& record);

  // Records accepted so far.
  uint64_t records() const { return records_; }
  // The totals and composition of the records accepted so far.
  v1::Totals totals() const;
  v1::Composition composition() const;

 private:
  struct SourceTally {
    std::string id;
    int32_t use_class = 0;
    int32_t acquisition = 0;
    int32_t modality = 0;
    uint64_t tokens = 0;
    uint64_t files = 0;
    uint64_t bytes = 0;
    uint64_t documents = 0;
  };

  Status AddSource(const v1::Source& source);
  Status AddFile(const v1::FileEntry& file);
  Status AddDocument(const v1::DocumentEntry& doc);
  void AddRows(int32_t SourceTally::*dimension,
               google::protobuf::RepeatedPtrField<v1::CompositionRow>* rows) const;

  uint64_t max_sources_;
  uint64_t max_source_record_bytes_;
  uint64_t max_source_bytes_;
  uint64_t source_bytes_ = 0;  // encoded sizes of the sources so far
  uint64_t records_ = 0;
  // Sources in canonical order, so sorted by id.
  std::vector<SourceTally> sources_;
  // The source of the previous file (index into sources_), and its path.
  bool seen_file_ = false;
  size_t current_source_ = 0;
  std::string last_path_;
  // Whether the previous record was a document (of the file last_path_), and its ordinal.
  bool seen_document_ = false;
  uint64_t last_ordinal_ = 0;
  v1::Totals totals_;
};

}  // namespace dtm
