// Helpers shared by the fuzz targets of this folder (see fuzz/README.md).
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace dtm::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A folder of the process's own, dtm-fuzz-XXXXXX, made on first use in $TMPDIR
// when set, else in /dev/shm (tmpfs) when writable, else in /tmp. It is left
// behind when the process ends: scripts/run-fuzzers.sh points TMPDIR at a
// folder it removes afterwards.
inline const std::string& ScratchDir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string base = tmp != nullptr && *tmp != '\0' ? tmp : "";
    if (base.empty()) base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    std::string templ = base + "/dtm-fuzz-XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) {
      std::perror("fuzz: mkdtemp");
      std::abort();
    }
    return templ;
  }();
  return dir;
}

// Replaces the file `name` in ScratchDir() by `bytes` and returns its path.
// Aborts if the file cannot be written: that is a fault of the machine, not a
// finding.
inline std::string WriteScratchFile(const std::string& name, std::string_view bytes) {
  const std::string path = ScratchDir() + "/" + name;
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror("fuzz: open scratch file");
    std::abort();
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      std::perror("fuzz: write scratch file");
      std::abort();
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return path;
}

}  // namespace dtm::fuzz
