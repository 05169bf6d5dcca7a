// The HTML rendering of a diff: the comparison page of spec/report.md with the
// flags, the source changes and the file counts as its sections
// (spec/diff.md, "HTML").
#include "diff/render.h"
#include "dtm/diff.h"
#include "dtm/format.h"
#include "dtm/report.h"

#ifndef DTM_VERSION
#define DTM_VERSION "0.0.0"
#endif

namespace dtm {

namespace {

using namespace internal;

constexpr const char* kArrow = "→";

std::string ChangeLine(const std::string& id, const FieldChange& c) {
  const std::string head = id + ": " + c.field + ": ";
  switch (c.kind) {
    case FieldChange::Kind::kAdded:
      return head + "added " + c.after;
    case FieldChange::Kind::kRemoved:
      return head + "removed " + c.before;
    case FieldChange::Kind::kChanged:
      break;
  }
  if (c.before.empty() && c.after.empty()) return head + "changed";
  return head + (c.before.empty() ? "(none)" : c.before) + " " + kArrow + " " +
         (c.after.empty() ? "(none)" : c.after);
}

ReportSection SourceList(const char* heading, const std::vector<SourceEntry>& list) {
  ReportSection s{heading, {}};
  for (const SourceEntry& e : list) {
    s.lines.push_back(e.source.id() + " (" + e.source.name() + "): " + internal::SourceFacts(e));
  }
  return s;
}

std::vector<ReportSection> Sections(const DiffResult& d, DiffSections shown) {
  std::vector<ReportSection> out;
  if (d.identical()) return {{"Changes", {"No differences."}}};
  if (ShowsFlags(shown) && !d.flags.empty()) {
    ReportSection flags{"Flags", {}};
    for (const DiffFlag& f : d.flags) {
      flags.lines.push_back(f.source_id + (f.source_added ? " (new source)" : "") + ": " +
                            FlagText(f, kArrow));
    }
    out.push_back(std::move(flags));
  }
  if (ShowsSources(shown)) {
    if (!d.sources_added.empty()) out.push_back(SourceList("Sources added", d.sources_added));
    if (!d.sources_removed.empty()) {
      out.push_back(SourceList("Sources removed", d.sources_removed));
    }
    if (!d.sources_changed.empty()) {
      ReportSection changed{"Sources changed", {}};
      for (const SourceChange& c : d.sources_changed) {
        for (const FieldChange& f : c.changes) changed.lines.push_back(ChangeLine(c.id, f));
      }
      out.push_back(std::move(changed));
    }
  }
  if (ShowsFiles(shown) && !d.files.empty()) {
    ReportSection files{"Files", {"In all: " + FileCountsText(CountFileChanges(d)) + "."}};
    for (const SourceFileChanges& s : d.files) {
      files.lines.push_back(
          s.source_id + ": " + GroupDigits(s.added.size()) + " added, " +
          GroupDigits(s.removed.size()) + " removed, " + GroupDigits(s.modified.size()) +
          " modified, " + GroupDigits(s.renamed.size()) + " renamed; " +
          GroupDigits(s.files.before) + " " + kArrow + " " + GroupDigits(s.files.after) +
          " files, " + HumanBytes(s.bytes.before) + " " + kArrow + " " + HumanBytes(s.bytes.after));
    }
    out.push_back(std::move(files));
  }
  return out;
}

}  // namespace

Status WriteDiffHtml(const DiffResult& d, std::ostream& out, const DiffRenderOptions& options) {
  CompositionDiffOptions page;
  page.format = ReportFormat::kHtml;
  page.before_name = d.before.path;
  page.after_name = d.after.path;
  page.sections = Sections(d, options.sections);
  page.generator = std::string("dtm ") + DTM_VERSION;
  DTM_RETURN_IF_ERROR(WriteCompositionDiff(d.before.header, d.after.header, page, out));
  if (!out) return Status::IOError("writing the diff failed");
  return Status::Ok();
}

}  // namespace dtm
