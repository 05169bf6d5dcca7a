// Making untrusted text safe to show: the escapers of each output format,
// on top of base/text.h's Printable, shared by reports and diffs. Text from a
// manifest, a model file or a policy goes through these before it is written.
// All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/text.h"

namespace dtm::internal {

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
