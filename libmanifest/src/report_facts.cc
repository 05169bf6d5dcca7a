// Reading the facts of a manifest for reports and policy checks, the EU size
// bins, and the dispatch of WriteReport (spec/report.md).
#include <algorithm>

#include "dtm/container.h"
#include "dtm/report.h"
#include "report_templates.h"

namespace dtm {

Status AddRecordToFacts(const v1::Record& record, uint64_t index, ManifestFacts* facts) {
  if (record.has_source()) {
    if (!facts->sources.empty() && !(facts->sources.back().source.id() < record.source().id())) {
      return Status::Corruption(facts->name + ": record " + std::to_string(index) + ": source '" +
                                record.source().id() + "' is out of canonical order");
    }
    facts->sources.push_back(SourceFacts{record.source(), 0, 0});
    return Status::Ok();
  }
  if (!record.has_file()) return Status::Ok();  // an unknown kind: readers ignore it
  // Files come after all sources, grouped by source in id order, so the
  // source of a file is found by binary search over the sorted sources.
  const std::string& id = record.file().source_id();
  auto it = std::lower_bound(
      facts->sources.begin(), facts->sources.end(), id,
      [](const SourceFacts& s, const std::string& key) { return s.source.id() < key; });
  if (it == facts->sources.end() || it->source.id() != id) {
    return Status::Corruption(facts->name + ": record " + std::to_string(index) +
                              ": file names an unknown source '" + id + "'");
  }
  it->files++;
  it->bytes += record.file().size();
  return Status::Ok();
}

StatusOr<ManifestFacts> ReadManifestFacts(const std::string& path) {
  DTM_ASSIGN_OR_RETURN(auto reader, ManifestReader::Open(path));
  ManifestFacts facts;
  facts.name = path;
  facts.header = reader->header();
  v1::Record record;
  while (true) {
    const uint64_t index = reader->records_read();
    DTM_ASSIGN_OR_RETURN(bool more, reader->Next(&record));
    if (!more) break;
    DTM_RETURN_IF_ERROR(AddRecordToFacts(record, index, &facts));
  }
  facts.file_sha256 = reader->file_sha256();
  return facts;
}

std::string TextSizeBin(uint64_t tokens) {
  if (tokens < 1'000'000'000ull) return "less than 1 billion tokens";
  if (tokens <= 10'000'000'000'000ull) return "1 billion to 10 trillion tokens";
  return "more than 10 trillion tokens";
}

std::string ImageSizeBin(uint64_t images) {
  if (images < 1'000'000ull) return "less than 1 million images";
  if (images <= 1'000'000'000ull) return "1 million to 1 billion images";
  return "more than 1 billion images";
}

std::string AudioVideoSizeBin(double hours) {
  if (hours < 10'000.0) return "less than 10,000 hours";
  if (hours <= 1'000'000.0) return "10,000 to 1 million hours";
  return "more than 1 million hours";
}

StatusOr<ReportTemplate> ParseReportTemplate(std::string_view name) {
  if (name == "overview") return ReportTemplate::kOverview;
  if (name == "eu-ai-act") return ReportTemplate::kEuAiAct;
  if (name == "ab2013") return ReportTemplate::kAb2013;
  return Status::InvalidArgument("unknown report template '" + std::string(name) +
                                 "'; expected overview, eu-ai-act or ab2013");
}

StatusOr<ReportFormat> ParseReportFormat(std::string_view name) {
  if (name == "md" || name == "markdown") return ReportFormat::kMarkdown;
  if (name == "html") return ReportFormat::kHtml;
  return Status::InvalidArgument("unknown report format '" + std::string(name) +
                                 "'; expected md or html");
}

Status WriteReport(const ManifestFacts& facts, const ReportOptions& options, std::ostream& out) {
  report::Document doc;
  switch (options.kind) {
    case ReportTemplate::kEuAiAct:
      doc = report::BuildEuAiAct(facts, options.model, options.generator);
      break;
    case ReportTemplate::kAb2013:
      doc = report::BuildAb2013(facts, options.generator);
      break;
    case ReportTemplate::kOverview:
      doc = report::BuildOverview(facts, options.signature, options.generator);
      break;
  }
  return report::WriteDocument(doc, options.format, out);
}

Status report::WriteDocument(const Document& doc, ReportFormat format, std::ostream& out) {
  if (format == ReportFormat::kHtml) {
    RenderHtml(doc, out);
  } else {
    RenderMarkdown(doc, out);
  }
  out.flush();
  if (!out) return Status::IOError("cannot write the report");
  return Status::Ok();
}

}  // namespace dtm
