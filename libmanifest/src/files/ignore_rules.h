// Ignore files in gitignore syntax: the data root's .dtmignore and a source's
// exclude_from (spec/spec-file.md, "Ignore files").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dtm/status.h"
#include "files/path_glob.h"

namespace dtm::internal {

// The rules of one or more ignore files, in order; the last rule that matches
// a path decides. Thread-compatible; matching does not allocate per call
// beyond the path's prefixes.
class IgnoreRules {
 public:
  // Adds the rules of `text`, the content of the file `name` (for messages).
  // A line is blank, a comment ("#..."), or a pattern: "!" negates it, "\"
  // escapes a leading "#" or "!", a trailing "/" matches folders only, a "/"
  // at the start or in the middle anchors it at the root (otherwise it
  // matches at any depth), "**" matches any number of folders, trailing
  // unescaped spaces are dropped. kInvalidArgument "NAME:LINE: problem" for a
  // pattern the glob syntax refuses. The rules apply to paths under `folder`
  // (relative to the root, "" for the root itself; a file's own folder, as
  // a nested .dtmignore is read), matched relative to it; rules added later
  // win over earlier ones, so add a folder's file after its parents'.
  Status Add(std::string_view text, const std::string& name, std::string_view folder = "");

  // Adds the rules of the .dtmignore in `folder` (relative to `root`, "" for
  // the root itself) when there is one; the file's kIOError or a bad pattern
  // otherwise. Call it for each folder as a walk enters it.
  Status AddDtmignoreIn(const std::string& root, std::string_view folder);

  bool empty() const { return rules_.empty(); }

  // Whether `path` (relative, "/"-separated; `is_folder` says what it is) is
  // ignored: by the last rule that matches it, or because a folder above it
  // is ignored (whose contents no rule can bring back, as in git).
  bool Ignored(std::string_view path, bool is_folder) const;

 private:
  struct Rule {
    GlobPattern pattern;
    bool negated = false;
    bool folders_only = false;
    std::string base;  // "" or "FOLDER/": the rule sees paths under it, without it
  };
  // The decision of the rules for `path` itself, ignoring its parents.
  bool Decide(std::string_view path, bool is_folder) const;

  std::vector<Rule> rules_;
};

}  // namespace dtm::internal
