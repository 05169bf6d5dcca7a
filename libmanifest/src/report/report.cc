// The EU size bins, the names of templates and formats, and the dispatch of
// WriteReport (spec/report.md).
#include <algorithm>

#include "dtm/report.h"
#include "report/templates.h"

namespace dtm {

using internal::Document;
using internal::RenderHtml;
using internal::RenderMarkdown;

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

uint64_t DomainsAsked(uint64_t total, bool sme) {
  if (total == 0) return 0;
  const uint64_t share = sme ? total / 20 + (total % 20 != 0) : total / 10 + (total % 10 != 0);
  return std::max<uint64_t>(sme ? std::min<uint64_t>(share, 1000) : share, 1);
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
  internal::Document doc;
  switch (options.kind) {
    case ReportTemplate::kEuAiAct:
      doc = internal::BuildEuAiAct(facts, options);
      break;
    case ReportTemplate::kAb2013:
      doc = internal::BuildAb2013(facts, options.generator);
      break;
    case ReportTemplate::kOverview:
      doc = internal::BuildOverview(facts, options.signature, options.generator);
      break;
  }
  return internal::WriteDocument(doc, options.format, out);
}

Status internal::WriteDocument(const Document& doc, ReportFormat format, std::ostream& out) {
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
