// Small text helpers for messages and input checks, shared inside libmanifest.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dtm::internal {

// `text` between single quotes, cut to 80 bytes (then "..." follows), with
// bytes outside printable ASCII, the quote and the backslash escaped as \xNN,
// so that a message showing user input stays one readable line.
std::string QuoteForMessage(std::string_view text);

// What Printable does with the characters that could act on a terminal or a
// reader instead of being read: C0 controls, DEL, C1 controls (U+0080..
// U+009F), the invisible bidirectional and direction marks (U+061C, U+200E,
// U+200F, U+202A..U+202E, U+2066..U+2069), and bytes that are not UTF-8.
enum class ControlCharacters {
  // Shown, so that a reader sees what is there: a control or mark as \u00NN
  // or \uNNNN (JSON's notation, so JSON text stays valid and means the
  // same), a byte that is not UTF-8 as \xNN. For one field on a terminal.
  kShowEscaped,
  // kShowEscaped, but newline and tab are kept: for whole outputs, where
  // lines are the output's own (TerminalText).
  kShowEscapedKeepLines,
  // Newline, carriage return and tab become one space; other controls and
  // marks are dropped; a byte that is not UTF-8 becomes U+FFFD. For prose in
  // documents.
  kAsSpace,
};

// `text` with those characters handled as `mode` says; everything else is
// kept byte for byte. The one function through which input text reaches
// people: terminal output, messages, Markdown and HTML.
std::string Printable(std::string_view text, ControlCharacters mode);

// The length of the UTF-8 sequence at text[i] (1 to 4), or 0 if the bytes
// there are not valid UTF-8 (RFC 3629).
size_t Utf8SequenceAt(std::string_view text, size_t i);

// True if `text` is valid UTF-8 (RFC 3629: shortest form, no surrogates, at
// most U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Levenshtein distance (insertions, deletions, substitutions of bytes), for
// "did you mean" suggestions. O(a.size() * b.size()) time.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace dtm::internal
