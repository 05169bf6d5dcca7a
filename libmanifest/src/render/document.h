// The document model of the reports (spec/report.md): templates build a
// Document from manifest facts; renderers write it as Markdown or HTML.
// Every string in a Document is plain text (untrusted: it may come from the
// manifest); renderers escape all of it. Not thread-safe.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dtm/format.h"
#include "google/protobuf/timestamp.pb.h"
#include "render/escape.h"

namespace dtm::internal {

// A run of text, optionally a link. `href` is shown as a link only when it is
// an http, https or mailto URL (SafeHref); otherwise the text is plain.
struct Span {
  std::string text;
  std::string href;
  bool strong = false;
};
using Inline = std::vector<Span>;

inline Inline Text(std::string text) { return {Span{std::move(text), "", false}}; }
// `url` shown as a link to itself.
Inline UrlText(const std::string& url);
// "text (url)" as a link named `text`; just `text` when url is empty.
Inline Linked(std::string text, const std::string& url);
// Appends `more` to `*line`, with `separator` (plain text) between when both
// are non-empty.
void Append(Inline* line, const Inline& more, std::string_view separator = "");

struct Heading {
  int level = 1;  // 1..4
  std::string text;
};
struct Paragraph {
  Inline text;
};
// A labelled item of a template; `gap` marks a value the inputs cannot give
// (the value then says why). `list` holds lines shown under the item.
struct Item {
  std::string label;
  Inline value;
  bool gap = false;
  std::vector<Inline> list;
};
struct BulletList {
  std::vector<Inline> items;
};
struct Table {
  std::vector<std::string> columns;
  std::vector<bool> numeric;  // right-aligned columns; may be shorter than columns
  std::vector<std::vector<Inline>> rows;
};
// One horizontal bar chart: a label and a value per bar.
struct BarChart {
  std::string title;
  std::string unit;  // "bytes", "tokens": how values are printed
  std::vector<std::pair<std::string, uint64_t>> bars;
  // The value drawn as a full-length bar; 0 means the largest bar. Charts
  // meant to be compared (before and after) share one.
  uint64_t scale_max = 0;
};
// Charts shown side by side in HTML; one table each in Markdown.
struct ChartRow {
  std::vector<BarChart> charts;
};
struct Period {
  std::string label;
  int64_t start = 0;  // Unix seconds
  int64_t end = 0;    // Unix seconds; for an ongoing period, the manifest's creation
  bool ongoing = false;
};
struct Timeline {
  std::vector<Period> periods;
  std::vector<std::string> undated;  // labels of sources with no period
};
// Placeholder for "N items could not be answered", filled in from the
// document's gaps when rendered.
struct GapCount {};
// The numbered list of all gaps.
struct GapList {};

// std::visit over a Block with one lambda per kind.
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

using Block = std::variant<Heading, Paragraph, Item, BulletList, Table, ChartRow, Timeline,
                           GapCount, GapList>;

struct Gap {
  std::string section;  // the heading the gap appeared under
  std::string item;
  std::string reason;
};

class Document {
 public:
  std::string title;
  std::vector<Block> blocks;
  std::vector<Gap> gaps;

  void AddHeading(int level, std::string text);
  void AddParagraph(Inline text);
  void AddItem(std::string label, Inline value, std::vector<Inline> list = {});
  void AddItem(std::string label, std::string value) { AddItem(std::move(label), Text(value)); }
  // An item the inputs cannot answer: shown in place and listed among the gaps.
  void AddGap(std::string label, std::string reason);
  // Records a gap shown elsewhere (in a table cell, say) without adding a block.
  void NoteGap(std::string label, std::string reason);
  void Add(Block block) { blocks.push_back(std::move(block)); }

 private:
  std::string section_;
};

void RenderMarkdown(const Document& doc, std::ostream& out);
void RenderHtml(const Document& doc, std::ostream& out);
// Inline SVG of one chart / the timeline, for RenderHtml.
void WriteBarChartSvg(const BarChart& chart, std::ostream& out);
void WriteTimelineSvg(const Timeline& timeline, std::ostream& out);

// `url` if it is an absolute http, https or mailto URL without spaces,
// quotes, angle brackets or control characters; "" otherwise.
std::string SafeHref(std::string_view url);
// Value formats.
std::string FormatCount(uint64_t n);                             // "1,234"
std::string FormatHours(double hours);                           // "12,049.6"
std::string FormatValue(uint64_t value, std::string_view unit);  // bytes -> HumanBytes
std::string FormatShare(uint64_t part, uint64_t whole);          // "12.5%"

}  // namespace dtm::internal
