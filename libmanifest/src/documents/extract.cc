#include "documents/extract.h"

#include "base/text.h"
#include "documents/formats.h"
#include "dtm/digest.h"
#include "dtm/documents.h"

namespace dtm::internal {

Status FillDocument(std::string_view stored, std::string_view text, std::string_view url,
                    ExtractedDocument* doc) {
  doc->size = stored.size();
  doc->sha256 = Sha256Of(stored);
  auto normalized = NormalizeText(text);
  if (!normalized.ok()) return normalized.status().WithContext("text field");
  doc->has_text = true;
  doc->text_sha256 = Sha256Of(*normalized);
  doc->text_bytes = normalized->size();
  if (doc->id.size() > kMaxDocumentFieldBytes) {
    return Status::InvalidArgument(
        "id", "longer than " + std::to_string(kMaxDocumentFieldBytes) + " bytes");
  }
  if (!internal::IsValidUtf8(doc->id)) return Status::InvalidArgument("id", "is not UTF-8");
  if (!url.empty()) {
    if (url.size() > kMaxDocumentFieldBytes) {
      return Status::InvalidArgument(
          "url", "longer than " + std::to_string(kMaxDocumentFieldBytes) + " bytes");
    }
    DTM_ASSIGN_OR_RETURN(doc->url, CanonicalUrl(url));
  }
  return Status::Ok();
}

void DigestWholeDocument(std::string_view bytes, ExtractedDocument* doc) {
  doc->size = bytes.size();
  doc->sha256 = Sha256Of(bytes);
  auto normalized = NormalizeText(bytes);
  doc->has_text = normalized.ok();
  if (normalized.ok()) {
    doc->text_sha256 = Sha256Of(*normalized);
    doc->text_bytes = normalized->size();
  }
}

Status ExtractWholeFile(ByteSource& in, const DocumentSink& sink) {
  // A file up to kMaxDocumentBytes is one document with its text; a larger
  // one is still read to its end (its digest is the file's) but has no text.
  std::string data;
  Sha256 sha;
  uint64_t size = 0;
  bool too_large = false;
  std::string block(1u << 20, '\0');
  for (;;) {
    DTM_ASSIGN_OR_RETURN(size_t n, in.Read(block.data(), block.size()));
    if (n == 0) break;
    size += n;
    if (!too_large && size <= kMaxDocumentBytes) {
      data.append(block, 0, n);
    } else if (!too_large) {
      too_large = true;
      sha.Update(data.data(), data.size());
      std::string().swap(data);
    }
    if (too_large) sha.Update(block.data(), n);
  }
  ExtractedDocument doc;
  if (too_large) {
    doc.size = size;
    doc.sha256 = sha.Finish();
  } else {
    DigestWholeDocument(data, &doc);
  }
  return sink(doc);
}

std::string DocumentPlace(const v1::DocumentEntry& doc) {
  std::string place = "document " + std::to_string(doc.ordinal());
  if (doc.line()) return place + " (line " + std::to_string(doc.line()) + ")";
  if (!doc.member().empty()) return place + " (" + QuoteForMessage(doc.member()) + ")";
  if (doc.offset()) return place + " (byte " + std::to_string(doc.offset()) + ")";
  return place;
}

std::string FirstDocumentDifference(const v1::DocumentEntry& expected,
                                    const v1::DocumentEntry& found) {
  auto number = [](const char* name, uint64_t a, uint64_t b) {
    return a == b ? std::string()
                  : std::string(name) + " " + std::to_string(a) + " -> " + std::to_string(b);
  };
  auto text = [](const char* name, const std::string& a, const std::string& b) {
    return a == b ? std::string()
                  : std::string(name) + " " + QuoteForMessage(a) + " -> " + QuoteForMessage(b);
  };
  auto digest = [](const char* name, const std::string& a, const std::string& b) {
    auto hex = [](const std::string& d) { return d.empty() ? std::string("none") : ToHex(d); };
    return a == b ? std::string() : std::string(name) + " " + hex(a) + " -> " + hex(b);
  };
  for (std::string d :
       {number("ordinal", expected.ordinal(), found.ordinal()),
        number("line", expected.line(), found.line()),
        number("offset", expected.offset(), found.offset()),
        text("member", expected.member(), found.member()), text("id", expected.id(), found.id()),
        text("url", expected.url(), found.url()), number("size", expected.size(), found.size()),
        digest("sha256", expected.sha256(), found.sha256()),
        digest("text_sha256", expected.text_sha256(), found.text_sha256()),
        number("text_bytes", expected.text_bytes(), found.text_bytes())}) {
    if (!d.empty()) return d;
  }
  return {};
}

Status ExtractDocuments(const v1::DocumentRule& rule, const std::string& file_name, ByteSource& in,
                        const DocumentSink& sink, SkippedDocuments* skipped) {
  switch (rule.format()) {
    case v1::DocumentRule::FORMAT_WHOLE_FILE:
      return ExtractWholeFile(in, sink);
    case v1::DocumentRule::FORMAT_JSONL:
      return ExtractJsonl(rule, file_name, in, sink, skipped);
    case v1::DocumentRule::FORMAT_WARC:
      return ExtractWarc(rule, file_name, in, sink, skipped);
    case v1::DocumentRule::FORMAT_WEBDATASET:
      return ExtractWebDataset(rule, file_name, in, sink, skipped);
    default:
      return Status::InvalidArgument(
          file_name,
          "documents format " + std::to_string(rule.format()) + " is not one this version reads");
  }
}

}  // namespace dtm::internal
