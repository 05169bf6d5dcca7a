// Which document rules this version applies (spec/documents.md, "Rules").
#include "base/text.h"
#include "dtm/documents.h"
#include "dtm/records.h"

namespace dtm {
namespace {

Status CheckPointer(const std::string& pointer, const char* field) {
  if (pointer.empty()) return Status::Ok();
  if (pointer[0] != '/') {
    return Status::InvalidArgument(field, "a JSON Pointer starts with '/' (RFC 6901)");
  }
  for (size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] == '~' &&
        (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1'))) {
      return Status::InvalidArgument(field, "'~' must be followed by 0 or 1 (RFC 6901)");
    }
  }
  if (!internal::IsValidUtf8(pointer) || pointer.size() > kMaxDocumentFieldBytes) {
    return Status::InvalidArgument(field, "is not UTF-8 of at most 8192 bytes");
  }
  return Status::Ok();
}

// The number of segments of `pointer` that are exactly "*".
size_t WildcardSegments(std::string_view pointer) {
  size_t count = 0;
  for (size_t at = 0; at < pointer.size();) {
    const size_t next = pointer.find('/', at + 1);
    const std::string_view segment =
        pointer.substr(at + 1, (next == std::string_view::npos ? pointer.size() : next) - at - 1);
    if (segment == "*") ++count;
    if (next == std::string_view::npos) break;
    at = next;
  }
  return count;
}

}  // namespace

Status ValidateDocumentRule(const v1::DocumentRule& rule) {
  switch (rule.format()) {
    case v1::DocumentRule::FORMAT_WHOLE_FILE:
      if (!rule.id().empty() || !rule.url().empty() || !rule.text().empty() ||
          !rule.metadata().empty() || !rule.content().empty()) {
        return Status::InvalidArgument(
            "format", "whole_file takes no id, url, text or metadata (a file is its document)");
      }
      return Status::Ok();
    case v1::DocumentRule::FORMAT_JSONL:
      if (rule.text().empty()) {
        return Status::InvalidArgument("text", "jsonl needs the JSON Pointer of the text");
      }
      if (!rule.metadata().empty()) return Status::InvalidArgument("metadata", "not used by jsonl");
      if (!rule.content().empty()) return Status::InvalidArgument("content", "not used by jsonl");
      DTM_RETURN_IF_ERROR(CheckPointer(rule.id(), "id"));
      DTM_RETURN_IF_ERROR(CheckPointer(rule.url(), "url"));
      DTM_RETURN_IF_ERROR(CheckPointer(rule.text(), "text"));
      if (WildcardSegments(rule.text()) > 1) {
        return Status::InvalidArgument("text", "at most one segment may be '*'");
      }
      return Status::Ok();
    case v1::DocumentRule::FORMAT_WARC:
      if (!rule.id().empty() || !rule.url().empty() || !rule.text().empty() ||
          !rule.metadata().empty() || !rule.content().empty()) {
        return Status::InvalidArgument(
            "format", "warc takes no id, url, text or metadata (the record says them)");
      }
      return Status::Ok();
    case v1::DocumentRule::FORMAT_WEBDATASET:
      if (rule.text().empty()) {
        return Status::InvalidArgument("text", "webdataset needs the extension of the text member");
      }
      for (const std::string* ext : {&rule.text(), &rule.metadata(), &rule.content()}) {
        if (ext->find('/') != std::string::npos || ext->starts_with(".") ||
            !internal::IsValidUtf8(*ext) || ext->size() > 64) {
          return Status::InvalidArgument(
              ext == &rule.text()       ? "text"
              : ext == &rule.metadata() ? "metadata"
                                        : "content",
              "a member extension, such as txt, without '/' or a leading '.'");
        }
      }
      if ((!rule.id().empty() || !rule.url().empty()) && rule.metadata().empty()) {
        return Status::InvalidArgument(
            "metadata", "webdataset reads id and url from the metadata member: name its extension");
      }
      DTM_RETURN_IF_ERROR(CheckPointer(rule.id(), "id"));
      return CheckPointer(rule.url(), "url");
    case v1::DocumentRule::FORMAT_UNSPECIFIED:
      return Status::InvalidArgument("format",
                                     "missing: say jsonl, warc, webdataset or whole_file");
    default:
      return Status::InvalidArgument(
          "format", "not one this version reads (jsonl, warc, webdataset, whole_file)");
  }
}

}  // namespace dtm
