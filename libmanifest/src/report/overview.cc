// The overview: composition charts, collection periods, the sources with
// their licenses and provenance, and the signature status (spec/report.md,
// "overview").
#include <map>

#include "dtm/format.h"
#include "report/templates.h"

namespace dtm::internal {
namespace {

using Dimension = int (*)(const v1::Source&);

// Two charts (bytes, tokens) of the sources grouped by one enum dimension,
// in enum order.
ChartRow Composition(const ManifestFacts& facts, const std::string& name,
                     const google::protobuf::EnumDescriptor* type, Dimension dimension) {
  std::map<int, std::pair<uint64_t, uint64_t>> rows;  // value -> bytes, tokens
  for (const SourceFacts& s : facts.sources) {
    auto& row = rows[dimension(s.source)];
    row.first += s.bytes;
    row.second += s.source.counts().tokens();
  }
  BarChart bytes{name + " by bytes", "bytes", {}};
  BarChart tokens{name + " by tokens", "tokens", {}};
  for (const auto& [value, amounts] : rows) {
    bytes.bars.emplace_back(EnumName(type, value), amounts.first);
    tokens.bars.emplace_back(EnumName(type, value), amounts.second);
  }
  return ChartRow{{bytes, tokens}};
}

Timeline CollectionTimeline(const ManifestFacts& facts) {
  // An ongoing collection is drawn up to the manifest's creation (or the
  // latest date the manifest mentions, if it has no creation time).
  int64_t now = HasTime(facts.header.created()) ? facts.header.created().seconds() : 0;
  if (!now) {
    for (const SourceFacts& s : facts.sources) {
      const v1::Provenance& p = s.source.provenance();
      now = std::max({now, p.collection_start().seconds(), p.collection_end().seconds()});
    }
  }
  Timeline t;
  for (const SourceFacts& s : facts.sources) {
    const v1::Provenance& p = s.source.provenance();
    if (!HasTime(p.collection_start())) {
      t.undated.push_back(s.source.id());
      continue;
    }
    const int64_t start = p.collection_start().seconds();
    if (p.collection_ongoing()) {
      t.periods.push_back(Period{s.source.id(), start, std::max(start, now), true});
    } else if (HasTime(p.collection_end())) {
      t.periods.push_back(
          Period{s.source.id(), start, std::max(start, p.collection_end().seconds()), false});
    } else {
      t.undated.push_back(s.source.id());
    }
  }
  return t;
}

std::string SignatureText(const SignatureStatus& s) {
  std::string text;
  switch (s.state) {
    case SignatureStatus::State::kNoBundle:
      text = "no bundle";
      break;
    case SignatureStatus::State::kNotVerified:
      text = "bundle present, not verified (no key given)";
      break;
    case SignatureStatus::State::kVerified:
      text = "verified";
      break;
    case SignatureStatus::State::kFailed:
      text = "DOES NOT VERIFY";
      break;
  }
  return s.detail.empty() ? text : text + ": " + s.detail;
}

Table SourceTable(const ManifestFacts& facts) {
  Table table{{"source", "modality", "size", "tokens", "license", "use class", "license claim",
               "acquisition", "collection"},
              {false, false, true, true},
              {}};
  for (const SourceFacts& s : facts.sources) {
    const v1::Source& src = s.source;
    const v1::License& lic = src.license();
    std::string claim = EnumName(v1::LicenseClaimSource_descriptor(), lic.claim_source());
    claim += lic.verified_by().name().empty() ? ", not verified"
                                              : ", verified by " + lic.verified_by().name();
    std::string acquisition =
        EnumName(v1::AcquisitionMethod_descriptor(), src.provenance().acquisition());
    if (src.has_generation()) {
      acquisition +=
          " (" + Join({src.generation().model(), src.generation().model_version()}, " ") + ")";
    }
    const std::string period = PeriodText(src.provenance());
    Inline name = Text(src.id() + ": ");
    Append(&name, Linked(src.name(), src.urls().empty() ? "" : src.urls(0)));
    table.rows.push_back({name, Text(EnumName(v1::Modality_descriptor(), src.modality())),
                          Text(s.withheld ? "withheld (public view)"
                                          : HumanBytes(s.bytes) + " / " + GroupDigits(s.files) +
                                                (s.files == 1 ? " file" : " files")),
                          Text(src.counts().tokens() ? GroupDigits(src.counts().tokens()) : "-"),
                          Text(lic.expression()),
                          Text(EnumName(v1::UseClass_descriptor(), lic.use_class())), Text(claim),
                          Text(acquisition), Text(period.empty() ? "not stated" : period)});
  }
  return table;
}

}  // namespace

Document BuildOverview(const ManifestFacts& facts, const SignatureStatus& signature,
                       const std::string& generator) {
  const v1::Header& h = facts.header;
  Document doc;
  doc.title = "Training data overview: " + h.dataset().name() + " " + h.dataset().version();
  if (!h.dataset().description().empty()) doc.AddParagraph(Text(h.dataset().description()));
  doc.AddItem("Publisher", PartyText(h.publisher()));
  std::vector<std::string> models;
  for (const v1::ModelRef& m : h.models()) models.push_back(Join({m.name(), m.version()}, " "));
  if (!models.empty()) doc.AddItem("Models trained on this data", Join(models));
  doc.AddItem("Signature", SignatureText(signature));
  if (facts.scope) AddScope(&doc, facts, "the model");
  uint64_t files = 0, bytes = 0, tokens = 0, documents = 0;
  double hours = 0;
  for (const SourceFacts& s : facts.sources) {
    files += s.files;
    bytes += s.bytes;
    tokens += s.source.counts().tokens();
    documents += s.source.counts().documents();
    hours += s.source.counts().hours();
  }
  doc.AddItem("Totals", GroupDigits(facts.sources.size()) + " sources, " + GroupDigits(files) +
                            " files, " + HumanBytes(bytes) + ", " + GroupDigits(tokens) +
                            " tokens, " + GroupDigits(documents) + " documents, " +
                            FormatHours(hours) +
                            " hours (tokens, documents and hours as declared)");

  doc.AddHeading(2, "Composition");
  doc.Add(Composition(facts, "License use class", v1::UseClass_descriptor(),
                      [](const v1::Source& s) -> int { return s.license().use_class(); }));
  doc.Add(Composition(facts, "Acquisition method", v1::AcquisitionMethod_descriptor(),
                      [](const v1::Source& s) -> int { return s.provenance().acquisition(); }));
  doc.Add(Composition(facts, "Modality", v1::Modality_descriptor(),
                      [](const v1::Source& s) -> int { return s.modality(); }));
  doc.AddHeading(2, "Collection periods");
  doc.Add(CollectionTimeline(facts));
  doc.AddHeading(2, "Sources");
  doc.Add(SourceTable(facts));
  AddProvenanceSection(&doc, facts, generator, 2);
  return doc;
}

}  // namespace dtm::internal
