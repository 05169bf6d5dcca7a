// The EU AI Act public summary, sections 2.4 to 2.6 (user, synthetic and other
// data) and 3 (data processing) (spec/report.md, "eu-ai-act").
#include <algorithm>
#include <map>

#include "report/eu.h"

namespace dtm::internal {

std::string EuModalityList(const SourceList& sources) {
  std::vector<std::string> names;
  for (const SourceFacts* s : sources) AddUnique(&names, EuModality(s->source.modality()));
  return Join(names);
}

bool AddUsed(Document* doc, const std::string& question, const SourceList& sources) {
  doc->AddItem(question, sources.empty() ? "no" : "yes");
  if (!sources.empty()) doc->AddItem("Modalities", EuModalityList(sources));
  return !sources.empty();
}

void AddSourceDescriptions(Document* doc, const std::string& label, const SourceList& sources) {
  std::vector<Inline> lines;
  for (const SourceFacts* s : sources) {
    Inline line;
    line.push_back(Span{SourceLabel(s->source), "", true});
    const v1::Provenance& p = s->source.provenance();
    const v1::Party& owner = p.has_owner() ? p.owner() : p.publisher();
    if (!owner.name().empty()) Append(&line, Text("from " + owner.name()), ", ");
    Append(&line, Text(SizeText(*s)), ", ");
    if (!s->source.description().empty()) Append(&line, Text(s->source.description()), ": ");
    lines.push_back(std::move(line));
  }
  doc->AddItem(label, {}, std::move(lines));
}

namespace {

void AddUserData(Document* doc, const ManifestFacts& facts) {
  doc->AddHeading(3, "2.4 User data");
  const SourceList user = Select(facts, Acquired({v1::ACQUISITION_METHOD_USER_DATA}));
  auto origin = [](v1::UserDataOrigin o) {
    return [o](const v1::Source& s) { return s.provenance().user_data_origin() == o; };
  };
  const auto unknown = Lacking(user, [](const v1::Source& s) {
    return s.provenance().user_data_origin() != v1::USER_DATA_ORIGIN_UNSPECIFIED;
  });
  const std::pair<const char*, v1::UserDataOrigin> questions[] = {
      {"Data from user interactions with the model", v1::USER_DATA_ORIGIN_MODEL_INTERACTIONS},
      {"Data collected from the provider's other services or products",
       v1::USER_DATA_ORIGIN_OTHER_SERVICES}};
  for (const auto& [question, o] : questions) {
    // An init-capture: clang 14 cannot capture a structured binding.
    const bool yes = !Select(facts, [&, o = o](const v1::Source& s) {
                        return Acquired({v1::ACQUISITION_METHOD_USER_DATA})(s) && origin(o)(s);
                      }).empty();
    if (yes || unknown.empty()) {
      doc->AddItem(question, yes ? "yes" : "no");
    } else {
      doc->AddGap(question, "user_data_origin not stated for " + IdList(unknown));
    }
  }
  if (user.empty()) return;
  doc->AddItem("Modalities", EuModalityList(user));
  AddSourceDescriptions(doc, "Services, products and data used", user);
  std::vector<Inline> consent;
  for (const SourceFacts* s : user) {
    Inline line = Text(s->source.id() + ": consent to training obtained: " +
                       AnswerText(s->source.provenance().consent_obtained()));
    Append(&line, UrlText(s->source.provenance().consent_terms_url()), "; terms: ");
    consent.push_back(std::move(line));
  }
  doc->AddItem("Consent", {}, std::move(consent));
}

void AddSynthetic(Document* doc, const ManifestFacts& facts) {
  doc->AddHeading(3, "2.5 Synthetic data");
  const SourceList synth = Select(facts, Acquired({v1::ACQUISITION_METHOD_GENERATED_BY_MODEL}));
  if (!AddUsed(doc, "Synthetic data used", synth)) return;
  Table models{{"source", "generating model", "provider", "public summary of the model",
                "training on outputs (as declared)"},
               {},
               {}};
  std::vector<std::string> no_summary, no_model;
  for (const SourceFacts* s : synth) {
    const v1::Generation& g = s->source.generation();
    if (g.model().empty()) no_model.push_back(s->source.id());
    Inline summary = UrlText(g.model_summary_url());
    if (g.model_summary_url().empty()) {
      no_summary.push_back(s->source.id());
      summary = Text("Gap: not stated");
    }
    models.rows.push_back(
        {Text(s->source.id()),
         Text(g.model() + (g.model_version().empty() ? "" : " " + g.model_version())),
         PartyText(g.provider()), summary,
         Text(EnumName(v1::TrainingPermission_descriptor(), g.training_permission()))});
  }
  doc->AddItem("Models that generated the data", Inline{});
  doc->Add(std::move(models));
  if (!no_model.empty()) doc->NoteGap("Generating model", "not stated for " + IdList(no_model));
  if (!no_summary.empty()) {
    doc->NoteGap("Link to the generating model's summary", "not stated for " + IdList(no_summary));
  }
  AddSourceDescriptions(doc, "Description", synth);
}

void AddOtherSources(Document* doc, const ManifestFacts& facts) {
  doc->AddHeading(3, "2.6 Other sources of data");
  const SourceList other =
      Select(facts, Acquired({v1::ACQUISITION_METHOD_HUMAN_WRITTEN, v1::ACQUISITION_METHOD_OTHER,
                              v1::ACQUISITION_METHOD_UNSPECIFIED}));
  if (AddUsed(doc, "Other sources used", other)) AddSourceDescriptions(doc, "Description", other);
}

// Processing steps of `purpose` across all sources, one line each.
std::vector<Inline> StepsFor(const ManifestFacts& facts, v1::ProcessingPurpose purpose) {
  std::vector<Inline> lines;
  for (const SourceFacts& s : facts.sources) {
    for (const v1::ProcessingStep& step : s.source.processing()) {
      if (step.purpose() != purpose) continue;
      std::string line = s.source.id() + ": " + step.description();
      if (!step.tool().name().empty()) {
        line += " (" + step.tool().name() + " " + step.tool().version() + ")";
      }
      lines.push_back(Text(line));
    }
  }
  return lines;
}

int MeasuresBy(const v1::Source& s);

// "as applicable, by third parties from which datasets have been obtained":
// every source obtained from a third party, with the measures it states.
void AddThirdPartyMeasures(Document* doc, const ManifestFacts& facts) {
  const SourceList obtained = Select(
      facts,
      Acquired({v1::ACQUISITION_METHOD_PUBLIC_DATASET, v1::ACQUISITION_METHOD_LICENSED,
                v1::ACQUISITION_METHOD_PURCHASED, v1::ACQUISITION_METHOD_THIRD_PARTY_PRIVATE}));
  const std::string label = "Measures of third parties from which datasets were obtained";
  if (obtained.empty()) {
    doc->AddItem(label, "none: no dataset was obtained from a third party");
    return;
  }
  std::vector<Inline> lines;
  for (const SourceFacts* s : obtained) {
    const v1::OptOutPolicy& p = s->source.opt_out_policy();
    std::string line;
    switch (MeasuresBy(s->source)) {
      case v1::OPT_OUT_MEASURES_BY_THIRD_PARTY:
        line = "measures of the party it was obtained from";
        break;
      case v1::OPT_OUT_MEASURES_BY_PUBLISHER:
        line = "the provider's own measures";
        break;
      case v1::OPT_OUT_MEASURES_BY_NOT_APPLICABLE:
        line = "not applicable";
        break;
      default:
        continue;  // a gap, below
    }
    std::vector<std::string> protocols;
    for (int m : p.honoured()) protocols.push_back(EnumName(v1::OptOutMechanism_descriptor(), m));
    if (!protocols.empty()) line += " (honoured: " + Join(protocols) + ")";
    if (!p.description().empty()) line += ": " + p.description();
    lines.push_back(Text(s->source.id() + ": " + line));
  }
  if (!lines.empty()) doc->AddItem(label, {}, std::move(lines));
  AddItemWithGaps(doc, label, {},
                  Lacking(obtained,
                          [](const v1::Source& s) {
                            return MeasuresBy(s) != v1::OPT_OUT_MEASURES_BY_UNSPECIFIED;
                          }),
                  "whose opt-out measures apply (opt_out_policy.measures_by)");
}

// Whose opt-out measures a source's policy states; UNSPECIFIED for a crawled
// source is the publisher's own (it collected the data).
int MeasuresBy(const v1::Source& s) {
  const int by = s.opt_out_policy().measures_by();
  if (by == v1::OPT_OUT_MEASURES_BY_UNSPECIFIED &&
      s.provenance().acquisition() == v1::ACQUISITION_METHOD_CRAWLED) {
    return v1::OPT_OUT_MEASURES_BY_PUBLISHER;
  }
  return by;
}

void AddOptOuts(Document* doc, const ManifestFacts& facts, const v1::ModelFile* model) {
  doc->AddHeading(3,
                  "3.1 Respect of reservations of rights from the text and data mining exception");
  const std::string cop =
      "Signatory of the copyright chapter of the General-Purpose AI Code of Practice";
  if (model && model->code_of_practice_signed() != v1::ANSWER_UNSPECIFIED) {
    doc->AddItem(cop, AnswerText(model->code_of_practice_signed()));
  } else {
    ModelGap(doc, model, cop, "code_of_practice_signed");
  }
  std::vector<std::string> honoured;
  for (const SourceFacts& s : facts.sources) {
    if (MeasuresBy(s.source) != v1::OPT_OUT_MEASURES_BY_PUBLISHER) continue;
    for (int m : s.source.opt_out_policy().honoured()) {
      AddUnique(&honoured, EnumName(v1::OptOutMechanism_descriptor(), m));
    }
  }
  const SourceList crawled = Select(facts, Acquired({v1::ACQUISITION_METHOD_CRAWLED}));
  AddItemWithGaps(
      doc, "Opt-out protocols honoured", Text(Join(honoured)),
      Lacking(crawled, [](const v1::Source& s) { return !s.opt_out_policy().honoured().empty(); }),
      "opt-out protocols of a crawled source");
  std::vector<Inline> measures;
  for (const SourceFacts& s : facts.sources) {
    if (MeasuresBy(s.source) == v1::OPT_OUT_MEASURES_BY_PUBLISHER &&
        !s.source.opt_out_policy().description().empty()) {
      measures.push_back(Text(s.source.id() + ": " + s.source.opt_out_policy().description()));
    }
  }
  for (Inline& step : StepsFor(facts, v1::PROCESSING_PURPOSE_OPT_OUT_REMOVAL)) {
    measures.push_back(std::move(step));
  }
  if (!measures.empty()) {
    doc->AddItem("Measures of the provider", {}, std::move(measures));
  }
  AddThirdPartyMeasures(doc, facts);
  // What was observed, and what was done about reservations.
  uint64_t total = 0, reserved = 0;
  std::map<int, uint64_t> actions;
  Table not_honoured{{"source", "mechanism", "scope", "observed", "value", "action"}, {}, {}};
  for (const SourceFacts& s : facts.sources) {
    for (const v1::OptOutObservation& o : s.source.opt_outs()) {
      ++total;
      if (o.reserved() != v1::ANSWER_YES) continue;
      ++reserved;
      ++actions[o.action()];
      if (o.action() == v1::OPT_OUT_ACTION_HONOURED) continue;
      not_honoured.rows.push_back(
          {Text(s.source.id()), Text(EnumName(v1::OptOutMechanism_descriptor(), o.mechanism())),
           Text(o.scope()), Text(FormatDate(o.observed_at())), Text(o.observed_value()),
           Text(EnumName(v1::OptOutAction_descriptor(), o.action()))});
    }
  }
  std::string observed = "observations recorded: " + FormatCount(total) +
                         "; of these reserving rights: " + FormatCount(reserved);
  for (const auto& [action, n] : actions) {
    observed += "; " + EnumName(v1::OptOutAction_descriptor(), action) + ": " + FormatCount(n);
  }
  doc->AddItem("Opt-out signals observed", observed);
  if (!not_honoured.rows.empty()) {
    doc->AddItem("Reservations not fully honoured", Inline{});
    doc->Add(std::move(not_honoured));
  }
}

void AddIllegalContent(Document* doc, const ManifestFacts& facts) {
  doc->AddHeading(3, "3.2 Removal of illegal content");
  std::vector<Inline> lines;
  for (const SourceFacts& s : facts.sources) {
    const v1::OptOutPolicy& p = s.source.opt_out_policy();
    if (p.illegal_content_removed() == v1::ANSWER_UNSPECIFIED &&
        p.illegal_content_measures().empty()) {
      continue;
    }
    lines.push_back(
        Text(s.source.id() + ": removed: " + AnswerText(p.illegal_content_removed()) +
             (p.illegal_content_measures().empty() ? "" : "; " + p.illegal_content_measures())));
  }
  for (Inline& step : StepsFor(facts, v1::PROCESSING_PURPOSE_ILLEGAL_CONTENT_REMOVAL)) {
    lines.push_back(std::move(step));
  }
  if (!lines.empty()) {
    doc->AddItem("Measures", {}, std::move(lines));
  }
  const SourceList all = Select(facts, [](const v1::Source&) { return true; });
  AddItemWithGaps(
      doc, "Measures", {},
      Lacking(all,
              [](const v1::Source& s) {
                if (s.opt_out_policy().illegal_content_removed() != v1::ANSWER_UNSPECIFIED)
                  return true;
                return std::any_of(s.processing().begin(), s.processing().end(), [](const auto& p) {
                  return p.purpose() == v1::PROCESSING_PURPOSE_ILLEGAL_CONTENT_REMOVAL;
                });
              }),
      "removal of illegal content");
}

}  // namespace

void AddEuUserSyntheticOther(Document* doc, const ManifestFacts& facts) {
  AddUserData(doc, facts);
  AddSynthetic(doc, facts);
  AddOtherSources(doc, facts);
}

void AddEuProcessing(Document* doc, const ManifestFacts& facts, const v1::ModelFile* model) {
  doc->AddHeading(2, "3. Data processing aspects");
  AddOptOuts(doc, facts, model);
  AddIllegalContent(doc, facts);
  doc->AddHeading(3, "3.3 Other information");
  const std::string other = model ? model->other_information() : "";
  doc->AddItem("Other information", other.empty() ? "none given" : other);
}

}  // namespace dtm::internal
