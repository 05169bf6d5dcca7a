// Fuzz target: the documents inside a data file (spec/documents.md). The first
// byte chooses the rule (JSONL, WARC, WebDataset, whole file; skip_bad); the rest is the file,
// which may be gzip or zstd. Every text and URL a document yields must be a fixed point of its
// normalization, as the spec says; a failure aborts.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "documents/extract.h"
#include "dtm/documents.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  dtm::v1::DocumentRule rule;
  switch (data[0] % 4) {
    case 0:
      rule.set_format(dtm::v1::DocumentRule::FORMAT_JSONL);
      rule.set_id("/id");
      rule.set_url("/url");
      rule.set_text((data[0] & 8) ? "/turns/*/text" : "/text");
      break;
    case 1:
      rule.set_format(dtm::v1::DocumentRule::FORMAT_WARC);
      break;
    case 2:
      rule.set_format(dtm::v1::DocumentRule::FORMAT_WEBDATASET);
      rule.set_text("txt");
      rule.set_metadata("json");
      rule.set_content("jpg");
      rule.set_id("/key");
      rule.set_url("/url");
      break;
    default:
      rule.set_format(dtm::v1::DocumentRule::FORMAT_WHOLE_FILE);
      break;
  }
  rule.set_skip_bad((data[0] & 4) != 0);
  const std::string file(reinterpret_cast<const char*>(data) + 1, size - 1);
  dtm::internal::StringByteSource in(file);
  dtm::internal::SkippedDocuments skipped;
  (void)dtm::internal::ExtractDocuments(
      rule, "fuzz", in,
      [](dtm::internal::ExtractedDocument& doc) {
        if (!doc.url.empty()) {
          auto again = dtm::CanonicalUrl(doc.url);
          if (!again.ok() || *again != doc.url) std::abort();  // not a fixed point
        }
        return dtm::Status::Ok();
      },
      &skipped);
  // The normalization of any text is a fixed point.
  auto once = dtm::NormalizeText(file);
  if (once.ok()) {
    auto twice = dtm::NormalizeText(*once);
    if (!twice.ok() || *twice != *once) std::abort();
  }
  auto url = dtm::CanonicalUrl(file);
  if (url.ok()) {
    auto again = dtm::CanonicalUrl(*url);
    if (!again.ok() || *again != *url) std::abort();
  }
  return 0;
}
