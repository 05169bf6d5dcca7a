// Making untrusted text safe to show: one filter for control characters and
// the escapers of each output format, shared by reports and diffs. Text from a
// manifest, a model file or a policy goes through these before it is written.
// All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace dtm::internal {

// What happens to control characters.
enum class ControlCharacters {
  // Shown, so that a reader sees what is there: C0 controls and DEL as \xNN,
  // C1 controls (U+0080..U+009F) as \u00NN. For terminal text and diffs.
  kShowEscaped,
  // Newline, carriage return and tab become one space; the other C0 controls
  // and DEL are dropped. For prose in documents.
  kAsSpace,
};

// `text` with its control characters handled as `mode` says; every other byte
// is kept.
std::string Printable(std::string_view text, ControlCharacters mode);

// Printable text for Markdown: every character that can open inline markup,
// raw HTML, a link, an entity, a table cell, a heading or math
// (\ ` * _ [ ] < > | # ~ & ! $) is backslash-escaped, so text never turns into
// markup. A line's leading - + = is the caller's to escape.
std::string EscapeMarkdown(std::string_view text,
                           ControlCharacters mode = ControlCharacters::kAsSpace);

// Text for HTML element content and attribute values: & < > " ' escaped,
// control characters as kAsSpace.
std::string EscapeHtml(std::string_view text);

}  // namespace dtm::internal
