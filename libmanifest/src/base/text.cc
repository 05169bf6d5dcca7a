// Helpers of base/text.h.
#include "base/text.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace dtm::internal {

std::string QuoteForMessage(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  static constexpr size_t kMaxShown = 80;
  std::string out = "'";
  for (unsigned char c : text.substr(0, kMaxShown)) {
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + (text.size() > kMaxShown ? "'..." : "'");
}

size_t Utf8SequenceAt(std::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  size_t len;
  unsigned min_second = 0x80, max_second = 0xbf;
  if (c < 0x80) {
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    min_second = c == 0xe0 ? 0xa0 : 0x80;  // shortest form
    max_second = c == 0xed ? 0x9f : 0xbf;  // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    min_second = c == 0xf0 ? 0x90 : 0x80;  // shortest form
    max_second = c == 0xf4 ? 0x8f : 0xbf;  // at most U+10FFFF
  } else {
    return 0;
  }
  if (len > text.size() - i) return 0;
  for (size_t k = 1; k < len; ++k) {
    const unsigned char b = static_cast<unsigned char>(text[i + k]);
    const unsigned lo = k == 1 ? min_second : 0x80, hi = k == 1 ? max_second : 0xbf;
    if (b < lo || b > hi) return 0;
  }
  return len;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = Utf8SequenceAt(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

namespace {

uint32_t CodePoint(std::string_view text, size_t i, size_t len) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  switch (len) {
    case 1:
      return byte(0);
    case 2:
      return (byte(0) & 0x1fu) << 6 | (byte(1) & 0x3fu);
    case 3:
      return (byte(0) & 0x0fu) << 12 | (byte(1) & 0x3fu) << 6 | (byte(2) & 0x3fu);
    default:
      return (byte(0) & 0x07u) << 18 | (byte(1) & 0x3fu) << 12 | (byte(2) & 0x3fu) << 6 |
             (byte(3) & 0x3fu);
  }
}

// A character that acts instead of being read (see ControlCharacters).
bool IsControlOrMark(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string Printable(std::string_view text, ControlCharacters mode) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t len = Utf8SequenceAt(text, i);
    if (len == 0) {  // not UTF-8
      const unsigned char b = static_cast<unsigned char>(text[i++]);
      if (mode == ControlCharacters::kAsSpace) {
        out += "\xef\xbf\xbd";
      } else {
        out += "\\x";
        out += kHex[b >> 4];
        out += kHex[b & 15];
      }
      continue;
    }
    const uint32_t cp = CodePoint(text, i, len);
    if (!IsControlOrMark(cp) ||
        (mode == ControlCharacters::kShowEscapedKeepLines && (cp == '\n' || cp == '\t'))) {
      out.append(text.substr(i, len));
    } else if (mode == ControlCharacters::kAsSpace) {
      if (cp == '\n' || cp == '\r' || cp == '\t') out += ' ';
    } else {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 15];
    }
    i += len;
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace dtm::internal
