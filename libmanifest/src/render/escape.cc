#include "render/escape.h"

namespace dtm::internal {

std::string EscapeMarkdown(std::string_view text, ControlCharacters mode) {
  // CommonMark lets a backslash escape any ASCII punctuation.
  static constexpr std::string_view kSpecial = "\\`*_[]<>|#~&!$";
  std::string out;
  for (char c : Printable(text, mode)) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  for (char c : Printable(text, ControlCharacters::kAsSpace)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace dtm::internal
