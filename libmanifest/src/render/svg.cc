// Inline SVG charts of the HTML overview (spec/report.md, "HTML"): horizontal
// bar charts and the timeline of collection periods. Every label is escaped;
// coordinates are numbers we compute.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "render/document.h"

namespace dtm::internal {
namespace {

// Colour-blind-safe palette (Okabe and Ito), cycled.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                    "#56B4E9", "#D55E00", "#F0E442", "#999999"};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// At most `max_chars` characters (UTF-8 code points) of `text`, with "..." when cut.
std::string Shorten(const std::string& text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xc0) == 0x80) continue;  // continuation byte
    if (chars == max_chars) return text.substr(0, i) + "...";
    ++chars;
  }
  return text;
}

// Unix seconds of the first day of month `month` (0-based, may overflow) of `year`.
int64_t MonthStart(int year, int month) {
  std::tm tm{};
  tm.tm_year = year + month / 12 - 1900;
  tm.tm_mon = month % 12;
  tm.tm_mday = 1;
  return static_cast<int64_t>(timegm(&tm));
}

// "950", "9,999", "12.3k", "1.00M", "600B": at most about six characters.
std::string CompactCount(uint64_t n) {
  if (n < 10'000) return FormatCount(n);
  static constexpr std::pair<double, const char*> kUnits[] = {
      {1e15, "P"}, {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
  for (const auto& [scale, suffix] : kUnits) {
    const double v = static_cast<double>(n) / scale;
    if (v < 1) continue;
    char buf[32];
    std::snprintf(buf, sizeof buf, v >= 100 ? "%.0f%s" : v >= 10 ? "%.1f%s" : "%.2f%s", v, suffix);
    return buf;
  }
  return FormatCount(n);
}

}  // namespace

void WriteBarChartSvg(const BarChart& chart, std::ostream& out) {
  constexpr double kLabelWidth = 150, kBarWidth = 170, kValueWidth = 150, kRow = 22;
  const double width = kLabelWidth + kBarWidth + kValueWidth;
  uint64_t max = chart.scale_max, total = 0;
  for (const auto& bar : chart.bars) {
    max = std::max(max, bar.second);
    total += bar.second;
  }
  const double height = std::max<double>(1, static_cast<double>(chart.bars.size())) * kRow + 4;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" << Num(width)
      << "\" height=\"" << Num(height) << "\" viewBox=\"0 0 " << Num(width) << " " << Num(height)
      << "\" aria-label=\"" << EscapeHtml(chart.title) << "\">\n";
  if (chart.bars.empty() || total == 0) {
    out << "<text x=\"0\" y=\"16\">none declared</text>\n</svg>\n";
    return;
  }
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const auto& [label, value] = chart.bars[i];
    const double y = static_cast<double>(i) * kRow + 2;
    const double w = kBarWidth * static_cast<double>(value) / static_cast<double>(max);
    const std::string shown = (chart.unit == "bytes" ? FormatValue(value, chart.unit)
                                                     : CompactCount(value) + " " + chart.unit) +
                              " (" + FormatShare(value, total) + ")";
    out << "<text x=\"" << Num(kLabelWidth - 6) << "\" y=\"" << Num(y + 15)
        << "\" text-anchor=\"end\">" << EscapeHtml(Shorten(label, 20)) << "</text>"
        << "<rect x=\"" << Num(kLabelWidth) << "\" y=\"" << Num(y + 3) << "\" width=\""
        << Num(std::max(w, value ? 1.0 : 0.0)) << "\" height=\"" << Num(kRow - 6) << "\" fill=\""
        << kPalette[i % std::size(kPalette)] << "\"><title>" << EscapeHtml(label) << ": "
        << EscapeHtml(shown) << "</title></rect>"
        << "<text x=\"" << Num(kLabelWidth + w + 4) << "\" y=\"" << Num(y + 15) << "\">"
        << EscapeHtml(shown) << "</text>\n";
  }
  out << "</svg>\n";
}

void WriteTimelineSvg(const Timeline& timeline, std::ostream& out) {
  constexpr double kLabelWidth = 190, kPlotWidth = 560, kRow = 20, kAxis = 24;
  const double width = kLabelWidth + kPlotWidth + 40;  // room for the last tick's label
  const double height =
      static_cast<double>(std::max<size_t>(1, timeline.periods.size())) * kRow + kAxis + 6;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" << Num(width)
      << "\" height=\"" << Num(height) << "\" viewBox=\"0 0 " << Num(width) << " " << Num(height)
      << "\" aria-label=\"Collection periods\">\n";
  if (timeline.periods.empty()) {
    out << "<text x=\"0\" y=\"16\">no collection periods declared</text>\n</svg>\n";
    return;
  }
  int64_t lo = timeline.periods[0].start, hi = timeline.periods[0].end;
  for (const Period& p : timeline.periods) {
    lo = std::min(lo, p.start);
    hi = std::max(hi, p.end);
  }
  // At least a month wide, so that a single day still reads as a point in time.
  if (hi - lo < 30 * 86400) {
    lo -= 15 * 86400;
    hi += 15 * 86400;
  }
  const double span = static_cast<double>(hi - lo);
  auto x = [&](int64_t t) { return kLabelWidth + kPlotWidth * static_cast<double>(t - lo) / span; };
  // Ticks at month starts, every 1, 3, 6, 12, 24 or 60 months: at most 8.
  std::tm first{};
  const time_t lo_t = static_cast<time_t>(lo);
  gmtime_r(&lo_t, &first);
  int step = 1;
  for (int s : {1, 3, 6, 12, 24, 60}) {
    step = s;
    if (span / (30.44 * 86400 * s) <= 8) break;
  }
  const int year = first.tm_year + 1900;
  // The first tick is the first aligned month start at or after lo.
  const int unit = std::min(step, 12);
  const bool at_month_start =
      first.tm_mday == 1 && first.tm_hour == 0 && first.tm_min == 0 && first.tm_sec == 0;
  int month = first.tm_mon / unit * unit;
  if (!(at_month_start && month == first.tm_mon)) month += unit;
  const double axis_y = static_cast<double>(timeline.periods.size()) * kRow + 4;
  for (int64_t t = MonthStart(year, month); t <= hi; t = MonthStart(year, month)) {
    std::tm tm{};
    const time_t tt = static_cast<time_t>(t);
    gmtime_r(&tt, &tm);
    char label[16];
    std::snprintf(label, sizeof label, step >= 12 ? "%04d" : "%04d-%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1);
    out << "<line class=\"axis\" x1=\"" << Num(x(t)) << "\" y1=\"0\" x2=\"" << Num(x(t))
        << "\" y2=\"" << Num(axis_y) << "\"/><text x=\"" << Num(x(t)) << "\" y=\""
        << Num(axis_y + 16) << "\" text-anchor=\"middle\">" << label << "</text>\n";
    month += step;
  }
  for (size_t i = 0; i < timeline.periods.size(); ++i) {
    const Period& p = timeline.periods[i];
    const double y = static_cast<double>(i) * kRow + 4;
    const double x0 = x(p.start), w = std::max(3.0, x(p.end) - x0);
    const std::string when =
        FormatDate(p.start) + " to " + (p.ongoing ? "ongoing" : FormatDate(p.end));
    out << "<text x=\"" << Num(kLabelWidth - 6) << "\" y=\"" << Num(y + 12)
        << "\" text-anchor=\"end\">" << EscapeHtml(Shorten(p.label, 28)) << "</text>"
        << "<rect" << (p.ongoing ? " class=\"ongoing\"" : "") << " x=\"" << Num(x0) << "\" y=\""
        << Num(y + 2) << "\" width=\"" << Num(w) << "\" height=\"" << Num(kRow - 6) << "\" fill=\""
        << kPalette[i % std::size(kPalette)] << "\"><title>" << EscapeHtml(p.label) << ": " << when
        << "</title></rect>";
    if (p.ongoing) {
      const double tip = x0 + w;
      out << "<path d=\"M" << Num(tip) << " " << Num(y) << " L" << Num(tip + 8) << " " << Num(y + 9)
          << " L" << Num(tip) << " " << Num(y + 18) << " Z\" fill=\""
          << kPalette[i % std::size(kPalette)] << "\"/>";
    }
    out << "\n";
  }
  out << "</svg>\n";
}

}  // namespace dtm::internal
