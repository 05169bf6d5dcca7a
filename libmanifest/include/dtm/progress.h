// Progress of long operations (hashing, verifying), for a caller to display.
#pragma once

#include <cstdint>
#include <functional>

namespace dtm {

struct Progress {
  const char* phase = "";  // "hashing", "verifying", ...
  uint64_t files_done = 0;
  uint64_t files_total = 0;
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
  double seconds = 0;  // since the phase started
  bool final = false;  // the last call of the phase
};

// Called from a thread the library owns, a few times a second and once with
// final = true; never from two threads at once. Must not block for long.
using ProgressFn = std::function<void(const Progress&)>;

}  // namespace dtm
