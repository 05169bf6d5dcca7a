// The EU AI Act public summary of training content (AI Office template, July
// 2025): the header and section 1, "General information" (spec/report.md,
// "eu-ai-act"). Sections 2 and 3 are in report/eu_sources.cc.
#include <algorithm>

#include "dtm/format.h"
#include "report/eu.h"

namespace dtm::internal {

void ModelGap(Document* doc, const v1::ModelFile* model, const std::string& label,
              const std::string& field) {
  doc->AddGap(label, model ? "the model file does not give " + field
                           : "no model file was given (dtm report --model)");
}

namespace {

std::string ModelName(const v1::ModelRef& m) {
  return m.version().empty() ? m.name() : m.name() + " " + m.version();
}

void AddSummaryVersion(Document* doc, const v1::ModelFile* model,
                       const std::vector<std::string>& warnings) {
  doc->AddHeading(2, "Summary version");
  for (const std::string& w : warnings) doc->AddParagraph(Text("Notice: " + w + "."));
  if (model && !model->summary_version().empty()) {
    doc->AddItem("Version of this summary", model->summary_version());
  } else {
    ModelGap(doc, model, "Version of this summary", "summary_version");
  }
  if (model && HasTime(model->summary_updated())) {
    doc->AddItem("Date of last update", FormatDate(model->summary_updated()));
  } else {
    ModelGap(doc, model, "Date of last update", "summary_updated");
  }
  if (!model) {
    ModelGap(doc, model, "Earlier versions of this summary", "previous_summaries");
    return;
  }
  if (model->previous_summaries().empty()) {
    doc->AddItem("Earlier versions of this summary", "none listed in the model file");
    return;
  }
  std::vector<Inline> lines;
  for (const v1::SummaryVersion& v : model->previous_summaries()) {
    Inline line = Text("Version " + v.version());
    if (HasTime(v.published())) Append(&line, Text(FormatDate(v.published())), ", ");
    Append(&line, UrlText(v.url()), ", ");
    lines.push_back(std::move(line));
  }
  doc->AddItem("Earlier versions of this summary", {}, std::move(lines));
}

void AddProvider(Document* doc, const ManifestFacts& facts, const v1::ModelFile* model) {
  doc->AddHeading(3, "1.1 Provider identification");
  const std::string label = "Provider name and contact details";
  if (model && !model->model().provider().name().empty()) {
    doc->AddItem(label, PartyText(model->model().provider()));
    if (model->model().provider().contact().empty()) {
      doc->AddGap("Provider contact details",
                  "the model file does not give model.provider.contact");
    }
  } else {
    ModelGap(doc, model, label, "model.provider");
  }
  const std::string rep = "Authorised representative (providers established outside the EU)";
  if (model && !model->authorised_representative().name().empty()) {
    doc->AddItem(rep, PartyText(model->authorised_representative()));
  } else {
    ModelGap(doc, model, rep, "authorised_representative");
  }
  doc->AddItem("Publisher of the training-data manifest", PartyText(facts.header.publisher()));
}

void AddModelIdentification(Document* doc, const ManifestFacts& facts, const v1::ModelFile* model) {
  doc->AddHeading(3, "1.2 Model identification");
  if (model && !model->model().name().empty()) {
    std::vector<std::string> names = {ModelName(model->model())};
    for (const v1::ModelRef& m : model->other_versions()) names.push_back(ModelName(m));
    doc->AddItem("Versioned model name(s)", Join(names));
    if (model->model().version().empty()) {
      doc->AddGap("Model version", "the model file does not give model.version");
    }
  } else {
    ModelGap(doc, model, "Versioned model name(s)", "model.name");
  }
  std::vector<std::string> trained;
  for (const v1::ModelRef& m : facts.header.models()) trained.push_back(ModelName(m));
  if (!trained.empty())
    doc->AddItem("Models the manifest names as trained on this data", Join(trained));

  const std::string dep = "Model dependencies (base model of a modification)";
  const bool has_base = model && !model->base_model().name().empty();
  if (has_base) {
    Inline base = Text(ModelName(model->base_model()));
    if (!model->base_model().provider().name().empty()) {
      Append(&base, Text("by " + model->base_model().provider().name()), " ");
    }
    if (!model->base_model().url().empty()) {
      Append(&base, Text("; its summary: "));
      Append(&base, UrlText(model->base_model().url()));
    }
    doc->AddItem(dep, base);
    if (model->base_model().url().empty()) {
      doc->AddGap("Link to the base model's summary",
                  "the model file does not give base_model.url");
    }
  } else if (model && model->modification() == v1::ANSWER_NO) {
    doc->AddItem(dep, "none: the model is not a modification of another general-purpose AI model");
  } else if (model && model->modification() == v1::ANSWER_YES) {
    doc->AddGap(dep, "the model file says the model is a modification but gives no base_model");
  } else {
    ModelGap(doc, model, dep, "modification or base_model");
  }
  if (model && HasTime(model->placed_on_market())) {
    doc->AddItem("Date of placement on the Union market", FormatDate(model->placed_on_market()));
  } else {
    ModelGap(doc, model, "Date of placement on the Union market", "placed_on_market");
  }
}

// One modality of the EU template and the sources that have it.
struct ModalityRow {
  const char* name;
  SourceList sources;
};

// The size bin of one modality row, or a gap.
Inline SizeCell(Document* doc, const ModalityRow& row) {
  const std::string name = row.name;
  bool estimated = false;
  for (const SourceFacts* s : row.sources) estimated |= s->source.counts().estimated();
  const std::string est = estimated ? " (some counts are estimates)" : "";
  auto lacking_note = [&](const std::vector<std::string>& lacking, const std::string& what) {
    doc->NoteGap("Training data size (" + name + ")",
                 what + " not stated for " + std::to_string(lacking.size()) +
                     (lacking.size() == 1 ? " source: " : " sources: ") + IdList(lacking));
  };
  if (name == "text") {
    uint64_t tokens = 0;
    std::vector<std::string> tokenizers;
    for (const SourceFacts* s : row.sources) {
      tokens += s->source.counts().tokens();
      AddUnique(&tokenizers, s->source.counts().tokenizer());
    }
    auto lacking =
        Lacking(row.sources, [](const v1::Source& s) { return s.counts().tokens() > 0; });
    const std::string counted =
        GroupDigits(tokens) + " tokens (tokenizers: " + Join(tokenizers) + ")";
    if (lacking.empty() || tokens > 10'000'000'000'000ull) {
      if (!lacking.empty()) lacking_note(lacking, "token count");
      return Text(TextSizeBin(tokens) + ": " + counted + est);
    }
    lacking_note(lacking, "token count");
    return Text("Gap: at least " + counted + "; token count not stated for " + IdList(lacking));
  }
  if (name == "image") {
    uint64_t images = 0;
    for (const SourceFacts* s : row.sources) images += s->source.counts().images();
    auto lacking =
        Lacking(row.sources, [](const v1::Source& s) { return s.counts().images() > 0; });
    if (lacking.empty() || images > 1'000'000'000ull) {
      if (!lacking.empty()) lacking_note(lacking, "image count");
      return Text(ImageSizeBin(images) + ": " + GroupDigits(images) + " images" + est);
    }
    lacking_note(lacking, "image count");
    return Text("Gap: at least " + GroupDigits(images) + " images; image count not stated for " +
                IdList(lacking));
  }
  if (name == "audio" || name == "video") {
    double hours = 0;
    for (const SourceFacts* s : row.sources) hours += s->source.counts().hours();
    auto lacking = Lacking(row.sources, [](const v1::Source& s) { return s.counts().hours() > 0; });
    if (lacking.empty() || hours > 1'000'000.0) {
      if (!lacking.empty()) lacking_note(lacking, "duration");
      return Text(AudioVideoSizeBin(hours) + ": " + FormatHours(hours) + " hours" + est);
    }
    lacking_note(lacking, "duration");
    return Text("Gap: at least " + FormatHours(hours) + " hours; duration not stated for " +
                IdList(lacking));
  }
  uint64_t bytes = 0;
  for (const SourceFacts* s : row.sources) bytes += s->bytes;
  return Text(HumanBytes(bytes) + " in files (the template has no size bins for other data)");
}

// The latest date of acquisition over every source, ongoing ones included: a
// source still being collected was acquired up to the manifest's creation at
// most, and at least up to its start.
void AddAcquisitionDates(Document* doc, const ManifestFacts& facts, const v1::ModelFile* model) {
  const SourceList all = Select(facts, [](const v1::Source&) { return true; });
  int64_t latest_end = 0, latest_start_ongoing = 0;
  std::vector<std::string> ongoing;
  for (const SourceFacts* s : all) {
    const v1::Provenance& p = s->source.provenance();
    if (p.collection_ongoing()) {
      ongoing.push_back(s->source.id() + (HasTime(p.collection_start())
                                              ? " (since " + FormatDate(p.collection_start()) + ")"
                                              : ""));
      latest_start_ongoing = std::max(latest_start_ongoing, p.collection_start().seconds());
    } else if (HasTime(p.collection_end())) {
      latest_end = std::max(latest_end, p.collection_end().seconds());
    }
  }
  auto lacking = Lacking(all, [](const v1::Source& s) {
    return s.provenance().collection_ongoing() || HasTime(s.provenance().collection_end());
  });
  std::string value;
  if (ongoing.empty()) {
    if (latest_end) value = FormatDate(latest_end) + " (the latest end of collection)";
  } else {
    const int64_t at_least = std::max(latest_end, latest_start_ongoing);
    const bool created = HasTime(facts.header.created());
    value = (created ? "between " + FormatDate(at_least) + " and " +
                           FormatDate(Day(facts.header.created()) * 86400)
                     : FormatDate(at_least) + " or later") +
            ": collection is ongoing for " + IdList(ongoing) +
            (created ? ", and the manifest, created " +
                           FormatDate(Day(facts.header.created()) * 86400) +
                           ", lists what was acquired by then"
                     : "") +
            (latest_end ? "; the latest end of a finished collection is " + FormatDate(latest_end)
                        : "");
  }
  AddItemWithGaps(doc, "Latest date of data acquisition", Text(value), lacking,
                  "end of collection (or that it is ongoing)");
  const std::string cont = "Continued training on newer data after placement on the market";
  if (model && model->continued_training() != v1::ANSWER_UNSPECIFIED) {
    doc->AddItem(cont, AnswerText(model->continued_training()));
  } else {
    ModelGap(doc, model, cont, "continued_training");
  }
  std::vector<std::string> languages;
  for (const SourceFacts* s : all) {
    for (const std::string& l : s->source.languages()) AddUnique(&languages, l);
  }
  std::sort(languages.begin(), languages.end());
  AddItemWithGaps(doc, "Languages", Text(Join(languages)),
                  Lacking(all, [](const v1::Source& s) { return !s.languages().empty(); }),
                  "languages");
  std::vector<std::string> other = {facts.header.dataset().description()};
  if (model) other.push_back(model->other_characteristics());
  const std::string text = Join(other, " ");
  doc->AddItem("Other relevant characteristics", text.empty() ? "none stated" : text);
}

void AddModalities(Document* doc, const ManifestFacts& facts, const v1::ModelFile* model) {
  doc->AddHeading(3, "1.3 Modalities, overall training data size and other characteristics");
  Table table{{"modality", "used", "training data size", "types of content"}, {}, {}};
  for (const char* name : {"text", "image", "audio", "video", "other"}) {
    const ModalityRow row{name, Select(facts, [name](const v1::Source& s) {
                            return EuModality(s.modality()) == name;
                          })};
    if (row.sources.empty()) {
      table.rows.push_back({Text(row.name), Text("no"), Text("-"), Text("-")});
      continue;
    }
    std::vector<std::string> types;
    for (const SourceFacts* s : row.sources) {
      for (const std::string& t : ContentKinds(s->source)) AddUnique(&types, t);
    }
    auto lacking =
        Lacking(row.sources, [](const v1::Source& s) { return !ContentKinds(s).empty(); });
    std::string types_text = Join(types);
    if (!lacking.empty()) {
      doc->NoteGap(std::string("Types of content (") + row.name + ")",
                   "kinds of content (content_types in words) not stated for: " + IdList(lacking));
      types_text += (types_text.empty() ? "Gap: " : "; gap: ") + std::string("not stated for ") +
                    IdList(lacking);
    }
    table.rows.push_back({Text(row.name), Text("yes"), SizeCell(doc, row), Text(types_text)});
  }
  doc->Add(std::move(table));
  doc->AddParagraph(
      Text("The template's modalities have no code of its own: sources of modality code are "
           "reported as text. Sizes are the sums of the counts the manifest's sources declare; "
           "the bins are those of the template. Types of content are the kinds the sources "
           "name; their file formats (media types) are not asked for and not shown."));
  AddAcquisitionDates(doc, facts, model);
}

}  // namespace

std::string EuModality(int modality) {
  switch (modality) {
    case v1::MODALITY_TEXT:
    case v1::MODALITY_CODE:
      return "text";
    case v1::MODALITY_IMAGE:
      return "image";
    case v1::MODALITY_AUDIO:
      return "audio";
    case v1::MODALITY_VIDEO:
      return "video";
  }
  return "other";
}

Document BuildEuAiAct(const ManifestFacts& facts, const ReportOptions& options) {
  const v1::ModelFile* model = options.model;
  Document doc;
  doc.title = "Public summary of training content";
  Inline intro = Text("Summary of the content used to train ");
  intro.push_back(Span{model && !model->model().name().empty() ? ModelName(model->model())
                       : facts.scope ? ModelLabel(facts, facts.scope->model)
                                     : "the model (not named: no model file)",
                       "", true});
  Append(&intro,
         Text(", after the template of the AI Office for Article 53(1)(d) of the EU AI "
              "Act, made from the training-data manifest " +
              facts.header.dataset().name() + " " + facts.header.dataset().version() + "."));
  doc.AddParagraph(std::move(intro));
  doc.Add(GapCount{});
  AddScope(&doc, facts, "the model");
  // Training content only: data used only to validate, test or evaluate is
  // not trained on.
  ManifestFacts training = facts;
  training.sources.clear();
  std::vector<std::string> held_out, no_roles;
  for (const SourceFacts& s : facts.sources) {
    if (!TrainingContent(s.source)) {
      held_out.push_back(s.source.id() + " (" + RoleList(s.source) + ")");
      continue;
    }
    if (s.source.roles().empty()) no_roles.push_back(s.source.id());
    training.sources.push_back(s);
  }
  doc.AddItem("Left out as not training content (used only to validate, test or evaluate)",
              held_out.empty() ? "none" : IdList(held_out));
  AddItemWithGaps(&doc, "Roles in development", {}, no_roles,
                  "roles (counted as training content)");
  AddSummaryVersion(&doc, model, ReportWarnings(facts, options));
  doc.AddHeading(2, "1. General information");
  AddProvider(&doc, training, model);
  AddModelIdentification(&doc, training, model);
  AddModalities(&doc, training, model);
  AddEuDataSources(&doc, training, model);
  AddEuProcessing(&doc, training, model);
  AddProvenanceSection(&doc, facts, options.generator, 2);
  doc.Add(GapList{});
  return doc;
}

}  // namespace dtm::internal
