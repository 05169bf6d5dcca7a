// The extraction rule of each format (extract.h), and what they share.
#pragma once

#include <string>
#include <string_view>

#include "documents/extract.h"

namespace dtm::internal {

// Fills size, sha256 (of `stored`), the text digest of `text` and the
// canonical form of `url` (none when empty). kInvalidArgument naming the field
// for text that is not UTF-8, a URL that is not one, an id or URL over
// kMaxDocumentFieldBytes.
Status FillDocument(std::string_view stored, std::string_view text, std::string_view url,
                    ExtractedDocument* doc);

Status ExtractJsonl(const v1::DocumentRule& rule, const std::string& file_name, ByteSource& in,
                    const DocumentSink& sink, SkippedDocuments* skipped);
// The id and URL at two JSON Pointers of a JSON text (as the JSONL rule
// reads them); kInvalidArgument naming "metadata", "id" or "url".
Status IdAndUrlFromJson(std::string_view json, const std::string& id_pointer,
                        const std::string& url_pointer, std::string* id, std::string* url);

Status ExtractWebDataset(const v1::DocumentRule& rule, const std::string& file_name, ByteSource& in,
                         const DocumentSink& sink, SkippedDocuments* skipped);
Status ExtractWarc(const v1::DocumentRule& rule, const std::string& file_name, ByteSource& in,
                   const DocumentSink& sink, SkippedDocuments* skipped);
Status ExtractWholeFile(ByteSource& in, const DocumentSink& sink);

}  // namespace dtm::internal
