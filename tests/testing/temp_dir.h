// A temporary folder for a test, removed with everything in it at the end.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <stdlib.h>

namespace dtm::testing {

// The names in `folder` (not recursive), sorted.
inline std::vector<std::string> ListNames(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(folder)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dtm-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The names in the folder, sorted.
  std::vector<std::string> Names() const { return ListNames(path_); }
  std::string Path(std::string_view rel) const { return path_ + "/" + std::string(rel); }
  std::string operator/(std::string_view rel) const { return Path(rel); }

  // Writes `contents` to the relative path `rel`, creating folders.
  std::string Write(std::string_view rel, std::string_view contents) const {
    std::string p = Path(rel);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary)
        .write(contents.data(), static_cast<std::streamsize>(contents.size()));
    return p;
  }

 private:
  std::string path_;
};

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace dtm::testing
