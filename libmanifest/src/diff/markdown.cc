// The Markdown rendering of a diff: for a report or a pull request
// (spec/diff.md, "Markdown"). Everything from a manifest is escaped.
#include <algorithm>

#include "diff/render.h"
#include "dtm/diff.h"
#include "dtm/format.h"

namespace dtm {

namespace {

using namespace internal;

// Plain text: Markdown punctuation backslash-escaped, control characters shown.
std::string Md(const std::string& text) {
  return EscapeMarkdown(text, ControlCharacters::kShowEscaped);
}

// A code span that holds `text` whatever backticks it contains; "|" escaped
// so that it also works in a table cell.
std::string Code(const std::string& text) {
  const std::string printable = Shown(text);
  size_t run = 0, longest = 0;
  for (char c : printable) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string body;
  for (char c : printable) body += c == '|' ? std::string("\\|") : std::string(1, c);
  const std::string fence(longest + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string Value(const std::string& value) { return value.empty() ? "*(none)*" : Md(value); }

void TableHead(std::ostream& out, const std::string& first, const std::string& second) {
  out << "| " << first << " | " << second << " | before | after | change |\n";
  out << "| --- | --- | ---: | ---: | ---: |\n";
}

void WriteFieldTable(std::ostream& out, const std::vector<FieldChange>& changes) {
  out << "| field | before | after |\n| --- | --- | --- |\n";
  for (const FieldChange& c : changes) {
    out << "| " << Code(c.field) << " | ";
    switch (c.kind) {
      case FieldChange::Kind::kAdded:
        out << " | added: " << Md(c.after);
        break;
      case FieldChange::Kind::kRemoved:
        out << "removed: " << Md(c.before) << " | ";
        break;
      case FieldChange::Kind::kChanged:
        if (c.before.empty() && c.after.empty()) {
          out << "*(changed)* | *(changed)*";
        } else {
          out << Value(c.before) << " | " << Value(c.after);
        }
        break;
    }
    out << " |\n";
  }
}

void WriteSummary(const DiffResult& d, std::ostream& out) {
  out << "\n## Summary\n\n";
  out << "- Sources: " << SourceCountsText(d) << "\n";
  out << "- Files: " << FileCountsText(CountFileChanges(d)) << "\n";
  if (!d.header_changes.empty()) {
    out << "\n### Header\n\n";
    WriteFieldTable(out, d.header_changes);
  }
  out << "\n### Totals\n\n| | before | after | change |\n| --- | ---: | ---: | "
         "---: |\n";
  for (const MeasureRow& m : MeasureRows(d.totals, false)) {
    out << "| " << m.name << " | " << m.before << " | " << m.after << " | " << m.change << " |\n";
  }
  for (const CompositionDimension& dim : Dimensions(d)) {
    out << "\n### " << dim.title << "\n\n";
    TableHead(out, dim.column, "");
    for (const CompositionDiffRow& r : *dim.rows) {
      std::string label = Md(EnumLabel(dim.type, r.value));
      for (const MeasureRow& m : MeasureRows(r.tally, true)) {
        out << "| " << label << " | " << m.name << " | " << m.before << " | " << m.after << " | "
            << m.change << " |\n";
        label.clear();
      }
    }
  }
}

void WriteFlags(const DiffResult& d, std::ostream& out) {
  if (d.flags.empty()) return;
  out << "\n## Flags\n\n";
  for (const DiffFlag& f : d.flags) {
    out << "- " << Code(f.source_id) << (f.source_added ? " (new source)" : "") << ": "
        << Md(FlagText(f, "→")) << "\n";
  }
}

void WriteSourceList(std::ostream& out, const char* title, const std::vector<SourceEntry>& list) {
  if (list.empty()) return;
  out << "\n### " << title << "\n\n";
  for (const SourceEntry& e : list) {
    out << "- " << Code(e.source.id()) << " " << Md(e.source.name()) << ": " << Md(SourceFacts(e))
        << "\n";
  }
}

void WriteSources(const DiffResult& d, std::ostream& out) {
  out << "\n## Sources\n\n" << SourceCountsText(d) << ".\n";
  WriteSourceList(out, "Added", d.sources_added);
  WriteSourceList(out, "Removed", d.sources_removed);
  if (d.sources_changed.empty()) return;
  out << "\n### Changed\n";
  for (const SourceChange& c : d.sources_changed) {
    out << "\n#### " << Code(c.id) << " " << Md(c.name) << "\n\n";
    WriteFieldTable(out, c.changes);
  }
}

template <typename T, typename F>
void Listed(std::ostream& out, const std::vector<T>& list, size_t max, const char* kind, F line) {
  const size_t shown = std::min(list.size(), max);
  for (size_t i = 0; i < shown; ++i) out << "- " << kind << " " << line(list[i]) << "\n";
  if (shown < list.size()) {
    out << "- … and " << GroupDigits(list.size() - shown) << " more " << kind << "\n";
  }
}

void WriteFiles(const DiffResult& d, size_t max, std::ostream& out) {
  out << "\n## Files\n\n" << FileCountsText(CountFileChanges(d)) << ".\n";
  for (const SourceFileChanges& s : d.files) {
    out << "\n### " << Code(s.source_id) << ": " << GroupDigits(s.files.before) << " → "
        << GroupDigits(s.files.after) << " files, " << HumanBytes(s.bytes.before) << " → "
        << HumanBytes(s.bytes.after) << "\n\n";
    Listed(out, s.added, max, "added",
           [](const FileVersion& f) { return Code(f.path) + " (" + HumanBytes(f.size) + ")"; });
    Listed(out, s.removed, max, "removed",
           [](const FileVersion& f) { return Code(f.path) + " (" + HumanBytes(f.size) + ")"; });
    Listed(out, s.modified, max, "modified", [](const FileModification& m) {
      return Code(m.after.path) + ": " + ModificationText(m, "→");
    });
    Listed(out, s.renamed, max, "renamed", [](const FileRename& r) {
      return Code(r.before.path) + " → " + Code(r.after.path) + " (" + HumanBytes(r.after.size) +
             ")";
    });
  }
}

}  // namespace

Status WriteDiffMarkdown(const DiffResult& d, std::ostream& out, const DiffRenderOptions& options) {
  const v1::Dataset& b = d.before.header.dataset();
  const v1::Dataset& a = d.after.header.dataset();
  out << "# Changes from " << Md(b.name() + " " + b.version()) << " to "
      << Md(a.name() + " " + a.version()) << "\n\n";
  out << "| | manifest | dataset | file SHA-256 |\n| --- | --- | --- | --- |\n";
  for (const DiffSide* side : {&d.before, &d.after}) {
    out << "| " << (side == &d.before ? "before" : "after") << " | " << Code(side->path) << " | "
        << Md(side->header.dataset().name() + " " + side->header.dataset().version()) << " | "
        << Code(ToHex(side->file_sha256)) << " |\n";
  }
  out << "\n" << PreviousText(d, Code(d.before.path), Code(d.after.path), Md) << "\n";
  if (d.public_view) {
    out << "\n**Public view:** files and documents are withheld and not compared; their totals "
           "are the signed headers'.\n";
  }
  if (!d.source_filter.empty()) {
    out << "\nCompared sources:";
    for (const std::string& id : d.source_filter) out << " " << Code(id);
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
      out << "\n## Documents\n\nMatched by id where documents have one, else by content.\n\n";
      for (const SourceDocumentChanges& c : d.documents) {
        out << "- " << Code(c.source_id) << ": " << DocumentChangesText(c, "→") << "\n";
      }
    }
  }
  if (!out) return Status::IOError("writing the diff failed");
  return Status::Ok();
}

}  // namespace dtm
