// The text rendering of a diff: read in a terminal (spec/diff.md, "Text").
#include <algorithm>

#include "diff/render.h"
#include "dtm/diff.h"
#include "dtm/format.h"

namespace dtm {

namespace {

using namespace internal;

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string PadLeft(const std::string& s, size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

// A table row: a label column, then before, after and change right-aligned.
void Row(std::ostream& out, const std::string& label, const MeasureRow& m) {
  out << "  " << Pad(label, 30) << PadLeft(m.before, 14) << PadLeft(m.after, 15)
      << PadLeft(m.change, 15) << "\n";
}

void TableTitle(std::ostream& out, const char* title) {
  out << "\n"
      << Pad(title, 32) << PadLeft("before", 14) << PadLeft("after", 15) << PadLeft("change", 15)
      << "\n";
}

std::string ValueText(const std::string& value) { return value.empty() ? "(none)" : Shown(value); }

void WriteFieldChange(std::ostream& out, const FieldChange& c, const char* indent) {
  out << indent << Shown(c.field) << ": ";
  switch (c.kind) {
    case FieldChange::Kind::kAdded:
      out << "added " << Shown(c.after);
      break;
    case FieldChange::Kind::kRemoved:
      out << "removed " << Shown(c.before);
      break;
    case FieldChange::Kind::kChanged:
      if (c.before.empty() && c.after.empty()) {
        out << "changed";
      } else {
        out << ValueText(c.before) << " -> " << ValueText(c.after);
      }
      break;
  }
  out << "\n";
}

void WriteSummary(const DiffResult& d, std::ostream& out) {
  out << "\nSummary\n";
  out << "  sources: " << SourceCountsText(d) << "\n";
  out << "  files:   " << FileCountsText(CountFileChanges(d)) << "\n";
  if (!d.header_changes.empty()) {
    out << "\nHeader\n";
    for (const FieldChange& c : d.header_changes) WriteFieldChange(out, c, "  ");
  }
  TableTitle(out, "Totals");
  for (const MeasureRow& m : MeasureRows(d.totals, false)) Row(out, m.name, m);
  for (const CompositionDimension& dim : Dimensions(d)) {
    TableTitle(out, dim.title);
    for (const CompositionDiffRow& r : *dim.rows) {
      std::string label = EnumLabel(dim.type, r.value);
      for (const MeasureRow& m : MeasureRows(r.tally, true)) {
        Row(out, Pad(label, 22) + m.name, m);
        label.clear();
      }
    }
  }
}

void WriteFlags(const DiffResult& d, std::ostream& out) {
  if (d.flags.empty()) return;
  out << "\nFlags\n";
  for (const DiffFlag& f : d.flags) {
    out << "  ! " << f.source_id << (f.source_added ? " (new source)" : "") << ": "
        << Shown(FlagText(f, "->")) << "\n";
  }
}

void WriteSources(const DiffResult& d, std::ostream& out) {
  out << "\nSources: " << SourceCountsText(d) << "\n";
  for (const SourceEntry& e : d.sources_added) {
    out << "  + " << e.source.id() << "  " << Shown(e.source.name()) << "\n      "
        << Shown(SourceFacts(e)) << "\n";
  }
  for (const SourceEntry& e : d.sources_removed) {
    out << "  - " << e.source.id() << "  " << Shown(e.source.name()) << "\n      "
        << Shown(SourceFacts(e)) << "\n";
  }
  for (const SourceChange& c : d.sources_changed) {
    out << "  ~ " << c.id << "  " << Shown(c.name) << "\n";
    for (const FieldChange& f : c.changes) WriteFieldChange(out, f, "      ");
  }
}

// Writes at most `max` items of `list` with `line`, then "... and N more".
template <typename T, typename F>
void Listed(std::ostream& out, const std::vector<T>& list, size_t max, const char* kind, F line) {
  const size_t shown = std::min(list.size(), max);
  for (size_t i = 0; i < shown; ++i) out << "    " << line(list[i]) << "\n";
  if (shown < list.size()) {
    out << "    ... and " << GroupDigits(list.size() - shown) << " more " << kind << "\n";
  }
}

void WriteFiles(const DiffResult& d, size_t max, std::ostream& out) {
  out << "\nFiles: " << FileCountsText(CountFileChanges(d)) << "\n";
  for (const SourceFileChanges& s : d.files) {
    out << "  " << s.source_id << ": " << GroupDigits(s.files.before) << " -> "
        << GroupDigits(s.files.after) << " files, " << HumanBytes(s.bytes.before) << " -> "
        << HumanBytes(s.bytes.after) << "\n";
    Listed(out, s.added, max, "added",
           [](const FileVersion& f) { return "+ " + Shown(f.path) + "  " + HumanBytes(f.size); });
    Listed(out, s.removed, max, "removed",
           [](const FileVersion& f) { return "- " + Shown(f.path) + "  " + HumanBytes(f.size); });
    Listed(out, s.modified, max, "modified", [](const FileModification& m) {
      return "~ " + Shown(m.after.path) + "  " + ModificationText(m, "->");
    });
    Listed(out, s.renamed, max, "renamed", [](const FileRename& r) {
      return "> " + Shown(r.before.path) + " -> " + Shown(r.after.path) + "  " +
             HumanBytes(r.after.size);
    });
  }
}

}  // namespace

Status WriteDiffText(const DiffResult& d, std::ostream& out, const DiffRenderOptions& options) {
  const v1::Dataset& b = d.before.header.dataset();
  const v1::Dataset& a = d.after.header.dataset();
  out << "dtm diff: " << Shown(b.name() + " " + b.version()) << " -> "
      << Shown(a.name() + " " + a.version()) << "\n";
  out << "  before  " << Shown(d.before.path) << "  sha256:" << ToHex(d.before.file_sha256) << "\n";
  out << "  after   " << Shown(d.after.path) << "  sha256:" << ToHex(d.after.file_sha256) << "\n";
  out << "  " << PreviousText(d, Shown(d.before.path), Shown(d.after.path), Shown) << "\n";
  if (d.public_view) {
    out << "  public view: files and documents are withheld and not compared; their totals are "
           "the signed headers'\n";
  }
  if (!d.source_filter.empty()) {
    out << "  compared sources:";
    for (const std::string& id : d.source_filter) out << " " << id;
    out << "\n";
  }
  if (d.identical()) {
    out << "\nNo differences.\n";
  } else {
    if (ShowsSummary(options.sections)) WriteSummary(d, out);
    if (ShowsFlags(options.sections)) WriteFlags(d, out);
    if (ShowsSources(options.sections)) WriteSources(d, out);
    if (ShowsFiles(options.sections)) WriteFiles(d, options.max_files_listed, out);
    if (ShowsFiles(options.sections) && !d.documents.empty()) {
      out << "\nDocuments (by id, else by content):\n";
      for (const SourceDocumentChanges& c : d.documents) {
        out << "  " << Shown(c.source_id) << ": " << DocumentChangesText(c, "->") << "\n";
      }
    }
  }
  if (!out) return Status::IOError("writing the diff failed");
  return Status::Ok();
}

}  // namespace dtm
