// JSON Lines documents (spec/documents.md, "JSONL"), parsed with simdjson.
#include <simdjson.h>

#include <cstring>

#include "base/text.h"
#include "documents/decompress.h"
#include "documents/formats.h"
#include "dtm/documents.h"

namespace dtm::internal {
namespace {

using simdjson::dom::element;

// A pointer that leads nowhere: no such member or index, or through a value
// that is not an object or array.
bool IsAbsent(simdjson::error_code e) {
  return e == simdjson::NO_SUCH_FIELD || e == simdjson::INDEX_OUT_OF_BOUNDS ||
         e == simdjson::INCORRECT_TYPE;
}

// The value at `pointer` as the id: a string as it is, a number as its
// shortest JSON text; null or absent as none.
StatusOr<std::string> IdAt(const element& doc, const std::string& pointer) {
  if (pointer.empty()) return std::string();
  auto v = doc.at_pointer(pointer);
  if (IsAbsent(v.error())) return std::string();
  if (v.error()) return Status::InvalidArgument("id", simdjson::error_message(v.error()));
  const element e = v.value_unsafe();
  if (e.is_null()) return std::string();
  if (e.is_string()) return std::string(e.get_string().value_unsafe());
  if (e.is_number()) return simdjson::minify(e);
  return Status::InvalidArgument("id " + pointer, "is not a string or a number");
}

StatusOr<std::string> StringAt(const element& doc, const std::string& pointer, const char* what,
                               bool required) {
  auto v = doc.at_pointer(pointer);
  if (IsAbsent(v.error())) {
    if (required) return Status::InvalidArgument(what, "has no field " + pointer);
    return std::string();
  }
  if (v.error()) {
    return Status::InvalidArgument(std::string(what) + " " + pointer,
                                   simdjson::error_message(v.error()));
  }
  const element e = v.value_unsafe();
  if (e.is_null() && !required) return std::string();
  if (!e.is_string()) {
    return Status::InvalidArgument(std::string(what) + " " + pointer, "is not a string");
  }
  return std::string(e.get_string().value_unsafe());
}

// The text at `pointer`: a string; or, where one segment is `*`, the strings
// that the rest of the pointer leads to from each element of the array
// before it, in order, joined by line feeds (spec/documents.md, "JSON Lines").
StatusOr<std::string> TextAt(const element& doc, const std::string& pointer) {
  size_t star = 0;
  for (star = pointer.find("/*"); star != std::string::npos; star = pointer.find("/*", star + 1)) {
    if (star + 2 == pointer.size() || pointer[star + 2] == '/') break;  // a whole "*" segment
  }
  if (star == std::string::npos) return StringAt(doc, pointer, "text", true);
  const std::string head = pointer.substr(0, star);
  const std::string tail = pointer.substr(star + 2);
  auto v = doc.at_pointer(head);  // "" is the whole value (RFC 6901)
  if (IsAbsent(v.error())) return Status::InvalidArgument("text", "has no field " + head);
  simdjson::dom::array items;
  if (v.error() || v.value_unsafe().get_array().get(items) != simdjson::SUCCESS) {
    return Status::InvalidArgument("text " + pointer, head + " is not an array");
  }
  std::string text;
  bool first = true;
  for (element item : items) {
    std::string part;
    if (tail.empty()) {
      if (!item.is_string()) return Status::InvalidArgument("text " + pointer, "is not a string");
      part = std::string(item.get_string().value_unsafe());
    } else {
      DTM_ASSIGN_OR_RETURN(part, StringAt(item, tail, "text", true));
    }
    if (!first) text.push_back('\n');
    first = false;
    text += part;
  }
  return text;
}

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// One line's document; kInvalidArgument says the problem (no place).
Status ParseLine(simdjson::dom::parser& parser, const v1::DocumentRule& rule, std::string_view line,
                 ExtractedDocument* doc) {
  auto parsed = parser.parse(line.data(), line.size(), false);
  if (parsed.error()) {
    return Status::InvalidArgument("not JSON", simdjson::error_message(parsed.error()));
  }
  const element root = parsed.value_unsafe();
  DTM_ASSIGN_OR_RETURN(std::string text, TextAt(root, rule.text()));
  DTM_ASSIGN_OR_RETURN(doc->id, IdAt(root, rule.id()));
  std::string url;
  if (!rule.url().empty()) {
    DTM_ASSIGN_OR_RETURN(url, StringAt(root, rule.url(), "url", false));
  }
  return FillDocument(line, text, url, doc);
}

}  // namespace

Status IdAndUrlFromJson(std::string_view json, const std::string& id_pointer,
                        const std::string& url_pointer, std::string* id, std::string* url) {
  thread_local simdjson::dom::parser parser;
  auto parsed = parser.parse(json.data(), json.size(), true);
  if (parsed.error()) {
    return Status::InvalidArgument(
        "metadata", std::string("not JSON: ") + simdjson::error_message(parsed.error()));
  }
  const element root = parsed.value_unsafe();
  DTM_ASSIGN_OR_RETURN(*id, IdAt(root, id_pointer));
  if (!url_pointer.empty()) {
    DTM_ASSIGN_OR_RETURN(*url, StringAt(root, url_pointer, "url", false));
  }
  return Status::Ok();
}

Status ExtractJsonl(const v1::DocumentRule& rule, const std::string& file_name, ByteSource& raw,
                    const DocumentSink& sink, SkippedDocuments* skipped) {
  DecompressingSource in(raw, file_name);
  simdjson::dom::parser parser;
  // buffer_[start, end) holds bytes not yet split into lines, followed by
  // SIMDJSON_PADDING readable bytes, as simdjson requires.
  constexpr size_t kBlock = 1u << 20;
  std::string buffer(kBlock + simdjson::SIMDJSON_PADDING, '\0');
  size_t start = 0, end = 0;
  uint64_t line_number = 0, stream_offset = 0, ordinal = 0;
  bool eof = false, skipping_long_line = false;
  ExtractedDocument doc;
  for (;;) {
    const char* nl =
        static_cast<const char*>(std::memchr(buffer.data() + start, '\n', end - start));
    if (nl == nullptr && !eof) {
      // Move the partial line to the front, make room, read more.
      if (start > 0) {
        std::memmove(buffer.data(), buffer.data() + start, end - start);
        end -= start;
        start = 0;
      }
      if (end >= kMaxDocumentBytes + 2 && !skipping_long_line) {
        const std::string place = "line " + std::to_string(line_number + 1);
        Status s = Status::InvalidArgument(
            file_name + ": " + place,
            "longer than the limit of " + std::to_string(kMaxDocumentBytes) + " bytes");
        if (!rule.skip_bad()) return s;
        if (skipped->count++ == 0) skipped->first = place + ": too long";
        skipping_long_line = true;
      }
      if (skipping_long_line) {
        stream_offset += end;
        end = 0;
      }
      if (buffer.size() < end + kBlock + simdjson::SIMDJSON_PADDING) {
        buffer.resize(end + kBlock + simdjson::SIMDJSON_PADDING);
      }
      DTM_ASSIGN_OR_RETURN(size_t n, in.Read(buffer.data() + end, kBlock));
      if (n == 0) eof = true;
      end += n;
      continue;
    }
    if (nl == nullptr && start == end) break;  // end of the stream
    const size_t line_end = nl != nullptr ? static_cast<size_t>(nl - buffer.data()) : end;
    std::string_view line(buffer.data() + start, line_end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_number;
    const uint64_t line_offset = stream_offset;
    stream_offset += line_end - start + (nl != nullptr ? 1 : 0);
    start = nl != nullptr ? line_end + 1 : end;
    if (skipping_long_line) {
      skipping_long_line = false;
      ++ordinal;
      continue;
    }
    if (IsBlank(line)) continue;
    doc = ExtractedDocument();
    doc.ordinal = ordinal++;
    doc.line = line_number;
    doc.offset = line_offset;
    Status s = ParseLine(parser, rule, line, &doc);
    if (!s.ok()) {
      const std::string place = "line " + std::to_string(line_number);
      if (!rule.skip_bad()) return Status::InvalidArgument(file_name + ": " + place, s.message());
      if (skipped->count++ == 0) skipped->first = place + ": " + s.message();
      continue;
    }
    DTM_RETURN_IF_ERROR(sink(doc));
  }
  return Status::Ok();
}

}  // namespace dtm::internal
