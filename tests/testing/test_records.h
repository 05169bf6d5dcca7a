// Test helpers: small valid records for the record-rule and container tests.
#pragma once

#include <cstdint>
#include <string>

#include "dtm/v1/manifest.pb.h"

namespace dtm::test {

// A Source record that obeys the record rules.
inline v1::Record MakeSource(const std::string& id, v1::UseClass use = v1::USE_CLASS_COMMERCIAL,
                             v1::AcquisitionMethod acquisition = v1::ACQUISITION_METHOD_CRAWLED,
                             v1::Modality modality = v1::MODALITY_TEXT, uint64_t tokens = 0) {
  v1::Record r;
  v1::Source* s = r.mutable_source();
  s->set_id(id);
  s->set_name("Source " + id);
  s->set_modality(modality);
  s->mutable_license()->set_expression("MIT");
  s->mutable_license()->set_use_class(use);
  s->mutable_provenance()->set_acquisition(acquisition);
  s->mutable_counts()->set_tokens(tokens);
  return r;
}

// A FileEntry record with a 32-byte digest derived from `path`.
inline v1::Record MakeFile(const std::string& source, const std::string& path, uint64_t size = 1) {
  v1::Record r;
  v1::FileEntry* f = r.mutable_file();
  f->set_source_id(source);
  f->set_path(path);
  f->set_size(size);
  std::string digest(32, '\0');
  for (size_t i = 0; i < path.size(); ++i) digest[i % 32] ^= path[i];
  f->set_sha256(digest);
  f->set_origin(v1::FileEntry::ORIGIN_HASHED);
  return r;
}

// A DocumentEntry record of file `path` with digests derived from `ordinal`.
inline v1::Record MakeDocument(const std::string& source, const std::string& path, uint64_t ordinal,
                               uint64_t size = 10) {
  v1::Record r;
  v1::DocumentEntry* d = r.mutable_document();
  d->set_source_id(source);
  d->set_path(path);
  d->set_ordinal(ordinal);
  d->set_line(ordinal + 1);
  d->set_size(size);
  d->set_sha256(std::string(32, static_cast<char>('a' + ordinal % 26)));
  d->set_text_sha256(std::string(32, static_cast<char>('A' + ordinal % 26)));
  d->set_origin(v1::FileEntry::ORIGIN_HASHED);
  return r;
}

}  // namespace dtm::test
