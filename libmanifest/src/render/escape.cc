#include "render/escape.h"

namespace dtm::internal {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHex(std::string* out, const char* prefix, unsigned char c) {
  *out += prefix;
  *out += kHex[c >> 4];
  *out += kHex[c & 15];
}

}  // namespace

std::string Printable(std::string_view text, ControlCharacters mode) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const bool c0 = c < 0x20 || c == 0x7f;
    if (mode == ControlCharacters::kAsSpace) {
      if (c == '\n' || c == '\r' || c == '\t') {
        out += ' ';
      } else if (!c0) {
        out += static_cast<char>(c);
      }
      continue;
    }
    const unsigned char next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c0) {
      AppendHex(&out, "\\x", c);
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {  // U+0080..U+009F
      AppendHex(&out, "\\u00", next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

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
