// The record rules and canonical order of spec/container.md.
#include "dtm/records.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/timestamp.pb.h>

#include <climits>

#include "base/text.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

namespace dtm {

namespace {

std::string At(size_t pos) { return " at byte " + std::to_string(pos); }

// True for a byte the escaped form writes as \xHH wherever it stands: a C0
// control, DEL and the backslash itself.
bool AlwaysEscaped(unsigned char c) { return c < 0x20 || c == 0x7f || c == '\\'; }

constexpr char kHexDigits[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lowercase is not the canonical form
}

// The segment rules shared by raw names and escaped paths: no empty segment,
// no "." or "..", so no leading or trailing "/".
Status CheckSegments(std::string_view path) {
  if (path.empty()) return Status::InvalidArgument("path is empty");
  if (path.size() > kMaxPathBytes) {
    return Status::InvalidArgument("path is " + std::to_string(path.size()) +
                                   " bytes, longer than " + std::to_string(kMaxPathBytes));
  }
  if (path.front() == '/') return Status::InvalidArgument("path is absolute (starts with '/')");
  if (path.back() == '/') return Status::InvalidArgument("path ends with '/'");
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment.empty()) return Status::InvalidArgument("path has an empty segment" + At(start));
    if (segment == "." || segment == "..") {
      return Status::InvalidArgument("path has a " + internal::QuoteForMessage(segment) +
                                     " segment" + At(start));
    }
    start = end + 1;
  }
  return Status::Ok();
}

bool AddChecked(uint64_t* sum, uint64_t value) { return !__builtin_add_overflow(*sum, value, sum); }

}  // namespace

namespace {

Status ParseWhole(std::string_view bytes, google::protobuf::Message* message) {
  if (bytes.size() > static_cast<size_t>(INT_MAX) ||
      !message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Corruption("not a valid " + message->GetDescriptor()->full_name());
  }
  return Status::Ok();
}

Status NotCanonical(const google::protobuf::Message& message, size_t stored, size_t canonical) {
  return Status::Corruption("not in canonical encoding: the " + std::to_string(stored) +
                            " bytes decode to a " + message.GetDescriptor()->full_name() +
                            " whose encoding has " + std::to_string(canonical) +
                            " (a repeated or padded field, or two members of a oneof)");
}

Status UnknownFields(const google::protobuf::Message& message) {
  return Status::Corruption("not in canonical encoding: " + message.GetDescriptor()->full_name() +
                            " with unknown fields");
}

// The check of DecodeCanonical on a message parsed from `bytes`, by
// reflection: any message type.
Status CheckCanonical(std::string_view bytes, google::protobuf::Message* message) {
  const size_t decoded_size = message->ByteSizeLong();
  message->DiscardUnknownFields();
  if (message->ByteSizeLong() != decoded_size) return UnknownFields(*message);
  std::string canonical;
  canonical.reserve(decoded_size);
  google::protobuf::io::StringOutputStream stream(&canonical);
  {
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    message->SerializeWithCachedSizes(&out);
  }
  if (canonical != bytes) return NotCanonical(*message, bytes.size(), canonical.size());
  return Status::Ok();
}

}  // namespace

Status DecodeCanonical(std::string_view bytes, google::protobuf::Message* message) {
  DTM_RETURN_IF_ERROR(ParseWhole(bytes, message));
  return CheckCanonical(bytes, message);
}

Status DecodeCanonical(std::string_view bytes, v1::Record* record) {
  DTM_RETURN_IF_ERROR(ParseWhole(bytes, record));
  // Sources are few: the general check. FileEntry and DocumentEntry hold no
  // message fields, so unknown fields can only be in them or in the Record.
  if (!record->has_file() && !record->has_document()) return CheckCanonical(bytes, record);
  auto has_unknown = [](const google::protobuf::Message& m) {
    return !m.GetReflection()->GetUnknownFields(m).empty();
  };
  if (has_unknown(*record) ||
      (record->has_file() ? has_unknown(record->file()) : has_unknown(record->document()))) {
    return UnknownFields(*record);
  }
  const size_t size = record->ByteSizeLong();
  if (size != bytes.size()) return NotCanonical(*record, bytes.size(), size);
  thread_local std::string canonical;
  canonical.resize(size);
  record->SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(canonical.data()));
  if (std::string_view(canonical) != bytes) return NotCanonical(*record, bytes.size(), size);
  return Status::Ok();
}

namespace {

constexpr int64_t kMinTimestampSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31T23:59:59Z

Status CheckTimestampsIn(const google::protobuf::Message& message, const std::string& where) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      const google::protobuf::Message& sub = field->is_repeated()
                                                 ? reflection->GetRepeatedMessage(message, field, i)
                                                 : reflection->GetMessage(message, field);
      std::string name = where.empty() ? field->name() : where + "." + field->name();
      if (field->is_repeated()) name += "[" + std::to_string(i) + "]";
      if (field->message_type()->full_name() == "google.protobuf.Timestamp") {
        const auto& t = static_cast<const google::protobuf::Timestamp&>(sub);
        if (t.seconds() < kMinTimestampSeconds || t.seconds() > kMaxTimestampSeconds ||
            t.nanos() < 0 || t.nanos() > 999999999) {
          return Status::Corruption(name,
                                    "a time outside years 1 to 9999 or with nanos outside "
                                    "0 to 999999999 (seconds " +
                                        std::to_string(t.seconds()) + ", nanos " +
                                        std::to_string(t.nanos()) + ")");
        }
        continue;
      }
      DTM_RETURN_IF_ERROR(CheckTimestampsIn(sub, name));
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckTimestamps(const google::protobuf::Message& message) {
  return CheckTimestampsIn(message, "");
}

Status ValidateSourceId(std::string_view id) {
  if (id.empty()) return Status::InvalidArgument("source id is empty");
  if (id.size() > kMaxSourceIdBytes) {
    return Status::InvalidArgument("source id is " + std::to_string(id.size()) +
                                   " bytes, longer than " + std::to_string(kMaxSourceIdBytes));
  }
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (i == 0 && !alnum) {
      return Status::InvalidArgument("source id must start with a-z or 0-9, not " +
                                     internal::QuoteForMessage(id.substr(0, 1)));
    }
    if (!alnum && c != '.' && c != '_' && c != '-') {
      return Status::InvalidArgument("source id has " + internal::QuoteForMessage(id.substr(i, 1)) +
                                     At(i) + "; allowed are a-z, 0-9, '.', '_' and '-'");
    }
  }
  return Status::Ok();
}

bool IsMediaType(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  static constexpr std::string_view kTopLevel[] = {"application", "audio", "example", "font",
                                                   "haptics",     "image", "message", "model",
                                                   "multipart",   "text",  "video"};
  std::string type(text.substr(0, slash));
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (std::find(std::begin(kTopLevel), std::end(kTopLevel), type) == std::end(kTopLevel)) {
    return false;
  }
  const std::string_view subtype = text.substr(slash + 1);
  if (subtype.empty() || subtype.size() > 127) return false;
  for (size_t i = 0; i < subtype.size(); ++i) {
    const char c = subtype[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) continue;
    if (i == 0 || std::string_view("!#$&-^_.+").find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string EscapeFileName(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t pos = 0; pos < raw.size();) {
    const unsigned char c = static_cast<unsigned char>(raw[pos]);
    const size_t len = AlwaysEscaped(c) ? 0 : internal::Utf8SequenceAt(raw, pos);
    if (len == 0) {
      out += "\\x";
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 15];
      ++pos;
    } else {
      out.append(raw.substr(pos, len));
      pos += len;
    }
  }
  return out;
}

StatusOr<std::string> UnescapeFileName(std::string_view path) {
  std::string raw;
  raw.reserve(path.size());
  for (size_t pos = 0; pos < path.size(); ++pos) {
    if (path[pos] != '\\') {
      raw += path[pos];
      continue;
    }
    const bool room = pos + 3 < path.size();
    const int hi = room && path[pos + 1] == 'x' ? HexValue(path[pos + 2]) : -1;
    const int lo = hi < 0 ? -1 : HexValue(path[pos + 3]);
    if (lo < 0) {
      return Status::InvalidArgument(
          "path has a backslash that does not begin an escape \\xHH (two uppercase hex "
          "digits)" +
          At(pos));
    }
    raw += static_cast<char>(hi * 16 + lo);
    pos += 3;
  }
  return raw;
}

namespace {

// The byte rules of a path: valid UTF-8, no NUL or other control character,
// and a backslash only where `backslashes` (set when one is met) is not null.
Status CheckCharacters(std::string_view path, bool* backslashes) {
  for (size_t pos = 0; pos < path.size();) {
    const unsigned char c = static_cast<unsigned char>(path[pos]);
    if (c == 0) return Status::InvalidArgument("path has a NUL byte" + At(pos));
    if (c == '\\') {
      if (backslashes == nullptr) return Status::InvalidArgument("path has a backslash" + At(pos));
      *backslashes = true;
      ++pos;
      continue;
    }
    if (AlwaysEscaped(c)) {
      return Status::InvalidArgument("path has control character " +
                                     internal::QuoteForMessage(path.substr(pos, 1)) + At(pos));
    }
    const size_t len = internal::Utf8SequenceAt(path, pos);
    if (len == 0) return Status::InvalidArgument("path is not valid UTF-8" + At(pos));
    pos += len;
  }
  return Status::Ok();
}

}  // namespace

Status ValidateRawFileName(std::string_view raw) {
  DTM_RETURN_IF_ERROR(CheckCharacters(raw, nullptr));
  return CheckSegments(raw);
}

Status ValidateRelativePath(std::string_view path) {
  bool escaped = false;
  DTM_RETURN_IF_ERROR(CheckCharacters(path, &escaped));
  DTM_RETURN_IF_ERROR(CheckSegments(path));
  if (!escaped) return Status::Ok();
  DTM_ASSIGN_OR_RETURN(std::string raw, UnescapeFileName(path));
  if (const size_t nul = path.find("\\x00"); nul != std::string_view::npos) {
    return Status::InvalidArgument("path has an escaped NUL byte, which no file name holds" +
                                   At(nul));
  }
  const std::string canonical = EscapeFileName(raw);
  if (canonical != path) {
    size_t at = 0;
    while (at < path.size() && at < canonical.size() && path[at] == canonical[at]) ++at;
    // Back to the escape the difference is in.
    size_t escape = path.rfind('\\', at);
    if (escape == std::string_view::npos || escape + 4 <= at) escape = at;
    return Status::InvalidArgument(
        "path has an escape of a byte that needs none (the escaped form is not canonical)" +
        At(escape));
  }
  return Status::Ok();
}

RecordSequence::RecordSequence(uint64_t max_sources, uint64_t max_source_record_bytes,
                               uint64_t max_source_bytes)
    : max_sources_(max_sources),
      max_source_record_bytes_(max_source_record_bytes),
      max_source_bytes_(max_source_bytes) {}

Status RecordSequence::Add(const v1::Record& record) {
  Status status;
  switch (record.kind_case()) {
    case v1::Record::kSource:
      status = AddSource(record.source());
      break;
    case v1::Record::kFile:
      status = AddFile(record.file());
      break;
    case v1::Record::kDocument:
      status = AddDocument(record.document());
      break;
    case v1::Record::kWithheld:
      status = Status::InvalidArgument("a withheld record belongs only in a public view");
      break;
    case v1::Record::KIND_NOT_SET:
      status = Status::InvalidArgument("record has no kind (not a source, file or document)");
      break;
  }
  if (!status.ok()) return status.WithContext("record " + std::to_string(records_));
  ++records_;
  return Status::Ok();
}

Status RecordSequence::AddSource(const v1::Source& source) {
  const std::string& id = source.id();
  const std::string what = "source " + internal::QuoteForMessage(id);
  if (seen_file_) return Status::InvalidArgument(what + " after the files (sources come first)");
  if (Status s = ValidateSourceId(id); !s.ok()) return s.WithContext(what);
  if (Status s = CheckTimestamps(source); !s.ok()) {
    return Status::InvalidArgument(what + ": " + s.message());
  }
  if (!sources_.empty()) {
    const std::string& last = sources_.back().id;
    if (id == last) return Status::InvalidArgument("duplicate " + what);
    if (id < last)
      return Status::InvalidArgument(what + " out of order (after " +
                                     internal::QuoteForMessage(last) + ")");
  }
  if (sources_.size() >= max_sources_) {
    return Status::LimitExceeded(what + ": more than " + std::to_string(max_sources_) + " sources");
  }
  const uint64_t bytes = source.ByteSizeLong();
  if (bytes > max_source_record_bytes_) {
    return Status::LimitExceeded(what + ": " + std::to_string(bytes) +
                                 " bytes, over the limit of " +
                                 std::to_string(max_source_record_bytes_) + " for a source");
  }
  if (source_bytes_ + bytes > max_source_bytes_) {
    return Status::LimitExceeded(what + ": the sources take more than " +
                                 std::to_string(max_source_bytes_) + " bytes");
  }
  source_bytes_ += bytes;
  if (source.name().empty()) return Status::InvalidArgument(what + ": name is empty");
  if (source.modality() == v1::MODALITY_UNSPECIFIED) {
    return Status::InvalidArgument(what + ": modality is unspecified");
  }
  if (source.license().expression().empty()) {
    return Status::InvalidArgument(what + ": license.expression is empty");
  }
  if (source.provenance().acquisition() == v1::ACQUISITION_METHOD_UNSPECIFIED) {
    return Status::InvalidArgument(what + ": provenance.acquisition is unspecified");
  }
  const v1::Counts& counts = source.counts();
  if (!std::isfinite(counts.hours()) || counts.hours() < 0) {
    return Status::InvalidArgument(what + ": counts.hours is not a finite number >= 0");
  }
  v1::Totals next = totals_;
  next.set_sources(next.sources() + 1);
  uint64_t tokens = next.tokens(), documents = next.documents();
  if (!AddChecked(&tokens, counts.tokens()) || !AddChecked(&documents, counts.documents())) {
    return Status::InvalidArgument(what + ": total tokens or documents overflow 64 bits");
  }
  next.set_tokens(tokens);
  next.set_documents(documents);
  next.set_hours(next.hours() + counts.hours());
  totals_ = next;

  SourceTally tally;
  tally.id = id;
  tally.use_class = source.license().use_class();
  tally.acquisition = source.provenance().acquisition();
  tally.modality = source.modality();
  tally.tokens = counts.tokens();
  sources_.push_back(std::move(tally));
  return Status::Ok();
}

Status RecordSequence::AddFile(const v1::FileEntry& file) {
  const std::string& source_id = file.source_id();
  // Built only on failure: files are many, and the good path must not allocate.
  auto what = [&] {
    return "file " + internal::QuoteForMessage(file.path()) + " of source " +
           internal::QuoteForMessage(source_id);
  };
  if (Status s = ValidateRelativePath(file.path()); !s.ok()) return s.WithContext(what());
  if (file.sha256().size() != 32) {
    return Status::InvalidArgument(what() + ": sha256 is " + std::to_string(file.sha256().size()) +
                                   " bytes, must be 32");
  }
  if (!seen_file_ || source_id != sources_[current_source_].id) {
    auto it =
        std::lower_bound(sources_.begin(), sources_.end(), source_id,
                         [](const SourceTally& s, const std::string& key) { return s.id < key; });
    if (it == sources_.end() || it->id != source_id) {
      return Status::InvalidArgument(what() + " names an unknown source");
    }
    const size_t index = static_cast<size_t>(it - sources_.begin());
    if (seen_file_ && index < current_source_) {
      return Status::InvalidArgument(what() + " out of order (after the files of source " +
                                     internal::QuoteForMessage(sources_[current_source_].id) + ")");
    }
    current_source_ = index;
  } else if (file.path() <= last_path_) {
    if (file.path() == last_path_) return Status::InvalidArgument("duplicate " + what());
    return Status::InvalidArgument(what() + " out of order (after " +
                                   internal::QuoteForMessage(last_path_) + ")");
  }
  uint64_t bytes = totals_.bytes();
  if (!AddChecked(&bytes, file.size())) {
    return Status::InvalidArgument(what() + ": total bytes overflow 64 bits");
  }
  totals_.set_bytes(bytes);
  totals_.set_files(totals_.files() + 1);
  SourceTally& tally = sources_[current_source_];
  tally.files += 1;
  tally.bytes += file.size();
  seen_file_ = true;
  seen_document_ = false;
  last_path_.assign(file.path());
  if (file.first_skip().size() > kMaxDocumentFieldBytes ||
      !internal::IsValidUtf8(file.first_skip())) {
    return Status::InvalidArgument(what() + ": first_skip is not UTF-8 of at most " +
                                   std::to_string(kMaxDocumentFieldBytes) + " bytes");
  }
  return Status::Ok();
}

Status RecordSequence::AddDocument(const v1::DocumentEntry& doc) {
  auto what = [&] {
    return "document " + std::to_string(doc.ordinal()) + " of file " +
           internal::QuoteForMessage(doc.path()) + " of source " +
           internal::QuoteForMessage(doc.source_id());
  };
  if (!seen_file_ || doc.source_id() != sources_[current_source_].id || doc.path() != last_path_) {
    return Status::InvalidArgument(what() + " does not follow its file's entry");
  }
  if (seen_document_ && doc.ordinal() <= last_ordinal_) {
    return Status::InvalidArgument(what() + " out of order (after document " +
                                   std::to_string(last_ordinal_) + ")");
  }
  if (doc.sha256().size() != 32) {
    return Status::InvalidArgument(what() + ": sha256 is " + std::to_string(doc.sha256().size()) +
                                   " bytes, must be 32");
  }
  if (!doc.text_sha256().empty() && doc.text_sha256().size() != 32) {
    return Status::InvalidArgument(what() + ": text_sha256 is " +
                                   std::to_string(doc.text_sha256().size()) +
                                   " bytes, must be 0 or 32");
  }
  for (const std::string* field : {&doc.id(), &doc.url(), &doc.member()}) {
    if (field->size() > kMaxDocumentFieldBytes || !internal::IsValidUtf8(*field)) {
      const char* name = field == &doc.id() ? "id" : field == &doc.url() ? "url" : "member";
      return Status::InvalidArgument(what() + ": " + name + " is not UTF-8 of at most " +
                                     std::to_string(kMaxDocumentFieldBytes) + " bytes");
    }
  }
  uint64_t bytes = totals_.document_bytes();
  if (!AddChecked(&bytes, doc.size())) {
    return Status::InvalidArgument(what() + ": total document bytes overflow 64 bits");
  }
  totals_.set_document_bytes(bytes);
  totals_.set_document_entries(totals_.document_entries() + 1);
  sources_[current_source_].documents += 1;
  seen_document_ = true;
  last_ordinal_ = doc.ordinal();
  return Status::Ok();
}

v1::Totals RecordSequence::totals() const { return totals_; }

void RecordSequence::AddRows(int32_t SourceTally::*dimension,
                             google::protobuf::RepeatedPtrField<v1::CompositionRow>* rows) const {
  std::map<int32_t, v1::CompositionRow> by_value;
  for (const SourceTally& s : sources_) {
    v1::CompositionRow& row = by_value[s.*dimension];
    row.set_value(s.*dimension);
    row.set_sources(row.sources() + 1);
    row.set_files(row.files() + s.files);
    row.set_bytes(row.bytes() + s.bytes);
    row.set_tokens(row.tokens() + s.tokens);
    row.set_document_entries(row.document_entries() + s.documents);
  }
  for (auto& [value, row] : by_value) *rows->Add() = std::move(row);
}

v1::Composition RecordSequence::composition() const {
  v1::Composition composition;
  AddRows(&SourceTally::use_class, composition.mutable_by_use_class());
  AddRows(&SourceTally::acquisition, composition.mutable_by_acquisition());
  AddRows(&SourceTally::modality, composition.mutable_by_modality());
  return composition;
}

}  // namespace dtm
