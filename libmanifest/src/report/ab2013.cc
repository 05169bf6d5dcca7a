// California AB 2013 documentation (Civil Code 3111): the twelve items, in
// total and per dataset (spec/report.md, "ab2013"). Every item is written
// by one function over a list of sources, so the total and the per-dataset
// sections say the same things in the same words.
#include <algorithm>
#include <map>

#include "dtm/format.h"
#include "report/templates.h"

namespace dtm::internal {
namespace {

using AnswerOf = std::function<int(const v1::Source&)>;

// "yes for 2 sources (a, b); no for 1 source (c)"; one source: just its answer.
std::string AnswerBreakdown(const SourceList& sources, const AnswerOf& answer) {
  if (sources.size() == 1) return AnswerText(answer(sources[0]->source));
  std::map<int, std::vector<std::string>> by_answer;
  for (const SourceFacts* s : sources) by_answer[answer(s->source)].push_back(s->source.id());
  if (by_answer.size() == 1) {
    return AnswerText(by_answer.begin()->first) + " (all " + std::to_string(sources.size()) +
           " sources)";
  }
  std::vector<std::string> parts;
  for (int a : {v1::ANSWER_YES, v1::ANSWER_NO, v1::ANSWER_UNKNOWN, v1::ANSWER_UNSPECIFIED}) {
    const auto& ids = by_answer[a];
    if (ids.empty()) continue;
    parts.push_back(AnswerText(a) + " for " + std::to_string(ids.size()) +
                    (ids.size() == 1 ? " source (" : " sources (") + IdList(ids) + ")");
  }
  return Join(parts, "; ");
}

// An item answered yes/no/unknown per source; UNSPECIFIED is a gap.
void AddAnswerItem(Document* doc, const std::string& label, const SourceList& sources,
                   const AnswerOf& answer, const std::string& field) {
  AddItemWithGaps(
      doc, label, Text(AnswerBreakdown(sources, answer)),
      Lacking(sources, [&](const v1::Source& s) { return answer(s) != v1::ANSWER_UNSPECIFIED; }),
      field);
}

void Item1Owners(Document* doc, const SourceList& sources) {
  std::vector<Inline> lines;
  for (const SourceFacts* s : sources) {
    const v1::Provenance& p = s->source.provenance();
    std::vector<std::string> parties;
    if (!p.owner().name().empty()) parties.push_back("owner: " + p.owner().name());
    if (!p.creator().name().empty()) parties.push_back("creator: " + p.creator().name());
    if (!p.publisher().name().empty()) parties.push_back("publisher: " + p.publisher().name());
    for (const v1::Party& o : s->source.governance().owners()) {
      parties.push_back("data owner: " + o.name());
    }
    Inline line = Text(SourceLabel(s->source));
    Append(&line, Text(Join(parties, "; ")), ": ");
    if (!s->source.urls().empty()) Append(&line, UrlText(s->source.urls(0)), ", ");
    lines.push_back(std::move(line));
  }
  doc->AddItem("1. Sources or owners of the datasets", {}, std::move(lines));
}

void Item2Purpose(Document* doc, const ManifestFacts& facts, const SourceList& sources,
                  bool total) {
  const std::string label = "2. How the datasets further the intended purpose of the system";
  const std::string& overall = facts.header.dataset().intended_purpose();
  if (total) {
    if (overall.empty()) {
      doc->AddGap(label, "the manifest's dataset.intended_purpose is empty");
    } else {
      doc->AddItem(label, overall);
    }
    return;
  }
  const std::string& own = sources[0]->source.intended_purpose();
  if (!own.empty()) {
    doc->AddItem(label, own);
  } else if (!overall.empty()) {
    doc->AddItem(label, "as for the whole dataset: " + overall);
  } else {
    doc->AddGap(label, "intended_purpose not stated for " + sources[0]->source.id());
  }
}

void Item3DataPoints(Document* doc, const SourceList& sources) {
  uint64_t documents = 0, lo = 0, hi = 0, measured = 0, measured_sources = 0;
  bool estimated = false, ranged = false;
  std::vector<std::string> lacking;
  for (const SourceFacts* s : sources) {
    const v1::Counts& c = s->source.counts();
    documents += c.documents();
    estimated |= c.estimated();
    const bool has_range = c.documents_max() > 0;
    ranged |= has_range;
    lo += has_range ? c.documents_min() : c.documents();
    hi += has_range ? c.documents_max() : c.documents();
    // A public view withholds the document entries: nothing measured to say.
    if (!s->withheld && (s->source.has_documents() || s->documents > 0)) {
      measured += s->documents;
      ++measured_sources;
    }
    if (c.documents() == 0 && !s->source.has_documents() && s->documents == 0) {
      lacking.push_back(s->source.id());
    }
  }
  std::string value = documents ? GroupDigits(documents) + " declared" : "";
  if (documents && estimated) value += " (estimated)";
  if (documents && ranged) value += "; range " + GroupDigits(lo) + " to " + GroupDigits(hi);
  if (measured_sources > 0) {
    value += std::string(value.empty() ? "" : "; ") + GroupDigits(measured) +
             " measured: the document entries of " + GroupDigits(measured_sources) +
             (measured_sources == 1 ? " source" : " sources");
  }
  AddItemWithGaps(doc, "3. Number of data points", Text(value), lacking,
                  "counts.documents (or document entries)");
}

void Item4Types(Document* doc, const SourceList& sources) {
  std::vector<std::string> types, formats, labels, tasks;
  for (const SourceFacts* s : sources) {
    for (const auto& t : ContentKinds(s->source)) AddUnique(&types, t);
    for (const auto& t : MediaTypes(s->source)) AddUnique(&formats, t);
    for (const auto& t : s->source.label_types()) AddUnique(&labels, t);
    for (const auto& t : s->source.task_categories()) AddUnique(&tasks, t);
  }
  std::vector<std::string> parts = {"modalities: " + ModalityList(sources)};
  if (!types.empty()) parts.push_back("content: " + Join(types));
  parts.push_back(labels.empty() ? "no label types stated" : "label types: " + Join(labels));
  if (!tasks.empty()) parts.push_back("task categories: " + Join(tasks));
  if (!formats.empty()) parts.push_back("file formats: " + Join(formats));
  AddItemWithGaps(doc, "4. Types of data points", Text(Join(parts, "; ")),
                  Lacking(sources, [](const v1::Source& s) { return !ContentKinds(s).empty(); }),
                  "kinds of content (content_types in words)");
}

void Item5Rights(Document* doc, const SourceList& sources) {
  AddAnswerItem(
      doc, "5. Protected by copyright", sources,
      [](const v1::Source& s) { return s.license().copyright(); }, "license.copyright");
  AddAnswerItem(
      doc, "5. Protected by trademark", sources,
      [](const v1::Source& s) { return s.license().trademark(); }, "license.trademark");
  AddAnswerItem(
      doc, "5. Protected by patent", sources,
      [](const v1::Source& s) { return s.license().patent(); }, "license.patent");
  // Entirely in the public domain: yes only if every source says so.
  AddAnswerItem(
      doc, "5. Entirely in the public domain", sources,
      [](const v1::Source& s) -> int {
        switch (s.license().rights()) {
          case v1::RIGHTS_STATUS_PUBLIC_DOMAIN:
            return v1::ANSWER_YES;
          case v1::RIGHTS_STATUS_COPYRIGHTED:
          case v1::RIGHTS_STATUS_MIXED:
            return v1::ANSWER_NO;
          case v1::RIGHTS_STATUS_UNKNOWN:
            return v1::ANSWER_UNKNOWN;
          default:
            return v1::ANSWER_UNSPECIFIED;
        }
      },
      "license.rights");
}

// "Purchased or licensed" is read as: obtained under a licence agreed with,
// or bought from, the rights holder or a data vendor. Data under a public
// licence offered to everyone is not counted, and the reading is stated.
void Item6Licensed(Document* doc, const SourceList& sources, bool total) {
  std::vector<std::string> licensed, purchased, public_licence;
  for (const SourceFacts* s : sources) {
    const int m = s->source.provenance().acquisition();
    if (m == v1::ACQUISITION_METHOD_LICENSED) licensed.push_back(s->source.id());
    if (m == v1::ACQUISITION_METHOD_PURCHASED) purchased.push_back(s->source.id());
    if (m == v1::ACQUISITION_METHOD_PUBLIC_DATASET) {
      public_licence.push_back(s->source.id() + " (" + s->source.license().expression() + ")");
    }
  }
  std::string value = licensed.empty() && purchased.empty() ? "no" : "yes";
  if (!licensed.empty()) value += "; licensed: " + IdList(licensed);
  if (!purchased.empty()) value += "; purchased: " + IdList(purchased);
  if (sources.size() == 1) {
    value += " (acquired as " +
             EnumName(v1::AcquisitionMethod_descriptor(),
                      sources[0]->source.provenance().acquisition()) +
             ")";
  }
  if (total) {
    value +=
        ". Read as: obtained under a licence agreed with, or bought from, the rights holder or a "
        "data vendor (acquisition licensed or purchased)";
    if (!public_licence.empty()) {
      value +=
          "; public datasets used under the licence they are published with are not "
          "counted: " +
          IdList(public_licence);
    }
  }
  doc->AddItem("6. Purchased or licensed", value);
}

void Item9Processing(Document* doc, const SourceList& sources, bool total) {
  const std::string label = "9. Cleaning, processing or other modification, and its purpose";
  std::vector<Inline> lines;
  std::map<int, std::vector<std::string>> by_purpose;
  for (const SourceFacts* s : sources) {
    for (const v1::ProcessingStep& step : s->source.processing()) {
      AddUnique(&by_purpose[step.purpose()], s->source.id());
      if (total) continue;
      std::string line = step.purpose() == v1::PROCESSING_PURPOSE_NONE
                             ? std::string("none: used as obtained")
                             : EnumName(v1::ProcessingPurpose_descriptor(), step.purpose());
      if (!step.description().empty()) line += ": " + step.description();
      std::vector<std::string> how = {Join({step.tool().name(), step.tool().version()}, " ")};
      if (HasTime(step.performed_at())) how.push_back(FormatDate(step.performed_at()));
      if (!Join(how).empty()) line += " (" + Join(how) + ")";
      lines.push_back(Text(line));
    }
  }
  if (total) {
    for (const auto& [purpose, ids] : by_purpose) {
      lines.push_back(Text((purpose == v1::PROCESSING_PURPOSE_NONE
                                ? std::string("none (used as obtained)")
                                : EnumName(v1::ProcessingPurpose_descriptor(), purpose)) +
                           ": " + IdList(ids)));
    }
  }
  if (!lines.empty()) {
    doc->AddItem(label, {}, std::move(lines));
  }
  AddItemWithGaps(doc, label, {},
                  Lacking(sources, [](const v1::Source& s) { return !s.processing().empty(); }),
                  "processing steps (or the step 'none')");
}

void Item10Period(Document* doc, const SourceList& sources) {
  int64_t start = 0, end = 0;
  std::vector<std::string> ongoing;
  for (const SourceFacts* s : sources) {
    const v1::Provenance& p = s->source.provenance();
    if (HasTime(p.collection_start()) && (!start || p.collection_start().seconds() < start)) {
      start = p.collection_start().seconds();
    }
    if (HasTime(p.collection_end())) end = std::max(end, p.collection_end().seconds());
    if (p.collection_ongoing()) ongoing.push_back(s->source.id());
  }
  std::string value;
  if (start) value = FormatDate(start) + " to " + (end ? FormatDate(end) : "(no end date)");
  if (!ongoing.empty()) {
    value += (value.empty() ? "" : ". ") + std::string("Notice: collection is ongoing") +
             (sources.size() > 1 ? " for " + IdList(ongoing) : "");
  }
  const std::string label = "10. Time period of collection";
  AddItemWithGaps(
      doc, label, Text(value),
      Lacking(sources,
              [](const v1::Source& s) { return HasTime(s.provenance().collection_start()); }),
      "collection_start");
  AddItemWithGaps(doc, label, {},
                  Lacking(sources,
                          [](const v1::Source& s) {
                            return HasTime(s.provenance().collection_end()) ||
                                   s.provenance().collection_ongoing();
                          }),
                  "collection_end (or collection_ongoing)");
}

void Item11FirstUsed(Document* doc, const SourceList& sources) {
  int64_t first = 0;
  for (const SourceFacts* s : sources) {
    const auto& t = s->source.provenance().first_used();
    if (HasTime(t) && (!first || t.seconds() < first)) first = t.seconds();
  }
  std::string value = first ? FormatDate(first) : "";
  if (first && sources.size() > 1) value += " (the earliest; see each dataset below)";
  AddItemWithGaps(
      doc, "11. Dates first used in development", Text(value),
      Lacking(sources, [](const v1::Source& s) { return HasTime(s.provenance().first_used()); }),
      "first_used");
}

// Item 12 asks whether the system "used or continuously uses" synthetic data
// generation: a source still being generated is "continuously".
void Item12Synthetic(Document* doc, const SourceList& sources) {
  std::vector<std::string> continuing, finished, unstated;
  for (const SourceFacts* s : sources) {
    if (s->source.provenance().acquisition() != v1::ACQUISITION_METHOD_GENERATED_BY_MODEL) continue;
    const v1::Generation& g = s->source.generation();
    const v1::Provenance& p = s->source.provenance();
    const std::string by = s->source.id() + " by " + Join({g.model(), g.model_version()}, " ");
    if (p.collection_ongoing()) {
      continuing.push_back(by + ", generation ongoing");
    } else if (HasTime(p.collection_end())) {
      finished.push_back(by + ", generated " + PeriodText(p));
    } else {
      unstated.push_back(by);
      doc->NoteGap("12. Synthetic data generation used",
                   "whether generation continues (collection_end or collection_ongoing) is not "
                   "stated for " +
                       s->source.id());
    }
  }
  std::vector<std::string> parts;
  if (!continuing.empty()) parts.push_back("yes, continuously: " + Join(continuing, "; "));
  if (!finished.empty()) parts.push_back("yes, not continuously: " + Join(finished, "; "));
  if (!unstated.empty()) {
    parts.push_back("yes; whether it continues is not stated: " + Join(unstated, "; "));
  }
  doc->AddItem("12. Synthetic data generation used", parts.empty() ? "no" : Join(parts, ". "));
}

// Not one of the twelve items: the stages of development each dataset was
// used in, since section 3110 counts testing, validating and fine-tuning as
// training.
void RolesItem(Document* doc, const SourceList& sources, bool total) {
  const std::string label = "Used in development as";
  if (!total) {
    const std::string roles = RoleList(sources[0]->source);
    doc->AddItem(label, roles.empty() ? "not stated" : roles);
    return;
  }
  std::map<int, std::vector<std::string>> by_role;
  std::vector<std::string> unstated;
  for (const SourceFacts* s : sources) {
    if (s->source.roles().empty()) unstated.push_back(s->source.id());
    for (int role : s->source.roles()) by_role[role].push_back(s->source.id());
  }
  std::vector<Inline> lines;
  for (const auto& [role, ids] : by_role) {
    lines.push_back(Text(EnumName(v1::DevelopmentRole_descriptor(), role) + ": " + IdList(ids)));
  }
  if (!unstated.empty()) lines.push_back(Text("not stated: " + IdList(unstated)));
  doc->AddItem(label, {}, std::move(lines));
}

void AddItems(Document* doc, const ManifestFacts& facts, const SourceList& sources, bool total) {
  RolesItem(doc, sources, total);
  Item1Owners(doc, sources);
  Item2Purpose(doc, facts, sources, total);
  Item3DataPoints(doc, sources);
  Item4Types(doc, sources);
  Item5Rights(doc, sources);
  Item6Licensed(doc, sources, total);
  AddAnswerItem(
      doc, "7. Includes personal information", sources,
      [](const v1::Source& s) { return s.personal_data().contains_personal_information(); },
      "personal_data.contains_personal_information");
  AddAnswerItem(
      doc, "8. Includes aggregate consumer information", sources,
      [](const v1::Source& s) {
        return s.personal_data().contains_aggregate_consumer_information();
      },
      "personal_data.contains_aggregate_consumer_information");
  Item9Processing(doc, sources, total);
  Item10Period(doc, sources);
  Item11FirstUsed(doc, sources);
  Item12Synthetic(doc, sources);
}

}  // namespace

Document BuildAb2013(const ManifestFacts& facts, const std::string& generator) {
  Document doc;
  const v1::Header& h = facts.header;
  doc.title = "Training data documentation (California Civil Code 3111)";
  std::string system;
  if (facts.scope) {
    system = "the generative AI system " + ModelLabel(facts, facts.scope->model);
  } else {
    std::vector<std::string> models;
    for (const v1::ModelRef& m : h.models()) models.push_back(Join({m.name(), m.version()}, " "));
    system = models.empty() ? "the system (not named: the manifest names no model)"
                            : "the systems " + Join(models);
  }
  doc.AddParagraph(
      Text("High-level summary of the datasets used to develop " + system +
           ", as AB 2013 requires, made from the training-data manifest " + h.dataset().name() +
           " " + h.dataset().version() + " of " + h.publisher().name() + ": " +
           std::to_string(facts.sources.size()) +
           " datasets. Training here includes testing, validating and fine-tuning (Civil Code "
           "3110), so datasets used only to validate or test are covered too."));
  doc.Add(GapCount{});
  AddScope(&doc, facts, "the system");
  const SourceList all = Select(facts, [](const v1::Source&) { return true; });
  doc.AddHeading(2, "All datasets");
  AddItems(&doc, facts, all, true);
  for (const SourceFacts* s : all) {
    doc.AddHeading(2, "Dataset: " + SourceLabel(s->source));
    if (!s->source.description().empty()) doc.AddParagraph(Text(s->source.description()));
    AddItems(&doc, facts, {s}, false);
  }
  AddProvenanceSection(&doc, facts, generator, 2);
  doc.Add(GapList{});
  return doc;
}

}  // namespace dtm::internal
