// The report document model: building, escaping and value formats
// (spec/report.md, "Escaping").
#include <google/protobuf/util/time_util.h>

#include <cmath>
#include <cstdio>
#include <ctime>

#include "dtm/format.h"
#include "render/document.h"

namespace dtm::internal {

Inline UrlText(const std::string& url) {
  if (url.empty()) return {};
  return {Span{url, url, false}};
}

Inline Linked(std::string text, const std::string& url) {
  if (url.empty()) return Text(std::move(text));
  if (text.empty()) return UrlText(url);
  return {Span{std::move(text), url, false}};
}

void Append(Inline* line, const Inline& more, std::string_view separator) {
  if (more.empty()) return;
  if (!line->empty() && !separator.empty())
    line->push_back(Span{std::string(separator), "", false});
  line->insert(line->end(), more.begin(), more.end());
}

void Document::AddHeading(int level, std::string text) {
  section_ = text;
  blocks.push_back(Heading{level, std::move(text)});
}

void Document::AddParagraph(Inline text) { blocks.push_back(Paragraph{std::move(text)}); }

void Document::AddItem(std::string label, Inline value, std::vector<Inline> list) {
  blocks.push_back(Item{std::move(label), std::move(value), false, std::move(list)});
}

void Document::AddGap(std::string label, std::string reason) {
  gaps.push_back(Gap{section_, label, reason});
  blocks.push_back(Item{std::move(label), Text(std::move(reason)), true, {}});
}

void Document::NoteGap(std::string label, std::string reason) {
  gaps.push_back(Gap{section_, std::move(label), std::move(reason)});
}

std::string SafeHref(std::string_view url) {
  auto starts = [url](std::string_view prefix) {
    if (url.size() <= prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
    }
    return true;
  };
  if (!starts("https://") && !starts("http://") && !starts("mailto:")) return "";
  for (char c : url) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' ||
        c == '`' || c == '(' || c == ')') {
      return "";
    }
  }
  return std::string(url);
}

std::string FormatCount(uint64_t n) { return GroupDigits(n); }

std::string FormatHours(double hours) {
  // Tenths of an hour, with the whole hours grouped like other counts.
  if (hours >= 0 && hours < 1e15) {
    const auto tenths = static_cast<uint64_t>(std::llround(hours * 10));
    return GroupDigits(tenths / 10) + "." + std::to_string(tenths % 10);
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", hours);
  return buf;
}

std::string FormatValue(uint64_t value, std::string_view unit) {
  if (unit == "bytes") return HumanBytes(value);
  return GroupDigits(value) + (unit.empty() ? "" : " " + std::string(unit));
}

std::string FormatShare(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

}  // namespace dtm::internal
