// The text normalization of spec/documents.md, "Text".
#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "base/text.h"
#include "dtm/documents.h"

namespace dtm {
namespace {

struct FreeDeleter {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

// Unicode NFC of valid UTF-8. ASCII is its own NFC and skips the library.
StatusOr<std::string> Nfc(std::string_view text) {
  bool ascii = true;
  for (unsigned char c : text) ascii = ascii && c < 0x80;
  if (ascii) return std::string(text);
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(out);
  if (n < 0) {
    return Status::InvalidArgument("text",
                                   std::string("cannot be normalized: ") + utf8proc_errmsg(n));
  }
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

// The length of the White_Space code point at text[i], or 0 if there is none
// there. `text` is valid UTF-8.
size_t WhiteSpaceAt(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || c == 0x20 ? 1 : 0;
  auto at = [&](size_t k) {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  switch (c) {
    case 0xC2:  // U+0085, U+00A0
      return at(1) == 0x85 || at(1) == 0xA0 ? 2 : 0;
    case 0xE1:  // U+1680
      return at(1) == 0x9A && at(2) == 0x80 ? 3 : 0;
    case 0xE2:  // U+2000..U+200A, U+2028, U+2029, U+202F; U+205F
      if (at(1) == 0x80) {
        const unsigned d = at(2);
        return (d >= 0x80 && d <= 0x8A) || d == 0xA8 || d == 0xA9 || d == 0xAF ? 3 : 0;
      }
      return at(1) == 0x81 && at(2) == 0x9F ? 3 : 0;
    case 0xE3:  // U+3000
      return at(1) == 0x80 && at(2) == 0x80 ? 3 : 0;
    default:
      return 0;
  }
}

}  // namespace

StatusOr<std::string> NormalizeText(std::string_view text) {
  // One pass: validity, U+FEFF, and whether NFC can change anything. No code
  // point below U+0300 has NFC_Quick_Check No or Maybe, so text made only of
  // them is its own NFC.
  bool has_bom = false, may_change = false;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t len = internal::Utf8SequenceAt(text, i);
    if (len == 0) {
      return Status::InvalidArgument("text", "byte " + std::to_string(i) + " is not valid UTF-8");
    }
    // U+0300 is CC 80 in UTF-8; anything from there on may need the library.
    if (c > 0xCC || (c == 0xCC && len == 2)) may_change = true;
    if (len == 3 && c == 0xEF && text[i + 1] == '\xBB' && text[i + 2] == '\xBF') has_bom = true;
    i += len;
  }
  std::string without_bom;
  if (has_bom) {
    // U+FEFF, a byte order mark or the deprecated zero width no-break space, goes everywhere.
    without_bom.reserve(text.size());
    for (size_t at = 0;;) {
      const size_t bom = text.find("\xEF\xBB\xBF", at);
      without_bom.append(text.substr(at, bom == std::string_view::npos ? bom : bom - at));
      if (bom == std::string_view::npos) break;
      at = bom + 3;
    }
    text = without_bom;
  }
  std::string nfc;
  if (may_change) {
    DTM_ASSIGN_OR_RETURN(nfc, Nfc(text));
    text = nfc;
  }
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    if (const size_t ws = WhiteSpaceAt(text, i); ws > 0) {
      pending_space = !out.empty();
      i += ws;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    // Copy up to the next byte that may start white space.
    size_t j = i + 1;
    while (j < text.size()) {
      const auto c = static_cast<unsigned char>(text[j]);
      const bool maybe_space =
          c == 0x20 || (c >= 0x09 && c <= 0x0D) || c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3;
      if (maybe_space) break;
      ++j;
    }
    out.append(text, i, j - i);
    i = j;
  }
  return out;
}

StatusOr<Sha256Digest> TextDigest(std::string_view text) {
  DTM_ASSIGN_OR_RETURN(std::string normalized, NormalizeText(text));
  return Sha256Of(normalized);
}

}  // namespace dtm
