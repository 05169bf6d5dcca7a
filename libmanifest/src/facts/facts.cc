// Reading the facts of a manifest for reports and policy checks.
#include <algorithm>

#include "base/text.h"
#include "container/integrity.h"
#include "dtm/container.h"
#include "dtm/documents.h"
#include "dtm/facts.h"

namespace dtm {

void DomainTally::Add(size_t source, std::string_view url, uint64_t bytes) {
  if (url.empty()) return;
  if (by_source_.size() <= source) by_source_.resize(source + 1);
  std::string domain = RegistrableDomain(UrlHost(url));
  if (domain.empty()) return;
  auto& domains = by_source_[source];
  auto it = domains.find(domain);
  if (it == domains.end()) {
    if (distinct_ >= kMaxDistinctDomains) {
      capped_ = true;
      return;
    }
    ++distinct_;
    it = domains.emplace(std::move(domain), Amount()).first;
  }
  it->second.bytes += bytes;
  it->second.documents += 1;
}

void DomainTally::Finish(ManifestFacts* facts) {
  facts->domains_capped = capped_;
  for (size_t i = 0; i < by_source_.size() && i < facts->sources.size(); ++i) {
    std::vector<v1::DomainShare> shares;
    shares.reserve(by_source_[i].size());
    for (const auto& [domain, amount] : by_source_[i]) {
      v1::DomainShare d;
      d.set_domain(domain);
      d.set_bytes(amount.bytes);
      d.set_documents(amount.documents);
      shares.push_back(std::move(d));
    }
    // Most bytes first, then most documents, then by name: a stable order.
    std::sort(shares.begin(), shares.end(), [](const v1::DomainShare& a, const v1::DomainShare& b) {
      if (a.bytes() != b.bytes()) return a.bytes() > b.bytes();
      if (a.documents() != b.documents()) return a.documents() > b.documents();
      return a.domain() < b.domain();
    });
    facts->sources[i].measured_domains = std::move(shares);
  }
  by_source_.clear();
}

namespace {

// The source named `id` (files and documents come after all sources, grouped
// by source in id order, so binary search over the sorted sources finds it).
StatusOr<size_t> SourceIndex(const std::string& id, uint64_t index, const ManifestFacts& facts) {
  auto it = std::lower_bound(
      facts.sources.begin(), facts.sources.end(), id,
      [](const SourceFacts& s, const std::string& key) { return s.source.id() < key; });
  if (it == facts.sources.end() || it->source.id() != id) {
    return Status::Corruption(facts.name + ": record " + std::to_string(index) +
                              ": entry names an unknown source '" + id + "'");
  }
  return static_cast<size_t>(it - facts.sources.begin());
}

}  // namespace

Status AddRecordToFacts(const v1::Record& record, uint64_t index, ManifestFacts* facts,
                        DomainTally* domains) {
  if (record.has_source()) {
    if (!facts->sources.empty() && !(facts->sources.back().source.id() < record.source().id())) {
      return Status::Corruption(facts->name + ": record " + std::to_string(index) + ": source '" +
                                record.source().id() + "' is out of canonical order");
    }
    SourceFacts s;
    s.source = record.source();
    facts->sources.push_back(std::move(s));
    return Status::Ok();
  }
  if (record.has_file()) {
    DTM_ASSIGN_OR_RETURN(size_t i, SourceIndex(record.file().source_id(), index, *facts));
    SourceFacts& s = facts->sources[i];
    s.files++;
    s.bytes += record.file().size();
    s.documents_skipped += record.file().documents_skipped();
    return Status::Ok();
  }
  if (record.has_document()) {
    const v1::DocumentEntry& d = record.document();
    DTM_ASSIGN_OR_RETURN(size_t i, SourceIndex(d.source_id(), index, *facts));
    SourceFacts& s = facts->sources[i];
    s.documents++;
    s.document_bytes += d.size();
    if (domains != nullptr) domains->Add(i, d.url(), d.size());
  }
  return Status::Ok();  // an unknown kind: readers ignore it
}

bool SourceUsedFor(const v1::Source& source, std::string_view model) {
  return source.models().empty() ||
         std::find(source.models().begin(), source.models().end(), model) != source.models().end();
}

StatusOr<ManifestFacts> FactsForModel(ManifestFacts facts, std::string_view model) {
  const auto& models = facts.header.models();
  if (std::none_of(models.begin(), models.end(),
                   [&](const v1::ModelRef& m) { return m.name() == model; })) {
    std::string names;
    for (const v1::ModelRef& m : models) {
      names += (names.empty() ? "" : ", ") + internal::QuoteForMessage(m.name());
    }
    return Status::InvalidArgument(facts.name + ": the manifest names no model " +
                                   internal::QuoteForMessage(model) + "; it names " +
                                   (names.empty() ? "none" : names));
  }
  ModelScope scope;
  scope.model = std::string(model);
  std::vector<SourceFacts> kept;
  for (SourceFacts& s : facts.sources) {
    if (!SourceUsedFor(s.source, model)) {
      scope.left_out.push_back(s.source.id());
      continue;
    }
    if (s.source.models().empty()) scope.unstated.push_back(s.source.id());
    kept.push_back(std::move(s));
  }
  facts.sources = std::move(kept);
  facts.scope = std::move(scope);
  return facts;
}

StatusOr<ManifestFacts> ReadManifestFacts(const std::string& path) {
  DTM_ASSIGN_OR_RETURN(auto reader, ManifestReader::Open(path));
  ManifestFacts facts;
  facts.name = path;
  facts.header = reader->header();
  internal::IntegrityCheck check(path, ContainerLimits());
  v1::Record record;
  DomainTally domains;
  while (true) {
    const uint64_t index = reader->records_read();
    DTM_ASSIGN_OR_RETURN(bool more, internal::NextChecked(*reader, check, &record));
    if (!more) break;
    DTM_RETURN_IF_ERROR(AddRecordToFacts(record, index, &facts, &domains));
  }
  domains.Finish(&facts);
  facts.file_sha256 = reader->file_sha256();
  facts.public_view = reader->public_view();
  if (facts.public_view) {
    const std::string& full = check.withheld().manifest_sha256();
    std::copy(full.begin(), full.end(), facts.full_manifest_sha256.begin());
  }
  for (SourceFacts& s : facts.sources) s.withheld = facts.public_view;
  return facts;
}

}  // namespace dtm
