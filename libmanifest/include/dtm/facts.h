// What reports and policy checks read from a manifest: its header and every
// source with the tally of its files (spec/report.md, spec/policy.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dtm/digest.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

// One source of a manifest with the tally of its files and documents.
struct SourceFacts {
  v1::Source source;
  // Read from a public view (spec/container.md, "Public views"): the files and
  // documents are withheld, so the counts below are unknown, not zero.
  bool withheld = false;
  uint64_t files = 0;
  uint64_t bytes = 0;  // sum of the sizes of its files
  // Measured from its DocumentEntry records (declared counts are in
  // source.counts): how many, their size as stored, and how many the builder
  // skipped as bad (FileEntry.documents_skipped).
  uint64_t documents = 0;
  uint64_t document_bytes = 0;
  uint64_t documents_skipped = 0;
  // Bytes and documents per registrable domain of the documents' URLs
  // (spec/documents.md, "Domains"), most bytes first, then most documents,
  // then by domain.
  std::vector<v1::DomainShare> measured_domains;
};

// (source, domain) pairs counted while a manifest is read, over all sources;
// the documents of further pairs are counted under none (domains_capped).
inline constexpr size_t kMaxDistinctDomains = 1000000;

// The model a ManifestFacts was narrowed to (FactsForModel).
struct ModelScope {
  std::string model;                  // a Header.models name
  std::vector<std::string> left_out;  // ids of the sources used only for other models
  std::vector<std::string> unstated;  // ids of the sources that do not say (kept)
};

// What the reports and policy checks read from a manifest: the header and
// every source, but no file entries. Memory grows with sources, not files.
struct ManifestFacts {
  std::string name;  // the manifest's file name, for messages and reports
  v1::Header header;
  std::vector<SourceFacts> sources;         // in manifest order (sorted by id)
  std::optional<Sha256Digest> file_sha256;  // set when read from a file
  // True when more than kMaxDistinctDomains domains were seen: the measured
  // domain counts then leave out documents of the domains seen after that.
  bool domains_capped = false;
  // Read from a public view: every source's files and documents are withheld;
  // the header's totals are the signed ones.
  bool public_view = false;
  Sha256Digest full_manifest_sha256{};  // a public view: the full manifest it names
  // Set when the facts were narrowed to one model's sources.
  std::optional<ModelScope> scope;
};

// True when `source` was used for `model`: its `models` names it, or is empty
// (it does not say; spec/schema.md, "Scope and roles").
bool SourceUsedFor(const v1::Source& source, std::string_view model);

// Narrows `facts` to the sources used for `model` (SourceUsedFor) and records
// the scope; the header is unchanged. kInvalidArgument when the header names
// no model `model` ("the manifest names no model 'x'; it names 'a', 'b'").
StatusOr<ManifestFacts> FactsForModel(ManifestFacts facts, std::string_view model);

// Reads the manifest at `path` once, checking its framing and footer as the
// reader does. Errors name the file and the record (kCorruption etc.).
StatusOr<ManifestFacts> ReadManifestFacts(const std::string& path);

// Adds one record to `facts`: a Source is appended, a FileEntry or
// DocumentEntry is tallied on its source. An entry naming no earlier source is
// kCorruption (`index` is the record number, for the message). Domains are
// tallied in `domains` (one map for the whole manifest, which
// FinishFacts turns into each source's measured_domains).
class DomainTally;
Status AddRecordToFacts(const v1::Record& record, uint64_t index, ManifestFacts* facts,
                        DomainTally* domains = nullptr);

// Bytes and documents per (source, registrable domain), bounded by
// kMaxDistinctDomains.
class DomainTally {
 public:
  void Add(size_t source, std::string_view url, uint64_t bytes);
  // Fills each source's measured_domains and the capped flags.
  void Finish(ManifestFacts* facts);

 private:
  struct Amount {
    uint64_t bytes = 0;
    uint64_t documents = 0;
  };
  std::vector<std::unordered_map<std::string, Amount>> by_source_;
  size_t distinct_ = 0;
  bool capped_ = false;
};

}  // namespace dtm
