// Paths that differ only by Unicode normalisation or letter case. DTM never
// normalises paths (spec/cli.md, "Paths"), but file systems that do (macOS,
// Windows) hold only one file for two such names, so `dtm build` warns of them
// and `dtm verify --data` names the near miss when an entry is missing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dtm::internal {

// The path in Unicode Normalization Form C with full Unicode case folding:
// two paths with the same key differ only by normalisation or case. Bytes that
// are not valid UTF-8 are kept as they are.
std::string PathFoldKey(std::string_view path);

struct PathCollision {
  std::string first, second;  // first < second, byte order
};

struct PathCollisions {
  std::vector<PathCollision> listed;  // the first `max_listed`, in path order
  // Each group of k distinct paths with one key counts k - 1 collisions,
  // listed as (the group's first path, another).
  uint64_t count = 0;
};

// Finds the distinct paths among `count` paths (path_at(i) for i < count; a
// path may occur several times) that share a PathFoldKey. Memory: 16 bytes a
// path, plus the keys of the paths whose key hashes collide.
PathCollisions FindPathCollisions(size_t count,
                                  const std::function<std::string_view(size_t)>& path_at,
                                  size_t max_listed);

}  // namespace dtm::internal
