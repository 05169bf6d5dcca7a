// HTML rendering of report documents: one self-contained page with inline
// CSS and inline SVG, no scripts and nothing fetched (spec/report.md, "HTML").
#include <string_view>

#include "render/document.h"

namespace dtm::internal {
namespace {

// The page forbids every fetch and every script, so even a renderer bug could
// not make the page load or run anything.
constexpr std::string_view kHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
)";

constexpr std::string_view kStyle = R"(<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#fff;margin:0}
main{max-width:72rem;margin:0 auto;padding:1.5rem 2rem 3rem}
h1{font-size:1.6rem;margin:.2rem 0 1rem}
h2{font-size:1.25rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
h4{font-size:.95rem;margin:1.1rem 0 .3rem}
p,li{line-height:1.45}
ul.items{list-style:none;padding-left:0;margin:.3rem 0}
ul.items li{margin:.2rem 0}
li.gap{color:#7a4d00}
.gap-tag{display:inline-block;background:#fff1cc;border:1px solid #d4a72c;border-radius:3px;padding:0 .3rem;font-size:.8rem;font-weight:600;color:#7a4d00}
div.table{overflow-x:auto}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num,th.num{text-align:right;white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
figure{margin:.5rem 0 1rem}
figcaption{font-weight:600;font-size:.9rem;margin-bottom:.3rem}
svg text{font-family:inherit;font-size:12px;fill:#1f2328}
svg .axis{stroke:#d0d7de;stroke-width:1}
svg .ongoing{stroke:#1f2328;stroke-dasharray:3 2}
a{color:#0969da}
</style>
)";

std::string RenderInline(const Inline& line) {
  std::string out;
  for (const Span& span : line) {
    std::string text = EscapeHtml(span.text);
    const std::string href = SafeHref(span.href);
    if (!href.empty()) {
      text = "<a href=\"" + EscapeHtml(href) + "\" rel=\"noreferrer noopener\">" + text + "</a>";
    }
    if (span.strong) text = "<strong>" + text + "</strong>";
    out += text;
  }
  return out;
}

void RenderTable(const Table& t, std::ostream& out) {
  auto cls = [&t](size_t i) {
    return i < t.numeric.size() && t.numeric[i] ? std::string(" class=\"num\"") : std::string();
  };
  out << "<div class=\"table\"><table>\n<thead><tr>";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    out << "<th" << cls(i) << ">" << EscapeHtml(t.columns[i]) << "</th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out << "<tr>";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      out << "<td" << cls(i) << ">" << (i < row.size() ? RenderInline(row[i]) : "") << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table></div>\n";
}

void RenderGapList(const Document& doc, std::ostream& out) {
  out << "<h2 id=\"gaps\">Gaps</h2>\n";
  if (doc.gaps.empty()) {
    out << "<p>None.</p>\n";
    return;
  }
  out << "<ol class=\"gaps\">\n";
  for (const Gap& g : doc.gaps) {
    out << "<li>" << EscapeHtml(g.section) << " / <strong>" << EscapeHtml(g.item)
        << "</strong>: " << EscapeHtml(g.reason) << "</li>\n";
  }
  out << "</ol>\n";
}

}  // namespace

void RenderHtml(const Document& doc, std::ostream& out) {
  out << kHead << "<title>" << EscapeHtml(doc.title) << "</title>\n"
      << kStyle << "</head>\n<body>\n<main>\n<h1>" << EscapeHtml(doc.title) << "</h1>\n";
  bool in_items = false;
  for (const Block& block : doc.blocks) {
    const bool is_item = std::holds_alternative<Item>(block);
    if (in_items && !is_item) out << "</ul>\n";
    if (is_item && !in_items) out << "<ul class=\"items\">\n";
    in_items = is_item;
    std::visit(Overloaded{
                   [&](const Heading& h) {
                     out << "<h" << h.level << ">" << EscapeHtml(h.text) << "</h" << h.level
                         << ">\n";
                   },
                   [&](const Paragraph& p) { out << "<p>" << RenderInline(p.text) << "</p>\n"; },
                   [&](const Item& item) {
                     out << (item.gap ? "<li class=\"gap\">" : "<li>") << "<strong>"
                         << EscapeHtml(item.label) << ":</strong> "
                         << (item.gap ? "<span class=\"gap-tag\">Gap</span> " : "")
                         << RenderInline(item.value);
                     if (!item.list.empty()) {
                       out << "\n<ul>\n";
                       for (const Inline& line : item.list) {
                         out << "<li>" << RenderInline(line) << "</li>\n";
                       }
                       out << "</ul>\n";
                     }
                     out << "</li>\n";
                   },
                   [&](const BulletList& list) {
                     out << "<ul>\n";
                     for (const Inline& line : list.items) {
                       out << "<li>" << RenderInline(line) << "</li>\n";
                     }
                     out << "</ul>\n";
                   },
                   [&](const Table& t) { RenderTable(t, out); },
                   [&](const ChartRow& row) {
                     out << "<div class=\"charts\">\n";
                     for (const BarChart& chart : row.charts) {
                       out << "<figure class=\"chart\">\n<figcaption>" << EscapeHtml(chart.title)
                           << "</figcaption>\n";
                       WriteBarChartSvg(chart, out);
                       out << "</figure>\n";
                     }
                     out << "</div>\n";
                   },
                   [&](const Timeline& t) {
                     out << "<figure class=\"timeline\">\n";
                     WriteTimelineSvg(t, out);
                     out << "</figure>\n";
                     if (!t.undated.empty()) {
                       out << "<p><strong>No collection period stated:</strong> ";
                       for (size_t i = 0; i < t.undated.size(); ++i) {
                         out << (i ? ", " : "") << EscapeHtml(t.undated[i]);
                       }
                       out << "</p>\n";
                     }
                   },
                   [&](const GapCount&) {
                     out << "<p class=\"gap-count\"><strong>Gaps:</strong> ";
                     if (doc.gaps.empty()) {
                       out << "none; every item is answered from the inputs.";
                     } else {
                       out << doc.gaps.size() << (doc.gaps.size() == 1 ? " item" : " items")
                           << " cannot be answered from the inputs; each is marked "
                              "<span class=\"gap-tag\">Gap</span> and listed under "
                              "<a href=\"#gaps\">Gaps</a>.";
                     }
                     out << "</p>\n";
                   },
                   [&](const GapList&) { RenderGapList(doc, out); },
               },
               block);
  }
  if (in_items) out << "</ul>\n";
  out << "</main>\n</body>\n</html>\n";
}

}  // namespace dtm::internal
