#include "files/ignore_rules.h"

#include "dtm/file_io.h"
#include "files/walker.h"

namespace dtm::internal {

Status IgnoreRules::Add(std::string_view text, const std::string& name, std::string_view folder) {
  const std::string base = folder.empty() ? "" : std::string(folder) + "/";
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Trailing spaces go, unless escaped.
    while (!line.empty() && line.back() == ' ' &&
           !(line.size() >= 2 && line[line.size() - 2] == '\\')) {
      line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') continue;
    Rule rule;
    if (line.front() == '!') {
      rule.negated = true;
      line.remove_prefix(1);
    } else if (line.starts_with("\\#") || line.starts_with("\\!")) {
      line.remove_prefix(1);
    }
    if (!line.empty() && line.back() == '/') {
      rule.folders_only = true;
      line.remove_suffix(1);
    }
    // A slash left at the start or in the middle anchors the pattern.
    const bool anchored = line.find('/') != std::string_view::npos;
    if (!line.empty() && line.front() == '/') line.remove_prefix(1);
    std::string pattern = anchored ? std::string(line) : "**/" + std::string(line);
    auto glob = GlobPattern::Parse(pattern);
    if (!glob.ok()) {
      return Status::InvalidArgument(name + ":" + std::to_string(line_number),
                                     glob.status().message());
    }
    rule.pattern = std::move(*glob);
    rule.base = base;
    rules_.push_back(std::move(rule));
  }
  return Status::Ok();
}

Status IgnoreRules::AddDtmignoreIn(const std::string& root, std::string_view folder) {
  const std::string file = JoinPath(
      root, folder.empty() ? std::string(".dtmignore") : std::string(folder) + "/.dtmignore");
  auto text = ReadSmallFile(file, 16u << 20);
  if (text.ok()) return Add(*text, file, folder);
  return text.status().code() == StatusCode::kNotFound ? Status::Ok() : text.status();
}

bool IgnoreRules::Decide(std::string_view path, bool is_folder) const {
  for (auto it = rules_.rbegin(); it != rules_.rend(); ++it) {
    if (it->folders_only && !is_folder) continue;
    if (!path.starts_with(it->base) || path.size() == it->base.size()) continue;
    if (it->pattern.Matches(path.substr(it->base.size()))) return !it->negated;
  }
  return false;
}

bool IgnoreRules::Ignored(std::string_view path, bool is_folder) const {
  if (rules_.empty()) return false;
  for (size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    if (Decide(path.substr(0, slash), true)) return true;
  }
  return Decide(path, is_folder);
}

}  // namespace dtm::internal
