// Markdown (CommonMark with GitHub tables) rendering of report documents
// (spec/report.md, "Markdown").
#include <string_view>

#include "render/document.h"

namespace dtm::internal {
namespace {

// Escaped text that starts a line: a leading character that could open a
// block (list, setext underline) is escaped too; EscapeMarkdown already
// escapes "#".
std::string LineStart(std::string_view text) {
  std::string escaped = EscapeMarkdown(text);
  if (!escaped.empty() && std::string_view("-+=").find(escaped[0]) != std::string_view::npos) {
    return "\\" + escaped;
  }
  return escaped;
}

// `at_line_start`: the text begins a line, where - + # = could open a block;
// table cells cannot, so they keep those characters as they are.
std::string RenderInline(const Inline& line, bool at_line_start = true) {
  std::string out;
  for (const Span& span : line) {
    std::string text =
        out.empty() && at_line_start ? LineStart(span.text) : EscapeMarkdown(span.text);
    const std::string href = SafeHref(span.href);
    if (!href.empty() && !text.empty()) text = "[" + text + "](" + href + ")";
    if (span.strong && !text.empty()) text = "**" + text + "**";
    out += text;
  }
  return out;
}

void RenderTable(const std::vector<std::string>& columns, const std::vector<bool>& numeric,
                 const std::vector<std::vector<Inline>>& rows, std::ostream& out) {
  out << "|";
  for (const std::string& c : columns) out << " " << EscapeMarkdown(c) << " |";
  out << "\n|";
  for (size_t i = 0; i < columns.size(); ++i) {
    out << (i < numeric.size() && numeric[i] ? " ---: |" : " --- |");
  }
  out << "\n";
  for (const auto& row : rows) {
    out << "|";
    for (size_t i = 0; i < columns.size(); ++i) {
      out << " " << (i < row.size() ? RenderInline(row[i], false) : "") << " |";
    }
    out << "\n";
  }
}

void RenderChart(const BarChart& chart, std::ostream& out) {
  uint64_t total = 0;
  for (const auto& bar : chart.bars) total += bar.second;
  out << "**" << EscapeMarkdown(chart.title) << "**\n\n";
  std::vector<std::vector<Inline>> rows;
  for (const auto& [label, value] : chart.bars) {
    // The column is named after the unit; bytes keep theirs ("1.5 GiB").
    rows.push_back({Text(label), Text(FormatValue(value, chart.unit == "bytes" ? "bytes" : "")),
                    Text(FormatShare(value, total))});
  }
  RenderTable({"", chart.unit, "share"}, {false, true, true}, rows, out);
}

void RenderTimeline(const Timeline& timeline, std::ostream& out) {
  std::vector<std::vector<Inline>> rows;
  for (const Period& p : timeline.periods) {
    rows.push_back({Text(p.label), Text(FormatDate(p.start)),
                    Text(p.ongoing ? "ongoing" : FormatDate(p.end))});
  }
  RenderTable({"source", "from", "to"}, {}, rows, out);
  if (!timeline.undated.empty()) {
    std::string list;
    for (const std::string& label : timeline.undated) list += (list.empty() ? "" : ", ") + label;
    out << "\nNo collection period stated: " << EscapeMarkdown(list) << "\n";
  }
}

}  // namespace

void RenderMarkdown(const Document& doc, std::ostream& out) {
  out << "# " << EscapeMarkdown(doc.title) << "\n";
  bool in_items = false;
  for (const Block& block : doc.blocks) {
    const bool is_item = std::holds_alternative<Item>(block);
    if (!(is_item && in_items)) out << "\n";
    in_items = is_item;
    std::visit(
        Overloaded{
            [&](const Heading& h) {
              out << std::string(static_cast<size_t>(h.level), '#') << " " << EscapeMarkdown(h.text)
                  << "\n";
            },
            [&](const Paragraph& p) { out << RenderInline(p.text) << "\n"; },
            [&](const Item& item) {
              out << "- **" << EscapeMarkdown(item.label) << ":**" << (item.gap ? " *Gap:*" : "")
                  << (item.value.empty() ? "" : " ") << RenderInline(item.value) << "\n";
              for (const Inline& line : item.list) out << "  - " << RenderInline(line) << "\n";
            },
            [&](const BulletList& list) {
              for (const Inline& line : list.items) out << "- " << RenderInline(line) << "\n";
            },
            [&](const Table& t) { RenderTable(t.columns, t.numeric, t.rows, out); },
            [&](const ChartRow& row) {
              for (size_t i = 0; i < row.charts.size(); ++i) {
                if (i > 0) out << "\n";
                RenderChart(row.charts[i], out);
              }
            },
            [&](const Timeline& t) { RenderTimeline(t, out); },
            [&](const GapCount&) {
              if (doc.gaps.empty()) {
                out << "**Gaps:** none; every item is answered from the inputs.\n";
              } else {
                out << "**Gaps:** " << doc.gaps.size()
                    << (doc.gaps.size() == 1 ? " item" : " items")
                    << " cannot be answered from the inputs; each is marked *Gap* and listed "
                       "under \"Gaps\" at the end.\n";
              }
            },
            [&](const GapList&) {
              out << "## Gaps\n\n";
              if (doc.gaps.empty()) out << "None.\n";
              for (size_t i = 0; i < doc.gaps.size(); ++i) {
                const Gap& g = doc.gaps[i];
                out << i + 1 << ". " << EscapeMarkdown(g.section) << " / " << EscapeMarkdown(g.item)
                    << ": " << EscapeMarkdown(g.reason) << "\n";
              }
            },
        },
        block);
  }
}

}  // namespace dtm::internal
