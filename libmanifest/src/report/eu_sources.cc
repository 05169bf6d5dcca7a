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
                          Text(EuModality(s->source.modality())), Text(SizeText(*s)),
                          Text(FormatShare(s->bytes, whole))});
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

// Domains most bytes first, then most documents, then by name.
std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> Ranked(
    const DomainAmounts& domains) {
  std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> sorted(domains.begin(),
                                                                            domains.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return sorted;
}

// A table of the first `rows` of `ranked`.
Table DomainTable(const std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>>& ranked,
                  size_t rows) {
  Table table{{"domain", "bytes", "documents"}, {false, true, true}, {}};
  for (size_t i = 0; i < ranked.size() && i < rows; ++i) {
    const auto& [domain, amount] = ranked[i];
    table.rows.push_back(
        {Text(domain), Text(FormatValue(amount.first, "bytes")), Text(FormatCount(amount.second))});
  }
  return table;
}

// The most relevant domains of the crawled sources (spec/report.md, "Crawled
// data"): measured from the URLs of their document entries, where they have
// any, and the top_domains they declare, each against the template's rule.
void AddTopDomains(Document* doc, const SourceList& crawled, bool capped,
                   const v1::ModelFile* model) {
  const bool sme = model && model->sme() == v1::ANSWER_YES;
  const std::string rule =
      sme ? "the top 5% or 1,000 (whichever is fewer), as for an SME" : "the top 10%";
  DomainAmounts measured, declared;
  uint64_t documents = 0, declared_total = 0;
  bool declared_total_known = true;
  for (const SourceFacts* s : crawled) {
    for (const v1::DomainShare& d : s->measured_domains) {
      measured[d.domain()].first += d.bytes();
      measured[d.domain()].second += d.documents();
    }
    documents += s->documents;
    const v1::Provenance& p = s->source.provenance();
    for (const v1::DomainShare& d : p.top_domains()) {
      declared[d.domain()].first += d.bytes();
      declared[d.domain()].second += d.documents();
    }
    if (!p.top_domains().empty()) {
      declared_total += p.domain_count();
      declared_total_known &= p.domain_count() > 0;
    }
  }
  const std::string label = "Most relevant domain names by amount of content";
  if (!measured.empty()) {
    const uint64_t asked = DomainsAsked(measured.size(), sme);
    doc->AddItem(label, Text("measured from the URLs of " + FormatCount(documents) +
                             " document entries of the crawled sources, by bytes as stored per "
                             "registrable domain (Public Suffix List): " +
                             FormatCount(measured.size()) + (capped ? " or more" : "") +
                             " domains in total; " + rule + " by size are " + FormatCount(asked) +
                             (asked == 1 ? " domain:" : " domains:")));
    doc->Add(DomainTable(Ranked(measured), asked));
  }
  if (!declared.empty()) {
    std::string how = "as declared in the manifest: " + FormatCount(declared.size()) +
                      (declared.size() == 1 ? " domain" : " domains");
    if (declared_total_known && declared_total > 0) {
      const uint64_t asked = DomainsAsked(declared_total, sme);
      how += " of " + FormatCount(declared_total) + " declared in total; " + rule + " are " +
             FormatCount(asked) +
             (declared.size() >= asked ? ", so the list meets the template's rule"
                                       : ", so the list is short of the template's rule");
    } else {
      how +=
          "; whether that meets the template's rule cannot be said, as the total number of "
          "domains (provenance.domain_count) is not stated";
    }
    doc->AddItem(label, Text(how));
    doc->Add(DomainTable(Ranked(declared), declared.size()));
    if (!declared_total_known && measured.empty()) {
      doc->NoteGap(label, "total number of domains (provenance.domain_count) not stated");
    }
  }
  std::vector<std::string> lacking;
  for (const SourceFacts* s : crawled) {
    if (s->measured_domains.empty() && s->source.provenance().top_domains().empty()) {
      lacking.push_back(s->source.id());
    }
  }
  AddItemWithGaps(doc, label, {}, lacking, "top domains (declared, or URLs of document entries)");
}

void AddCrawled(Document* doc, const ManifestFacts& facts, const v1::ModelFile* model) {
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
    for (const std::string& t : ContentKinds(s->source)) AddUnique(&types, t);
  }
  AddItemWithGaps(doc, "Types of content crawled", Text(Join(types)),
                  Lacking(crawled, [](const v1::Source& s) { return !ContentKinds(s).empty(); }),
                  "kinds of content (content_types in words)");
  AddSourceDescriptions(doc, "Online sources crawled", crawled);
  AddTopDomains(doc, crawled, facts.domains_capped, model);
}

}  // namespace

void AddEuDataSources(Document* doc, const ManifestFacts& facts, const v1::ModelFile* model) {
  doc->AddHeading(2, "2. List of data sources");
  AddPublicDatasets(doc, facts);
  AddPrivateDatasets(doc, facts);
  AddCrawled(doc, facts, model);
  AddEuUserSyntheticOther(doc, facts);
}

}  // namespace dtm::internal
