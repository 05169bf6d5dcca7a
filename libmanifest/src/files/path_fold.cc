#include "files/path_fold.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

namespace dtm::internal {

namespace {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

std::string PathFoldKey(std::string_view path) {
  if (IsAscii(path)) {
    std::string key(path);
    for (char& c : key) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return key;
  }
  utf8proc_uint8_t* folded = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(path.data()),
      static_cast<utf8proc_ssize_t>(path.size()), &folded,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (n < 0) return std::string(path);  // not UTF-8: no other path folds onto it
  std::string key(reinterpret_cast<const char*>(folded), static_cast<size_t>(n));
  std::free(folded);
  return key;
}

PathCollisions FindPathCollisions(size_t count,
                                  const std::function<std::string_view(size_t)>& path_at,
                                  size_t max_listed) {
  // Hash every key, then compare real keys only within runs of equal hashes.
  std::vector<std::pair<uint64_t, uint64_t>> hashed(count);
  std::hash<std::string_view> hash;
  for (size_t i = 0; i < count; ++i) {
    std::string key = PathFoldKey(path_at(i));
    hashed[i] = {hash(key), i};
  }
  std::sort(hashed.begin(), hashed.end());
  PathCollisions out;
  std::set<std::pair<std::string, std::string>> listed;  // the smallest pairs so far
  for (size_t run = 0; run < hashed.size();) {
    size_t end = run + 1;
    while (end < hashed.size() && hashed[end].first == hashed[run].first) ++end;
    if (end - run > 1) {
      std::map<std::string, std::set<std::string>> by_key;  // key -> distinct paths
      for (size_t k = run; k < end; ++k) {
        std::string_view p = path_at(hashed[k].second);
        by_key[PathFoldKey(p)].insert(std::string(p));
      }
      // k paths of one key are k - 1 collisions, each with the first path:
      // linear in k whatever the input.
      for (const auto& [key, paths] : by_key) {
        for (auto p = std::next(paths.begin()); p != paths.end(); ++p) {
          ++out.count;
          listed.insert({*paths.begin(), *p});
          if (listed.size() > max_listed) listed.erase(std::prev(listed.end()));
        }
      }
    }
    run = end;
  }
  for (const auto& [a, b] : listed) out.listed.push_back({a, b});
  return out;
}

}  // namespace dtm::internal
