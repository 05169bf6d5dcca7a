// The parts of the EU AI Act summary (report/eu.cc, report/eu_sources.cc).
#pragma once

#include "report/templates.h"

namespace dtm::internal {

// The modality of the EU template a schema modality belongs to: "text" (text
// and code), "image", "audio", "video" or "other".
std::string EuModality(int modality);
// A gap for an item the model file answers: it was not given, or lacks `field`.
void ModelGap(Document* doc, const v1::ModelFile* model, const std::string& label,
              const std::string& field);
// "text, image": the template modalities of `sources`, in order of first use.
std::string EuModalityList(const SourceList& sources);
// "<question>: yes/no" and, when used, "Modalities"; returns whether used.
bool AddUsed(Document* doc, const std::string& question, const SourceList& sources);
// An item `label` with one line per source: name, owner, size, description.
void AddSourceDescriptions(Document* doc, const std::string& label, const SourceList& sources);

// Section 2, "List of data sources".
void AddEuDataSources(Document* doc, const ManifestFacts& facts, const v1::ModelFile* model);
// Sections 2.4 to 2.6 (report/eu_other.cc).
void AddEuUserSyntheticOther(Document* doc, const ManifestFacts& facts);
// Section 3, "Data processing aspects".
void AddEuProcessing(Document* doc, const ManifestFacts& facts, const v1::ModelFile* model);

}  // namespace dtm::internal
