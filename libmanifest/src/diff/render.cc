// Shared pieces of the text and Markdown renderings of a diff.
#include "diff/render.h"

#include "dtm/format.h"

namespace dtm {

using internal::CompositionDimension;
using internal::FileChangeTotals;
using internal::MeasureRow;

const char* DiffFlagName(DiffFlagKind kind) {
  switch (kind) {
    case DiffFlagKind::kUseClassMoreRestrictive:
      return "use_class_more_restrictive";
    case DiffFlagKind::kUseClassLessRestrictive:
      return "use_class_less_restrictive";
    case DiffFlagKind::kUseClassUnspecified:
      return "use_class_unspecified";
    case DiffFlagKind::kPersonalData:
      return "personal_data";
    case DiffFlagKind::kModelGenerated:
      return "model_generated";
    case DiffFlagKind::kUsedForNewModel:
      return "used_for_new_model";
    case DiffFlagKind::kOptOutObserved:
      return "opt_out_observed";
  }
  return "unknown";
}

namespace internal {

FileChangeTotals CountFileChanges(const DiffResult& diff) {
  FileChangeTotals t;
  for (const SourceFileChanges& s : diff.files) {
    t.added += s.added.size();
    t.removed += s.removed.size();
    t.modified += s.modified.size();
    t.renamed += s.renamed.size();
    for (const FileVersion& f : s.added) t.bytes_added += f.size;
    for (const FileVersion& f : s.removed) t.bytes_removed += f.size;
  }
  return t;
}

std::string SourceCountsText(const DiffResult& diff) {
  if (diff.sources_added.empty() && diff.sources_removed.empty() && diff.sources_changed.empty()) {
    return "no changes";
  }
  return std::to_string(diff.sources_added.size()) + " added, " +
         std::to_string(diff.sources_removed.size()) + " removed, " +
         std::to_string(diff.sources_changed.size()) + " changed";
}

std::string FileCountsText(const FileChangeTotals& t) {
  if (t.added + t.removed + t.modified + t.renamed == 0) return "no changes";
  return GroupDigits(t.added) + " added (" + HumanBytes(t.bytes_added) + "), " +
         GroupDigits(t.removed) + " removed (" + HumanBytes(t.bytes_removed) + "), " +
         GroupDigits(t.modified) + " modified, " + GroupDigits(t.renamed) + " renamed";
}

std::string SignedCount(int64_t change) {
  if (change == 0) return "0";
  const uint64_t magnitude = change < 0 ? 0 - static_cast<uint64_t>(change) : change;
  return (change < 0 ? "-" : "+") + GroupDigits(magnitude);
}

std::string SignedBytes(int64_t change) {
  if (change == 0) return "0";
  const uint64_t magnitude = change < 0 ? 0 - static_cast<uint64_t>(change) : change;
  return (change < 0 ? "-" : "+") + HumanBytes(magnitude);
}

std::vector<CompositionDimension> Dimensions(const DiffResult& diff) {
  return {
      {"By license use class", "use class", v1::UseClass_descriptor(),
       &diff.composition.by_use_class},
      {"By acquisition method", "acquisition", v1::AcquisitionMethod_descriptor(),
       &diff.composition.by_acquisition},
      {"By modality", "modality", v1::Modality_descriptor(), &diff.composition.by_modality},
  };
}

std::vector<MeasureRow> MeasureRows(const DiffTally& t, bool skip_empty_tokens) {
  auto count = [](const char* name, const BeforeAfter& v) {
    return MeasureRow{name, GroupDigits(v.before), GroupDigits(v.after), SignedCount(v.change())};
  };
  std::vector<MeasureRow> rows = {
      count("sources", t.sources),
      count("files", t.files),
      {"bytes", HumanBytes(t.bytes.before), HumanBytes(t.bytes.after),
       SignedBytes(t.bytes.change())},
  };
  if (!skip_empty_tokens || t.tokens.before != 0 || t.tokens.after != 0) {
    rows.push_back(count("tokens", t.tokens));
  }
  return rows;
}

std::string PreviousText(const DiffResult& diff, const std::string& before,
                         const std::string& after, std::string (*escape)(const std::string&)) {
  const PreviousLink& p = diff.previous;
  if (!p.present) return after + " names no previous version.";
  const std::string version = escape(p.version);
  if (p.names_before()) {
    return after + " names " + before + " as its previous version (" + version + ").";
  }
  std::string why;
  if (!p.sha256_matches) why = "its manifest SHA-256";
  if (!p.root_matches) why += std::string(why.empty() ? "" : " and ") + "its Merkle root";
  return after + " names a previous version (" + version + ") that is not " + before + ": " + why +
         (p.sha256_matches || p.root_matches ? " differs." : " differ.");
}

std::string FlagText(const DiffFlag& f, const char* arrow) {
  const std::string change = f.before + " " + arrow + " " + f.after;
  switch (f.kind) {
    case DiffFlagKind::kUseClassMoreRestrictive:
      return "use class more restrictive: " + change;
    case DiffFlagKind::kUseClassLessRestrictive:
      return "use class less restrictive: " + change;
    case DiffFlagKind::kUseClassUnspecified:
      return "use class no longer stated: " + change;
    case DiffFlagKind::kPersonalData:
      return f.source_added ? "new source containing personal information"
                            : "now contains personal information: " + change;
    case DiffFlagKind::kModelGenerated:
      return f.source_added ? "new model-generated data, generated by " + f.after
                            : "now model-generated (was " + f.before + "), generated by " + f.after;
    case DiffFlagKind::kUsedForNewModel:
      return "now used for " + f.after + " (was used for " + f.before + ")";
    case DiffFlagKind::kOptOutObserved:
      return "opt-out newly observed: " + f.after;
  }
  return DiffFlagName(f.kind);
}

std::string SourceFacts(const SourceEntry& e) {
  const v1::Source& s = e.source;
  return EnumLabel(v1::Modality_descriptor(), s.modality()) + ", " +
         EnumLabel(v1::AcquisitionMethod_descriptor(), s.provenance().acquisition()) + ", " +
         EnumLabel(v1::UseClass_descriptor(), s.license().use_class()) + ", " +
         s.license().expression() + ", " + GroupDigits(e.files) +
         (e.files == 1 ? " file, " : " files, ") + HumanBytes(e.bytes);
}

std::string ModificationText(const FileModification& m, const char* arrow) {
  std::string out;
  auto part = [&](const std::string& before, const std::string& after) {
    if (before == after) return;
    if (!out.empty()) out += ", ";
    out += before + " " + arrow + " " + after;
  };
  part(HumanBytes(m.before.size), HumanBytes(m.after.size));
  if (m.before.size != m.after.size && HumanBytes(m.before.size) == HumanBytes(m.after.size)) {
    part(std::to_string(m.before.size) + " B", std::to_string(m.after.size) + " B");
  }
  part("sha256:" + ToHex(m.before.sha256).substr(0, 12),
       "sha256:" + ToHex(m.after.sha256).substr(0, 12));
  const auto* origin = v1::FileEntry::Origin_descriptor();
  part("origin " + EnumLabel(origin, m.before.origin),
       "origin " + EnumLabel(origin, m.after.origin));
  return out.empty() ? "record changed" : out;
}

std::string DocumentChangesText(const SourceDocumentChanges& c, const char* arrow) {
  std::string out = GroupDigits(c.documents.before) + " " + arrow + " " +
                    GroupDigits(c.documents.after) + " documents";
  if (c.empty()) return out + ", unchanged";
  out += ", " + GroupDigits(c.added) + " added, " + GroupDigits(c.removed) + " removed, " +
         GroupDigits(c.changed) + " changed";
  return out;
}

bool ShowsSummary(DiffSections s) { return s == DiffSections::kAll || s == DiffSections::kSummary; }
bool ShowsFlags(DiffSections s) { return s != DiffSections::kFiles; }
bool ShowsSources(DiffSections s) { return s == DiffSections::kAll || s == DiffSections::kSources; }
bool ShowsFiles(DiffSections s) { return s == DiffSections::kAll || s == DiffSections::kFiles; }

}  // namespace internal
}  // namespace dtm
