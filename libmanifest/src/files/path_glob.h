// Glob patterns that select a source's files (spec/spec-file.md, "Patterns").
//
// A pattern is "/"-separated segments matched against a relative path's
// segments. "**" as a whole segment matches zero or more segments; in other
// segments "*" matches any run of bytes, "?" one byte, "[abc]", "[a-z]" and
// "[!abc]" one byte of (or not of) a set, and "\" makes the next byte literal.
// Matching is byte-wise and case-sensitive; a leading "." is not special.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dtm/status.h"

namespace dtm::internal {

class GlobPattern {
 public:
  // Checks the syntax: non-empty, relative, no "." or ".." or empty segment,
  // balanced brackets, no trailing "\".
  static StatusOr<GlobPattern> Parse(std::string_view pattern);

  const std::string& text() const { return text_; }

  // True if the relative path `path` matches the whole pattern.
  bool Matches(std::string_view path) const;

  // True if some path inside the folder `dir` (relative, "" for the root) could
  // match, so a walk may skip folders for which this is false.
  bool CouldMatchUnder(std::string_view dir) const;

 private:
  std::string text_;
  std::vector<std::string> segments_;
};

// True if one segment (no "/") matches one segment pattern.
bool GlobSegmentMatches(std::string_view pattern, std::string_view segment);

// Splits "a/b/c" into {"a","b","c"}; "" gives {}.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace dtm::internal
