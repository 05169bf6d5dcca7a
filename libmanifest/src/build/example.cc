#include "dtm/example.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string_view>
#include <system_error>

#include "build/embedded_files.h"
#include "dtm/file_io.h"

namespace dtm {

using internal::EmbeddedFile;
using internal::ExampleProjectFiles;
namespace {

namespace fs = std::filesystem;

// `dir` joined with a relative path, as messages show it.
std::string Join(const std::string& dir, std::string_view rel) {
  if (rel.empty()) return dir;
  std::string out = dir;
  if (out.back() != '/') out += '/';
  out += rel;
  return out;
}

// The folders a relative path lies in, outermost first: "a/b/c" gives "a",
// "a/b".
std::vector<std::string_view> FoldersOf(std::string_view rel) {
  std::vector<std::string_view> out;
  for (size_t slash = rel.find('/'); slash != std::string_view::npos;
       slash = rel.find('/', slash + 1)) {
    out.push_back(rel.substr(0, slash));
  }
  return out;
}

// OK if nothing exists at `path`, not even a dangling symbolic link.
Status CheckAbsent(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::symlink_status(path, ec);
  if (st.type() == fs::file_type::not_found) return Status::Ok();
  if (ec) return Status::IOError(path, ec.message());
  return Status::InvalidArgument(path, "already exists (dtm init never overwrites a file)");
}

// OK if `path` is a folder (or a link to one) or does not exist.
Status CheckFolderOrAbsent(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found || st.type() == fs::file_type::directory) {
    return Status::Ok();
  }
  if (ec) return Status::IOError(path, ec.message());
  return Status::InvalidArgument(path, "exists and is not a folder");
}

// Checks, before anything is written, that every file can be created.
Status CheckTargets(const std::string& dir, std::span<const EmbeddedFile> files) {
  DTM_RETURN_IF_ERROR(CheckFolderOrAbsent(dir));
  std::set<std::string_view> folders_checked;
  for (const EmbeddedFile& file : files) {
    for (std::string_view folder : FoldersOf(file.path)) {
      if (folders_checked.insert(folder).second) {
        DTM_RETURN_IF_ERROR(CheckFolderOrAbsent(Join(dir, folder)));
      }
    }
    DTM_RETURN_IF_ERROR(CheckAbsent(Join(dir, file.path)));
  }
  return Status::Ok();
}

// What WriteExampleProject created, so that a failure can take it back.
class CreatedPaths {
 public:
  // Creates `folder` and any missing folders above it.
  Status MakeFolder(const fs::path& folder) {
    std::error_code ec;
    if (folder.empty() || fs::is_directory(folder, ec)) return Status::Ok();
    DTM_RETURN_IF_ERROR(MakeFolder(folder.parent_path()));
    if (!fs::create_directory(folder, ec)) {
      return Status::IOError("cannot create folder '" + folder.string() + "'",
                             ec ? ec.message() : "it appeared meanwhile");
    }
    paths_.push_back(folder);
    return Status::Ok();
  }

  void AddFile(const std::string& path) { paths_.emplace_back(path); }

  // Removes everything recorded, newest first. Best effort: a folder that is
  // no longer empty stays.
  void RemoveAll() {
    std::error_code ignored;
    for (auto it = paths_.rbegin(); it != paths_.rend(); ++it) fs::remove(*it, ignored);
    paths_.clear();
  }

 private:
  std::vector<fs::path> paths_;
};

}  // namespace

Status WriteExampleProject(const std::string& dir, std::vector<std::string>* written) {
  if (written != nullptr) written->clear();
  if (dir.empty()) return Status::InvalidArgument("dtm init", "the folder name is empty");
  std::span<const EmbeddedFile> files = ExampleProjectFiles();
  DTM_RETURN_IF_ERROR(CheckTargets(dir, files));

  CreatedPaths created;
  std::vector<std::string> paths;
  for (const EmbeddedFile& file : files) {
    std::string target = Join(dir, file.path);
    Status s = created.MakeFolder(fs::path(target).parent_path());
    if (s.ok()) s = WriteFileAtomically(target, file.bytes, 0644, /*overwrite=*/false);
    if (!s.ok()) {
      created.RemoveAll();
      return s;
    }
    created.AddFile(target);
    paths.emplace_back(file.path);
  }
  std::sort(paths.begin(), paths.end());
  if (written != nullptr) *written = std::move(paths);
  return Status::Ok();
}

}  // namespace dtm
