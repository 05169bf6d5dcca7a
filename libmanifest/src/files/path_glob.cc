#include "files/path_glob.h"

namespace dtm::internal {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size() && !path.empty()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(start));
      break;
    }
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

namespace {

// Matches a bracket expression starting at pattern[*pi] == '['. On return *pi is
// just past the closing ']'. REQUIRES: the pattern passed Parse().
bool MatchBracket(std::string_view p, size_t* pi, unsigned char c) {
  size_t i = *pi + 1;
  bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
  if (negate) ++i;
  bool matched = false;
  bool first = true;
  while (i < p.size() && (p[i] != ']' || first)) {
    first = false;
    unsigned char lo = static_cast<unsigned char>(p[i]);
    if (lo == '\\' && i + 1 < p.size()) lo = static_cast<unsigned char>(p[++i]);
    unsigned char hi = lo;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      i += 2;
      hi = static_cast<unsigned char>(p[i]);
      if (hi == '\\' && i + 1 < p.size()) hi = static_cast<unsigned char>(p[++i]);
    }
    if (lo <= c && c <= hi) matched = true;
    ++i;
  }
  *pi = i + 1;  // past ']'
  return matched != negate;
}

}  // namespace

bool GlobSegmentMatches(std::string_view p, std::string_view s) {
  // Iterative wildcard matching with one backtrack point for the last '*'.
  size_t pi = 0, si = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = ++pi;
      star_s = si;
      continue;
    }
    if (pi < p.size()) {
      unsigned char c = static_cast<unsigned char>(s[si]);
      if (p[pi] == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (p[pi] == '[') {
        size_t next = pi;
        if (MatchBracket(p, &next, c)) {
          pi = next;
          ++si;
          continue;
        }
      } else {
        size_t lit = pi;
        if (p[lit] == '\\' && lit + 1 < p.size()) ++lit;
        if (static_cast<unsigned char>(p[lit]) == c) {
          pi = lit + 1;
          ++si;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

StatusOr<GlobPattern> GlobPattern::Parse(std::string_view pattern) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("pattern '" + std::string(pattern) + "'", why);
  };
  if (pattern.empty()) return bad("empty pattern");
  if (pattern.front() == '/') return bad("must be relative to the data root (no leading '/')");
  GlobPattern g;
  g.text_ = std::string(pattern);
  int double_stars = 0;
  for (std::string_view seg : SplitPath(pattern)) {
    if (seg.empty()) return bad("empty path segment ('//' or trailing '/')");
    if (seg == "." || seg == "..") return bad("'.' and '..' segments are not allowed");
    if (seg == "**" && ++double_stars > 8) return bad("more than 8 '**' segments");
    for (size_t i = 0; i < seg.size(); ++i) {
      if (seg[i] == '\\') {
        if (++i == seg.size()) return bad("trailing '\\'");
      } else if (seg[i] == '[') {
        size_t j = i + 1;
        if (j < seg.size() && (seg[j] == '!' || seg[j] == '^')) ++j;
        if (j < seg.size() && seg[j] == ']') ++j;
        while (j < seg.size() && seg[j] != ']') j += (seg[j] == '\\') ? 2 : 1;
        if (j >= seg.size()) return bad("unclosed '['");
        i = j;
      }
    }
    g.segments_.emplace_back(seg);
  }
  return g;
}

namespace {

bool MatchFrom(const std::vector<std::string>& pat, size_t pi,
               const std::vector<std::string_view>& segs, size_t si) {
  if (pi == pat.size()) return si == segs.size();
  if (pat[pi] == "**") {
    for (size_t k = si; k <= segs.size(); ++k) {
      if (MatchFrom(pat, pi + 1, segs, k)) return true;
    }
    return false;
  }
  return si < segs.size() && GlobSegmentMatches(pat[pi], segs[si]) &&
         MatchFrom(pat, pi + 1, segs, si + 1);
}

}  // namespace

bool GlobPattern::Matches(std::string_view path) const {
  return MatchFrom(segments_, 0, SplitPath(path), 0);
}

bool GlobPattern::CouldMatchUnder(std::string_view dir) const {
  std::vector<std::string_view> segs = SplitPath(dir);
  // The folder's segments must be a prefix matched by the pattern's leading
  // segments, with at least one pattern segment left for the file itself.
  size_t i = 0;
  for (; i < segs.size(); ++i) {
    if (i >= segments_.size()) return false;
    if (segments_[i] == "**") return true;
    if (!GlobSegmentMatches(segments_[i], segs[i])) return false;
  }
  return i < segments_.size();
}

}  // namespace dtm::internal
