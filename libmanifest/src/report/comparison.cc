// The comparison page of two manifests: totals and composition before and
// after, side by side (spec/report.md, "The comparison page"). Built from the
// two headers only, so it costs nothing beyond reading them.
#include <algorithm>
#include <map>
#include <tuple>

#include "dtm/format.h"
#include "dtm/report.h"
#include "report/templates.h"

namespace dtm {

using internal::BarChart;
using internal::BulletList;
using internal::ChartRow;
using internal::Document;
using internal::EnumName;
using internal::FormatHours;
using internal::HasTime;
using internal::Inline;
using internal::Join;
using internal::Table;
using internal::Text;
namespace internal {
namespace {

// "+1.95 KiB", "-1.95 KiB", "0 B" (bytes) or "+1,234", "-5", "0".
std::string SignedChange(uint64_t before, uint64_t after, bool bytes) {
  const uint64_t size = after >= before ? after - before : before - after;
  const std::string sign = after > before ? "+" : after < before ? "-" : "";
  return sign + (bytes ? HumanBytes(size) : GroupDigits(size));
}

std::string HoursChange(double before, double after) {
  const double d = after - before;
  return (d > 0 ? "+" : d < 0 ? "-" : "") + FormatHours(d < 0 ? -d : d);
}

// "3", or "3 → 4" when the two differ.
std::string BeforeAfter(uint64_t before, uint64_t after) {
  return before == after ? GroupDigits(after) : GroupDigits(before) + " → " + GroupDigits(after);
}

// "acme-mix 2025.06 (a.dtm), created 2025-06-30, Merkle root sha256:..."
Inline Identity(const v1::Header& h, const std::string& name) {
  std::string text = Join({h.dataset().name(), h.dataset().version()}, " ");
  if (!name.empty()) text += " (" + name + ")";
  if (!h.publisher().name().empty()) text += ", published by " + h.publisher().name();
  if (HasTime(h.created())) text += ", created " + FormatDate(h.created());
  if (!h.merkle_root().empty()) text += ", Merkle root sha256:" + ToHex(h.merkle_root());
  return Text(text);
}

std::string PreviousText(const v1::Header& before, const v1::Header& after) {
  if (!after.has_previous()) return "none: the second manifest names no previous version";
  const v1::PreviousVersion& p = after.previous();
  const bool version = p.version() == before.dataset().version();
  const bool root = !p.merkle_root().empty() && p.merkle_root() == before.merkle_root();
  return "the second manifest names version " + p.version() +
         (version ? " (the first manifest's version)" : " (not the first manifest's version)") +
         "; its Merkle root " +
         (root ? "matches the first manifest's" : "does not match the first manifest's");
}

Table TotalsTable(const v1::Totals& b, const v1::Totals& a) {
  Table t{{"", "before", "after", "change"}, {false, true, true, true}, {}};
  const std::tuple<const char*, uint64_t, uint64_t, bool> rows[] = {
      {"sources", b.sources(), a.sources(), false},
      {"files", b.files(), a.files(), false},
      {"bytes", b.bytes(), a.bytes(), true},
      {"tokens (declared)", b.tokens(), a.tokens(), false},
      {"documents (declared)", b.documents(), a.documents(), false}};
  for (const auto& [label, before, after, bytes] : rows) {
    t.rows.push_back({Text(label), Text(bytes ? HumanBytes(before) : GroupDigits(before)),
                      Text(bytes ? HumanBytes(after) : GroupDigits(after)),
                      Text(SignedChange(before, after, bytes))});
  }
  t.rows.push_back({Text("hours (declared)"), Text(FormatHours(b.hours())),
                    Text(FormatHours(a.hours())), Text(HoursChange(b.hours(), a.hours()))});
  return t;
}

using Rows = google::protobuf::RepeatedPtrField<v1::CompositionRow>;

// One dimension: charts of bytes and of tokens, before beside after on one
// scale, then the table of changes. Values present on either side are shown
// on both, in enum order, so bars line up.
void AddDimension(Document* doc, const std::string& name,
                  const google::protobuf::EnumDescriptor* type, const Rows& before,
                  const Rows& after, const std::string& before_label,
                  const std::string& after_label) {
  std::map<int, std::pair<v1::CompositionRow, v1::CompositionRow>> values;
  for (const v1::CompositionRow& r : before) values[r.value()].first = r;
  for (const v1::CompositionRow& r : after) values[r.value()].second = r;
  doc->AddHeading(3, name);
  for (const bool bytes : {true, false}) {
    const std::string unit = bytes ? "bytes" : "tokens";
    BarChart b{before_label + ": " + unit, unit, {}, 0};
    BarChart a{after_label + ": " + unit, unit, {}, 0};
    uint64_t scale = 0;
    for (const auto& [value, rows] : values) {
      const uint64_t vb = bytes ? rows.first.bytes() : rows.first.tokens();
      const uint64_t va = bytes ? rows.second.bytes() : rows.second.tokens();
      b.bars.emplace_back(EnumName(type, value), vb);
      a.bars.emplace_back(EnumName(type, value), va);
      scale = std::max({scale, vb, va});
    }
    b.scale_max = a.scale_max = scale;
    doc->Add(ChartRow{{b, a}});
  }
  Table t{{name, "sources", "files", "bytes before", "bytes after", "bytes change", "tokens before",
           "tokens after", "tokens change"},
          {false, true, true, true, true, true, true, true, true},
          {}};
  for (const auto& [value, rows] : values) {
    const v1::CompositionRow& b = rows.first;
    const v1::CompositionRow& a = rows.second;
    t.rows.push_back({Text(EnumName(type, value)), Text(BeforeAfter(b.sources(), a.sources())),
                      Text(BeforeAfter(b.files(), a.files())), Text(HumanBytes(b.bytes())),
                      Text(HumanBytes(a.bytes())), Text(SignedChange(b.bytes(), a.bytes(), true)),
                      Text(GroupDigits(b.tokens())), Text(GroupDigits(a.tokens())),
                      Text(SignedChange(b.tokens(), a.tokens(), false))});
  }
  doc->Add(std::move(t));
}

// "before (2025.06)": how a side is named in chart titles.
std::string SideLabel(const char* side, const v1::Header& h) {
  return h.dataset().version().empty() ? side : side + (" (" + h.dataset().version() + ")");
}

}  // namespace

Document BuildCompositionDiff(const v1::Header& before, const v1::Header& after,
                              const CompositionDiffOptions& options) {
  Document doc;
  const std::string name = before.dataset().name() == after.dataset().name()
                               ? before.dataset().name()
                               : Join({before.dataset().name(), after.dataset().name()}, " / ");
  doc.title = "Composition before and after: " + name + " " + before.dataset().version() + " to " +
              after.dataset().version();
  doc.AddItem("Before", Identity(before, options.before_name));
  doc.AddItem("After", Identity(after, options.after_name));
  doc.AddItem("Previous version", PreviousText(before, after));
  doc.AddHeading(2, "Totals");
  doc.Add(TotalsTable(before.totals(), after.totals()));
  for (const ReportSection& section : options.sections) {
    doc.AddHeading(2, section.heading);
    BulletList list;
    for (const std::string& line : section.lines) list.items.push_back(Text(line));
    doc.Add(std::move(list));
  }
  doc.AddHeading(2, "Composition");
  doc.AddParagraph(
      Text("Bytes are the sizes of the files; tokens are as the sources declare them. Each pair "
           "of charts shares one scale."));
  const std::string b = SideLabel("before", before), a = SideLabel("after", after);
  const v1::Composition& cb = before.composition();
  const v1::Composition& ca = after.composition();
  AddDimension(&doc, "License use class", v1::UseClass_descriptor(), cb.by_use_class(),
               ca.by_use_class(), b, a);
  AddDimension(&doc, "Acquisition method", v1::AcquisitionMethod_descriptor(), cb.by_acquisition(),
               ca.by_acquisition(), b, a);
  AddDimension(&doc, "Modality", v1::Modality_descriptor(), cb.by_modality(), ca.by_modality(), b,
               a);
  doc.AddHeading(2, "About this document");
  doc.AddParagraph(Text("Generated by " + options.generator +
                        " from the headers of the two manifests, whose totals and composition "
                        "readers check against the records."));
  return doc;
}

}  // namespace internal

Status WriteCompositionDiff(const v1::Header& before, const v1::Header& after,
                            const CompositionDiffOptions& options, std::ostream& out) {
  return internal::WriteDocument(internal::BuildCompositionDiff(before, after, options),
                                 options.format, out);
}

}  // namespace dtm
