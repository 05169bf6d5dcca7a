#include "documents/listing.h"

#include <simdjson.h>

#include "base/text.h"
#include "dtm/digest.h"
#include "dtm/documents.h"
#include "dtm/records.h"

namespace dtm::internal {
namespace {

constexpr size_t kMaxListingLine = 64u << 10;

StatusOr<std::string> Digest(simdjson::dom::object& o, const char* key, bool required) {
  std::string_view hex;
  auto e = o[key];
  if (e.error() == simdjson::NO_SUCH_FIELD) {
    if (required) return Status::InvalidArgument(key, "missing");
    return std::string();
  }
  if (e.get_string().get(hex) != simdjson::SUCCESS) {
    return Status::InvalidArgument(key, "is not a string");
  }
  auto d = ParseSha256Hex(hex);
  if (!d.ok()) return Status::InvalidArgument(key, "is not 64 hex digits");
  return std::string(AsBytes(*d));
}

StatusOr<uint64_t> Number(simdjson::dom::object& o, const char* key, bool* present) {
  uint64_t v = 0;
  auto e = o[key];
  *present = e.error() != simdjson::NO_SUCH_FIELD;
  if (!*present) return uint64_t{0};
  if (e.get_uint64().get(v) != simdjson::SUCCESS) {
    return Status::InvalidArgument(key, "is not an unsigned integer");
  }
  return v;
}

StatusOr<std::string> Text(simdjson::dom::object& o, const char* key) {
  std::string_view v;
  auto e = o[key];
  if (e.error() == simdjson::NO_SUCH_FIELD) return std::string();
  if (e.get_string().get(v) != simdjson::SUCCESS) {
    return Status::InvalidArgument(key, "is not a string");
  }
  return std::string(v);
}

}  // namespace

StatusOr<std::unique_ptr<DocumentListing>> DocumentListing::Open(const std::string& path) {
  std::unique_ptr<DocumentListing> l(new DocumentListing(path));
  l->in_.open(path, std::ios::binary);
  if (!l->in_) return Status::NotFound(path, "cannot open the document listing");
  return l;
}

std::string DocumentListing::Where() const { return path_ + ":" + std::to_string(line_); }

Status DocumentListing::ParseLine(const std::string& line, v1::DocumentEntry* entry) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object o;
  auto parsed = parser.parse(line.data(), line.size(), true);
  if (parsed.error() || parsed.value_unsafe().get_object().get(o) != simdjson::SUCCESS) {
    return Status::InvalidArgument("not a JSON object");
  }
  for (auto field : o) {
    static const char* const kKnown[] = {"path",   "ordinal",     "line",      "offset",
                                         "member", "id",          "url",       "size",
                                         "sha256", "text_sha256", "text_bytes"};
    bool known = false;
    for (const char* k : kKnown) known = known || field.key == k;
    if (!known) {
      return Status::InvalidArgument("unknown member " + QuoteForMessage(field.key));
    }
  }
  entry->Clear();
  DTM_ASSIGN_OR_RETURN(std::string path, Text(o, "path"));
  if (Status s = ValidateRelativePath(path); !s.ok()) return s.WithContext("path");
  entry->set_path(path);
  bool present = false, has_size = false;
  DTM_ASSIGN_OR_RETURN(uint64_t ordinal, Number(o, "ordinal", &present));
  if (!present) ordinal = path == previous_path_ && has_previous_ ? previous_ordinal_ + 1 : 0;
  entry->set_ordinal(ordinal);
  DTM_ASSIGN_OR_RETURN(uint64_t v, Number(o, "line", &present));
  entry->set_line(v);
  DTM_ASSIGN_OR_RETURN(v, Number(o, "offset", &present));
  entry->set_offset(v);
  DTM_ASSIGN_OR_RETURN(v, Number(o, "size", &has_size));
  if (!has_size) return Status::InvalidArgument("size", "missing");
  entry->set_size(v);
  DTM_ASSIGN_OR_RETURN(v, Number(o, "text_bytes", &present));
  entry->set_text_bytes(v);
  DTM_ASSIGN_OR_RETURN(*entry->mutable_member(), Text(o, "member"));
  DTM_ASSIGN_OR_RETURN(*entry->mutable_id(), Text(o, "id"));
  DTM_ASSIGN_OR_RETURN(std::string url, Text(o, "url"));
  if (!url.empty()) {
    DTM_ASSIGN_OR_RETURN(*entry->mutable_url(), CanonicalUrl(url));
  }
  for (const std::string* f : {&entry->member(), &entry->id(), &entry->url()}) {
    if (f->size() > kMaxDocumentFieldBytes || !IsValidUtf8(*f)) {
      return Status::InvalidArgument("member, id or url is not UTF-8 of at most 8192 bytes");
    }
  }
  DTM_ASSIGN_OR_RETURN(*entry->mutable_sha256(), Digest(o, "sha256", true));
  DTM_ASSIGN_OR_RETURN(*entry->mutable_text_sha256(), Digest(o, "text_sha256", false));
  entry->set_origin(v1::FileEntry::ORIGIN_DECLARED);
  return Status::Ok();
}

StatusOr<const v1::DocumentEntry*> DocumentListing::Peek() {
  if (has_current_) return &current_;
  std::string line;
  while (!ended_) {
    if (!std::getline(in_, line)) {
      if (in_.bad()) return Status::IOError(path_, "read failed");
      ended_ = true;
      break;
    }
    ++line_;
    if (line.size() > kMaxListingLine) {
      return Status::InvalidArgument(Where(), "line longer than 64 KiB");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    Status s = ParseLine(line, &current_);
    if (!s.ok()) return Status::InvalidArgument(Where(), s.message());
    if (has_previous_ &&
        (current_.path() < previous_path_ ||
         (current_.path() == previous_path_ && current_.ordinal() <= previous_ordinal_))) {
      return Status::InvalidArgument(
          Where(), "out of order: lines go by path (bytes), then ordinal, strictly increasing");
    }
    has_previous_ = true;
    previous_path_ = current_.path();
    previous_ordinal_ = current_.ordinal();
    has_current_ = true;
    return &current_;
  }
  return static_cast<const v1::DocumentEntry*>(nullptr);
}

}  // namespace dtm::internal
