// The EU AI Act public summary, sections 2 ("List of data sources") and 3
// ("Data processing aspects") (spec/report.md, "eu-ai-act").
#include <algorithm>
#include <map>

#include "dtm/format.h"
#include "report/eu.h"

namespace dtm::internal {
namespace {

void AddPublicDatasets(Document* doc, const ManifestFacts& facts) {
  doc->AddHeading(3, "2.1 Publicly available datasets");
  const SourceList sources = Select(facts, Acquired({v1::ACQUISITION_METHOD_PUBLIC_DATASET}));
  if (!AddUsed(doc, "Publicly available datasets used", sources)) return;
  // Large: more than 3% of the publicly available data of its modality, by bytes.
  std::map<std::string, uint64_t> bytes_by_modality;
  for (const SourceFacts* s : sources)
    bytes_by_modality[EuModality(s->source.modality())] += s->bytes;
  Table large{{"dataset", "link", "modality", "size", "share of public data of its modality"},
              {false, false, false, true, true},
              {}};
  SourceList others;
  std::vector<std::string> no_link;
  for (const SourceFacts* s : sources) {
    const uint64_t whole = bytes_by_modality[EuModality(s->source.modality())];
    if (whole != 0 && s->bytes * 100 <= whole * 3) {
      others.push_back(s);
      continue;
    }
    Inline link;
    if (s->source.urls().empty()) {
      no_link.push_back(s->source.id());
      link = Text("Gap: not stated");
    } else {
      link = UrlText(s->source.urls(0));
    }
    large.rows.push_back({Text(SourceLabel(s->source)), link,
                          Text(EnumName(v1::Modality_descriptor(), s->source.modality())),
                          Text(SizeText(*s)), Text(FormatShare(s->bytes, whole))});
  }
  doc->AddItem("Large publicly available datasets (over 3% of the public data of a modality)",
               Inline{});
  doc->Add(std::move(large));
  if (!no_link.empty())
    doc->NoteGap("Link to a large public dataset", "no URL for " + IdList(no_link));
  if (others.empty()) {
    doc->AddItem("Other publicly available datasets", "none; all are listed above");
  } else {
    AddSourceDescriptions(doc, "Other publicly available datasets", others);
  }
}

void AddPrivateDatasets(Document* doc, const ManifestFacts& facts) {
  doc->AddHeading(3, "2.2 Private non-publicly available datasets obtained from third parties");
  doc->AddHeading(
      4, "2.2.1 Datasets commercially licensed by rights holders or their representatives");
  const SourceList licensed =
      Select(facts, Acquired({v1::ACQUISITION_METHOD_LICENSED, v1::ACQUISITION_METHOD_PURCHASED}));
  if (AddUsed(doc, "Licensed data used", licensed)) {
    AddSourceDescriptions(doc, "Description", licensed);
  }
  doc->AddHeading(4, "2.2.2 Private datasets obtained from other third parties");
  const SourceList priv = Select(facts, Acquired({v1::ACQUISITION_METHOD_THIRD_PARTY_PRIVATE}));
  if (AddUsed(doc, "Private third-party data used", priv)) {
    AddSourceDescriptions(doc, "Datasets and description", priv);
  }
}

using DomainAmounts = std::map<std::string, std::pair<uint64_t, uint64_t>>;  // bytes, documents

// A table of domains, most bytes first, at most `max` rows.
Table DomainTable(const DomainAmounts& domains, size_t max) {
  std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> sorted(domains.begin(),
                                                                            domains.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (sorted.size() > max) sorted.resize(max);
  Table table{{"domain", "bytes", "documents"}, {false, true, true}, {}};
  for (const auto& [domain, amount] : sorted) {
    table.rows.push_back(
        {Text(domain), Text(FormatValue(amount.first, "bytes")), Text(FormatCount(amount.second))});
  }
  return table;
}

// The top domains of the crawled sources: measured from the URLs of their
// document entries where they have any, and as declared.
void AddTopDomains(Document* doc, const SourceList& crawled, bool capped) {
  constexpr size_t kMeasuredRows = 20;
  DomainAmounts measured, declared;
  uint64_t documents = 0;
  bool truncated = capped;
  for (const SourceFacts* s : crawled) {
    for (const v1::DomainShare& d : s->measured_domains) {
      measured[d.domain()].first += d.bytes();
      measured[d.domain()].second += d.documents();
    }
    documents += s->documents;
    truncated |= s->domains_truncated;
    for (const v1::DomainShare& d : s->source.provenance().top_domains()) {
      declared[d.domain()].first += d.bytes();
      declared[d.domain()].second += d.documents();
    }
  }
  const std::string label = "Most relevant domain names by amount of content";
  if (!measured.empty()) {
    std::string how = "measured from the URLs of " + FormatCount(documents) +
                      " document entries of the crawled sources: bytes as stored per registrable "
                      "domain (Public Suffix List)";
    if (measured.size() > kMeasuredRows) {
      how += ", the " + std::to_string(kMeasuredRows) + " largest of " +
             FormatCount(measured.size()) + (truncated ? " or more" : "");
    } else if (truncated) {
      how += "; sources with more than 100 domains contribute their 100 largest";
    }
    doc->AddItem(label, Text(how));
    doc->Add(DomainTable(measured, kMeasuredRows));
  }
  if (!declared.empty()) {
    doc->AddItem(label, Text("as declared in the manifest"));
    doc->Add(DomainTable(declared, declared.size()));
  }
  std::vector<std::string> lacking;
  for (const SourceFacts* s : crawled) {
    if (s->measured_domains.empty() && s->source.provenance().top_domains().empty()) {
      lacking.push_back(s->source.id());
    }
  }
  AddItemWithGaps(doc, label, {}, lacking, "top domains (declared, or URLs of document entries)");
}

void AddCrawled(Document* doc, const ManifestFacts& facts) {
  doc->AddHeading(3, "2.3 Data crawled and scraped from online sources");
  const SourceList crawled = Select(facts, Acquired({v1::ACQUISITION_METHOD_CRAWLED}));
  if (!AddUsed(doc, "Crawled data used", crawled)) return;
  std::vector<Inline> names, purposes, behaviour;
  for (const SourceFacts* s : crawled) {
    for (const v1::Crawler& c : s->source.provenance().crawlers()) {
      const std::string name = c.name().empty() ? "unnamed crawler of " + s->source.id() : c.name();
      names.push_back(
          Text(name + (c.user_agent().empty() ? "" : " (User-Agent: " + c.user_agent() + ")")));
      if (c.purpose().empty()) {
        doc->NoteGap("Purposes of the crawlers", "no purpose stated for " + name);
      } else {
        purposes.push_back(Text(name + ": " + c.purpose()));
      }
      const int answers[] = {c.respects_robots_txt(), c.bypasses_captchas(), c.bypasses_paywalls()};
      if (std::count(std::begin(answers), std::end(answers), v1::ANSWER_UNSPECIFIED) > 0) {
        doc->NoteGap("Crawler behaviour",
                     "robots.txt, captcha or paywall behaviour not stated for " + name);
      }
      behaviour.push_back(Text(name + ": respects robots.txt: " + AnswerText(answers[0]) +
                               "; bypasses captchas: " + AnswerText(answers[1]) +
                               "; bypasses paywalls: " + AnswerText(answers[2])));
    }
  }
  const auto lacking_crawlers =
      Lacking(crawled, [](const v1::Source& s) { return !s.provenance().crawlers().empty(); });
  for (auto [label, lines] :
       {std::pair{"Crawler names", &names}, std::pair{"Purposes of the crawlers", &purposes},
        std::pair{"Crawler behaviour (robots.txt, captchas, paywalls)", &behaviour}}) {
    if (!lines->empty()) {
      doc->AddItem(label, {}, std::move(*lines));
    }
    AddItemWithGaps(doc, label, {}, lacking_crawlers, "crawlers");
  }
  std::vector<Inline> periods;
  for (const SourceFacts* s : crawled) {
    const std::string period = PeriodText(s->source.provenance());
    if (!period.empty()) periods.push_back(Text(s->source.id() + ": " + period));
  }
  if (!periods.empty()) {
    doc->AddItem("Period of data collection", {}, std::move(periods));
  }
  AddItemWithGaps(
      doc, "Period of data collection", {},
      Lacking(crawled,
              [](const v1::Source& s) { return HasTime(s.provenance().collection_start()); }),
      "collection start");
  std::vector<std::string> types;
  for (const SourceFacts* s : crawled) {
    for (const std::string& t : s->source.content_types()) AddUnique(&types, t);
  }
  AddItemWithGaps(doc, "Types of content crawled", Text(Join(types)),
                  Lacking(crawled, [](const v1::Source& s) { return !s.content_types().empty(); }),
                  "content types");
  AddSourceDescriptions(doc, "Online sources crawled", crawled);
  AddTopDomains(doc, crawled, facts.domains_capped);
}

}  // namespace

void AddEuDataSources(Document* doc, const ManifestFacts& facts) {
  doc->AddHeading(2, "2. List of data sources");
  AddPublicDatasets(doc, facts);
  AddPrivateDatasets(doc, facts);
  AddCrawled(doc, facts);
  AddEuUserSyntheticOther(doc, facts);
}

}  // namespace dtm::internal
