#include "files/walker.h"

#include "base/posix_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

namespace dtm::internal {

std::string JoinPath(std::string_view root, std::string_view rel) {
  std::string out(root);
  if (rel.empty()) return out;
  if (!out.empty() && out.back() != '/') out += '/';
  out += rel;
  return out;
}

namespace {

constexpr int kMaxDepth = 256;

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) == nullptr) return {};
  return buf;
}

bool IsInside(const std::string& real_root, const std::string& real_path) {
  if (real_path == real_root) return true;
  if (real_root == "/") return true;
  return real_path.size() > real_root.size() &&
         real_path.compare(0, real_root.size(), real_root) == 0 &&
         real_path[real_root.size()] == '/';
}

class Walker {
 public:
  Walker(const WalkOptions& options, std::function<bool(std::string_view)> descend,
         std::function<Status(const WalkEntry&)> visit)
      : options_(options), descend_(std::move(descend)), visit_(std::move(visit)) {}

  Status Run(const std::string& root) {
    real_root_ = RealPath(root);
    struct stat st;
    if (real_root_.empty() || stat(real_root_.c_str(), &st) != 0) {
      return internal::ErrnoStatus("data root '" + root + "'", errno);
    }
    if (!S_ISDIR(st.st_mode))
      return Status::InvalidArgument("data root '" + root + "'", "not a folder");
    visited_.insert({st.st_dev, st.st_ino});
    return WalkDir(real_root_, "", 0);
  }

 private:
  Status WalkDir(const std::string& abs_dir, const std::string& rel_dir, int depth) {
    if (depth > kMaxDepth) {
      return Status::LimitExceeded("'" + rel_dir + "'", "folders nested deeper than 256 levels");
    }
    std::unique_ptr<DIR, DirCloser> dir(opendir(abs_dir.c_str()));
    if (!dir) {
      return internal::ErrnoStatus("cannot read folder '" + (rel_dir.empty() ? "." : rel_dir) + "'",
                                   errno);
    }
    int dfd = dirfd(dir.get());
    while (true) {
      errno = 0;
      struct dirent* de = readdir(dir.get());
      if (de == nullptr) {
        if (errno != 0) return internal::ErrnoStatus("reading folder '" + rel_dir + "'", errno);
        break;
      }
      std::string_view name = de->d_name;
      if (name == "." || name == "..") continue;
      std::string rel = rel_dir.empty() ? std::string(name) : rel_dir + "/" + std::string(name);
      std::string abs = abs_dir + "/" + std::string(name);
      if (options_.defer_regular_stat && de->d_type == DT_REG) {
        WalkEntry e;
        e.type = WalkEntry::Type::kRegular;
        e.rel_path = std::move(rel);
        e.open_path = std::move(abs);
        e.at_offset = AtOffset(e.open_path, e.rel_path);
        DTM_RETURN_IF_ERROR(visit_(e));
        continue;
      }
      struct stat st;
      if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return internal::ErrnoStatus("'" + rel + "'", errno);
      }
      DTM_RETURN_IF_ERROR(Visit(abs, rel, st, depth));
    }
    return Status::Ok();
  }

  Status Visit(const std::string& abs, const std::string& rel, const struct stat& lst, int depth) {
    if (S_ISLNK(lst.st_mode)) {
      if (!options_.follow_symlinks) {
        WalkEntry e;
        e.type = WalkEntry::Type::kSymlink;
        e.rel_path = rel;
        e.open_path = abs;
        return visit_(e);
      }
      if (options_.link_wanted && !options_.link_wanted(rel)) return Status::Ok();
      std::string target = RealPath(abs);
      if (target.empty()) {
        return Status::InvalidArgument("'" + rel + "'", "symbolic link to a missing target");
      }
      if (!IsInside(real_root_, target)) {
        return Status::InvalidArgument("'" + rel + "'",
                                       "symbolic link points outside the data root, to " + target);
      }
      struct stat st;
      if (stat(target.c_str(), &st) != 0) return internal::ErrnoStatus("'" + rel + "'", errno);
      return VisitResolved(target, rel, st, depth);
    }
    return VisitResolved(abs, rel, lst, depth);
  }

  Status VisitResolved(const std::string& abs, const std::string& rel, const struct stat& st,
                       int depth) {
    if (S_ISDIR(st.st_mode)) {
      if (!descend_(rel)) return Status::Ok();
      if (!visited_.insert({st.st_dev, st.st_ino}).second) {
        return Status::InvalidArgument("'" + rel + "'", "followed symbolic links form a loop");
      }
      Status s = WalkDir(abs, rel, depth + 1);
      visited_.erase({st.st_dev, st.st_ino});
      return s;
    }
    WalkEntry e;
    e.rel_path = rel;
    e.open_path = abs;
    e.at_offset = AtOffset(abs, rel);
    if (S_ISREG(st.st_mode)) {
      e.type = WalkEntry::Type::kRegular;
      e.is_listed = true;
      e.listed.device = static_cast<uint64_t>(st.st_dev);
      e.listed.inode = static_cast<uint64_t>(st.st_ino);
      e.listed.size = static_cast<uint64_t>(st.st_size);
      e.listed.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    } else {
      e.type = WalkEntry::Type::kOther;
    }
    return visit_(e);
  }

  // Where `rel` starts in `abs` if `abs` is the real root joined with `rel`;
  // 0 for a followed link's target or anything under a followed folder link.
  uint32_t AtOffset(const std::string& abs, const std::string& rel) const {
    const size_t n = real_root_.size();
    if (abs.size() == n + 1 + rel.size() && abs.compare(0, n, real_root_) == 0 && abs[n] == '/' &&
        abs.compare(n + 1, rel.size(), rel) == 0) {
      return static_cast<uint32_t>(n + 1);
    }
    return 0;
  }

  WalkOptions options_;
  std::function<bool(std::string_view)> descend_;
  std::function<Status(const WalkEntry&)> visit_;
  std::string real_root_;
  std::set<std::pair<dev_t, ino_t>> visited_;  // folders on the current path
};

}  // namespace

Status WalkTree(const std::string& root, const WalkOptions& options,
                const std::function<bool(std::string_view rel_dir)>& descend,
                const std::function<Status(const WalkEntry& entry)>& visit) {
  Walker w(options, descend, visit);
  return w.Run(root);
}

}  // namespace dtm::internal
