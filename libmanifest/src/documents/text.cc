// The text normalization of spec/documents.md, "Text".
#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "base/text.h"
#include "dtm/documents.h"

namespace dtm {
namespace {

// The code point of the valid UTF-8 sequence of `len` bytes at p.
char32_t DecodeAt(const unsigned char* p, size_t len) {
  switch (len) {
    case 1:
      return p[0];
    case 2:
      return (char32_t(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    case 3:
      return (char32_t(p[0] & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    default:
      return (char32_t(p[0] & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) |
             (char32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
  }
}

// Unicode's White_Space property (PropList.txt), which no later version has
// changed since 6.3: the list spec/documents.md fixes.
bool IsWhiteSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

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

}  // namespace

StatusOr<std::string> NormalizeText(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = internal::Utf8SequenceAt(text, i);
    if (len == 0) {
      return Status::InvalidArgument("text", "byte " + std::to_string(i) + " is not valid UTF-8");
    }
    i += len;
  }
  // U+FEFF, a byte order mark or the deprecated zero width no-break space, is dropped everywhere.
  std::string without_bom;
  if (text.find("\xEF\xBB\xBF") != std::string_view::npos) {
    without_bom.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
      if (text.substr(i, 3) == "\xEF\xBB\xBF") {
        i += 3;
        continue;
      }
      const size_t len = internal::Utf8SequenceAt(text, i);
      without_bom.append(text.substr(i, len));
      i += len;
    }
    text = without_bom;
  }
  DTM_ASSIGN_OR_RETURN(std::string nfc, Nfc(text));
  std::string out;
  out.reserve(nfc.size());
  bool pending_space = false;
  const auto* p = reinterpret_cast<const unsigned char*>(nfc.data());
  for (size_t i = 0; i < nfc.size();) {
    // NFC output is valid UTF-8; the guard only keeps the loop finite.
    const size_t len = std::max<size_t>(1, internal::Utf8SequenceAt(nfc, i));
    if (IsWhiteSpace(DecodeAt(p + i, len))) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.append(nfc, i, len);
    }
    i += len;
  }
  return out;
}

StatusOr<Sha256Digest> TextDigest(std::string_view text) {
  DTM_ASSIGN_OR_RETURN(std::string normalized, NormalizeText(text));
  return Sha256Of(normalized);
}

}  // namespace dtm
